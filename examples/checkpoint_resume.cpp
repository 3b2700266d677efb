// Checkpoints: trains an MLP on part of Fashion-MNIST for 2 epochs with Adam, saves the model
// and the optimiser, loads both into a new model and a new optimiser, trains 1 more epoch and
// compares the weights with an uninterrupted 3-epoch run, bit for bit. Then loads three bad
// files (truncated, one byte flipped, another network's checkpoint) and prints each error,
// showing that the model and the optimiser are unchanged, and exports the model to .npz.
//
//   checkpoint_resume [folder]     (writes its files to the folder, default checkpoint_resume_files)
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/typenet.hpp>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

namespace tn = typenet;

struct Mlp : tn::Network<tn::Input<784>, tn::Dense<784, 100, tn::He>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.5>,
                         tn::Dense<100, 10, tn::Xavier>, tn::SoftmaxCrossEntropy> {};
// Another network: its checkpoint must not load into an Mlp.
struct Narrow : tn::Network<tn::Input<784>, tn::Dense<784, 50, tn::He>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.5>,
                            tn::Dense<50, 10, tn::Xavier>, tn::SoftmaxCrossEntropy> {};

namespace {

// Every call of fit takes the same options: the schedule depends on the epoch and the step
// (a warm-up over 100 steps, then a cosine decay over 3 epochs), and the shuffle, the dropout
// masks and the running statistics all depend on where training stands.
tn::fit_options<float> options(std::size_t epochs, const tn::data::Dataset<float>& validation) {
    return {.epochs = epochs,
            .batch = 64,
            .validation = validation,
            .shuffle = tn::seed{1},
            .progress = nullptr,
            .schedule = tn::Warmup{.steps = 100, .then = tn::CosineDecay{.epochs = 3, .floor = 0.1}},
            .penalty = tn::L2{.lambda = 1e-4}};
}

void print_epochs(const tn::history& h) {
    for (const tn::epoch_record& r : h.epochs)
        std::printf("    epoch %llu  train loss %.6f  validation loss %.6f  accuracy %.4f\n",
                    static_cast<unsigned long long>(r.model_epoch), r.train_loss, r.validation_loss,
                    r.validation_accuracy);
}

// Values whose bits differ (+0 and -0 differ, a NaN equals only the same NaN).
std::size_t bits_differ(std::span<const float> a, std::span<const float> b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        n += std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i]);
    return n;
}

// Everything a checkpoint restores, to see that a failed load changes nothing.
struct snapshot {
    std::vector<float> parameters, state, optimizer;
    std::uint64_t seed, steps, epochs, optimizer_steps;

    snapshot(const tn::Model<Mlp>& m, tn::Adam& adam)
        : parameters(m.parameters().begin(), m.parameters().end()), state(m.state().begin(), m.state().end()),
          seed(m.seed_value()), steps(m.step_count()), epochs(m.epoch_count()), optimizer_steps(adam.step_count()) {
        for (const auto& [name, values] : adam.state_buffers<float>()) optimizer.insert(optimizer.end(), values.begin(), values.end());
    }
    bool operator==(const snapshot& o) const {
        return bits_differ(parameters, o.parameters) == 0 && bits_differ(state, o.state) == 0 &&
               bits_differ(optimizer, o.optimizer) == 0 && optimizer.size() == o.optimizer.size() && seed == o.seed &&
               steps == o.steps && epochs == o.epochs && optimizer_steps == o.optimizer_steps;
    }
};

std::vector<char> read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

