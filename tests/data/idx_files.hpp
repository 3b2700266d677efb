#pragma once
// Helpers for the data tests: a self-removing temporary directory and writers for small IDX
// files, plain or gzip-compressed, so that the tests never depend on downloaded files.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <zlib.h>

namespace typenet_test {

using bytes = std::vector<std::uint8_t>;

// A fresh directory under the system's temporary directory, removed with its contents at the
// end of the test. The name is random because test cases may run in parallel processes.
class temp_dir {
public:
    temp_dir() {
        std::random_device entropy;
        for (int attempt = 0; attempt < 100; ++attempt) {
            const auto name = "typenet-data-test-" + std::to_string(entropy()) + "-" + std::to_string(entropy());
            path_ = std::filesystem::temp_directory_path() / name;
            if (std::filesystem::create_directory(path_)) return;
        }
        throw std::runtime_error("could not create a temporary directory");
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec; // a destructor must not throw; a leftover directory is harmless
        std::filesystem::remove_all(path_, ec);
    }

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// The bytes of an IDX file: magic number, big-endian dimensions, then the data as given (which
// need not match the dimensions: that is how broken files are made).
inline bytes idx_bytes(std::uint32_t magic, std::initializer_list<std::uint32_t> dims, const bytes& data) {
    bytes out;
    const auto put = [&](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
    };
    put(magic);
    for (const std::uint32_t d : dims) put(d);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

inline bytes image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, const bytes& pixels) {
    return idx_bytes(0x00000803, {count, rows, cols}, pixels);
}

inline bytes label_file(const bytes& labels) {
    return idx_bytes(0x00000801, {static_cast<std::uint32_t>(labels.size())}, labels);
}

inline void write_plain(const std::filesystem::path& path, const bytes& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("could not write " + path.string());
}

inline void write_gzip(const std::filesystem::path& path, const bytes& content) {
    gzFile f = gzopen(path.string().c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("could not create " + path.string());
    const int written = content.empty() ? 0 : gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    const int closed = gzclose(f);
    if (written != static_cast<int>(content.size()) || closed != Z_OK)
        throw std::runtime_error("could not write " + path.string());
}

inline bytes read_plain(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bytes that look random to a compressor, so that gzip output is about as long as its input.
inline bytes noise(std::size_t n, std::uint32_t seed) {
    std::mt19937 gen(seed);
    bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(gen() >> 24);
    return out;
}

// Sets (or, given nullopt, removes) an environment variable for the scope of a test.
class scoped_env {
public:
    scoped_env(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) old_ = old;
        apply(value);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
    ~scoped_env() { apply(old_); }

private:
    void apply(const std::optional<std::string>& value) const {
        if (value) ::setenv(name_.c_str(), value->c_str(), 1);
        else ::unsetenv(name_.c_str());
    }

    std::string name_;
    std::optional<std::string> old_;
};

} // namespace typenet_test
