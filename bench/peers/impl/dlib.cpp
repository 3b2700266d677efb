// The network with dlib 19.24's dnn module, as its examples write it: the network is a type
// (loss_multiclass_log<fc<10, relu<fc<100, input<matrix<float, 0, 1>>>>>>), trained by a
// dnn_trainer with the sgd solver (no weight decay, no momentum: plain SGD, the learning rate
// never shrunk) through train_one_step on each gathered mini-batch of samples; predictions by
// calling the network on one sample. dlib's fully connected layers multiply through the BLAS
// it was built with (OpenBLAS on Debian), told the thread count by openblas_set_num_threads.
// dlib's fc layer keeps its parameters as typenet does: W (in x out, row-major), then biases.

#include <cblas.h>

#include <dlib/dnn.h>

#include <cstring>
#include <vector>

#include "common/race.hpp"

namespace {

using sample = dlib::matrix<float, 0, 1>;
using small_net = dlib::loss_multiclass_log<dlib::fc<10, dlib::relu<dlib::fc<100, dlib::input<sample>>>>>;
using wide_net = dlib::loss_multiclass_log<
    dlib::fc<10, dlib::relu<dlib::fc<1024, dlib::relu<dlib::fc<1024, dlib::input<sample>>>>>>>;

sample to_sample(const float* x) {
    sample s(static_cast<long>(race::image_width));
    std::memcpy(s.begin(), x, race::image_width * sizeof(float));
    return s;
}

template <class Net>
class dlib_peer {
public:
    explicit dlib_peer(const race::setup& s) : trainer_(net_, dlib::sgd(0.0f, 0.0f)) {
        openblas_set_num_threads(s.threads);
        for (std::size_t i = 0; i < s.train.size; ++i) {
            train_x_.push_back(to_sample(s.train.row(i)));
            train_y_.push_back(s.train.y[i]);
        }
        for (std::size_t i = 0; i < s.test.size; ++i) test_x_.push_back(to_sample(s.test.row(i)));
        batch_x_.resize(race::batch);
        batch_y_.resize(race::batch);

        trainer_.set_learning_rate(race::learning_rate);
        trainer_.set_learning_rate_shrink_factor(1);  // plain SGD: the rate stays 0.1

        // The layers allocate their parameters on the first forward pass; then they are
        // overwritten with the race's initial weights (fc layers are 1, 3, ... from the loss).
        net_(train_x_[0]);
        set_parameters(s, std::make_index_sequence<Net::num_computational_layers / 2 + 1>{});
    }

    std::size_t train_epoch(std::span<const std::uint32_t> order, const race::deadline& stop) {
        std::size_t at = 0;
        for (; at < order.size() && !stop.passed(); at += race::batch) {
            const std::size_t n = std::min(race::batch, order.size() - at);
            for (std::size_t r = 0; r < n; ++r) {
                batch_x_[r] = train_x_[order[at + r]];
                batch_y_[r] = train_y_[order[at + r]];
            }
            trainer_.train_one_step(batch_x_.begin(), batch_x_.begin() + static_cast<std::ptrdiff_t>(n), batch_y_.begin());
        }
        // The trainer works in its own thread; this waits until it has taken every step.
        trainer_.get_net();
        return std::min(at, order.size());
    }

    std::uint32_t classify(std::size_t i) { return static_cast<std::uint32_t>(net_(test_x_[i])); }

private:
    template <std::size_t... I>
    void set_parameters(const race::setup& s, std::index_sequence<I...>) {
        // Dense layer l (from the input) is dlib layer 2 * (layers - 1 - l) + 1.
        const std::size_t layers = s.net.layers();
        (set_layer(dlib::layer<2 * I + 1>(net_).layer_details().get_layer_params(), s, layers - 1 - I), ...);
    }

    static void set_layer(dlib::tensor& params, const race::setup& s, std::size_t l) {
        const std::size_t count = s.net.in(l) * s.net.out(l) + s.net.out(l);
        if (params.size() != count)
            throw std::runtime_error("dlib: layer " + std::to_string(l) + " has " + std::to_string(params.size()) +
                                     " parameters, expected " + std::to_string(count));
        std::memcpy(params.host(), s.initial.data() + s.net.weight_offset(l), count * sizeof(float));
    }

    Net net_;
    dlib::dnn_trainer<Net, dlib::sgd> trainer_;
    std::vector<sample> train_x_, test_x_, batch_x_;
    std::vector<unsigned long> train_y_, batch_y_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "dlib", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        if (s.net.name == "small") return race::run<dlib_peer<small_net>>(s, order, budget);
        return race::run<dlib_peer<wide_net>>(s, order, budget);
    });
}
