// The network with libtorch 1.13's C++ API, as its tutorials write it: a torch::nn::Module of
// torch::nn::Linear layers with torch::relu between them, torch::optim::SGD, cross_entropy on
// the logits, backward(); the whole training set as one tensor, each batch gathered with
// index_select; predictions under torch::NoGradGuard. torch::set_num_threads sets the threads.

#include <torch/torch.h>

#include <vector>

#include "common/race.hpp"

namespace {

struct mlp : torch::nn::Module {
    explicit mlp(const race::network& net) {
        for (std::size_t l = 0; l < net.layers(); ++l)
            layers.push_back(register_module(
                "fc" + std::to_string(l + 1), torch::nn::Linear(static_cast<std::int64_t>(net.in(l)),
                                                                 static_cast<std::int64_t>(net.out(l)))));
    }

    torch::Tensor forward(torch::Tensor x) {
        for (std::size_t l = 0; l + 1 < layers.size(); ++l) x = torch::relu(layers[l]->forward(x));
        return layers.back()->forward(x);
    }

    std::vector<torch::nn::Linear> layers;
};

class libtorch_peer {
public:
    explicit libtorch_peer(const race::setup& s)
        : net_(std::make_shared<mlp>(s.net)),
          optimizer_(net_->parameters(), torch::optim::SGDOptions(race::learning_rate)) {
        torch::set_num_threads(s.threads);
        // torch::nn::Linear keeps its weight as out x in: the transpose of typenet's layout.
        torch::NoGradGuard no_grad;
        for (std::size_t l = 0; l < s.net.layers(); ++l) {
            const auto in = static_cast<std::int64_t>(s.net.in(l)), out = static_cast<std::int64_t>(s.net.out(l));
            auto w = torch::from_blob(const_cast<float*>(s.initial.data() + s.net.weight_offset(l)), {in, out});
            auto b = torch::from_blob(const_cast<float*>(s.initial.data() + s.net.bias_offset(l)), {out});
            net_->layers[l]->weight.copy_(w.t());
            net_->layers[l]->bias.copy_(b);
        }
        const auto train_rows = static_cast<std::int64_t>(s.train.size);
        train_x_ = torch::from_blob(const_cast<float*>(s.train.x.data()), {train_rows, race::image_width});
        train_y_ = torch::from_blob(const_cast<std::uint32_t*>(s.train.y.data()), {train_rows}, torch::kInt32)
                       .to(torch::kLong);
        test_x_ = torch::from_blob(const_cast<float*>(s.test.x.data()),
                                   {static_cast<std::int64_t>(s.test.size), race::image_width});
    }

    std::size_t train_epoch(std::span<const std::uint32_t> order, const race::deadline& stop) {
        const auto all = torch::from_blob(const_cast<std::uint32_t*>(order.data()),
                                          {static_cast<std::int64_t>(order.size())}, torch::kInt32)
                             .to(torch::kLong);
        const auto n = static_cast<std::int64_t>(order.size());
        std::int64_t at = 0;
        for (; at < n && !stop.passed(); at += race::batch) {
            const auto rows = all.slice(0, at, std::min<std::int64_t>(at + race::batch, n));
            const auto x = train_x_.index_select(0, rows);
            const auto y = train_y_.index_select(0, rows);
            optimizer_.zero_grad();
            auto loss = torch::nn::functional::cross_entropy(net_->forward(x), y);
            loss.backward();
            optimizer_.step();
        }
        return static_cast<std::size_t>(std::min(at, n));
    }

    std::uint32_t classify(std::size_t i) {
        torch::NoGradGuard no_grad;
        const auto x = test_x_.slice(0, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1);
        return static_cast<std::uint32_t>(torch::softmax(net_->forward(x), 1).argmax(1).item<std::int64_t>());
    }

private:
    std::shared_ptr<mlp> net_;
    torch::optim::SGD optimizer_;
    torch::Tensor train_x_, train_y_, test_x_;
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "libtorch", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        return race::run<libtorch_peer>(s, order, budget);
    });
}
