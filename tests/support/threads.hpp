#pragma once
// Runs a scope with a given number of typenet threads, then restores the default.

#include <cstddef>

#include <typenet/core/threads.hpp>

namespace typenet::test {

class with_threads {
public:
    explicit with_threads(std::size_t n) { set_threads(n); }
    with_threads(const with_threads&) = delete;
    with_threads& operator=(const with_threads&) = delete;
    ~with_threads() { set_threads(0); }
};

} // namespace typenet::test