int main(int argc, char** argv) try {
    const std::filesystem::path folder = argc > 1 ? argv[1] : "checkpoint_resume_files";
    std::filesystem::create_directories(folder);

    // A part of Fashion-MNIST, so that the whole program runs in seconds.
    const auto part = tn::data::take(tn::data::fashion_mnist::train(), 30000);
    const auto [train, validation] = tn::data::split(part, 25000.0 / 30000.0, tn::seed{1});
    std::printf("Fashion-MNIST: %zu training and %zu validation samples; network 784-100-10 with BatchNorm and "
                "Dropout, Adam, warm-up then cosine decay, L2\n\n",
                train.size(), validation.size());

    std::printf("Uninterrupted: 3 epochs\n");
    tn::Model<Mlp> straight{tn::seed{42}};
    tn::Adam straight_adam{.lr = 0.002};
    print_epochs(tn::fit(straight, straight_adam, train, options(3, validation)));

    std::printf("\nInterrupted: 2 epochs, then save\n");
    const std::filesystem::path checkpoint = folder / "mlp.tnc";
    {
        tn::Model<Mlp> model{tn::seed{42}};
        tn::Adam adam{.lr = 0.002};
        print_epochs(tn::fit(model, adam, train, options(2, validation)));
        tn::save(model, adam, checkpoint);
    }
    std::printf("    saved %s (%llu bytes: parameters, running statistics, Adam's m and v, counters)\n",
                checkpoint.string().c_str(), static_cast<unsigned long long>(std::filesystem::file_size(checkpoint)));

    std::printf("\nResumed: a new model (seed 7) and a new Adam, loaded from %s, 1 more epoch\n", checkpoint.string().c_str());
    tn::Model<Mlp> resumed{tn::seed{7}};
    tn::Adam resumed_adam{.lr = 0.002};
    tn::load(resumed, resumed_adam, checkpoint);
    std::printf("    loaded: epoch %llu, step %llu, Adam step %llu\n", static_cast<unsigned long long>(resumed.epoch_count()),
                static_cast<unsigned long long>(resumed.step_count()),
                static_cast<unsigned long long>(resumed_adam.step_count()));
    print_epochs(tn::fit(resumed, resumed_adam, train, options(1, validation)));

    std::printf("\nResumed against uninterrupted, bit for bit:\n");
    const std::size_t p = bits_differ(resumed.parameters(), straight.parameters());
    const std::size_t s = bits_differ(resumed.state(), straight.state());
    std::size_t o = 0, buffer_values = 0;
    const auto a = resumed_adam.state_buffers<float>();
    const auto b = straight_adam.state_buffers<float>();
    for (std::size_t k = 0; k < a.size(); ++k) {
        o += bits_differ(a[k].second, b[k].second);
        buffer_values += a[k].second.size();
    }
    const bool counters = resumed.step_count() == straight.step_count() &&
                          resumed.epoch_count() == straight.epoch_count() &&
                          resumed_adam.step_count() == straight_adam.step_count();
    std::printf("    parameters          %zu of %zu differ\n", p, resumed.parameters().size());
    std::printf("    running statistics  %zu of %zu differ\n", s, resumed.state().size());
    std::printf("    Adam's m and v      %zu of %zu differ\n", o, buffer_values);
    std::printf("    step counts         model %llu and %llu, Adam %llu and %llu\n",
                static_cast<unsigned long long>(resumed.step_count()), static_cast<unsigned long long>(straight.step_count()),
                static_cast<unsigned long long>(resumed_adam.step_count()),
                static_cast<unsigned long long>(straight_adam.step_count()));
    const bool identical = p == 0 && s == 0 && o == 0 && buffer_values > 0 && counters;
    std::printf("    %s\n", identical ? "identical: the resumed run is the uninterrupted run"
                                      : "NOT identical: the resumed run differs from the uninterrupted run");

    std::printf("\nBad files, each loaded into the resumed model and its Adam:\n");
    const std::vector<char> good = read_bytes(checkpoint);
    std::vector<char> flipped = good;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    write_bytes(folder / "truncated.tnc", std::vector<char>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2)));
    write_bytes(folder / "flipped.tnc", flipped);
    {
        tn::Model<Narrow> narrow{tn::seed{3}};
        tn::Adam narrow_adam;
        tn::save(narrow, narrow_adam, folder / "narrow.tnc");
    }
    const snapshot before(resumed, resumed_adam);
    bool unchanged = true;
    for (const char* name : {"truncated.tnc", "flipped.tnc", "narrow.tnc"}) {
        try {
            tn::load(resumed, resumed_adam, folder / name);
            std::printf("    %s loaded without an error\n", name);
            unchanged = false;
        } catch (const tn::error& e) {
            std::printf("    error: %s\n", e.what());
        }
        unchanged = unchanged && snapshot(resumed, resumed_adam) == before;
    }
    std::printf("    after each failed load the model and Adam are %s\n",
                unchanged ? "unchanged (every value and counter, bit for bit)" : "CHANGED");

    const std::filesystem::path npz = folder / "mlp.npz";
    tn::save_npz(resumed, npz);
    std::printf("\nExported %s for NumPy (numpy.load) and PyTorch:\n", npz.string().c_str());
    for (const tn::tensor_info& t : Mlp::tensors) {
        std::string shape;
        for (std::size_t d = 0; d < t.spec.rank; ++d) shape += (d == 0 ? "" : " x ") + std::to_string(t.spec.dims[d]);
        std::printf("    %-26s %s\n", t.full_name().c_str(), shape.c_str());
    }
    return identical && unchanged ? 0 : 1;
} catch (const tn::error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
}
