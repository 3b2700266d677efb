// Activation<expr> inside networks: typenet::gradient_check of every parameter, with the
// expression fused into a dense layer's kernel and as a stage of its own after Input.

#include <catch2/catch.hpp>

#include "../support/activation_checks.hpp"
#include "expression_cases.hpp"

namespace expression_gradients_test {

namespace test = typenet::test;
namespace cases = expression_test::cases;

TEMPLATE_TEST_CASE("an expression's gradients inside networks", "[layers][expression][gradients]", cases::swish,
                   cases::mish, cases::softplus, cases::square, cases::lorentzian, cases::shifted_relu,
                   cases::absolute, cases::hyperbola, cases::rational, cases::log_above_one) {
    test::require_gradients_in_networks<typename TestType::layer>(31, TestType::sampled);
}

} // namespace expression_gradients_test
