// The sanity-check calls: each passes on a network that works and fails on a broken one
// (weights that start large, a loss whose gradient has the wrong sign); the gradient check's
// per-tensor report and its skipping of kinks.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <typenet/core/layer.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/diagnostics/sanity_checks.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>

namespace sanity_verdicts_test {

namespace {

using namespace typenet;

// SoftmaxCrossEntropy with the sign of its gradient flipped: a mistake that training walks
// the wrong way on. Its loss and predictions are right, so only training sees it.
struct WrongSignSoftmax {
    static constexpr layer_kind kind = layer_kind::loss;
    static constexpr target_kind takes = target_kind::labels;
    static constexpr shape output_shape(shape in) noexcept { return in; }
    template <class T, std::size_t Width>
    static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad) noexcept {
        const double l = SoftmaxCrossEntropy::evaluate<T, Width>(a, rows, t, out, grad);
        if (grad)
            for (std::size_t i = 0; i < rows * Width; ++i) grad[i] = -grad[i];
        return l;
    }
    template <class T, std::size_t Width>
    static void predict(const T* a, std::size_t rows, T* out) noexcept {
        SoftmaxCrossEntropy::predict<T, Width>(a, rows, out);
    }
};

template <class Loss, class LastInit = Gaussian<0.01>>
using Classifier = Network<Input<20>, Dense<20, 32, He>, ReLU, Dense<32, 10, LastInit>, Loss>;

// Ten Gaussian clusters in 20 dimensions, one per class.
struct clusters {
    static constexpr std::size_t rows = 200;
    std::vector<float> x;
    std::vector<std::uint32_t> labels;
    clusters() {
        rng centres{seed{11}}, g{seed{12}};
        std::vector<float> c(10 * 20);
        for (auto& v : c) v = static_cast<float>(centres.normal());
        for (std::size_t i = 0; i < rows; ++i) {
            const auto y = static_cast<std::uint32_t>(i % 10);
            labels.push_back(y);
            for (std::size_t j = 0; j < 20; ++j) x.push_back(c[y * 20 + j] + 0.3f * static_cast<float>(g.normal()));
        }
    }
    batch_targets<float> t() const { return {.labels = labels}; }
    // The first n samples and their labels.
    std::span<const float> first_x(std::size_t n) const { return std::span<const float>(x).first(n * 20); }
    batch_targets<float> first_t(std::size_t n) const { return {.labels = std::span<const std::uint32_t>(labels).first(n)}; }
};

} // namespace

TEST_CASE("initial loss: ln(C) for softmax, C - 1 for the hinge, and a broken init fails", "[diagnostics][sanity]") {
    const clusters d;
    Model<Classifier<SoftmaxCrossEntropy>> good{seed{1}};
    const auto v = check_initial_loss(good, d.x, d.t());
    CAPTURE(v.message);
    CHECK(v.passed);
    CHECK(v.expected == Approx(std::log(10.0)));
    CHECK(v.classes == 10);
    CHECK(std::abs(v.loss - 2.302585) < 0.05);
    CHECK(v.message.find("expected ln(10) = 2.303 within 10%: passed") != std::string::npos);

    Model<Classifier<MulticlassHinge>> hinge{seed{1}};
    const auto h = check_initial_loss(hinge, d.x, d.t());
    CAPTURE(h.message);
    CHECK(h.passed);
    CHECK(h.expected == 9);
    CHECK(h.message.find("expected 10 - 1 = 9 within 10%") != std::string::npos);

    // Last-layer weights of standard deviation 3: scores of several units, far from uniform.
    Model<Classifier<SoftmaxCrossEntropy, Gaussian<3.0>>> large{seed{1}};
    const auto bad = check_initial_loss(large, d.x, d.t());
    CAPTURE(bad.message, bad.loss);
    CHECK_FALSE(bad.passed);
    CHECK(bad.loss > 1.1 * std::log(10.0));
    CHECK(bad.message.find("failed") != std::string::npos);
}

TEST_CASE("overfitting 20 samples: passes on a working network, fails with a wrong-sign loss",
          "[diagnostics][sanity]") {
    const clusters d;
    Model<Classifier<SoftmaxCrossEntropy>> good{seed{2}};
    const std::vector<float> before(good.parameters().begin(), good.parameters().end());
    const auto v = check_overfit(good, d.first_x(20), d.first_t(20), {.lr = 0.1});
    CAPTURE(v.message);
    CHECK(v.passed);
    CHECK(v.final_loss < 0.01);
    CHECK(v.accuracy == 1.0);
    CHECK(v.samples == 20);
    CHECK(v.steps < 1000);
    // The model passed in is left as it was.
    CHECK(std::equal(before.begin(), before.end(), good.parameters().begin()));

    Model<Classifier<WrongSignSoftmax>> broken{seed{2}};
    const auto b = check_overfit(broken, d.first_x(20), d.first_t(20), {.lr = 0.1, .max_steps = 200});
    CAPTURE(b.message);
    CHECK_FALSE(b.passed);
    CHECK(b.final_loss > b.initial_loss);
    CHECK(b.message.find("failed") != std::string::npos);
}

