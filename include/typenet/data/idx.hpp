#pragma once
// Readers for IDX files (the MNIST family's format), gzip-compressed or plain: the one part of
// typenet that needs zlib (link with -lz, or CMake's typenet::data target).
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
#include <typenet/data/read_limits.hpp>
#include <typenet/io/file.hpp>

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

// An IDX file opened for reading, gzip-compressed or plain (told by gzip's magic bytes), whose
// reads either deliver bytes or throw with the path. zlib's inflate is driven directly so that
// bytes after the gzip data are seen (gzread skips them silently): further gzip members are
// read on, anything else is an error.
class gz_reader {
public:
    explicit gz_reader(const std::filesystem::path& path) : path_(path.string()) {
        file_size_ = typenet::detail::regular_file_size(path);
        errno = 0;
        file_.reset(std::fopen(path_.c_str(), "rb"));
        if (!file_) fail("cannot open: " + std::generic_category().message(errno));
        ensure_input(2);
        gzip_ = available() >= 2 && in_[pos_] == 0x1f && in_[pos_ + 1] == 0x8b;
        if (gzip_ && inflateInit2(&z_, 15 + 16) != Z_OK) fail("zlib cannot start");
    }
    gz_reader(const gz_reader&) = delete;
    gz_reader& operator=(const gz_reader&) = delete;
    ~gz_reader() {
        if (gzip_) inflateEnd(&z_);
    }

    [[noreturn]] void fail(const std::string& what) const { throw error(path_ + ": " + what); }

    // Reads up to n bytes, fewer only at the end of the data.
    std::size_t read(unsigned char* out, std::size_t n) {
        std::size_t got = 0;
        while (got < n && !ended_) {
            if (available() == 0) ensure_input(1);
            if (!gzip_) {
                if (available() == 0) {
                    ended_ = true;
                    break;
                }
                const std::size_t k = std::min(n - got, available());
                std::copy_n(in_.data() + pos_, k, out + got);
                pos_ += k;
                got += k;
                continue;
            }
            z_.next_in = in_.data() + pos_;
            z_.avail_in = static_cast<uInt>(available());
            z_.next_out = out + got;
            z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - got, std::size_t{1} << 30));
            const uInt before_out = z_.avail_out;
            const int r = inflate(&z_, Z_NO_FLUSH);
            pos_ = static_cast<std::size_t>(z_.next_in - in_.data());
            got += before_out - z_.avail_out;
            if (r == Z_STREAM_END) {
                end_of_member();
            } else if (r == Z_BUF_ERROR || (r == Z_OK && available() == 0 && at_eof_)) {
                if (available() == 0 && at_eof_) fail("gzip stream is cut short (zlib: unexpected end of file)");
            } else if (r != Z_OK) {
                fail("corrupt gzip data (zlib: " + std::string(z_.msg != nullptr ? z_.msg : "error " + std::to_string(r)) + ")");
            }
        }
        return got;
    }

    // Reads to the end and returns how many bytes were left. Reaching the end also makes zlib
    // verify the gzip trailer (CRC and length), so corruption is caught even without extra bytes.
    std::uint64_t count_remaining() {
        std::uint64_t total = 0;
        std::vector<unsigned char> buf(1U << 16);
        for (;;) {
            const std::size_t r = read(buf.data(), buf.size());
            if (r == 0) break;
            total += r;
        }
        return total;
    }

