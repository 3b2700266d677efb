// Seed 002, section 6.3: how much BatchNorm frees training from the scale of the initial
// weights. A 5 x 100 ReLU network is trained on 1000 Fashion-MNIST images (SGD, lr 0.01,
// batch 100, 20 epochs) with its weights drawn with standard deviations from 1e-4 to 1 (16
// values on a log scale), once without and once with a BatchNorm after every hidden Dense.
// Printed: the training accuracy each reaches. Without BatchNorm only a narrow band of scales
// learns at all; with it, almost every scale does, and faster.
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <string>

namespace tn = typenet;

using Unit = tn::Gaussian<1.0>;  // scaled after initialisation to each standard deviation

struct Plain : tn::Network<tn::Input<784>, tn::Dense<784, 100, Unit>, tn::ReLU, tn::Dense<100, 100, Unit>, tn::ReLU,
                           tn::Dense<100, 100, Unit>, tn::ReLU, tn::Dense<100, 100, Unit>, tn::ReLU,
                           tn::Dense<100, 100, Unit>, tn::ReLU, tn::Dense<100, 10, Unit>, tn::SoftmaxCrossEntropy> {};

struct Normalised
    : tn::Network<tn::Input<784>, tn::Dense<784, 100, Unit>, tn::BatchNorm, tn::ReLU, tn::Dense<100, 100, Unit>,
                  tn::BatchNorm, tn::ReLU, tn::Dense<100, 100, Unit>, tn::BatchNorm, tn::ReLU, tn::Dense<100, 100, Unit>,
                  tn::BatchNorm, tn::ReLU, tn::Dense<100, 100, Unit>, tn::BatchNorm, tn::ReLU, tn::Dense<100, 10, Unit>,
                  tn::SoftmaxCrossEntropy> {};

// Trains from weights of standard deviation `scale`; returns the training accuracy.
template <class Net>
double train_accuracy(const tn::data::Dataset<float>& train, double scale) {
    tn::Model<Net> model{tn::seed{3}};
    for (const tn::tensor_info& t : Net::tensors)
        if (t.role() == tn::tensor_role::weight)
            for (float& w : model.values(t)) w *= static_cast<float>(scale);
    try {
        tn::fit(model, tn::SGD{.lr = 0.01}, train, {.epochs = 20, .batch = 100, .progress = nullptr});
    } catch (const tn::error&) {
        return std::nan("");  // the loss stopped being finite
    }
    return tn::evaluate(model, train).accuracy;
}

int main() try {
    const auto train = tn::data::take(tn::data::fashion_mnist::train(), 1000);
    std::printf("training accuracy after 20 epochs on 1000 images (chance is 0.10)\n");
    std::printf("%12s %16s %16s\n", "weight std", "without BN", "with BatchNorm");
    for (int i = 0; i < 16; ++i) {
        const double scale = std::pow(10.0, -4.0 + 4.0 * i / 15.0);
        std::printf("%12.2e %16.3f %16.3f\n", scale, train_accuracy<Plain>(train, scale),
                    train_accuracy<Normalised>(train, scale));
        std::fflush(stdout);
    }
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
