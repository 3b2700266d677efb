// Weight decay against overfitting, as the seeds run it.
//   1. Seed 002, section 6.4.2 (figures 6-20, 6-21): a 7-layer network (six hidden ReLU layers
//      of 100 units) on 300 Fashion-MNIST images, SGD lr 0.01, batch 100, 200 epochs, without and
//      with L2 weight decay lambda 0.1 (1/2 lambda sum w^2, tn::L2). Printed every 10 epochs:
//      training and test accuracy.
//   2. Seed 001 (Nielsen, ch. 3): 784-30-10 sigmoid network with the cross-entropy cost on 1000
//      training images, batch 10, lr 0.5, 400 epochs, without and with lambda 0.1 in Nielsen's
//      convention (lambda / 2n sum w^2, tn::L2OverN); weights drawn from N(0, 1), as the book's
//      network starts in that chapter. Printed: the test accuracy of both.
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cstddef>
#include <cstdio>
#include <iostream>

namespace tn = typenet;

struct Seven : tn::Network<tn::Input<784>, tn::Dense<784, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU,
                           tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 100>, tn::ReLU,
                           tn::Dense<100, 100>, tn::ReLU, tn::Dense<100, 10>, tn::SoftmaxCrossEntropy> {};

struct Nielsen : tn::Network<tn::Input<784>, tn::Dense<784, 30, tn::Gaussian<1.0>>, tn::Sigmoid,
                             tn::Dense<30, 10, tn::Gaussian<1.0>>,
                             tn::SigmoidCrossEntropy> {};

void overfitting(const tn::data::Dataset<float>& train, const tn::data::Dataset<float>& test) {
    tn::Model<Seven> plain{tn::seed{5}}, decayed{tn::seed{5}};
    std::printf("seed 002: 300 samples, 7 layers; accuracy without | with weight decay 0.1\n%6s %9s %9s | %9s %9s\n",
                "epoch", "train", "test", "train", "test");
    for (std::size_t epoch = 10; epoch <= 200; epoch += 10) {
        tn::fit(plain, tn::SGD{.lr = 0.01}, train, {.epochs = 10, .batch = 100, .progress = nullptr});
        tn::fit(decayed, tn::SGD{.lr = 0.01}, train,
                {.epochs = 10, .batch = 100, .progress = nullptr, .penalty = tn::L2{.lambda = 0.1}});
        std::printf("%6zu %9.3f %9.3f | %9.3f %9.3f\n", epoch, tn::evaluate(plain, train).accuracy,
                    tn::evaluate(plain, test).accuracy, tn::evaluate(decayed, train).accuracy,
                    tn::evaluate(decayed, test).accuracy);
    }
}

void nielsen(const tn::data::Dataset<float>& train, const tn::data::Dataset<float>& test) {
    tn::Model<Nielsen> plain{tn::seed{1}}, decayed{tn::seed{1}};
    tn::fit(plain, tn::SGD{.lr = 0.5}, train, {.epochs = 400, .batch = 10, .progress = nullptr});
    tn::fit(decayed, tn::SGD{.lr = 0.5}, train,
            {.epochs = 400, .batch = 10, .progress = nullptr, .penalty = tn::L2OverN{.lambda = 0.1}});
    std::printf("\nseed 001: 1000 samples, 784-30-10, 400 epochs: test accuracy without %.4f, with lambda 0.1 %.4f\n",
                tn::evaluate(plain, test).accuracy, tn::evaluate(decayed, test).accuracy);
}

int main() try {
    const auto all = tn::data::fashion_mnist::train();
    const auto test = tn::data::fashion_mnist::test();
    overfitting(tn::data::take(all, 300), test);
    nielsen(tn::data::take(all, 1000), test);
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
