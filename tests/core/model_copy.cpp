// Copying and moving a Model: the copy owns its parameters, gradients and workspace.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>

namespace model_copy_test {

namespace {

using namespace typenet;
using Net = Network<Input<6>, Dense<6, 9>, Tanh, Dense<9, 4>, SoftmaxCrossEntropy>;

std::vector<float> batch(std::size_t rows, std::uint64_t s) {
    rng g{seed{s}};
    std::vector<float> x(rows * 6);
    for (float& v : x) v = static_cast<float>(2 * g.uniform() - 1);
    return x;
}
template <class Span>
std::vector<float> copy_of(Span s) {
    return {s.begin(), s.end()};
}

} // namespace

TEST_CASE("a copied model predicts identically and then evolves independently", "[core][model][copy]") {
    Model<Net> original{seed{4}};
    const auto x = batch(8, 1);
    const std::vector<std::uint32_t> labels{0, 1, 2, 3, 0, 1, 2, 3};
    const batch_targets<float> t{.labels = labels};
    original.compute_gradients(x, t);  // a workspace in use, which the copy must not share
    const auto before = copy_of(original.predict(x));

    Model<Net> copy = original;
    REQUIRE(copy_of(copy.parameters()) == copy_of(original.parameters()));
    REQUIRE(copy_of(copy.gradients()) == copy_of(original.gradients()));
    REQUIRE(copy.parameters().data() != original.parameters().data());
    REQUIRE(copy_of(copy.predict(x)) == before);

    // Training the copy changes neither the original's parameters nor its predictions, even
    // of the last batch it ran.
    const SGD sgd{.lr = 0.5};
    for (int i = 0; i < 5; ++i) {
        copy.compute_gradients(x, t);
        sgd.step(copy);
    }
    REQUIRE(copy_of(copy.parameters()) != copy_of(original.parameters()));
    REQUIRE(copy_of(original.predictions()) == before);
    REQUIRE(copy_of(original.predict(x)) == before);
    REQUIRE(copy_of(copy.predict(x)) != before);
    // A smaller batch through the copy (its own workspace) leaves the original's intact too.
    copy.predict(std::span(x).first(3 * 6));
    REQUIRE(copy_of(original.predictions()) == before);
}

TEST_CASE("copy assignment and moves carry the parameters", "[core][model][copy]") {
    const auto x = batch(5, 2);
    Model<Net> a{seed{1}}, b{seed{2}};
    const auto pa = copy_of(a.predict(x));
    REQUIRE(copy_of(b.predict(x)) != pa);
    b.predict(x);
    b = a;
    REQUIRE(copy_of(b.parameters()) == copy_of(a.parameters()));
    REQUIRE(copy_of(b.predict(x)) == pa);
    // b's predictions live in its own workspace.
    a.predict(std::span(x).first(2 * 6));
    REQUIRE(copy_of(b.predictions()) == pa);

    Model<Net> c = std::move(b);
    REQUIRE(copy_of(c.predict(x)) == pa);
    Model<Net> d{seed{9}};
    d = std::move(c);
    REQUIRE(copy_of(d.predict(x)) == pa);
}

} // namespace model_copy_test
