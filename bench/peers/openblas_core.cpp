// Prints the kernel set OpenBLAS picked for this CPU (e.g. "SkylakeX"; "Prescott" is its
// generic fallback for a CPU it does not recognise). The runner reads it to decide whether
// OPENBLAS_CORETYPE must name the CPU's kernels, as an OpenBLAS user on that machine would.

#include <cblas.h>

#include <cstdio>

int main() {
    std::printf("%s\n", openblas_get_corename());
    return 0;
}
