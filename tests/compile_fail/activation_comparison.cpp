// A comparison is a step: used as a value it has no useful derivative (where(x > 0, x, 0) says
// what was meant).
// expect-max-lines: 24 (GCC 14, Clang 24: the diagnostic also shows where the Activation is instantiated)
// expect-gcc: error: invalid use of incomplete type 'struct typenet::not_differentiable<typenet::expression::greater<typenet::expression::variable, typenet::expression::constant> >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_differentiable<typenet::expression::greater<typenet::expression::variable, typenet::expression::constant>>'
#include <typenet/typenet.hpp>

using namespace typenet::expr;
using Step = typenet::Activation<(x > 0.0) * x>;
static_assert(typenet::IsElementwise<Step>);
