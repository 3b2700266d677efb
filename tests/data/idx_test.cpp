#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <typenet/core/error.hpp>
#include <typenet/data/idx.hpp>

#include "idx_files.hpp"

namespace idx_test {

using Catch::Matchers::Contains;
using typenet::data::read_idx_images;
using typenet::data::read_idx_labels;
namespace t = typenet_test;

namespace {

// 3 images of 4 x 5 covering 0, 255 and values in between.
t::bytes sample_pixels() {
    t::bytes p(3 * 4 * 5);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>((i * 37) % 256);
    p.front() = 0;
    p.back() = 255;
    return p;
}

} // namespace

TEST_CASE("read_idx_images and read_idx_labels round-trip a gzip-compressed pair exactly", "[data][idx]") {
    const t::temp_dir dir;
    const auto pixels = sample_pixels();
    const t::bytes labels{0, 9, 3};
    t::write_gzip(dir / "images.gz", t::image_file(3, 4, 5, pixels));
    t::write_gzip(dir / "labels.gz", t::label_file(labels));

    const auto images = read_idx_images(dir / "images.gz");
    CHECK(images.count == 3);
    CHECK(images.rows == 4);
    CHECK(images.cols == 5);
    CHECK(images.pixels == pixels);
    CHECK(read_idx_labels(dir / "labels.gz") == labels);
}

TEST_CASE("read_idx_images and read_idx_labels also read uncompressed files", "[data][idx]") {
    const t::temp_dir dir;
    const auto pixels = sample_pixels();
    const t::bytes labels{7, 0, 255};
    t::write_plain(dir / "images-idx3-ubyte", t::image_file(3, 4, 5, pixels));
    t::write_plain(dir / "labels-idx1-ubyte", t::label_file(labels));

    const auto images = read_idx_images(dir / "images-idx3-ubyte");
    CHECK(images.count == 3);
    CHECK(images.rows == 4);
    CHECK(images.cols == 5);
    CHECK(images.pixels == pixels);
    CHECK(read_idx_labels(dir / "labels-idx1-ubyte") == labels);
}

TEST_CASE("a missing or unreadable IDX file is reported with its path", "[data][idx]") {
    const t::temp_dir dir;
    const auto missing = dir / "no-such-file.gz";
    REQUIRE_THROWS_WITH(read_idx_images(missing), missing.string() + ": file not found");
    REQUIRE_THROWS_WITH(read_idx_labels(missing), missing.string() + ": file not found");
    REQUIRE_THROWS_WITH(read_idx_images(dir.path()), Contains(dir.path().string()) && Contains("is a directory"));
    const auto empty = dir / "empty";
    t::write_plain(empty, {});
    REQUIRE_THROWS_WITH(read_idx_labels(empty), empty.string() + ": truncated header: expected 8 bytes, found 0");
}

TEST_CASE("truncated IDX data reports the expected and found byte counts", "[data][idx]") {
    const t::temp_dir dir;
    const auto path = dir / "short";
    // 2 images of 3 x 4 need 24 bytes; the file holds 20.
    const auto content = t::image_file(2, 3, 4, t::bytes(20, 1));
    SECTION("plain") { t::write_plain(path, content); }
    SECTION("gzip") { t::write_gzip(path, content); }
    REQUIRE_THROWS_AS(read_idx_images(path), typenet::error);
    REQUIRE_THROWS_WITH(read_idx_images(path), path.string() + ": truncated: expected 24 bytes of data, found 20");
}

TEST_CASE("truncated IDX labels and headers are reported", "[data][idx]") {
    const t::temp_dir dir;
    const auto labels = dir / "labels.gz";
    t::write_gzip(labels, t::idx_bytes(0x00000801, {10}, t::bytes(4, 1)));
    REQUIRE_THROWS_WITH(read_idx_labels(labels),
                        Contains(labels.string()) && Contains("truncated") &&
                            Contains("expected 10 bytes of data, found 4"));

    const auto header = dir / "header.gz";
    t::write_gzip(header, t::idx_bytes(0x00000803, {5}, {}));
    REQUIRE_THROWS_WITH(read_idx_images(header), header.string() + ": truncated header: expected 16 bytes, found 8");
}

TEST_CASE("bytes beyond the declared size are rejected", "[data][idx]") {
    const t::temp_dir dir;
    const auto path = dir / "long.gz";
    t::write_gzip(path, t::image_file(1, 2, 2, t::bytes(7, 1)));
    REQUIRE_THROWS_WITH(read_idx_images(path), path.string() +
                                                   ": 3 trailing bytes beyond the declared size: expected 4 bytes of "
                                                   "data, found 7");
    const auto labels = dir / "labels";
    t::write_plain(labels, t::idx_bytes(0x00000801, {2}, {1, 2, 3}));
    REQUIRE_THROWS_WITH(read_idx_labels(labels), labels.string() + ": 1 trailing byte beyond the declared size: "
                                                                   "expected 2 bytes of data, found 3");
}

TEST_CASE("a wrong magic number is reported in hex next to the expected one", "[data][idx]") {
    const t::temp_dir dir;
    const auto labels = dir / "labels.gz";
    const auto images = dir / "images.gz";
    t::write_gzip(labels, t::label_file({1, 2, 3}));
    t::write_gzip(images, t::image_file(1, 1, 1, {0}));
    REQUIRE_THROWS_WITH(read_idx_images(labels),
                        labels.string() + ": not an IDX image file: magic number is 0x00000801, expected 0x00000803");
    REQUIRE_THROWS_WITH(read_idx_labels(images),
                        images.string() + ": not an IDX label file: magic number is 0x00000803, expected 0x00000801");

    const auto text = dir / "text";
    t::write_plain(text, {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n', '!', '!', '!', '!'});
    REQUIRE_THROWS_WITH(read_idx_images(text), Contains(text.string()) && Contains("magic number is 0x68656c6c"));
    // A short file of the wrong kind is reported for its kind, not for its length.
    const auto tiny = dir / "tiny";
    t::write_plain(tiny, {0xde, 0xad, 0xbe, 0xef});
    REQUIRE_THROWS_WITH(read_idx_labels(tiny), Contains("magic number is 0xdeadbeef, expected 0x00000801"));
}

TEST_CASE("absurd IDX dimensions are rejected before any allocation", "[data][idx]") {
    const t::temp_dir dir;
    const auto path = dir / "absurd.gz";
    SECTION("a zero dimension") {
        t::write_gzip(path, t::image_file(4, 0, 28, {}));
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains(path.string()) && Contains("absurd dimensions") &&
                                                       Contains("4 images of 0 x 28"));
    }
    SECTION("zero images") {
        t::write_gzip(path, t::image_file(0, 28, 28, {}));
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains("absurd dimensions"));
    }
    SECTION("a product beyond 2^31 bytes") {
        t::write_gzip(path, t::image_file(65536, 65536, 65536, {}));
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains(path.string()) && Contains("absurd dimensions") &&
                                                       Contains("65536 images of 65536 x 65536"));
    }
    SECTION("a product that overflows 64 bits") {
        t::write_gzip(path, t::image_file(0xffffffff, 0xffffffff, 0xffffffff, {}));
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains("absurd dimensions"));
    }
    SECTION("zero labels") {
        t::write_gzip(path, t::idx_bytes(0x00000801, {0}, {}));
        REQUIRE_THROWS_WITH(read_idx_labels(path), Contains(path.string()) && Contains("absurd dimensions"));
    }
    SECTION("more than 2^31 labels") {
        t::write_gzip(path, t::idx_bytes(0x00000801, {0x80000001}, {}));
        REQUIRE_THROWS_WITH(read_idx_labels(path), Contains("absurd dimensions: 2147483649 labels"));
    }
}

