#pragma once
// The vocabulary of element-wise expressions, for typenet::Activation<expr>
// (layers/expression.hpp):
//
//   using namespace typenet::expr;            // x, exp, log, tanh, sigmoid, abs, sqrt, max, min, where
//   using Swish = typenet::Activation<x * sigmoid(x)>;
//
// An expression is a constexpr value whose type spells its structure and whose members hold
// its numeric constants, so that it can be a template argument: x * sigmoid(x) is a
// typenet::expression::product<variable, sigmoid_of<variable>>. The vocabulary: the
// placeholder x; int and double constants; + - * / and unary minus; exp, log, tanh, sigmoid,
// abs, sqrt; max and min; where(condition, a, b) with a comparison < <= > >= as condition.
// Nothing here computes: evaluation, on numbers, vectors and dual numbers, is in
// layers/expression.hpp.
//
// The node types, operators and functions live in typenet::expression; typenet::expr holds
// only what a user brings into scope (x and the functions), so that `using namespace
// typenet::expr` adds no type names such as `sum` or `less` to the user's scope.

#include <concepts>
#include <type_traits>

namespace typenet {

namespace expression {

template <class... Operands>
struct operand_list {};

// The placeholder: the layer's input.
struct variable {
    using operands = operand_list<>;
};

// A number written in the expression (int and double literals become one).
struct constant {
    using operands = operand_list<>;
    double value;
};

// Arithmetic.
template <class A>
struct negation {
    using operands = operand_list<A>;
    A arg;
};
template <class A, class B>
struct sum {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct difference {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct product {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct quotient {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};

// Functions.
template <class A>
struct exp_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A>
struct log_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A>
struct tanh_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A>
struct sigmoid_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A>
struct abs_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A>
struct sqrt_of {
    using operands = operand_list<A>;
    A arg;
};
template <class A, class B>
struct max_of {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct min_of {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};

// Comparisons: a step has no useful derivative, so a comparison serves only as where's
// condition.
template <class A, class B>
struct greater {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct greater_equal {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct less {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};
template <class A, class B>
struct less_equal {
    using operands = operand_list<A, B>;
    A lhs;
    B rhs;
};

// where(condition, a, b): a where the condition holds, b elsewhere.
template <class C, class A, class B>
struct where_of {
    using operands = operand_list<C, A, B>;
    C condition;
    A then;
    B otherwise;
};

namespace detail {
template <class T>
struct is_node : std::false_type {};
template <>
struct is_node<variable> : std::true_type {};
template <>
struct is_node<constant> : std::true_type {};
template <class A>
struct is_node<negation<A>> : std::true_type {};
template <class A>
struct is_node<exp_of<A>> : std::true_type {};
template <class A>
struct is_node<log_of<A>> : std::true_type {};
template <class A>
struct is_node<tanh_of<A>> : std::true_type {};
template <class A>
struct is_node<sigmoid_of<A>> : std::true_type {};
template <class A>
struct is_node<abs_of<A>> : std::true_type {};
template <class A>
struct is_node<sqrt_of<A>> : std::true_type {};
template <class A, class B>
struct is_node<sum<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<difference<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<product<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<quotient<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<max_of<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<min_of<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<greater<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<greater_equal<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<less<A, B>> : std::true_type {};
template <class A, class B>
struct is_node<less_equal<A, B>> : std::true_type {};
template <class C, class A, class B>
struct is_node<where_of<C, A, B>> : std::true_type {};

template <class T>
struct is_comparison : std::false_type {};
template <class A, class B>
struct is_comparison<greater<A, B>> : std::true_type {};
template <class A, class B>
struct is_comparison<greater_equal<A, B>> : std::true_type {};
template <class A, class B>
struct is_comparison<less<A, B>> : std::true_type {};
template <class A, class B>
struct is_comparison<less_equal<A, B>> : std::true_type {};
} // namespace detail

// A node of the vocabulary above.
template <class T>
concept Expression = detail::is_node<T>::value;

// A comparison: where's condition.
template <class T>
concept Comparison = Expression<T> && detail::is_comparison<T>::value;

// What operators, max, min and where take besides expressions: int and floating-point numbers.
template <class T>
concept Number = (std::integral<T> || std::floating_point<T>) && !std::is_same_v<T, bool>;

namespace detail {
template <class T>
constexpr auto as_expression(T t) noexcept {
    if constexpr (Expression<T>) return t;
    else return constant{static_cast<double>(t)};
}
// The node from its operands, with their types deduced (so that diagnostics print plain names).
template <template <class...> class Node, class... Operands>
constexpr Node<Operands...> make(Operands... operands) noexcept {
    return {operands...};
}

// Two operands of which at least one is an expression (two numbers keep their built-in
// operators and std::max / std::min).
template <class A, class B>
concept Operands = (Expression<A> || Number<A>) && (Expression<B> || Number<B>) && (Expression<A> || Expression<B>);
} // namespace detail

// --- operators (found by argument-dependent lookup) ----------------------------------------
template <Expression A>
constexpr negation<A> operator-(A a) noexcept {
    return {a};
}

#define TYPENET_EXPRESSION_BINARY(op, node)                                                          \
    template <class A, class B>                                                                      \
        requires detail::Operands<A, B>                                                              \
    constexpr auto op(A a, B b) noexcept {                                                           \
        return detail::make<node>(detail::as_expression(a), detail::as_expression(b));               \
    }
TYPENET_EXPRESSION_BINARY(operator+, sum)
TYPENET_EXPRESSION_BINARY(operator-, difference)
TYPENET_EXPRESSION_BINARY(operator*, product)
TYPENET_EXPRESSION_BINARY(operator/, quotient)
TYPENET_EXPRESSION_BINARY(operator>, greater)
TYPENET_EXPRESSION_BINARY(operator>=, greater_equal)
TYPENET_EXPRESSION_BINARY(operator<, less)
TYPENET_EXPRESSION_BINARY(operator<=, less_equal)
// The larger (smaller) of a and b. At a tie the derivative is b's, and a constant always
// counts as b: max(x, 0) and max(0, x) both have derivative 0 at 0, like ReLU.
TYPENET_EXPRESSION_BINARY(max, max_of)
TYPENET_EXPRESSION_BINARY(min, min_of)
#undef TYPENET_EXPRESSION_BINARY

// --- functions of an expression ------------------------------------------------------------
#define TYPENET_EXPRESSION_UNARY(name, node)           \
    template <Expression A>                             \
    constexpr node<A> name(A a) noexcept {              \
        return {a};                                     \
    }
TYPENET_EXPRESSION_UNARY(exp, exp_of)
TYPENET_EXPRESSION_UNARY(log, log_of)
TYPENET_EXPRESSION_UNARY(tanh, tanh_of)
TYPENET_EXPRESSION_UNARY(sigmoid, sigmoid_of)
TYPENET_EXPRESSION_UNARY(abs, abs_of)
TYPENET_EXPRESSION_UNARY(sqrt, sqrt_of)
#undef TYPENET_EXPRESSION_UNARY

// a where the condition holds, b elsewhere: where(x > 0, x, 0.01 * x) is LeakyReLU.
template <Comparison C, class A, class B>
    requires(Expression<A> || Number<A>) && (Expression<B> || Number<B>)
constexpr auto where(C condition, A a, B b) noexcept {
    return detail::make<where_of>(condition, detail::as_expression(a), detail::as_expression(b));
}

// --- what an expression is made of ---------------------------------------------------------
namespace detail {
template <class E, class List = typename E::operands>
struct depends_on_x;
template <class E, class... Operands>
struct depends_on_x<E, operand_list<Operands...>>
    : std::bool_constant<std::is_same_v<E, variable> || (depends_on_x<Operands>::value || ...)> {};

// The first comparison used as a value (anywhere but as where's condition); void if none.
template <class E, class List = typename E::operands>
struct misplaced_comparison;
template <class... Es>
struct first_misplaced_comparison {
    using type = void;
};
template <class E, class... Rest>
struct first_misplaced_comparison<E, Rest...> {
    using found = typename misplaced_comparison<E>::type;
    using type = std::conditional_t<std::is_void_v<found>, typename first_misplaced_comparison<Rest...>::type, found>;
};
template <class E, class... Operands>
struct misplaced_comparison<E, operand_list<Operands...>> {
    using type = std::conditional_t<is_comparison<E>::value, E, typename first_misplaced_comparison<Operands...>::type>;
};
template <class C, class A, class B>
struct misplaced_comparison<where_of<C, A, B>, operand_list<C, A, B>> {
    using type = typename first_misplaced_comparison<A, B>::type;
};
} // namespace detail

// An expression in which x occurs.
template <class E>
concept ExpressionOfX = Expression<E> && detail::depends_on_x<E>::value;

} // namespace expression

// What `using namespace typenet::expr;` brings into scope.
namespace expr {
inline constexpr expression::variable x{};
using expression::abs;
using expression::exp;
using expression::log;
using expression::max;
using expression::min;
using expression::sigmoid;
using expression::sqrt;
using expression::tanh;
using expression::where;
} // namespace expr

// --- diagnostics: Activation<E> with a mistaken E is one error naming one of these -----------

// E is not an expression of the placeholder x: a number or another type, or an expression in
// which x does not occur (e.g. exp(c) for a constant c).
template <class E>
struct not_an_expression_of_x;

// What is named cannot be differentiated as written: a comparison used as a value (it may only
// be where's condition), or a function or function object (only the vocabulary's functions
// have derivatives: write the formula with them).
template <class What>
struct not_differentiable;

} // namespace typenet
