// Seed 001 (Nielsen, ch. 3): the learning slowdown of the quadratic cost. One sigmoid neuron,
// input 1, target 0, lr 0.15, 300 epochs of one step, from w = 0.6, b = 0.9 (output 0.82) and
// from w = 2, b = 2 (output 0.98, saturated). With the quadratic cost the gradient carries the
// factor sigmoid'(z), tiny when saturated: from (2, 2) the output hardly moves for the first
// epochs. With the cross-entropy the factor cancels and both starts learn at once.
#include <typenet/typenet.hpp>

#include <cstdio>
#include <iostream>

namespace tn = typenet;

using Quadratic = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::Sigmoid, tn::MeanSquaredError>;
using CrossEntropy = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::SigmoidCrossEntropy>;

template <class Net>
void run(const char* cost, double w, double b) {
    tn::data::Dataset<double> one;
    one.width = 1;
    one.target_width = 1;
    one.features = {1};
    one.targets = {0};
    tn::Model<Net, double> neuron;
    neuron.parameters()[0] = w;
    neuron.parameters()[1] = b;
    std::printf("%-13s w %.1f b %.1f:", cost, w, b);
    tn::SGD sgd{.lr = 0.15};
    for (int epoch = 0; epoch <= 300; epoch += 50) {
        if (epoch > 0) tn::fit(neuron, sgd, one, {.epochs = 50, .batch = 1, .progress = nullptr});
        std::printf(" %6.3f", neuron.predict(std::span<const double>(one.features))[0]);
    }
    std::printf("\n");
}

int main() try {
    std::printf("output after 0, 50, ..., 300 epochs\n");
    run<Quadratic>("quadratic", 0.6, 0.9);
    run<Quadratic>("quadratic", 2, 2);
    run<CrossEntropy>("cross-entropy", 0.6, 0.9);
    run<CrossEntropy>("cross-entropy", 2, 2);
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
