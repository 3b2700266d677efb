#pragma once
// CRC-32 (the polynomial of zip, gzip and PNG), for checkpoints and .npz entries. Written out
// here so that writing and reading checkpoints needs no zlib. It detects every error burst of
// up to 32 bits, so any one changed byte.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace typenet::detail {

inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}();

// The CRC-32 of `bytes`; pass a previous result as `crc` to continue over more bytes.
inline std::uint32_t crc32(std::span<const unsigned char> bytes, std::uint32_t crc = 0) noexcept {
    crc = ~crc;
    for (const unsigned char b : bytes) crc = crc32_table[(crc ^ b) & 0xFFU] ^ (crc >> 8);
    return ~crc;
}

} // namespace typenet::detail
