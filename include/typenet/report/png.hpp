#pragma once
// Grey-scale PNG images as data: URIs, so the report can show weights as pictures without a
// file beside it. zlib (already typenet's dependency for gzipped data) compresses the pixels.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include <typenet/core/error.hpp>

namespace typenet {

namespace detail {

inline void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

inline void put_chunk(std::string& out, const char* type, const std::string& data) {
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    out += body;
    const auto crc = ::crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    put_u32(out, static_cast<std::uint32_t>(crc));
}

inline std::string base64(const std::string& in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16 | std::uint32_t(std::uint8_t(in[i + 1])) << 8 |
                                std::uint8_t(in[i + 2]);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < in.size()) {
        std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
        if (i + 1 < in.size()) v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

} // namespace detail

// An 8-bit grey-scale PNG of width x height pixels, row by row.
inline std::string encode_png(const std::vector<std::uint8_t>& pixels, std::size_t width, std::size_t height) {
    if (pixels.size() != width * height || width == 0 || height == 0)
        throw error("encode_png: expected " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels (at least 1 x 1), found " + std::to_string(pixels.size()));
    std::string raw;
    raw.reserve(height * (width + 1));
    for (std::size_t r = 0; r < height; ++r) {
        raw += '\0';  // filter: none
        raw.append(reinterpret_cast<const char*>(pixels.data() + r * width), width);
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    if (compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                 static_cast<uLong>(raw.size())) != Z_OK)
        throw error("encode_png: zlib could not compress the image");
    packed.resize(size);

    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    detail::put_u32(header, static_cast<std::uint32_t>(width));
    detail::put_u32(header, static_cast<std::uint32_t>(height));
    header += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, grey, deflate, no filter, no interlace
    detail::put_chunk(png, "IHDR", header);
    detail::put_chunk(png, "IDAT", packed);
    detail::put_chunk(png, "IEND", "");
    return png;
}

inline std::string png_data_uri(const std::vector<std::uint8_t>& pixels, std::size_t width, std::size_t height) {
    return "data:image/png;base64," + detail::base64(encode_png(pixels, width, height));
}

} // namespace typenet
