// Builds a small network, trains it for a few SGD steps on 8 synthetic samples and exits with
// 0 when the loss went down.
#include <cstdint>
#include <iostream>
#include <vector>

#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Input<4>, typenet::Dense<4, 8>, typenet::ReLU, typenet::Dense<8, 3>,
                             typenet::SoftmaxCrossEntropy>;
static_assert(Net::parameter_count == (4 * 8 + 8) + (8 * 3 + 3));

int main() {
    constexpr std::size_t rows = 8;
    std::vector<float> x(rows * Net::input_width);
    std::vector<std::uint32_t> labels(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        labels[r] = static_cast<std::uint32_t>(r % 3);
        for (std::size_t c = 0; c < Net::input_width; ++c)
            x[r * Net::input_width + c] = (c == labels[r] ? 1.0f : 0.0f) + 0.1f * static_cast<float>(r % 2);
    }
    const typenet::batch_targets<float> t{.labels = labels};

    typenet::Model<Net> model{typenet::seed{7}};
    const typenet::SGD sgd{0.1};
    const double first = model.loss(x, t);
    for (int step = 0; step < 20; ++step) {
        model.compute_gradients(x, t);
        sgd.step(model);
    }
    const double last = model.loss(x, t);
    std::cout << "loss " << first << " -> " << last << '\n';
    return last < first ? 0 : 1;
}