TEST_CASE("corrupt gzip data raises typenet::error naming the file", "[data][idx]") {
    const t::temp_dir dir;
    const auto path = dir / "corrupt.gz";
    t::write_gzip(path, t::image_file(4, 16, 16, t::noise(4 * 16 * 16, 1)));
    auto compressed = t::read_plain(path);
    REQUIRE(compressed.size() > 200);

    SECTION("bytes flipped in the middle of the compressed stream") {
        for (std::size_t i = compressed.size() / 2; i < compressed.size() / 2 + 8; ++i) compressed[i] ^= 0xff;
        t::write_plain(path, compressed);
        REQUIRE_THROWS_AS(read_idx_images(path), typenet::error);
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains(path.string()) && Contains("gzip"));
    }
    SECTION("the stream cut off half way") {
        compressed.resize(compressed.size() / 2);
        t::write_plain(path, compressed);
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains(path.string()) && Contains("gzip stream is cut short"));
    }
    SECTION("a damaged checksum in the gzip trailer") {
        compressed[compressed.size() - 6] ^= 0x01; // inside the CRC-32, after all of the data
        t::write_plain(path, compressed);
        REQUIRE_THROWS_WITH(read_idx_images(path), Contains(path.string()) && Contains("corrupt gzip data"));
    }
}

TEST_CASE("no damaged or shortened IDX file makes the readers fail other than by typenet::error", "[data][idx]") {
    // Every single-byte change and every truncation of a small valid file, plain and gzip: each
    // must either read or throw typenet::error (the sanitizer build catches anything worse).
    const t::temp_dir dir;
    const auto path = dir / "mutant";
    const auto reads_or_reports = [&](const t::bytes& content, bool labels) {
        t::write_plain(path, content);
        try {
            if (labels) (void)read_idx_labels(path);
            else (void)read_idx_images(path);
        } catch (const typenet::error&) {
        }
    };
    const auto images = t::image_file(2, 3, 3, t::noise(18, 2));
    const auto labels = t::label_file({1, 2, 3, 4, 5});
    t::write_gzip(path, images);
    const auto images_gz = t::read_plain(path);
    t::write_gzip(path, labels);
    const auto labels_gz = t::read_plain(path);

    for (const auto* original : {&images, &labels, &images_gz, &labels_gz}) {
        const bool is_labels = original == &labels || original == &labels_gz;
        for (std::size_t i = 0; i < original->size(); ++i) {
            for (const std::uint8_t mask : {0x01, 0x80, 0xff}) {
                auto mutant = *original;
                mutant[i] ^= mask;
                CHECK_NOTHROW(reads_or_reports(mutant, is_labels));
            }
            const t::bytes cut(original->begin(), original->begin() + static_cast<std::ptrdiff_t>(i));
            CHECK_NOTHROW(reads_or_reports(cut, is_labels));
        }
    }
}

} // namespace idx_test
