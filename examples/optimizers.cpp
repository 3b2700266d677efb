// Seed 002, section 6.1: SGD, Momentum, AdaGrad and Adam.
//   1. The bowl f(x, y) = x^2/20 + y^2 from (-7, 2) (figure 6-8): SGD lr 0.95, Momentum lr 0.1,
//      AdaGrad lr 1.5, Adam lr 0.3. Printed: the end point after 30 steps, and the first step
//      within 0.1 of the minimum (0, 0).
//   2. Figure 6-9: a 5-layer network of 100 ReLU units trained on Fashion-MNIST for 2000 steps
//      of batch 128 with each optimiser at the seed's rates. Printed: the mean batch loss over
//      every 100 steps.
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <vector>

namespace tn = typenet;

// x and y as the two parameters of the smallest model; the gradient is the bowl's, set by hand.
using Point = tn::Network<tn::Input<1>, tn::Dense<1, 1>, tn::MeanSquaredError>;

template <class Optimizer>
void bowl(const char* name, Optimizer opt) {
    tn::Model<Point, double> p;
    p.parameters()[0] = -7;
    p.parameters()[1] = 2;
    double end_x = 0, end_y = 0;
    int within = 0;
    for (int step = 1; step <= 1000 && (step <= 30 || within == 0); ++step) {
        const double x = p.parameters()[0], y = p.parameters()[1];
        p.gradients()[0] = x / 10;
        p.gradients()[1] = 2 * y;
        opt.step(p);
        if (within == 0 && std::hypot(p.parameters()[0], p.parameters()[1]) < 0.1) within = step;
        if (step == 30) end_x = p.parameters()[0], end_y = p.parameters()[1];
    }
    std::printf("%-9s (%8.4f, %8.4f)  %8.4f  %s%d\n", name, end_x, end_y, std::hypot(end_x, end_y), within ? "" : "> ",
                within ? within : 1000);
}

struct Five : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 100, tn::He>, tn::ReLU,
                          tn::Dense<100, 100, tn::He>, tn::ReLU, tn::Dense<100, 100, tn::He>, tn::ReLU,
                          tn::Dense<100, 10, tn::He>, tn::SoftmaxCrossEntropy> {};

// The mean batch loss of every 100 steps.
template <class Optimizer>
std::vector<double> curve(const tn::data::Dataset<float>& train, Optimizer opt) {
    tn::Model<Five> model{tn::seed{1}};
    std::vector<double> means;
    double sum = 0;
    std::size_t steps = 0;
    tn::fit(model, opt, train, {.epochs = 1000, .batch = 128, .progress = nullptr}, tn::on_batch_end([&](auto& ctx) {
                sum += ctx.batch_loss;
                if (++steps % 100 == 0) means.push_back(sum / 100), sum = 0;
                if (steps == 2000) ctx.stop();
            }));
    return means;
}

int main() try {
    std::printf("the bowl x^2/20 + y^2 from (-7, 2), 30 steps\n%-9s %20s  %8s  %s\n", "", "end point", "distance",
                "steps to within 0.1");
    bowl("SGD", tn::SGD{.lr = 0.95});
    bowl("Momentum", tn::Momentum{.lr = 0.1});
    bowl("AdaGrad", tn::AdaGrad{.lr = 1.5});
    bowl("Adam", tn::Adam{.lr = 0.3});

    const auto train = tn::data::fashion_mnist::train();
    const auto sgd = curve(train, tn::SGD{.lr = 0.01});
    const auto momentum = curve(train, tn::Momentum{.lr = 0.01});
    const auto adagrad = curve(train, tn::AdaGrad{.lr = 0.01});
    const auto adam = curve(train, tn::Adam{.lr = 0.001});
    std::printf("\nFashion-MNIST, 5 x 100 ReLU, batch 128: mean loss per 100 steps\n%6s %9s %9s %9s %9s\n", "steps", "SGD",
                "Momentum", "AdaGrad", "Adam");
    for (std::size_t k = 0; k < sgd.size(); ++k)
        std::printf("%6zu %9.4f %9.4f %9.4f %9.4f\n", (k + 1) * 100, sgd[k], momentum[k], adagrad[k], adam[k]);
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
