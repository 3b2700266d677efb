#pragma once
// Readers for IDX files (the MNIST family's format), gzip-compressed or plain. zlib's gz*
// functions read both transparently, so one code path serves .gz and uncompressed files.
// Every problem becomes a typenet::error that starts with the file's path: a bad download
// should say which file is bad and how, not crash or yield a half-filled dataset.

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <zlib.h>

#include <typenet/core/error.hpp>

namespace typenet::data {

// count images of rows x cols unsigned bytes each, stored image after image, row-major.
struct idx_images {
    std::size_t count = 0;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<std::uint8_t> pixels;
};

namespace detail {

inline constexpr std::uint32_t idx_images_magic = 0x00000803; // unsigned bytes, 3 dimensions
inline constexpr std::uint32_t idx_labels_magic = 0x00000801; // unsigned bytes, 1 dimension

// Far beyond any dataset this reader is meant for; a header claiming more is corrupt, and
// refusing it early keeps a 16-byte file from asking for terabytes.
inline constexpr std::uint64_t idx_max_bytes = std::uint64_t{1} << 31;

inline std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(v));
    return buf;
}

// "1 byte", "3 bytes": messages read as sentences.
inline std::string count_of(std::uint64_t n, std::string_view noun) {
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

inline std::uint32_t big_endian_u32(const unsigned char* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// A gzFile opened for reading, whose reads either deliver bytes or throw with the path.
class gz_reader {
public:
    explicit gz_reader(const std::filesystem::path& path) : path_(path.string()) {
        // Checked first because gzopen's failure alone cannot tell "missing" from other causes.
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (status.type() == std::filesystem::file_type::not_found) fail("file not found");
        if (status.type() == std::filesystem::file_type::directory) fail("is a directory, not a file");
        errno = 0;
        file_.reset(gzopen(path_.c_str(), "rb"));
        if (!file_) {
            const int e = errno;
            fail("cannot open: " + (e != 0 ? std::generic_category().message(e) : std::string("zlib refused it")));
        }
        // A larger buffer than zlib's 8 KiB default: the big files are read start to end.
        gzbuffer(file_.get(), 1U << 17);
    }

    [[noreturn]] void fail(const std::string& what) const { throw error(path_ + ": " + what); }

    // Reads up to n bytes, fewer only at the end of the data.
    std::size_t read(unsigned char* out, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            // gzread takes an unsigned count and returns an int, so read in bounded chunks.
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, std::size_t{1} << 30));
            const int r = gzread(file_.get(), out + got, chunk);
            if (r <= 0) break;
            got += static_cast<std::size_t>(r);
        }
        check();
        return got;
    }

    // Reads to the end and returns how many bytes were left. Reaching the end also makes zlib
    // verify the gzip trailer (CRC and length), so corruption is caught even without extra bytes.
    std::uint64_t count_remaining() {
        std::uint64_t total = 0;
        std::vector<unsigned char> buf(1U << 16);
        for (;;) {
            const int r = gzread(file_.get(), buf.data(), static_cast<unsigned>(buf.size()));
            if (r <= 0) break;
            total += static_cast<std::uint64_t>(r);
        }
        check();
        return total;
    }

private:
    struct closer {
        void operator()(gzFile f) const noexcept { gzclose_r(f); }
    };

    // zlib records an error in the file state rather than always failing the read that met it
    // (a cut-off stream yields a short read), so the state is checked after every read.
    void check() const {
        int errnum = Z_OK;
        const char* msg = gzerror(file_.get(), &errnum);
        if (errnum == Z_OK) return;
        std::string text = msg != nullptr ? msg : "";
        // zlib prefixes its messages with the path, which our own prefix already gives.
        if (const std::string prefix = path_ + ": "; text.starts_with(prefix)) text.erase(0, prefix.size());
        if (errnum == Z_ERRNO) fail("read error: " + text);
        if (errnum == Z_BUF_ERROR) fail("gzip stream is cut short (zlib: " + text + ")");
        fail("corrupt gzip data (zlib: " + text + ")");
    }

    std::string path_;
    std::unique_ptr<gzFile_s, closer> file_;
};

