// Writes the files every peer reads, into the directory given as the only argument:
// Fashion-MNIST's training and test sets (pixels / 255 as float, labels as uint32), one
// shuffled order of the training set, and each network's initial parameters in typenet's
// layout (those of typenet::Model<Net>{seed{42}}: He-initialised weights, zero biases).

#include <cstdio>
#include <filesystem>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include "common/race.hpp"
#include "common/typenet_nets.hpp"

namespace {

namespace tn = typenet;

void write_dataset(const std::string& dir, const std::string& name, const tn::data::Dataset<float>& d,
                   std::size_t expected) {
    if (d.size() != expected || d.width != race::image_width)
        throw std::runtime_error("Fashion-MNIST " + name + ": expected " + std::to_string(expected) + " samples of " +
                                 std::to_string(race::image_width) + " pixels, found " + std::to_string(d.size()) +
                                 " of " + std::to_string(d.width));
    race::write_file(dir + "/" + name + ".x", std::span<const float>(d.features));
    race::write_file(dir + "/" + name + ".y", std::span<const std::uint32_t>(d.labels));
}

// Checks that typenet's parameter layout is the one race::network describes (the peers convert
// from it), then writes the parameters.
template <class Net, std::size_t... Dense>
void write_parameters(const std::string& dir, const race::network& net) {
    const tn::Model<Net> model{tn::seed{race::weight_seed}};
    if (model.parameters().size() != net.parameter_count())
        throw std::runtime_error(net.name + ": typenet has " + std::to_string(model.parameters().size()) +
                                 " parameters, the race expects " + std::to_string(net.parameter_count()));
    std::size_t layer = 0;
    const bool same_layout = ((Net::parameter_offsets[Dense] == net.weight_offset(layer++)) && ...);
    if (!same_layout) throw std::runtime_error(net.name + ": typenet's parameter offsets differ from the race's layout");
    race::write_file(race::parameters_file(dir, net), model.parameters());
}

} // namespace

int main(int argc, char** argv) try {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    std::filesystem::create_directories(dir);

    write_dataset(dir, "train", tn::data::fashion_mnist::train(), race::train_size);
    write_dataset(dir, "test", tn::data::fashion_mnist::test(), race::test_size);

    std::vector<std::uint32_t> order(race::train_size);
    std::iota(order.begin(), order.end(), 0u);
    tn::rng g{tn::seed{race::order_seed}};
    tn::shuffle(std::span<std::uint32_t>(order), g);
    race::write_file(race::order_file(dir), std::span<const std::uint32_t>(order));

    // Layer indices count Input as 0: the Dense layers are 1, 3 (and 5).
    write_parameters<race::small_net, 1, 3>(dir, race::network_named("small"));
    write_parameters<race::wide_net, 1, 3, 5>(dir, race::network_named("wide"));
    std::printf("prepared %s\n", dir.c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "prepare: %s\n", e.what());
    return 1;
}
