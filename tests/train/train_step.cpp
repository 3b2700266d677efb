// train_step(model, sgd, x, targets) against what it replaces, compute_gradients then
// SGD::step: the same loss, bitwise the same parameters after several steps, the same step
// counts, and this step's gradients of every parameter but the Dense weights, on 1, 2 and 3
// threads, for layers with and without a vector tail, layers between the Dense ones with
// parameters of their own, and a rate given per step.

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <typenet/typenet.hpp>

#include "../support/test_values.hpp"
#include "../support/threads.hpp"

namespace train_step_test {

namespace {

using namespace typenet;

// Whether parameter i of Net is a Dense layer's weight (whose gradient train_step does not write).
template <class Net>
std::vector<bool> dense_weights() {
    std::vector<bool> out(Net::parameter_count, false);
    for (const tensor_info& t : Net::tensors)
        if (t.layer_type == "dense" && t.name() == "weight")
            for (std::size_t i = t.offset; i < t.offset + t.size(); ++i) out[i] = true;
    return out;
}

template <class Net, class T>
void check_train_step(std::size_t rows, std::uint32_t classes, double rate_step) {
    CAPTURE(Net::input_width, rows);
    const auto x = test::uniform_values<T>(4 * rows * Net::input_width, 31 + rows);
    std::vector<std::uint32_t> labels(4 * rows);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint32_t>((i * 7 + 3) % classes);
    const std::vector<bool> fused = dense_weights<Net>();

    std::vector<T> first_params;
    for (const std::size_t threads : {1, 2, 3}) {
        CAPTURE(threads);
        const test::with_threads setting(threads);
        Model<Net, T> plain{seed{5}}, fast{seed{5}};
        SGD plain_sgd{.lr = 0.05}, fast_sgd{.lr = 0.05};
        for (std::size_t s = 0; s < 4; ++s) {
            CAPTURE(s);
            const std::span<const T> xs = std::span<const T>(x).subspan(s * rows * Net::input_width, rows * Net::input_width);
            const batch_targets<T> t{.labels = std::span<const std::uint32_t>(labels).subspan(s * rows, rows)};
            const double rate = 0.05 + rate_step * double(s);
            double want = 0, got = 0;
            if (rate_step == 0) {
                want = plain.compute_gradients(xs, t);
                plain_sgd.step(plain);
                got = train_step(fast, fast_sgd, xs, t);
            } else {
                want = plain.compute_gradients(xs, t);
                plain_sgd.step(plain, rate);
                got = train_step(fast, fast_sgd, xs, t, rate);
            }
            REQUIRE(got == want);
            const auto p = plain.parameters(), q = fast.parameters();
            REQUIRE(std::vector<T>(p.begin(), p.end()) == std::vector<T>(q.begin(), q.end()));
            const auto gp = plain.gradients(), gq = fast.gradients();
            std::size_t differ = 0;
            for (std::size_t i = 0; i < gp.size(); ++i) differ += !fused[i] && gp[i] != gq[i];
            REQUIRE(differ == 0);
            REQUIRE(fast.step_count() == plain.step_count());
            REQUIRE(fast_sgd.step_count() == plain_sgd.step_count());
        }
        const auto q = fast.parameters();
        // The steps did move every Dense weight matrix (the comparison above is not vacuous).
        Model<Net, T> untouched{seed{5}};
        std::size_t moved = 0;
        for (std::size_t i = 0; i < q.size(); ++i) moved += fused[i] && q[i] != untouched.parameters()[i];
        REQUIRE(moved > 0);
        if (threads == 1) first_params.assign(q.begin(), q.end());
        else REQUIRE(std::vector<T>(q.begin(), q.end()) == first_params);
    }
}

} // namespace

TEMPLATE_TEST_CASE("train_step equals compute_gradients then SGD::step, bit for bit", "[train][train_step]", float,
                   double) {
    using T = TestType;
    // Tails for every vector width, a Dense narrower than a vector (its input gradient through
    // a transposed copy), an input narrower than 4 (the weight gradient streamed).
    check_train_step<Network<Input<20>, Dense<20, 33>, ReLU, Dense<33, 17>, Tanh, Dense<17, 5>, SoftmaxCrossEntropy>, T>(
        13, 5, 0);
    check_train_step<Network<Input<3>, Dense<3, 40>, ReLU, Dense<40, 2>, SoftmaxCrossEntropy>, T>(9, 2, 0);
    // Layers with parameters between and after the Dense ones, updated from their gradients.
    check_train_step<Network<Input<20>, Dense<20, 24>, BatchNorm, ReLU, Dropout<0.5>, Dense<24, 12>, PReLU, LayerNorm,
                             Dense<12, 4>, SoftmaxCrossEntropy>,
                     T>(16, 4, 0);
    // A rate that changes per step, as under a schedule.
    check_train_step<Network<Input<20>, Dense<20, 33>, ReLU, Dense<33, 5>, SoftmaxCrossEntropy>, T>(11, 5, 0.01);
}

TEMPLATE_TEST_CASE("train_step on products large enough to be split over threads equals the unfused step",
                   "[train][train_step][threads]", float, double) {
    check_train_step<Network<Input<300>, Dense<300, 1024>, ReLU, Dense<1024, 100>, ReLU, Dense<100, 10>,
                             SoftmaxCrossEntropy>,
                     TestType>(64, 10, 0);
}

TEST_CASE("train_step at rate 0 leaves the parameters as SGD::step does", "[train][train_step]") {
    using Net = Network<Input<6>, Dense<6, 17>, ReLU, Dense<17, 3>, SoftmaxCrossEntropy>;
    Model<Net> plain{seed{2}}, fast{seed{2}};
    SGD plain_sgd{.lr = 0}, fast_sgd{.lr = 0};
    const auto x = test::uniform_values<float>(4 * 6, 3);
    const std::vector<std::uint32_t> labels{0, 1, 2, 1};
    const batch_targets<float> t{.labels = labels};
    const double want = plain.compute_gradients(x, t);
    plain_sgd.step(plain);
    REQUIRE(train_step(fast, fast_sgd, std::span<const float>(x), t) == want);
    const auto p = plain.parameters(), q = fast.parameters();
    REQUIRE(std::vector<float>(p.begin(), p.end()) == std::vector<float>(q.begin(), q.end()));
    const Model<Net> initial{seed{2}};
    const auto r = initial.parameters();
    REQUIRE(std::vector<float>(q.begin(), q.end()) == std::vector<float>(r.begin(), r.end()));
    // The gradients are all written on this path.
    const auto gp = plain.gradients(), gq = fast.gradients();
    REQUIRE(std::vector<float>(gp.begin(), gp.end()) == std::vector<float>(gq.begin(), gq.end()));
}

} // namespace train_step_test
