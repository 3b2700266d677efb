#pragma once
// Little-endian encoding, whatever the machine: a writer that appends values to a byte
// vector, and a reader that takes them from a byte span and throws typenet::error, naming the
// file, the value and the offset, rather than read past the end.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <typenet/core/error.hpp>

namespace typenet::detail {

class byte_writer {
public:
    template <class U>
        requires std::is_unsigned_v<U>
    void put(U v) {
        for (std::size_t i = 0; i < sizeof(U); ++i) bytes_.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    void put_f32(float v) { put(std::bit_cast<std::uint32_t>(v)); }
    void put_f64(double v) { put(std::bit_cast<std::uint64_t>(v)); }
    void put_bytes(std::span<const unsigned char> b) { append(b.data(), b.size()); }
    void put_text(std::string_view s) { append(s.data(), s.size()); }  // raw, no length
    void put_string(std::string_view s) {  // a u32 length, then the bytes
        put(static_cast<std::uint32_t>(s.size()));
        put_text(s);
    }
    // Overwrites a value written earlier (a length known only at the end).
    template <class U>
    void patch(std::size_t at, U v) {
        for (std::size_t i = 0; i < sizeof(U); ++i) bytes_[at + i] = static_cast<unsigned char>(v >> (8 * i));
    }
    std::size_t size() const noexcept { return bytes_.size(); }
    std::vector<unsigned char>& bytes() noexcept { return bytes_; }

private:
    // resize and memcpy rather than vector::insert, in which GCC 12 sees a false overflow
    // (-Wstringop-overflow) once inlined into a caller that wrote a few bytes before.
    void append(const void* p, std::size_t n) {
        if (n == 0) return;
        const std::size_t at = bytes_.size();
        bytes_.resize(at + n);
        std::memcpy(bytes_.data() + at, p, n);
    }

    std::vector<unsigned char> bytes_;
};

// Reads a little-endian unsigned value of type U from p.
template <class U>
U load_le(const unsigned char* p) noexcept {
    U v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>(v | (U(p[i]) << (8 * i)));
    return v;
}

class byte_reader {
public:
    byte_reader(std::span<const unsigned char> bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& what) const { throw error(where_ + ": " + what); }

    // Throws unless n more bytes are there for `what`.
    void need(std::size_t n, std::string_view what) const {
        if (n > bytes_.size() - at_)
            fail("corrupt: " + std::string(what) + " at offset " + std::to_string(at_) + " needs " + std::to_string(n) +
                 " bytes, " + std::to_string(bytes_.size() - at_) + " remain");
    }
    template <class U>
    U get(std::string_view what) {
        need(sizeof(U), what);
        const U v = load_le<U>(bytes_.data() + at_);
        at_ += sizeof(U);
        return v;
    }
    std::span<const unsigned char> take(std::size_t n, std::string_view what) {
        need(n, what);
        const auto s = bytes_.subspan(at_, n);
        at_ += n;
        return s;
    }
    std::string get_string(std::string_view what) {
        const auto n = get<std::uint32_t>(what);
        const auto s = take(n, what);
        return {s.begin(), s.end()};
    }
    std::size_t offset() const noexcept { return at_; }
    std::size_t remaining() const noexcept { return bytes_.size() - at_; }

private:
    std::span<const unsigned char> bytes_;
    std::string where_;
    std::size_t at_ = 0;
};

} // namespace typenet::detail
