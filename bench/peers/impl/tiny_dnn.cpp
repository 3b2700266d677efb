// The network with tiny-dnn 1.0.0a3, as its MNIST example writes it: a network<sequential> of
// fully_connected_layer<relu> layers and a fully_connected_layer<softmax>, trained by
// network::train<cross_entropy_multiclass> with the gradient_descent optimiser (alpha 0.1, no
// weight decay) over the whole epoch in batches of 64. tiny-dnn does not shuffle, so its users
// hand it the samples in the shuffled order: gathering them is part of the epoch.
//
// tiny-dnn picks its threading when compiled, so this file makes two executables: with
// CNN_SINGLE_THREAD for one thread, and with tiny-dnn's default std::thread backend (its
// parallel loops split over std::thread::hardware_concurrency() threads) for more. Its OpenMP
// backend is not used: it hands every loop index to a task of its own, which makes the weight
// gradient stride through memory and runs ten times slower than one thread.

#if PEERS_TINY_DNN_THREADED
#include <thread>
#else
#define CNN_SINGLE_THREAD
#endif
#define CNN_USE_AVX
#define CNN_NO_SERIALIZATION

#include <tiny_dnn/tiny_dnn.h>

#include <vector>

#include "common/race.hpp"

namespace {

class tiny_dnn_peer {
public:
    explicit tiny_dnn_peer(const race::setup& s) {
#if PEERS_TINY_DNN_THREADED
        const int threads = static_cast<int>(std::thread::hardware_concurrency());
        if (s.threads != threads)
            throw race::not_available("tiny-dnn's std::thread backend runs " + std::to_string(threads) +
                                      " threads (hardware_concurrency), not " + std::to_string(s.threads));
#else
        if (s.threads != 1) throw race::not_available("this tiny-dnn executable is built with CNN_SINGLE_THREAD");
#endif
        using tiny_dnn::activation::relu;
        using tiny_dnn::activation::softmax;
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const auto in = static_cast<tiny_dnn::serial_size_t>(s.net.in(l));
            const auto out = static_cast<tiny_dnn::serial_size_t>(s.net.out(l));
            if (l + 1 < s.net.layers()) net_ << tiny_dnn::fully_connected_layer<relu>(in, out);
            else net_ << tiny_dnn::fully_connected_layer<softmax>(in, out);
        }
        // tiny-dnn's fully connected weights are in x out (W[c * out + i]), as typenet's.
        net_.init_weight();
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            std::vector<tiny_dnn::vec_t*> w = net_[l]->weights();
            const float* from = s.initial.data() + s.net.weight_offset(l);
            w[0]->assign(from, from + s.net.in(l) * s.net.out(l));
            const float* bias = s.initial.data() + s.net.bias_offset(l);
            w[1]->assign(bias, bias + s.net.out(l));
        }
        for (std::size_t i = 0; i < s.train.size; ++i) {
            train_x_.emplace_back(s.train.row(i), s.train.row(i) + race::image_width);
            train_y_.push_back(s.train.y[i]);
        }
        for (std::size_t i = 0; i < s.test.size; ++i) test_x_.emplace_back(s.test.row(i), s.test.row(i) + race::image_width);
        optimizer_.alpha = race::learning_rate;
    }

    std::size_t train_epoch(std::span<const std::uint32_t> order, const race::deadline& stop) {
        std::vector<tiny_dnn::vec_t> x;
        std::vector<tiny_dnn::label_t> y;
        x.reserve(order.size());
        y.reserve(order.size());
        for (std::uint32_t i : order) {
            x.push_back(train_x_[i]);
            y.push_back(train_y_[i]);
        }
        // tiny-dnn calls back after every batch; past the budget, the callback ends training.
        struct out_of_time {};
        std::size_t trained = 0;
        auto after_batch = [&] {
            trained = std::min(trained + race::batch, order.size());
            if (stop.passed()) throw out_of_time{};
        };
        try {
            net_.train<tiny_dnn::cross_entropy_multiclass>(optimizer_, x, y, race::batch, 1, after_batch, [] {});
        } catch (const out_of_time&) {
            net_.set_netphase(tiny_dnn::net_phase::test);
        }
        return trained;
    }

    std::uint32_t classify(std::size_t i) { return static_cast<std::uint32_t>(net_.predict_label(test_x_[i])); }

private:
    tiny_dnn::network<tiny_dnn::sequential> net_;
    tiny_dnn::gradient_descent optimizer_;
    std::vector<tiny_dnn::vec_t> train_x_, test_x_;
    std::vector<tiny_dnn::label_t> train_y_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "tiny_dnn", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<tiny_dnn_peer>(s, order, budget);
    });
}
