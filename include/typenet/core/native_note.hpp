#pragma once
// A one-line note on stderr, once per program, when typenet was compiled without AVX2 for an
// x86-64 CPU that has it: the kernels then run at SSE2 width, about 3x slower, which a plain
// compiler line without -march=native would otherwise hide. Define TYPENET_NO_NATIVE_NOTE to
// silence it.

#include <cstdio>

namespace typenet::detail {

inline void note_missing_native_architecture() noexcept {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__AVX2__) && !defined(TYPENET_NO_NATIVE_NOTE) && \
    (defined(__GNUC__) || defined(__clang__))
    static const bool noted = [] {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2"))
            std::fputs("typenet: compiled without AVX2 for a CPU that has it; -march=native (CMake: TYPENET_NATIVE=ON) "
                       "trains about 3x faster (TYPENET_NO_NATIVE_NOTE silences this)\n",
                       stderr);
        return true;
    }();
    (void)noted;
#endif
}

} // namespace typenet::detail
