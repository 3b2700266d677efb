// typenet through its public API: Model<Net>, train_step (the library's SGD training step, the
// gradient and the update in one pass) on a gathered batch, predict on one sample.

#include <cstring>
#include <vector>

#include <typenet/typenet.hpp>

#include "common/race.hpp"
#include "common/typenet_nets.hpp"

namespace {

template <class Net>
class typenet_peer {
public:
    explicit typenet_peer(const race::setup& s) : train_(s.train), test_(s.test) {
        typenet::set_threads(static_cast<std::size_t>(s.threads));
        auto p = model_.parameters();
        if (p.size() != s.initial.size()) throw std::runtime_error("typenet: parameter count differs from the race's");
        std::copy(s.initial.begin(), s.initial.end(), p.begin());
    }

    void train_batch(std::span<const std::uint32_t> rows) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
            std::memcpy(x_.data() + r * race::image_width, train_.row(rows[r]), race::image_width * sizeof(float));
            y_[r] = train_.y[rows[r]];
        }
        typenet::train_step(model_, sgd_, std::span<const float>(x_).first(rows.size() * race::image_width),
                            {.labels = std::span<const std::uint32_t>(y_).first(rows.size())});
    }

    std::uint32_t classify(std::size_t i) {
        model_.predict_into(std::span<const float>(test_.row(i), race::image_width), out_);
        return race::argmax(out_.data(), out_.size());
    }

private:
    const race::dataset& train_;
    const race::dataset& test_;
    typenet::Model<Net> model_{typenet::seed{race::weight_seed}};
    typenet::SGD sgd_{.lr = race::learning_rate};
    std::vector<float> x_ = std::vector<float>(race::batch * race::image_width);
    std::vector<std::uint32_t> y_ = std::vector<std::uint32_t>(race::batch);
    std::vector<float> out_ = std::vector<float>(typenet::Model<Net>::output_width);
};

} // namespace

int main(int argc, char** argv) {
    return race::main(argc, argv, "typenet", [](const race::setup& s, std::span<const std::uint32_t> order, double budget) {
        if (s.net.name == "small") return race::run<typenet_peer<race::small_net>>(s, order, budget);
        return race::run<typenet_peer<race::wide_net>>(s, order, budget);
    });
}
