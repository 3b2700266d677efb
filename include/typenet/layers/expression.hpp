#pragma once
// Activation<expr>: an element-wise layer written as an expression of the placeholder x.
//
//   using namespace typenet::expr;
//   using Swish = typenet::Activation<x * sigmoid(x)>;
//   using Mish  = typenet::Activation<x * tanh(log(1.0 + exp(x)))>;
//
// It is an element-wise layer like ReLU: forward(x) evaluates the expression on a scalar or a
// SIMD vector; backward(x, y, dy) evaluates it once on the dual number {x, 1}
// (kernels/dual.hpp), which yields the value and the derivative together, and returns
// dy * f'(x). Both run fused into the neighbouring dense layer's kernel. The expression is
// differentiated as written, primitive by primitive (as PyTorch's autograd would differentiate
// the same formula): log(1 + exp(x)) overflows for large x in both.
//
// The vocabulary is in core/expression.hpp. A template argument that is not an expression of
// x (Activation<2.0>, or an expression without x) is one error naming
// typenet::not_an_expression_of_x<...>; a comparison outside where's condition, or a function
// object, is one error naming typenet::not_differentiable<...>. Both fire where the
// Activation is written, e.g. at `using Bad = Activation<2.0>;`.

#include <string_view>
#include <type_traits>

#include <typenet/core/expression.hpp>
#include <typenet/kernels/dual.hpp>
#include <typenet/kernels/simd.hpp>
#include <typenet/layers/activations.hpp>

namespace typenet {

namespace detail {

template <class T, template <class...> class Node>
inline constexpr bool is_node_of = false;
template <template <class...> class Node, class... Args>
inline constexpr bool is_node_of<Node<Args...>, Node> = true;

// The plain value of an evaluation argument (a scalar, a vector, or a dual number of either).
template <class Arg>
struct plain_value {
    using type = Arg;
    static const Arg& of(const Arg& a) noexcept { return a; }
};
template <class V>
struct plain_value<simd::dual<V>> {
    using type = V;
    static const V& of(const simd::dual<V>& a) noexcept { return a.value; }
};

// The expression's value at x: a V where x is a V; a dual where x is a dual, except for
// parts that do not depend on x, which stay plain V (constants, derivative 0).
template <class E, class Arg>
inline auto evaluate_expression(const E& e, const Arg& x) noexcept {
    namespace ex = expression;
    using V = typename plain_value<Arg>::type;
    const auto at_x = [&x](const auto& sub) noexcept { return evaluate_expression(sub, x); };
    if constexpr (std::is_same_v<E, ex::variable>) return x;
    else if constexpr (std::is_same_v<E, ex::constant>) return simd::constant<V>(e.value);
    else if constexpr (is_node_of<E, ex::negation>) return -at_x(e.arg);
    else if constexpr (is_node_of<E, ex::sum>) return at_x(e.lhs) + at_x(e.rhs);
    else if constexpr (is_node_of<E, ex::difference>) return at_x(e.lhs) - at_x(e.rhs);
    else if constexpr (is_node_of<E, ex::product>) {
        // On plain values a * sigmoid(b) is a / (1 + exp(-b)): a multiplication and a rounding
        // fewer, which matters where the divider limits the loop (Swish's forward pass).
        constexpr bool on_values = std::is_same_v<Arg, V>;
        if constexpr (on_values && is_node_of<std::remove_cvref_t<decltype(e.rhs)>, ex::sigmoid_of>)
            return at_x(e.lhs) / (simd::constant<V>(1) + simd::exp(-at_x(e.rhs.arg)));
        else if constexpr (on_values && is_node_of<std::remove_cvref_t<decltype(e.lhs)>, ex::sigmoid_of>)
            return at_x(e.rhs) / (simd::constant<V>(1) + simd::exp(-at_x(e.lhs.arg)));
        else return at_x(e.lhs) * at_x(e.rhs);
    }
    else if constexpr (is_node_of<E, ex::quotient>) return at_x(e.lhs) / at_x(e.rhs);
    else if constexpr (is_node_of<E, ex::exp_of>) return simd::exp(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::log_of>) return simd::log(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::tanh_of>) return simd::tanh(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::sigmoid_of>) return simd::sigmoid(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::abs_of>) return simd::abs(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::sqrt_of>) return simd::sqrt(at_x(e.arg));
    else if constexpr (is_node_of<E, ex::max_of>) return simd::max(at_x(e.lhs), at_x(e.rhs));
    else if constexpr (is_node_of<E, ex::min_of>) return simd::min(at_x(e.lhs), at_x(e.rhs));
    // A comparison gives a mask (bool, or an xsimd::batch_bool), from the plain values.
    else if constexpr (ex::Comparison<E>) {
        const V a = evaluate_expression(e.lhs, plain_value<Arg>::of(x));
        const V b = evaluate_expression(e.rhs, plain_value<Arg>::of(x));
        if constexpr (is_node_of<E, ex::greater>) return a > b;
        else if constexpr (is_node_of<E, ex::greater_equal>) return a >= b;
        else if constexpr (is_node_of<E, ex::less>) return a < b;
        else return a <= b;
    }
    else if constexpr (is_node_of<E, ex::where_of>)
        return simd::select(at_x(e.condition), at_x(e.then), at_x(e.otherwise));
    else static_assert(!sizeof(E), "typenet: not an expression node");
}

// What is wrong with Activation<E>'s argument, as a diagnostic type; well_formed if nothing.
struct activation_is_well_formed {};

template <class E>
constexpr auto activation_diagnosis() {
    namespace ex = expression;
    if constexpr (ex::ExpressionOfX<E>) {
        using misplaced = typename ex::detail::misplaced_comparison<E>::type;
        if constexpr (std::is_void_v<misplaced>) return std::type_identity<activation_is_well_formed>{};
        else return std::type_identity<not_differentiable<misplaced>>{};
    } else if constexpr (!ex::Expression<E> && std::is_invocable_v<const E&, double>) {
        return std::type_identity<not_differentiable<E>>{};
    } else {
        return std::type_identity<not_an_expression_of_x<E>>{};
    }
}

// Deriving from an incomplete diagnosis is the one hard error.
template <class Diagnosis>
struct checked_activation : Diagnosis {};

template <auto E>
using activation_check =
    checked_activation<typename decltype(activation_diagnosis<std::remove_cvref_t<decltype(E)>>())::type>;

} // namespace detail

// The constraint always holds: completing activation_check is what reports a mistaken Expr,
// where the Activation is written, and leaves Activation<Expr> a type, so that nothing else
// fails after that one error. (Spelt with std::is_empty_v: with __is_empty or
// std::is_empty<>::value Clang 19 adds follow-up errors; tests/compile_fail holds it to one.)
template <auto Expr>
    requires(std::is_empty_v<detail::activation_check<Expr>> || true)
struct Activation : detail::elementwise_layer {
    static constexpr std::string_view name = "activation";
    static constexpr auto expression = Expr;

    template <class V>
    static V forward(const V& x) noexcept {
        return detail::evaluate_expression(Expr, x);
    }
    // The derivative from the dual evaluation; y is not needed (the value it would share is
    // computed alongside the derivative, and the compiler merges it with the chain's forward).
    template <class V>
    static V backward(const V& x, const V&, const V& dy) noexcept {
        return dy * detail::evaluate_expression(Expr, simd::variable(x)).derivative;
    }
};

} // namespace typenet
