// The seeds' checks before a long run (seed 000, section 7), on Fashion-MNIST:
//   1. the initial loss of a 10-class softmax classifier with small last-layer weights is
//      ln(10) = 2.302;
//   2. the network overfits 20 samples to a loss near zero;
//   3. the learning rate by powers of ten: at 1e-6 the loss barely moves, at 1e6 it explodes,
//      and the range test names the largest rate that still trains;
//   4. the gradient check per tensor on a few samples, kinks skipped.
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace tn = typenet;

struct Mlp : tn::Network<tn::Input<784>, tn::Dense<784, 50, tn::He>, tn::ReLU, tn::Dense<50, 10, tn::Gaussian<0.01>>,
                         tn::SoftmaxCrossEntropy> {};

int main() try {
    const auto train = tn::data::fashion_mnist::train();
    const std::span<const float> x(train.features);
    const std::span<const std::uint32_t> y(train.labels);
    const auto first = [&](std::size_t n) { return x.first(n * 784); };
    const auto labels = [&](std::size_t n) { return tn::batch_targets<float>{.labels = y.first(n)}; };
    tn::Model<Mlp> model{tn::seed{1}};

    std::printf("1. %s\n", tn::check_initial_loss(model, first(1000), labels(1000)).message.c_str());
    std::printf("2. %s\n", tn::check_overfit(model, first(20), labels(20), {.lr = 0.1}).message.c_str());

    const auto range = tn::lr_range_test(model, first(2000), labels(2000),
                                         {.from_exponent = -6, .to_exponent = 6, .steps = 200, .batch = 50});
    std::printf("3. learning rates, 200 SGD steps of 50 samples each:\n      lr   initial    final  outcome\n");
    for (const auto& r : range.trials)
        std::printf("   %6.0e  %8.4f  %7.4f  %s\n", r.lr, r.initial_loss, r.final_loss,
                    std::string(tn::outcome_name(r.outcome)).c_str());
    std::printf("   %s\n", range.message.c_str());

    tn::Model<Mlp, double> exact{tn::seed{1}};
    const auto four = train.as<double>();
    const auto g = tn::gradient_check(exact, std::span<const double>(four.features).first(3 * 784),
                                      {.labels = y.first(3)},
                                      {.step = 1e-6, .max_parameters = 2000, .seed = 1});
    std::printf("4. gradient check, 3 samples, 2000 parameters sampled:\n%s", tn::format_gradient_check(g).c_str());
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
