// The expression vocabulary of Activation<expr>: the types expressions build, the constants
// they hold, what is and is not an expression, and Activation as an element-wise layer that
// fuses like the built-ins.

#include <cstddef>
#include <type_traits>

#include <typenet/core/expression.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/network.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/expression.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace {

namespace ex = typenet::expression;
using namespace typenet::expr;

// --- the types expressions build ---------------------------------------------------------
static_assert(std::is_same_v<decltype(x), const ex::variable>);
static_assert(std::is_same_v<decltype(x * sigmoid(x)), ex::product<ex::variable, ex::sigmoid_of<ex::variable>>>);
using softplus_of_x = ex::log_of<ex::sum<ex::constant, ex::exp_of<ex::variable>>>;
static_assert(std::is_same_v<decltype(x * tanh(log(1.0 + exp(x)))),
                             ex::product<ex::variable, ex::tanh_of<softplus_of_x>>>);
using square_of_x = ex::product<ex::variable, ex::variable>;
static_assert(std::is_same_v<decltype(1 / (1 + x * x)),
                             ex::quotient<ex::constant, ex::sum<ex::constant, square_of_x>>>);
static_assert(std::is_same_v<decltype(-x - 2), ex::difference<ex::negation<ex::variable>, ex::constant>>);
static_assert(std::is_same_v<decltype(max(x, 0.0)), ex::max_of<ex::variable, ex::constant>>);
static_assert(std::is_same_v<decltype(min(0, x)), ex::min_of<ex::constant, ex::variable>>);
static_assert(std::is_same_v<decltype(abs(x) + sqrt(x)), ex::sum<ex::abs_of<ex::variable>, ex::sqrt_of<ex::variable>>>);
static_assert(std::is_same_v<decltype(where(x > 0, x, 0.01 * x)),
                             ex::where_of<ex::greater<ex::variable, ex::constant>, ex::variable,
                                          ex::product<ex::constant, ex::variable>>>);
static_assert(std::is_same_v<decltype(x >= 1), ex::greater_equal<ex::variable, ex::constant>>);
static_assert(std::is_same_v<decltype(x < 1), ex::less<ex::variable, ex::constant>>);
static_assert(std::is_same_v<decltype(x <= 1), ex::less_equal<ex::variable, ex::constant>>);

// Constants: int and double literals become doubles, kept in the expression's value.
static_assert((x * 2).rhs.value == 2.0);
static_assert((0.5 + x).lhs.value == 0.5);
static_assert(max(x, -3).rhs.value == -3.0);
static_assert(where(x > 0.25, x, 7).condition.rhs.value == 0.25);
static_assert(where(x > 0.25, x, 7).otherwise.value == 7.0);

// --- what is an expression, and of x -----------------------------------------------------
static_assert(ex::Expression<ex::variable> && ex::Expression<ex::constant>);
static_assert(ex::Expression<decltype(x * sigmoid(x))>);
static_assert(!ex::Expression<double> && !ex::Expression<int> && !ex::Expression<typenet::ReLU>);
static_assert(ex::ExpressionOfX<decltype(x * sigmoid(x))>);
static_assert(ex::ExpressionOfX<decltype(where(x > 0, 1, 2))>);  // x occurs in the condition
static_assert(!ex::ExpressionOfX<ex::constant>);
static_assert(!ex::ExpressionOfX<decltype(exp(ex::constant{1.0}) * 2)>);
static_assert(ex::Comparison<decltype(x > 0)> && !ex::Comparison<decltype(x + 0)>);

// A comparison used as a value is found; as where's condition it is not.
static_assert(std::is_same_v<ex::detail::misplaced_comparison<decltype((x > 0) * x)>::type,
                             ex::greater<ex::variable, ex::constant>>);
static_assert(std::is_same_v<ex::detail::misplaced_comparison<decltype(where(x > 0, x, x < 1))>::type,
                             ex::less<ex::variable, ex::constant>>);
static_assert(std::is_void_v<ex::detail::misplaced_comparison<decltype(where(x > 0, x, 2 * x))>::type>);

// Numbers alone keep their own functions and operators: the vocabulary takes an expression.
template <class T>
concept has_sigmoid = requires(T t) { ex::sigmoid(t); };
template <class A, class B>
concept has_max = requires(A a, B b) { ex::max(a, b); };
static_assert(has_sigmoid<ex::variable> && !has_sigmoid<double>);
static_assert(has_max<ex::variable, int> && has_max<double, ex::variable> && !has_max<int, int>);
static_assert(!has_max<ex::variable, bool>);

// --- Activation ---------------------------------------------------------------------------
using Swish = typenet::Activation<x * sigmoid(x)>;
static_assert(typenet::IsElementwise<Swish> && typenet::detail::tensor_values<Swish, typenet::flat(9), true>() == 0);
static_assert(Swish::output_shape(typenet::flat(9)) == typenet::flat(9));
// The same expression written twice is the same layer; other constants make another one.
static_assert(std::is_same_v<Swish, typenet::Activation<x * sigmoid(x)>>);
static_assert(std::is_same_v<typenet::Activation<2 * x>, typenet::Activation<2.0 * x>>);
static_assert(!std::is_same_v<typenet::Activation<2 * x>, typenet::Activation<3 * x>>);
static_assert(!std::is_same_v<Swish, typenet::Activation<sigmoid(x) * x>>);
static_assert(std::is_same_v<std::remove_const_t<decltype(Swish::expression)>, decltype(x * sigmoid(x))>);

// It joins the dense layer's epilogue, or a stage of its own after Input, like ReLU.
using typenet::stage_kind;
constexpr bool is(typenet::stage s, stage_kind kind, std::size_t first, std::size_t last) {
    return s.kind == kind && s.first == first && s.last == last;
}
using Net = typenet::Network<typenet::Input<6>, Swish, typenet::Dense<6, 4>, typenet::Activation<max(x, 0)>,
                             typenet::Tanh, typenet::Dense<4, 2>, typenet::SoftmaxCrossEntropy>;
static_assert(Net::stage_count == 4);
static_assert(is(Net::stages[0], stage_kind::elementwise, 1, 1));
static_assert(is(Net::stages[1], stage_kind::kernel, 2, 4));
static_assert(is(Net::stages[2], stage_kind::kernel, 5, 5));
static_assert(is(Net::stages[3], stage_kind::loss, 6, 6));

// The new built-in activations.
static_assert(typenet::IsElementwise<typenet::LeakyReLU<>> && typenet::LeakyReLU<>::alpha == 0.01);
static_assert(typenet::LeakyReLU<0.2>::alpha == 0.2);
static_assert(typenet::IsElementwise<typenet::ELU<>> && typenet::ELU<>::alpha == 1.0);
static_assert(typenet::ELU<0.5>::alpha == 0.5);
static_assert(typenet::IsElementwise<typenet::Identity>);
static_assert(std::is_same_v<typenet::LeakyReLU<>, typenet::LeakyReLU<0.01>>);

} // namespace
