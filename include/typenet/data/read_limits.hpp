#pragma once
// How much memory a reader may spend on the data it loads. A file whose header promises more
// (a 2 MB .gz can decompress to gigabytes) is refused before anything large is allocated, so a
// program can read files it does not trust.

#include <cstdint>

namespace typenet::data {

struct read_limits {
    // Bytes the loaded values may occupy in memory (as floats when the reader converts). The
    // default, 1 GiB, holds Fashion-MNIST five times over; raise it for larger data sets.
    std::uint64_t max_bytes = std::uint64_t{1} << 30;
};

} // namespace typenet::data
