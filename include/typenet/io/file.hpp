#pragma once
// Files as typenet's readers and writers use them. Reading: the path must name a regular file
// (an empty path, a folder or a named pipe is an error, not an endless wait); writing is atomic:
// a temporary file in the same folder, written, flushed to disk, then renamed over the target,
// so that a failed write (full disk, unwritable folder) leaves any earlier file as it was.

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <typenet/core/error.hpp>

namespace typenet::detail {

inline std::string file_type_name(std::filesystem::file_type t) {
    switch (t) {
    case std::filesystem::file_type::directory: return "a folder";
    case std::filesystem::file_type::fifo: return "a named pipe";
    case std::filesystem::file_type::socket: return "a socket";
    case std::filesystem::file_type::block: return "a block device";
    case std::filesystem::file_type::character: return "a character device";
    case std::filesystem::file_type::symlink: return "a broken symbolic link";
    default: return "not a regular file";
    }
}

// Throws unless `path` names a regular file (after following symbolic links). Opening a named
// pipe without a writer would block forever, so it is refused before it is opened.
inline void require_regular_file(const std::filesystem::path& path) {
    if (path.empty()) throw error("expected a file path, found an empty one");
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) throw error(path.string() + ": file not found");
    if (status.type() == std::filesystem::file_type::directory)
        throw error(path.string() + ": is a directory, not a file");
    if (ec) throw error(path.string() + ": cannot read: " + ec.message());
    if (status.type() != std::filesystem::file_type::regular)
        throw error(path.string() + ": expected a regular file, found " + file_type_name(status.type()));
}

// Reads up to `limit` bytes from the start of a regular file: all of it when it is shorter.
inline std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path, std::uint64_t offset,
                                                  std::uint64_t limit) {
    require_regular_file(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw error(path.string() + ": cannot open: " + std::generic_category().message(errno));
    in.seekg(static_cast<std::streamoff>(offset));
    std::vector<unsigned char> out;
    constexpr std::size_t chunk = std::size_t{1} << 20;
    while (out.size() < limit && in) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, limit - out.size()));
        const std::size_t at = out.size();
        out.resize(at + want);
        in.read(reinterpret_cast<char*>(out.data() + at), static_cast<std::streamsize>(want));
        out.resize(at + static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw error(path.string() + ": read error");
    return out;
}

// The size of a regular file in bytes.
inline std::uint64_t regular_file_size(const std::filesystem::path& path) {
    require_regular_file(path);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw error(path.string() + ": cannot read its size: " + ec.message());
    return size;
}

// Writes `bytes` to `path` atomically (see above). On failure the temporary file is removed
// and the message says that the earlier file, if any, is unchanged.
inline void write_file_atomically(const std::filesystem::path& path, std::span<const unsigned char> bytes) {
    if (path.empty()) throw error("expected a file path, found an empty one");
    if (!path.has_filename()) throw error(path.string() + ": expected a file path, found a folder");
    const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path temp =
        folder / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    const std::string unchanged = "; the earlier file, if any, is unchanged";

    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw error(path.string() + ": cannot create a temporary file in " + folder.string() + ": " +
                    std::generic_category().message(errno) + unchanged);
    auto fail = [&](const std::string& what, int e) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw error(path.string() + ": " + what + ": " + std::generic_category().message(e) + unchanged);
    };
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ::ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write " + std::to_string(bytes.size()) + " bytes (wrote " + std::to_string(done) + ")", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot flush to disk", errno);
    if (::close(fd) != 0) {
        const int e = errno;
        ::unlink(temp.c_str());
        throw error(path.string() + ": cannot close the temporary file: " + std::generic_category().message(e) + unchanged);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(temp.c_str());
        throw error(path.string() + ": cannot replace it: " + std::generic_category().message(e) + unchanged);
    }
    // The rename itself reaches the disk with the folder's entry; failing that is not an error
    // the caller could act on.
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

} // namespace typenet::detail
