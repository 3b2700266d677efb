#pragma once
// A real number usable as a template argument (`Gaussian<0.01>`, later `Dropout<0.5>`) on
// every supported compiler: Clang 14 takes no `double` template arguments, but takes a
// structural class built from one.

namespace typenet {

struct real {
    double value;
    consteval real(double v) noexcept : value(v) {}
    consteval real(int v) noexcept : value(v) {}
};

} // namespace typenet
