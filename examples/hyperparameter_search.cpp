// Seed 002's hyperparameter search (section 6.5), on Fashion-MNIST: the learning rate
// 10^U(-6, -2) and the weight decay 10^U(-8, -4) of a 784-100-10 ReLU network, 100 trials of a
// few epochs each on a training subset, scored on the 20% of it held out for validation (never
// the test set); the top 5 in the seeds' format; a finer round in the ranges narrowed around
// them; a report of the best trial's training and both rounds' scatter plots.
// Weight decay is fit's L2 penalty, on the tensors whose role is `weight` (biases are not
// decayed).
// Usage: hyperparameter_search [report.html]
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace tn = typenet;

struct Mlp : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 10, tn::Xavier>,
                         tn::SoftmaxCrossEntropy> {};

namespace {

constexpr std::size_t epochs = 8;
constexpr std::size_t batch = 100;

// Trains a model with SGD and L2 weight decay (seed 002's (1/2) lambda sum w^2, on weights
// only) for a few epochs; returns the history of its epochs.
tn::history train_trial(tn::Model<Mlp>& model, const tn::data::Dataset<float>& train,
                        const tn::data::Dataset<float>& val, double lr, double weight_decay) {
    tn::SGD sgd{.lr = lr};
    return tn::fit(model, sgd, train,
                   {.epochs = epochs, .batch = batch, .validation = val, .shuffle = tn::seed{9}, .progress = nullptr,
                    .penalty = tn::L2{.lambda = weight_decay}});
}

} // namespace

int main(int argc, char** argv) try {
    const std::string report_path = argc > 1 ? argv[1] : "hyperparameter_search.html";
    // A training subset of 5000 samples, 20% of it held out for validation.
    auto all = tn::data::fashion_mnist::train();
    all.features.resize(5000 * 784);
    all.labels.resize(5000);
    const auto [train, val] = tn::data::split(all, 0.8, tn::seed{1});

    const auto score = [&](const tn::tune::trial& t) {
        tn::Model<Mlp> model{tn::seed{42}};
        return train_trial(model, train, val, t["lr"], t["weight decay"]).epochs.back().validation_accuracy;
    };

    tn::tune::search_space space;
    space.log_uniform("lr", 1e-6, 1e-2).log_uniform("weight decay", 1e-8, 1e-4);
    std::printf("coarse: 100 trials, %zu epochs each, %zu training and %zu validation samples\n", epochs, train.size(),
                val.size());
    const auto coarse = tn::tune::random_search(space, score, {.trials = 100, .seed = tn::seed{1}});
    std::printf("%s", coarse.format_best(5).c_str());
    for (const auto& w : coarse.edge_warnings()) std::printf("%s\n", w.c_str());

    const auto narrowed = tn::tune::narrow(coarse, 5);
    const auto& lr = narrowed.parameter("lr");
    const auto& wd = narrowed.parameter("weight decay");
    std::printf("\nfine: 30 trials in lr [%.3g, %.3g], weight decay [%.3g, %.3g]\n", lr.low, lr.high, wd.low, wd.high);
    const auto fine = tn::tune::random_search(narrowed, score, {.trials = 30, .seed = tn::seed{2}});
    std::printf("%s", fine.format_best(5).c_str());
    for (const auto& w : fine.edge_warnings()) std::printf("%s\n", w.c_str());

    const auto best = fine.best(1).front().trial;
    tn::Model<Mlp> model{tn::seed{42}};
    const tn::history h = train_trial(model, train, val, best["lr"], best["weight decay"]);
    tn::run_options options{{"optimizer", "SGD"}, {"batch", std::to_string(batch)}, {"epochs", std::to_string(epochs)}};
    options.add("lr", best["lr"]).add("weight decay", best["weight decay"]);
    tn::report(h, model, tn::activation_statistics(model, std::span<const float>(val.features).first(500 * 784)), options, coarse, fine, report_path);
    std::printf("\nreport of the best trial and both rounds: %s\n", report_path.c_str());
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
