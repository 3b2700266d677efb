// Training checks on Fashion-MNIST subsets that could fail: seed 002's optimiser comparison
// (figure 6-9), its overfitting setup with and without weight decay (figures 6-20, 6-21), and
// early stopping with reduce-on-plateau on that same setup. Under AddressSanitizer the
// comparison runs 100 steps instead of 2000, and the overfitting setup a quarter of its work.

#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "../support/sanitized.hpp"

namespace optimizer_training_test {

namespace tn = typenet;

namespace {

// Seed 002's 5-layer network: four hidden ReLU layers of 100 units, He initialisation.
struct Five : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 100, tn::He>, tn::ReLU,
                          tn::Dense<100, 100, tn::He>, tn::ReLU, tn::Dense<100, 100, tn::He>, tn::ReLU,
                          tn::Dense<100, 10, tn::He>, tn::SoftmaxCrossEntropy> {};

// Mean batch loss over the last `tail` of `steps` steps of batch 128.
template <class Optimizer>
double loss_after(const tn::data::Dataset<float>& train, Optimizer opt, std::size_t steps, std::size_t tail) {
    tn::Model<Five> model{tn::seed{1}};
    std::vector<double> losses;
    tn::fit(model, opt, train, {.epochs = 1000, .batch = 128, .progress = nullptr}, tn::on_batch_end([&](auto& ctx) {
                losses.push_back(ctx.batch_loss);
                if (losses.size() == steps) ctx.stop();
            }));
    REQUIRE(losses.size() == steps);
    double sum = 0;
    for (std::size_t k = steps - tail; k < steps; ++k) sum += losses[k];
    return sum / static_cast<double>(tail);
}

// Seed 002's overfitting network: six hidden ReLU layers of 100 units.
struct Seven : tn::Network<tn::Input<784>, tn::Dense<784, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU,
                           tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU,
                           tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 10>, tn::SoftmaxCrossEntropy> {};

} // namespace

TEST_CASE("Momentum, AdaGrad and Adam reach a lower training loss than SGD in the same steps (seed 002, fig. 6-9)",
          "[train][fashion-mnist][optimizers]") {
    constexpr std::size_t steps = TYPENET_TEST_SANITIZED ? 100 : 2000, tail = steps / 10;
    const auto train = tn::data::fashion_mnist::train();
    // The seed's rates: 0.01 for all but Adam's 0.001.
    const double sgd = loss_after(train, tn::SGD{.lr = 0.01}, steps, tail);
    const double momentum = loss_after(train, tn::Momentum{.lr = 0.01}, steps, tail);
    const double adagrad = loss_after(train, tn::AdaGrad{.lr = 0.01}, steps, tail);
    const double adam = loss_after(train, tn::Adam{.lr = 0.001}, steps, tail);
    CAPTURE(sgd, momentum, adagrad, adam);
    CHECK(momentum < sgd);
    CHECK(adagrad < sgd);
    CHECK(adam < sgd);
}

TEST_CASE("weight decay narrows the train/test gap of seed 002's overfitting setup (fig. 6-20, 6-21)",
          "[train][fashion-mnist][penalty]") {
    // Under the sanitizer: 150 samples in batches of 50 for 100 epochs, a quarter of the work.
    constexpr std::size_t samples = TYPENET_TEST_SANITIZED ? 150 : 300, batch = TYPENET_TEST_SANITIZED ? 50 : 100,
                          epochs = TYPENET_TEST_SANITIZED ? 100 : 200;
    const auto train = tn::data::take(tn::data::fashion_mnist::train(), samples);
    const auto test = tn::data::take(tn::data::fashion_mnist::test(), 2000);
    auto gap = [&](const tn::weight_penalty& penalty) {
        tn::Model<Seven> model{tn::seed{5}};
        tn::fit(model, tn::SGD{.lr = 0.01}, train, {.epochs = epochs, .batch = batch, .progress = nullptr, .penalty = penalty});
        const double a = tn::evaluate(model, train).accuracy, b = tn::evaluate(model, test).accuracy;
        return std::vector<double>{a, b, a - b};
    };
    const auto plain = gap({}), decayed = gap(tn::L2{.lambda = 0.1});
    CAPTURE(plain, decayed);
    CHECK(plain[0] > 0.95);           // without: the training set is nearly learnt by heart
    CHECK(decayed[0] < plain[0]);     // with: not quite (the seed: "does not reach 100%")
    CHECK(decayed[2] < plain[2] - 0.03);
}

TEST_CASE("early stopping on the validation loss stops the overfitting run and restores its best epoch; the plateau "
          "lowers the rate first",
          "[train][fashion-mnist][early-stopping][plateau]") {
    const auto train = tn::data::take(tn::data::fashion_mnist::train(), 300);
    const auto val = tn::data::take(tn::data::fashion_mnist::test(), 1000);
    tn::Model<Seven> model{tn::seed{5}};
    tn::EarlyStopping stop{.monitor = tn::metric::validation_loss, .patience = 12};
    tn::ReduceOnPlateau plateau{.monitor = tn::metric::validation_loss, .factor = 0.5, .patience = 4};
    const tn::history h = tn::fit(model, tn::Momentum{.lr = 0.01}, train,
                                  {.epochs = 300, .batch = 50, .validation = val, .progress = nullptr}, plateau, stop);
    REQUIRE(h.stopped);
    double best = std::numeric_limits<double>::infinity();
    std::size_t best_at = 0;
    for (std::size_t e = 0; e < h.epochs.size(); ++e)
        if (h.epochs[e].validation_loss < best) best = h.epochs[e].validation_loss, best_at = e + 1;
    CAPTURE(h.epochs.size(), best_at, best);
    CHECK(h.epochs.size() == stop.best_epoch + 12);
    CHECK(stop.best_epoch == best_at);
    CHECK(tn::evaluate(model, val).loss == Approx(best).epsilon(1e-12));
    // The rate fell while the validation loss stalled, before training stopped.
    CHECK(h.epochs.back().learning_rate < 0.01);
    CHECK(h.epochs.front().learning_rate == 0.01);
}

} // namespace optimizer_training_test
