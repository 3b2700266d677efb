#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include <typenet/core/error.hpp>
#include <typenet/data/fashion_mnist.hpp>

#include "idx_files.hpp"

namespace fashion_mnist_test {

using Catch::Matchers::Contains;
namespace fashion_mnist = typenet::data::fashion_mnist;
namespace t = typenet_test;

namespace {

constexpr std::uint32_t side = 28;
constexpr std::size_t pixels_per_image = side * side;

} // namespace

TEST_CASE("fashion_mnist::load reads a generated pair and scales pixels to 0..1", "[data][fashion_mnist]") {
    const t::temp_dir dir;
    auto pixels = t::noise(2 * pixels_per_image, 3);
    pixels[0] = 0;
    pixels[1] = 255;
    pixels[2] = 51;
    t::write_gzip(dir / "images.gz", t::image_file(2, side, side, pixels));
    t::write_gzip(dir / "labels.gz", t::label_file({9, 4}));

    const auto d = fashion_mnist::load(dir / "images.gz", dir / "labels.gz");
    REQUIRE_NOTHROW(d.validate());
    CHECK(d.size() == 2);
    CHECK(d.width == 784);
    CHECK(d.classes == 10);
    CHECK(d.labels == std::vector<std::uint32_t>{9, 4});
    CHECK(d.features[0] == 0.0f);
    CHECK(d.features[1] == 1.0f);
    CHECK(d.features[2] == Approx(0.2f));
    for (std::size_t i = 0; i < pixels.size(); ++i) REQUIRE(d.features[i] == static_cast<float>(pixels[i]) / 255.0f);
}

TEST_CASE("fashion_mnist::load reports image and label files whose counts disagree", "[data][fashion_mnist]") {
    const t::temp_dir dir;
    const auto images = dir / "images.gz";
    const auto labels = dir / "labels.gz";
    t::write_gzip(images, t::image_file(3, side, side, t::noise(3 * pixels_per_image, 4)));
    t::write_gzip(labels, t::label_file({1, 2}));
    REQUIRE_THROWS_WITH(fashion_mnist::load(images, labels),
                        images.string() + " and " + labels.string() + " disagree: 3 images but 2 labels");
}

TEST_CASE("fashion_mnist::load rejects images of another size and labels of another range", "[data][fashion_mnist]") {
    const t::temp_dir dir;
    const auto images = dir / "images.gz";
    const auto labels = dir / "labels.gz";
    SECTION("4 x 4 images") {
        t::write_gzip(images, t::image_file(2, 4, 4, t::noise(32, 5)));
        t::write_gzip(labels, t::label_file({1, 2}));
        REQUIRE_THROWS_WITH(fashion_mnist::load(images, labels),
                            images.string() + ": expected 28 x 28 images, found 4 x 4");
    }
    SECTION("a label of 10") {
        t::write_gzip(images, t::image_file(2, side, side, t::noise(2 * pixels_per_image, 6)));
        t::write_gzip(labels, t::label_file({1, 10}));
        REQUIRE_THROWS_WITH(fashion_mnist::load(images, labels),
                            Contains(labels.string()) && Contains("label 10 of sample 1"));
    }
}

TEST_CASE("fashion_mnist::directory honours TYPENET_FASHION_MNIST_DIR", "[data][fashion_mnist]") {
    SECTION("set") {
        const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", "/some/where");
        CHECK(fashion_mnist::directory() == std::filesystem::path("/some/where"));
    }
    SECTION("unset") {
        const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", std::nullopt);
        CHECK(fashion_mnist::directory() == std::filesystem::path("/usr/share/datasets/fashion-mnist"));
    }
    SECTION("empty") {
        const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", "");
        CHECK(fashion_mnist::directory() == std::filesystem::path("/usr/share/datasets/fashion-mnist"));
    }
}

TEST_CASE("missing Fashion-MNIST files are reported with the package to install", "[data][fashion_mnist]") {
    const t::temp_dir dir;
    const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", dir.path().string());
    REQUIRE_THROWS_WITH(fashion_mnist::test(),
                        Contains((dir / "t10k-images-idx3-ubyte.gz").string()) && Contains("not found") &&
                            Contains("apt-get install dataset-fashion-mnist"));
    REQUIRE_THROWS_WITH(fashion_mnist::train(), Contains("train-images-idx3-ubyte.gz") && Contains("not found"));
}

TEST_CASE("fashion_mnist::test and train read files from TYPENET_FASHION_MNIST_DIR, gzip or plain",
          "[data][fashion_mnist]") {
    const t::temp_dir dir;
    const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", dir.path().string());
    t::write_gzip(dir / "t10k-images-idx3-ubyte.gz", t::image_file(1, side, side, t::noise(pixels_per_image, 7)));
    t::write_gzip(dir / "t10k-labels-idx1-ubyte.gz", t::label_file({5}));
    t::write_plain(dir / "train-images-idx3-ubyte", t::image_file(2, side, side, t::noise(2 * pixels_per_image, 8)));
    t::write_plain(dir / "train-labels-idx1-ubyte", t::label_file({0, 9}));
    CHECK(fashion_mnist::test().labels == std::vector<std::uint32_t>{5});
    CHECK(fashion_mnist::train().labels == std::vector<std::uint32_t>{0, 9});
}

TEST_CASE("the installed Fashion-MNIST test set has 10000 valid samples of every class", "[data][fashion_mnist]") {
    // The package dataset-fashion-mnist is installed wherever the tests run; its absence is a
    // failure, not a reason to skip.
    const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", std::nullopt);
    REQUIRE(std::filesystem::exists("/usr/share/datasets/fashion-mnist"));
    const auto d = fashion_mnist::test();
    REQUIRE_NOTHROW(d.validate());
    REQUIRE(d.size() == 10000);
    REQUIRE(d.width == 784);
    REQUIRE(d.classes == 10);
    REQUIRE(d.labels.size() == 10000);
    std::array<std::size_t, 10> per_class{};
    for (const auto label : d.labels) {
        REQUIRE(label < 10);
        ++per_class[label];
    }
    for (const auto count : per_class) CHECK(count > 0);
    const auto [lowest, highest] = std::minmax_element(d.features.begin(), d.features.end());
    CHECK(*lowest >= 0.0f);
    CHECK(*highest <= 1.0f);
    CHECK(*highest > 0.0f); // not all black: the pixels really were read
}

TEST_CASE("the installed Fashion-MNIST training set has 60000 samples", "[data][fashion_mnist]") {
    const t::scoped_env env("TYPENET_FASHION_MNIST_DIR", std::nullopt);
    REQUIRE(std::filesystem::exists("/usr/share/datasets/fashion-mnist"));
    const auto d = fashion_mnist::train();
    REQUIRE(d.size() == 60000);
    REQUIRE(d.labels.size() == 60000);
    REQUIRE(d.width == 784);
}

} // namespace fashion_mnist_test
