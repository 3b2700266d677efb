// The fit loop's parts: schedules and the rate in force, callbacks, early stopping and
// reduce-on-plateau on exactly known metric sequences, the shuffle order continuing across
// calls (two calls of one epoch are bitwise one call of two), and its errors.

#include <typenet/typenet.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include "../support/blobs.hpp"

namespace fit_loop_test {

namespace tn = typenet;

namespace {

using tn::test::blobs;
using Small = tn::Network<tn::Input<8>, tn::Dense<8, 16>, tn::ReLU, tn::Dense<16, 3, tn::Xavier>, tn::SoftmaxCrossEntropy>;

std::vector<float> parameters_of(const tn::Model<Small>& m) { return {m.parameters().begin(), m.parameters().end()}; }

} // namespace

TEST_CASE("schedules are the seeds' formulas of the epoch and the step", "[train][schedule]") {
    CHECK(tn::ConstantRate{}(7, 99) == 1);
    CHECK(tn::StepDecay{.every = 3, .factor = 0.5}(0, 0) == 1);
    CHECK(tn::StepDecay{.every = 3, .factor = 0.5}(2, 0) == 1);
    CHECK(tn::StepDecay{.every = 3, .factor = 0.5}(3, 0) == 0.5);
    CHECK(tn::StepDecay{.every = 3, .factor = 0.1}(7, 0) == Approx(0.01).epsilon(1e-15));
    CHECK(tn::ExponentialDecay{.rate = 0.95}(4, 0) == Approx(0.95 * 0.95 * 0.95 * 0.95).epsilon(1e-15));
    CHECK(tn::InverseTimeDecay{.k = 1}(3, 0) == 0.25);  // seed 003: a0 / (1 + decay_rate * epoch)
    CHECK(tn::CosineDecay{.epochs = 10}(0, 0) == 1);
    CHECK(tn::CosineDecay{.epochs = 10}(5, 0) == Approx(0.5).epsilon(1e-15));
    CHECK(tn::CosineDecay{.epochs = 10, .floor = 0.1}(10, 0) == Approx(0.1).epsilon(1e-15));
    CHECK(tn::CosineDecay{.epochs = 10, .floor = 0.1}(25, 0) == Approx(0.1).epsilon(1e-15));
    CHECK(tn::CosineDecay{.epochs = 8}(2, 0) == Approx((1 + std::cos(std::numbers::pi / 4)) / 2).epsilon(1e-15));
    const tn::Warmup w{.steps = 4, .then = tn::StepDecay{.every = 1, .factor = 0.5}};
    CHECK(w(0, 0) == 0.25);
    CHECK(w(0, 2) == 0.75);
    CHECK(w(2, 3) == 0.25);  // warm, then the step decay's 0.5^2
    CHECK(w(2, 100) == 0.25);
}

TEST_CASE("fit steps at the optimiser's rate times the schedule, records it and continues it across calls", "[train][schedule]") {
    const auto train = blobs(64, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    tn::SGD sgd{.lr = 0.1};
    const tn::fit_options<float> options{.epochs = 3, .batch = 16, .progress = nullptr,
                                         .schedule = tn::StepDecay{.every = 2, .factor = 0.5}};
    const tn::history first = tn::fit(model, sgd, train, options);
    const tn::history second = tn::fit(model, sgd, train, options);
    const std::vector<double> want{0.1, 0.1, 0.05, 0.05, 0.025, 0.025};
    for (std::size_t e = 0; e < 3; ++e) {
        CHECK(first.epochs[e].learning_rate == Approx(want[e]).epsilon(1e-15));
        CHECK(second.epochs[e].learning_rate == Approx(want[e + 3]).epsilon(1e-15));
        CHECK(second.epochs[e].model_epoch == e + 4);
    }
    CHECK(model.epoch_count() == 6);
    CHECK(sgd.step_count() == 24);

    // Per step: a warm-up over 6 steps, seen batch by batch.
    tn::Model<Small> warm{tn::seed{3}};
    std::vector<double> rates;
    tn::fit(warm, tn::SGD{.lr = 0.6}, train, {.epochs = 2, .batch = 16, .progress = nullptr, .schedule = tn::Warmup{.steps = 6}},
            tn::on_batch_end([&](auto& ctx) { rates.push_back(ctx.learning_rate); }));
    REQUIRE(rates.size() == 8);
    for (std::size_t k = 0; k < 8; ++k) CHECK(rates[k] == Approx(0.6 * std::min(1.0, (k + 1) / 6.0)).epsilon(1e-15));
}

TEST_CASE("two calls of fit for one epoch each give bitwise the weights of one call for two", "[train][resume]") {
    const auto train = blobs(100, 8, 3, 1);
    const tn::fit_options<float> one{.epochs = 1, .batch = 16, .shuffle = tn::seed{9}, .progress = nullptr,
                                     .schedule = tn::ExponentialDecay{.rate = 0.5}, .penalty = tn::L2{.lambda = 1e-3}};
    tn::fit_options<float> two = one;
    two.epochs = 2;
    tn::Model<Small> a{tn::seed{5}}, b{tn::seed{5}};
    tn::Adam adam_a{.lr = 0.01}, adam_b{.lr = 0.01};
    tn::fit(a, adam_a, train, two);
    tn::fit(b, adam_b, train, one);
    CHECK(parameters_of(a) != parameters_of(b));
    tn::fit(b, adam_b, train, one);
    CHECK(parameters_of(a) == parameters_of(b));
    CHECK(adam_a.step_count() == adam_b.step_count());

    // The second epoch's order is not the first's: restarting each call from the seed (a fresh
    // model epoch count) gives other weights.
    tn::Model<Small> c{tn::seed{5}};
    tn::Adam adam_c{.lr = 0.01};
    tn::fit(c, adam_c, train, one);
    c.set_epoch_count(0);
    tn::fit(c, adam_c, train, one);
    CHECK(parameters_of(c) != parameters_of(a));
}

TEST_CASE("callbacks see the model and the history, and can stop training", "[train][callbacks]") {
    const auto train = blobs(64, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    std::size_t batches = 0, epochs = 0;
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.1}, train, {.epochs = 5, .batch = 16, .progress = nullptr},
                                  tn::on_batch_end([&](auto&) { ++batches; }), tn::on_epoch_end([&](auto& ctx) {
                                      ++epochs;
                                      CHECK(ctx.history.epochs.size() == ctx.epoch);
                                      CHECK(&ctx.model == &model);
                                      if (ctx.epoch == 2) ctx.stop();
                                  }));
    CHECK(h.stopped);
    CHECK(h.epochs.size() == 2);
    CHECK(epochs == 2);
    CHECK(batches == 8);

    // Stopped after a batch: the epoch is recorded as far as it went.
    tn::Model<Small> other{tn::seed{3}};
    const tn::history part = tn::fit(other, tn::SGD{.lr = 0.1}, train, {.epochs = 3, .batch = 16, .progress = nullptr},
                                     tn::on_batch_end([](auto& ctx) {
                                         if (ctx.batch == 2) ctx.stop();
                                     }));
    CHECK(part.stopped);
    REQUIRE(part.epochs.size() == 1);
    CHECK(other.epoch_count() == 1);
}

TEST_CASE("early stopping stops after `patience` epochs without improvement and restores the best", "[train][early-stopping]") {
    // A rate too high for the problem makes the training loss wander; the test records every
    // epoch's loss and parameters and checks early stopping against them.
    const auto train = blobs(96, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    std::vector<std::vector<float>> seen;
    tn::EarlyStopping stop{.monitor = tn::metric::train_loss, .patience = 2, .min_delta = 0.05};
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.3}, train, {.epochs = 40, .batch = 8, .progress = nullptr},
                                  tn::on_epoch_end([&](auto& ctx) { seen.push_back(parameters_of(ctx.model)); }), stop);
    REQUIRE(h.stopped);
    // The best epoch by the rule, computed from the history.
    double best = h.epochs[0].train_loss;
    std::size_t best_at = 0, wait = 0, stopped_at = 0;
    for (std::size_t e = 1; e < h.epochs.size(); ++e) {
        if (h.epochs[e].train_loss < best - 0.05) best = h.epochs[e].train_loss, best_at = e, wait = 0;
        else if (++wait >= 2) {
            stopped_at = e;
            break;
        }
    }
    CHECK(stopped_at + 1 == h.epochs.size());
    CHECK(stop.best_epoch == best_at + 1);
    CHECK(stop.tracker.best == best);
    CHECK(best_at + 1 < h.epochs.size());  // the best is not the last: restoring changes something
    CHECK(parameters_of(model) == seen[best_at]);
    CHECK(stop.state_values()[0].first == "best");
    CHECK(stop.state_buffers<float>().at(0).first == "best_parameters");

