// A function object is not differentiated: only the expression vocabulary has derivatives.
// expect-max-lines: 24 (GCC 14, Clang 24: the diagnostic also shows where the Activation is instantiated)
// expect-gcc: error: invalid use of incomplete type 'struct typenet::not_differentiable<square>'
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_differentiable<square>'
#include <typenet/typenet.hpp>

struct square {
    constexpr double operator()(double v) const { return v * v; }
};
using Square = typenet::Activation<square{}>;
static_assert(typenet::IsElementwise<Square>);
