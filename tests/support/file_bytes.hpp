#pragma once
// A whole file as bytes, and bytes as a whole file: for tests that damage files on purpose.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace typenet::test {

inline std::vector<unsigned char> file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<unsigned char>& b) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

} // namespace typenet::test