    // Without validation data, a validation metric cannot be watched.
    tn::EarlyStopping on_val{};
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{}, train, {.progress = nullptr}, on_val),
                      "early stopping: monitors validation_accuracy, which this training does not measure (give fit "
                      "validation data: .validation = ...)");
}

TEST_CASE("reduce-on-plateau divides the rate after `patience` flat epochs, down to its floor", "[train][plateau]") {
    const auto train = blobs(32, 8, 3, 1);
    tn::Model<Small> model{tn::seed{3}};
    // A min_delta no loss can beat: every epoch after the first is flat.
    tn::ReduceOnPlateau plateau{.monitor = tn::metric::train_loss, .factor = 0.1, .patience = 2, .min_delta = 1e9, .floor = 1e-3};
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.5}, train, {.epochs = 12, .batch = 16, .progress = nullptr}, plateau);
    // Epoch 1 sets the best; epochs 2-3 wait, and the rate falls for epoch 4; 4-5 wait, it
    // falls for 6, and so on, stopping at 0.5 * 1e-3.
    const std::vector<double> want{0.5, 0.5, 0.5, 0.05, 0.05, 5e-3, 5e-3, 5e-4, 5e-4, 5e-4, 5e-4, 5e-4};
    for (std::size_t e = 0; e < 12; ++e) {
        CAPTURE(e);
        CHECK(h.epochs[e].learning_rate == Approx(want[e]).epsilon(1e-12));
    }
    CHECK(plateau.scale == Approx(1e-3));
    // The scale lasts into the next call.
    const tn::history next = tn::fit(model, tn::SGD{.lr = 0.5}, train, {.epochs = 1, .batch = 16, .progress = nullptr}, plateau);
    CHECK(next.epochs[0].learning_rate == Approx(5e-4).epsilon(1e-12));
}

