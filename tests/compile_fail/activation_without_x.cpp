// An expression in which x does not occur is a constant, not an activation.
// expect-max-lines: 24 (GCC 14, Clang 24: the diagnostic also shows where the Activation is instantiated)
// expect-gcc: error: invalid use of incomplete type 'struct typenet::not_an_expression_of_x<typenet::expression::product<typenet::expression::exp_of<typenet::expression::constant>, typenet::expression::constant> >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_an_expression_of_x<typenet::expression::product<typenet::expression::exp_of<typenet::expression::constant>, typenet::expression::constant>>'
#include <typenet/typenet.hpp>

using namespace typenet::expr;
constexpr typenet::expression::constant c{1.0};
using Constant = typenet::Activation<exp(c) * 2>;
static_assert(typenet::IsElementwise<Constant>);