// Reads the header, checks its magic number and returns its big-endian dimensions.
template <std::size_t Dims>
std::array<std::uint32_t, Dims> read_idx_header(gz_reader& in, std::uint32_t expected_magic, std::string_view kind) {
    constexpr std::size_t header_bytes = 4 + 4 * Dims;
    unsigned char header[header_bytes] = {};
    const std::size_t got = in.read(header, header_bytes);
    // The magic number is judged first: a short file of the wrong kind is best reported as such.
    if (got >= 4) {
        const std::uint32_t magic = big_endian_u32(header);
        if (magic != expected_magic)
            in.fail("not an IDX " + std::string(kind) + " file: magic number is " + hex32(magic) + ", expected " +
                    hex32(expected_magic));
    }
    if (got < header_bytes)
        in.fail("truncated header: expected " + std::to_string(header_bytes) + " bytes, found " + std::to_string(got));
    std::array<std::uint32_t, Dims> dims{};
    for (std::size_t i = 0; i < Dims; ++i) dims[i] = big_endian_u32(header + 4 + 4 * i);
    return dims;
}

// Reads exactly `expected` data bytes, growing the buffer as data arrives so that a header
// promising more than the file holds cannot force a large allocation up front.
inline std::vector<std::uint8_t> read_idx_data(gz_reader& in, std::uint64_t expected) {
    std::vector<std::uint8_t> data;
    constexpr std::uint64_t step = std::uint64_t{1} << 24;
    std::uint64_t have = 0;
    while (have < expected) {
        const auto want = static_cast<std::size_t>(std::min(step, expected - have));
        data.resize(static_cast<std::size_t>(have) + want);
        const std::size_t got = in.read(data.data() + have, want);
        have += got;
        if (got < want)
            in.fail("truncated: expected " + std::to_string(expected) + " bytes of data, found " +
                    std::to_string(have));
    }
    if (const std::uint64_t extra = in.count_remaining(); extra != 0)
        in.fail(count_of(extra, "trailing byte") + " beyond the declared size: expected " + std::to_string(expected) +
                " bytes of data, found " + std::to_string(expected + extra));
    return data;
}

} // namespace detail

// Reads an IDX3 unsigned-byte image file (magic 0x00000803), e.g. train-images-idx3-ubyte.gz.
inline idx_images read_idx_images(const std::filesystem::path& path) {
    detail::gz_reader in(path);
    const auto dims = detail::read_idx_header<3>(in, detail::idx_images_magic, "image");
    const auto describe = [&] {
        return detail::count_of(dims[0], "image") + " of " + std::to_string(dims[1]) + " x " + std::to_string(dims[2]);
    };
    if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0)
        in.fail("absurd dimensions: " + describe() + " (every dimension must be at least 1)");
    // Two 32-bit factors cannot overflow 64 bits, and the third multiplies a product already
    // known to be at most 2^31, so the checks cannot overflow themselves.
    const std::uint64_t per_image = std::uint64_t{dims[1]} * dims[2];
    if (per_image > detail::idx_max_bytes || per_image * dims[0] > detail::idx_max_bytes)
        in.fail("absurd dimensions: " + describe() + " exceed the limit of " + std::to_string(detail::idx_max_bytes) +
                " bytes");
    idx_images out;
    out.count = dims[0];
    out.rows = dims[1];
    out.cols = dims[2];
    out.pixels = detail::read_idx_data(in, per_image * dims[0]);
    return out;
}

// Reads an IDX1 unsigned-byte label file (magic 0x00000801), e.g. train-labels-idx1-ubyte.gz.
inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path) {
    detail::gz_reader in(path);
    const auto dims = detail::read_idx_header<1>(in, detail::idx_labels_magic, "label");
    if (dims[0] == 0) in.fail("absurd dimensions: 0 labels (the count must be at least 1)");
    if (dims[0] > detail::idx_max_bytes)
        in.fail("absurd dimensions: " + detail::count_of(dims[0], "label") + " exceed the limit of " +
                std::to_string(detail::idx_max_bytes));
    return detail::read_idx_data(in, dims[0]);
}

} // namespace typenet::data
