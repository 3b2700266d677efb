// What BatchNorm and Dropout cost a training epoch: one epoch of Fashion-MNIST (batches of 64
// gathered from a shuffled order, compute_gradients then an SGD step, as fit runs it) through
// 784-100-10 with and without them, the two interleaved over several rounds; medians and their
// ratio. Usage: layer_cost [rounds]

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <span>
#include <vector>

#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

namespace tn = typenet;

struct Plain : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::ReLU, tn::Dense<100, 10, tn::Xavier>,
                           tn::SoftmaxCrossEntropy> {};
struct Headline : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.5>,
                              tn::Dense<100, 10, tn::Xavier>, tn::SoftmaxCrossEntropy> {};

constexpr std::size_t batch = 64;

template <class Net>
double epoch_seconds(const tn::data::Dataset<float>& d, std::uint64_t round) {
    tn::Model<Net> model{tn::seed{42}};
    const tn::SGD sgd{.lr = 0.1};
    std::vector<std::size_t> order(d.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    tn::rng g{tn::seed{round}};
    tn::shuffle(std::span<std::size_t>(order), g);
    std::vector<float> x(batch * 784);
    std::vector<std::uint32_t> labels(batch);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first + batch <= d.size(); first += batch) {
        for (std::size_t r = 0; r < batch; ++r) {
            std::copy_n(d.row(order[first + r]), 784, x.data() + r * 784);
            labels[r] = d.labels[order[first + r]];
        }
        model.compute_gradients(x, {.labels = labels});
        sgd.step(model);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int main(int argc, char** argv) try {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
    const auto train = tn::data::fashion_mnist::train();
    std::vector<double> plain, headline;
    for (int r = 0; r < rounds; ++r) {
        plain.push_back(epoch_seconds<Plain>(train, std::uint64_t(r)));
        headline.push_back(epoch_seconds<Headline>(train, std::uint64_t(r)));
    }
    const double n = double(train.size() / batch * batch);
    const double p = median(plain), h = median(headline);
    std::printf("one epoch of Fashion-MNIST, batch %zu, median of %d interleaved rounds\n", batch, rounds);
    std::printf("  784-100-10                          %7.3f s  %8.0f samples/s\n", p, n / p);
    std::printf("  784-100-10 + BatchNorm + Dropout    %7.3f s  %8.0f samples/s\n", h, n / h);
    std::printf("  cost of BatchNorm + Dropout: %.3fx the plain epoch (target at most 1.25x)\n", h / p);
    return 0;
} catch (const tn::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
}
