// Trains the network typenet is named for on Fashion-MNIST with plain SGD, prints the test
// accuracy and writes a report of the run beside it: curves, activations, first-layer weights,
// update/weight ratios per tensor and dead ReLU units, watched during training by callbacks of
// fit (sampled: every 20th step, every 50th batch, which keeps their cost near 2%). The
// README's first command builds and runs this file.
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace tn = typenet;

// Declared as a struct, the network is checked on this line: a wrong size is one error here.
struct Mlp : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.5>,
                         tn::Dense<100, 10, tn::Xavier>, tn::SoftmaxCrossEntropy> {};

static_assert(Mlp::parameter_count == 784 * 100 + 100 + 2 * 100 + 100 * 10 + 10);
// tn::Dense<50, 10> in place of tn::Dense<100, 10> would not compile: layer 6 expects 50
// inputs, but layer 5 (Dropout) gives 100.

int main(int argc, char** argv) try {
    const std::size_t epochs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10;

    auto [train, val] = tn::data::split(tn::data::fashion_mnist::train(), 0.9, tn::seed{1});
    tn::Model<Mlp> model{tn::seed{42}};
    tn::update_monitor updates{{.every = 20}};  // ||lr * dW|| / ||W|| per tensor: about 1e-3 is healthy
    tn::dead_unit_tracker dead{{.every = 50}};  // units no sample opens
    tn::loss_guard guard;                       // stops the run once the loss passes 3x its start
    const tn::history h = tn::fit(model, tn::SGD{.lr = 0.1}, train, {.epochs = epochs, .batch = 64, .validation = val},
                                  updates, dead, guard);

    const tn::evaluation test = tn::evaluate(model, tn::data::fashion_mnist::test());
    std::printf("test accuracy %.4f  test loss %.4f  (%zu samples)\n", test.accuracy, test.loss, test.samples);

    const auto some_rows = std::span<const float>(val.features).first(256 * 784);
    const std::filesystem::path report = std::filesystem::absolute("fashion_mnist_mlp.html");
    tn::report(h, model, tn::activation_statistics(model, some_rows), updates, dead, report.string());
    std::printf("report: %s\n", report.c_str());
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