TEST_CASE("fit names a non-finite value in the data by its sample and column, and rejects bad rates", "[train][errors]") {
    tn::Model<Small> model{tn::seed{3}};
    auto train = blobs(40, 8, 3, 1);
    const auto val = blobs(10, 8, 3, 2);
    train.features[17 * 8 + 3] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{}, train, {.progress = nullptr}),
                      "fit: feature value nan at row 17, column 3 (expected finite values)");
    train.features[17 * 8 + 3] = 0;
    auto bad_val = val;
    bad_val.features[9 * 8] = -std::numeric_limits<float>::infinity();
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{}, train, {.validation = bad_val, .progress = nullptr}),
                      "fit (validation data): feature value -inf at row 9, column 0 (expected finite values)");
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = -0.1}, train, {.progress = nullptr}),
                      "fit: expected a finite learning rate of at least 0, found -0.100000 at epoch 1, batch 1");
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0.1}, train,
                              {.epochs = 3, .progress = nullptr, .schedule = [](std::uint64_t e, std::uint64_t) {
                                   return e == 1 ? std::nan("") : 1.0;
                               }}),
                      "fit: expected a finite learning rate of at least 0, found nan at epoch 2, batch 1");
    CHECK(model.epoch_count() == 1);  // the first epoch ran
}

TEST_CASE("a validation loss that is not finite stops fit with an error", "[train][errors]") {
    // The training rows are 0, so the output is the bias; the validation rows meet weights of
    // 1e200 and overflow.
    using Reg = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::MeanSquaredError>;
    tn::Model<Reg, double> model;
    model.parameters()[0] = 1e200;
    tn::data::Dataset<double> train, val;
    train.width = val.width = 1;
    train.target_width = val.target_width = 1;
    train.features = {0, 0};
    train.targets = {0, 0};
    val.features = {1e200};
    val.targets = {0};
    CHECK_THROWS_WITH(tn::fit(model, tn::SGD{.lr = 0}, train, {.validation = val, .progress = nullptr}),
                      "fit: the validation loss is inf after epoch 1: layer 1 (dense_1) gives inf for sample 0 of the "
                      "validation data; its input (the sample's features) and the parameters are finite, so the layer "
                      "overflows (large inputs or weights are the usual cause)");
}

} // namespace fit_loop_test
