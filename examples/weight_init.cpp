// How the initial weights shape the activations, layer by layer (seed 000, section 3, and seed
// 002, section 6.2): the mean and standard deviation of every hidden layer's output, with a
// text histogram, after one forward pass of random input.
//   1. Ten tanh layers of 500 units on 1000 samples of unit Gaussian input, with weights of
//      std 0.01 (activations collapse to 0), std 1.0 (they saturate at -1 and 1) and Xavier
//      (1 / sqrt(fan_in): they stay spread in every layer).
//   2. Five ReLU layers of 100 units on 1000 samples, with std 0.01, Xavier and He
//      (sqrt(2 / fan_in), the one that keeps ReLU activations alive in every layer).
#include <typenet/typenet.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace tn = typenet;

template <class Init>
using tanh_layer = tn::Dense<500, 500, Init>;

template <class Init>
struct TenTanh : tn::Network<tn::Input<500>, tanh_layer<Init>, tn::Tanh, tanh_layer<Init>, tn::Tanh, tanh_layer<Init>,
                             tn::Tanh, tanh_layer<Init>, tn::Tanh, tanh_layer<Init>, tn::Tanh, tanh_layer<Init>, tn::Tanh,
                             tanh_layer<Init>, tn::Tanh, tanh_layer<Init>, tn::Tanh, tanh_layer<Init>, tn::Tanh,
                             tanh_layer<Init>, tn::Tanh> {};

template <class Init>
struct FiveRelu : tn::Network<tn::Input<100>, tn::Dense<100, 100, Init>, tn::ReLU, tn::Dense<100, 100, Init>, tn::ReLU,
                              tn::Dense<100, 100, Init>, tn::ReLU, tn::Dense<100, 100, Init>, tn::ReLU,
                              tn::Dense<100, 100, Init>, tn::ReLU> {};

std::vector<float> gaussian_input(std::size_t n, std::uint64_t s) {
    tn::rng g{tn::seed{s}};
    std::vector<float> x(n);
    for (float& v : x) v = static_cast<float>(g.normal());
    return x;
}

// "[-1.0, 1.0] ▇▁..." as ten bins of equal width between lo and hi.
std::string histogram(const std::vector<float>& v, double lo, double hi) {
    std::vector<std::size_t> bins(10, 0);
    for (float x : v) {
        const double t = (x - lo) / (hi - lo);
        bins[std::min<std::size_t>(9, static_cast<std::size_t>(std::max(0.0, t * 10)))]++;
    }
    const std::size_t most = *std::max_element(bins.begin(), bins.end());
    static const char* bars[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    std::string s;
    for (std::size_t b : bins) s += bars[most == 0 ? 0 : (b * 8 + most - 1) / most];
    return s;
}

template <class Net>
void report(const char* title, const std::vector<float>& x, const char* layer_type, double lo, double hi) {
    tn::Model<Net> model{tn::seed{1}};
    std::printf("%s\n", title);
    for (const auto& out : model.layer_outputs(x)) {
        if (out.type != layer_type) continue;
        double mean = 0, sq = 0;
        for (float v : out.values) mean += v;
        mean /= double(out.values.size());
        for (float v : out.values) sq += (v - mean) * (v - mean);
        const double std = std::sqrt(sq / double(out.values.size()));
        std::printf("  %-8s mean %+.5f  std %.5f  [%4.1f %s %3.1f]\n", out.name().c_str(), mean, std, lo,
                    histogram(out.values, lo, hi).c_str(), hi);
    }
}

int main() try {
    const auto x500 = gaussian_input(1000 * 500, 7);
    report<TenTanh<tn::Gaussian<0.01>>>("10 tanh layers x 500, weights N(0, 0.01^2):", x500, "tanh", -1, 1);
    report<TenTanh<tn::Gaussian<1.0>>>("10 tanh layers x 500, weights N(0, 1):", x500, "tanh", -1, 1);
    report<TenTanh<tn::Xavier>>("10 tanh layers x 500, Xavier (std 1/sqrt(fan_in)):", x500, "tanh", -1, 1);

    const auto x100 = gaussian_input(1000 * 100, 8);
    report<FiveRelu<tn::Gaussian<0.01>>>("5 ReLU layers x 100, weights N(0, 0.01^2):", x100, "relu", 0, 3);
    report<FiveRelu<tn::Xavier>>("5 ReLU layers x 100, Xavier:", x100, "relu", 0, 3);
    report<FiveRelu<tn::He>>("5 ReLU layers x 100, He (std sqrt(2/fan_in)):", x100, "relu", 0, 3);
    return 0;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