TEST_CASE("the learning-rate range test names the largest rate that trains", "[diagnostics][sanity]") {
    const clusters d;
    Model<Classifier<SoftmaxCrossEntropy>> good{seed{3}};
    const auto v = lr_range_test(good, d.x, d.t(), {.from_exponent = -6, .to_exponent = 3, .steps = 100});
    CAPTURE(v.message);
    REQUIRE(v.trials.size() == 10);
    std::string trials;
    for (const auto& t : v.trials)
        trials += std::to_string(t.lr) + ": " + std::to_string(t.final_loss) + " " + std::string(outcome_name(t.outcome)) + "; ";
    CAPTURE(trials);
    CHECK(v.trials.front().lr == Approx(1e-6));
    CHECK(v.trials.front().outcome == lr_outcome::too_slow);  // the seeds' 1e-6: the loss barely moves
    CHECK(v.trials.back().outcome == lr_outcome::diverges);   // 1e3: it explodes
    CHECK(v.passed);
    CHECK(v.largest_training_rate >= 1e-2);
    CHECK(v.largest_training_rate <= 1);
    // Every rate above the named one fails to train.
    for (const auto& t : v.trials)
        if (t.lr > v.largest_training_rate * 1.5) CHECK(t.outcome != lr_outcome::trains);

    Model<Classifier<WrongSignSoftmax>> broken{seed{3}};
    const auto b = lr_range_test(broken, d.x, d.t(), {.from_exponent = -4, .to_exponent = 0, .steps = 100});
    CHECK_FALSE(b.passed);
    CHECK(std::isnan(b.largest_training_rate));
    CHECK(b.message == "no learning rate trains: the loss never fell by 10% without exploding");
}

TEST_CASE("gradient_check reports each named tensor with the seeds' verdicts", "[diagnostics][gradient_check]") {
    using Net = Network<Input<3>, Dense<3, 4>, Tanh, Dense<4, 2>, MeanSquaredError>;
    Model<Net, double> m{seed{5}};
    const std::vector<double> x{0.1, -0.4, 0.7, 0.3, 0.2, -0.9}, y{0.5, -0.5, 0.1, 0.2};
    const auto r = gradient_check(m, x, {.values = y}, {.step = 1e-5});
    REQUIRE(r.tensors.size() == 4);
    CHECK(r.tensors[0].name == "dense_1.weight");
    CHECK(r.tensors[0].checked == 12);
    CHECK(r.tensors[1].name == "dense_1.bias");
    CHECK(r.tensors[3].name == "dense_2.bias");
    CHECK(r.tensors[3].checked == 2);
    std::size_t sum = 0;
    for (const auto& t : r.tensors) {
        CAPTURE(t.name, t.max_relative_error);
        CHECK(t.verdict != gradient_verdict::wrong);
        CHECK(t.max_relative_error <= r.max_relative_error);
        sum += t.checked;
    }
    CHECK(sum == r.checked);
    CHECK(r.kinks == 0);
    CHECK(r.max_relative_error < 1e-6);

    CHECK(judge_gradient(2e-2) == gradient_verdict::wrong);
    CHECK(judge_gradient(1e-3) == gradient_verdict::doubtful);
    CHECK(judge_gradient(5e-8) == gradient_verdict::good);
    CHECK(judge_gradient(std::nan("")) == gradient_verdict::wrong);
    const std::string table = format_gradient_check(r);
    CHECK(table.find("dense_1.weight  max rel. error") == 0);
    CHECK(table.find("\nall             max rel. error") != std::string::npos);
}

TEST_CASE("gradient_check skips a ReLU input within h of its kink", "[diagnostics][gradient_check]") {
    // One row x = (1, 1). Hidden unit 0's input is w00 + w10 + b0; set it to 1e-7, inside
    // h = 1e-6 of ReLU's kink: moving b0 by -h closes the unit, so the centred difference sees
    // half the slope, (1.1 - 0) / 2 of it, while the gradient (the unit is open) is all of it.
    using Net = Network<Input<2>, Dense<2, 2>, ReLU, Dense<2, 1>, MeanSquaredError>;
    Model<Net, double> m{seed{7}};
    auto w1 = m.tensor("dense_1.weight");
    w1[0] = 0.3, w1[1] = 0.5, w1[2] = -0.3 + 1e-7, w1[3] = 0.4;  // input-major: unit 0 gets w1[0] and w1[2]
    m.tensor("dense_1.bias")[0] = 0;
    m.tensor("dense_1.bias")[1] = 0.1;
    auto w2 = m.tensor("dense_2.weight");
    w2[0] = 0.8, w2[1] = -0.6;
    const std::vector<double> x{1, 1}, y{2};

    const auto naive = gradient_check(m, x, {.values = y}, {.step = 1e-6, .skip_kinks = false});
    CAPTURE(naive.max_relative_error);
    CHECK(naive.kinks == 0);
    CHECK(naive.verdict() == gradient_verdict::wrong);
    CHECK(naive.max_relative_error == Approx(0.45).margin(0.01));  // |1 - 0.55| / 1

    const auto skipping = gradient_check(m, x, {.values = y}, {.step = 1e-6});
    CAPTURE(skipping.max_relative_error);
    // Unit 0's two weights and its bias cross the kink; nothing else does.
    CHECK(skipping.kinks == 3);
    CHECK(skipping.checked == Net::parameter_count - 3);
    CHECK(skipping.verdict() != gradient_verdict::wrong);
    // What remains is rounding: dense_2's weight from unit 0 has a gradient of (a - y) x 1e-7,
    // near the noise of a centred difference (~1e-16 / h); every other tensor is exact.
    CHECK(skipping.worst_index == Net::parameter_offsets[3]);
    CHECK(skipping.tensors[0].max_relative_error < 1e-6);
    CHECK(skipping.tensors[1].max_relative_error < 1e-6);
    CHECK(skipping.tensors[3].max_relative_error < 1e-6);
    CHECK(skipping.tensors[0].kinks == 2);
    CHECK(skipping.tensors[1].kinks == 1);
}

} // namespace sanity_verdicts_test