private:
    struct closer {
        void operator()(std::FILE* f) const noexcept { std::fclose(f); }
    };

    std::size_t available() const noexcept { return len_ - pos_; }

    // Reads from the file until at least k unread bytes are buffered, or the file ends.
    void ensure_input(std::size_t k) {
        if (available() >= k || at_eof_) return;
        std::copy(in_.begin() + static_cast<std::ptrdiff_t>(pos_), in_.begin() + static_cast<std::ptrdiff_t>(len_), in_.begin());
        len_ -= pos_;
        pos_ = 0;
        while (len_ < k && !at_eof_) {
            const std::size_t r = std::fread(in_.data() + len_, 1, in_.size() - len_, file_.get());
            if (r == 0) {
                if (std::ferror(file_.get())) fail("read error: " + std::generic_category().message(errno));
                at_eof_ = true;
            }
            consumed_ += r;
            len_ += r;
        }
    }

    // After a gzip member: another member follows, or the file ends; anything else is junk.
    void end_of_member() {
        ensure_input(2);
        if (available() == 0) {
            ended_ = true;
            return;
        }
        if (available() >= 2 && in_[pos_] == 0x1f && in_[pos_ + 1] == 0x8b) {
            inflateReset(&z_);
            return;
        }
        const std::uint64_t junk = available() + (file_size_ - consumed_);
        fail(count_of(junk, "byte") + " of junk after the gzip data");
    }

    std::string path_;
    std::unique_ptr<std::FILE, closer> file_;
    std::uint64_t file_size_ = 0;
    std::uint64_t consumed_ = 0;  // bytes read from the file
    std::vector<unsigned char> in_ = std::vector<unsigned char>(std::size_t{1} << 17);
    std::size_t pos_ = 0, len_ = 0;
    bool at_eof_ = false, ended_ = false, gzip_ = false;
    z_stream z_{};
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

// Throws unless `values` values of `bytes_per_value` bytes each fit the caller's limit. values
// is at most 2^31 here, so the product cannot overflow.
inline void check_memory(const gz_reader& in, std::uint64_t values, std::uint64_t bytes_per_value, const read_limits& limits) {
    const std::uint64_t bytes = values * bytes_per_value;
    if (bytes > limits.max_bytes)
        in.fail("the header declares " + count_of(values, "value") + ", " + std::to_string(bytes) +
                " bytes in memory, more than the limit of " + std::to_string(limits.max_bytes) +
                " bytes (raise data::read_limits::max_bytes to read it)");
}

inline idx_images read_idx_images(const std::filesystem::path& path, const read_limits& limits, std::uint64_t bytes_per_value) {
    gz_reader in(path);
    const auto dims = read_idx_header<3>(in, idx_images_magic, "image");
    const auto describe = [&] {
        return count_of(dims[0], "image") + " of " + std::to_string(dims[1]) + " x " + std::to_string(dims[2]);
    };
    if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0)
        in.fail("absurd dimensions: " + describe() + " (every dimension must be at least 1)");
    // Two 32-bit factors cannot overflow 64 bits, and the third multiplies a product already
    // known to be at most 2^31, so the checks cannot overflow themselves.
    const std::uint64_t per_image = std::uint64_t{dims[1]} * dims[2];
    if (per_image > idx_max_bytes || per_image * dims[0] > idx_max_bytes)
        in.fail("absurd dimensions: " + describe() + " exceed the limit of " + std::to_string(idx_max_bytes) + " bytes");
    check_memory(in, per_image * dims[0], bytes_per_value, limits);
    idx_images out;
    out.count = dims[0];
    out.rows = dims[1];
    out.cols = dims[2];
    out.pixels = read_idx_data(in, per_image * dims[0]);
    return out;
}

inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, const read_limits& limits,
                                                 std::uint64_t bytes_per_value) {
    gz_reader in(path);
    const auto dims = read_idx_header<1>(in, idx_labels_magic, "label");
    if (dims[0] == 0) in.fail("absurd dimensions: 0 labels (the count must be at least 1)");
    if (dims[0] > idx_max_bytes)
        in.fail("absurd dimensions: " + count_of(dims[0], "label") + " exceed the limit of " + std::to_string(idx_max_bytes));
    check_memory(in, dims[0], bytes_per_value, limits);
    return read_idx_data(in, dims[0]);
}

} // namespace detail

// Reads an IDX3 unsigned-byte image file (magic 0x00000803), e.g. train-images-idx3-ubyte.gz.
inline idx_images read_idx_images(const std::filesystem::path& path, const read_limits& limits = {}) {
    return detail::read_idx_images(path, limits, 1);
}

// Reads an IDX1 unsigned-byte label file (magic 0x00000801), e.g. train-labels-idx1-ubyte.gz.
inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, const read_limits& limits = {}) {
    return detail::read_idx_labels(path, limits, 1);
}

} // namespace typenet::data
