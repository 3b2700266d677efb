// Training resumed from a checkpoint, written as a user writes it: fit 2 epochs, save the model
// with its optimiser, load both into fresh objects (another seed, a new optimiser), fit 3 more
// with the same options; against fit 5 epochs straight. With a schedule that depends on both
// the epoch and the step, a weight penalty, shuffling, validation, Dropout and BatchNorm, the
// weights, running statistics, optimiser buffers, counters and per-epoch history must be
// bitwise equal, for every optimiser. And an optimiser's part that does not fit (another
// optimiser, buffers of another size or name, an optimiser bound to another model) fails with
// its message, the model and the optimiser unchanged.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/typenet.hpp>

#include "../data/idx_files.hpp"
#include "../support/file_bytes.hpp"
#include "../support/test_values.hpp"

namespace resume_test {

namespace {

namespace tn = typenet;
using Net = tn::Network<tn::Input<6>, tn::Dense<6, 16>, tn::BatchNorm, tn::ReLU, tn::Dropout<0.2>, tn::Dense<16, 3>,
                        tn::SoftmaxCrossEntropy>;

// Three classes decided by the first two features; labels that a model can learn but not at once.
tn::data::Dataset<float> make_data(std::size_t rows, std::uint64_t s) {
    const auto x = typenet::test::uniform_values<float>(rows * 6, s);
    std::vector<std::uint32_t> labels(rows);
    for (std::size_t i = 0; i < rows; ++i)
        labels[i] = static_cast<std::uint32_t>((x[i * 6] > 0) + (x[i * 6 + 1] > 0.5f));
    return tn::data::make_dataset(x, 6, labels, 3);
}

// The options of every call: 60 samples in batches of 8 (the last one of 4) make 8 steps an
// epoch, so the warm-up of 20 steps ends inside the third epoch, after the checkpoint, and the
// step decay halves the rate at epochs 2 and 4.
tn::fit_options<float> options(std::size_t epochs, const tn::data::Dataset<float>& validation) {
    return {.epochs = epochs,
            .batch = 8,
            .validation = validation,
            .shuffle = tn::seed{7},
            .progress = nullptr,
            .schedule = tn::Warmup{.steps = 20, .then = tn::StepDecay{.every = 2, .factor = 0.5}},
            .penalty = tn::L2{.lambda = 1e-3}};
}

using typenet::test::file_bytes;
using typenet::test::write_bytes;

template <class M>
std::vector<float> parameters_and_state(const M& m) {
    std::vector<float> v(m.parameters().begin(), m.parameters().end());
    v.insert(v.end(), m.state().begin(), m.state().end());
    return v;
}

template <class O>
std::vector<std::vector<float>> buffers_of(O& o) {
    std::vector<std::vector<float>> out;
    for (const auto& [name, values] : o.template state_buffers<float>()) out.emplace_back(values.begin(), values.end());
    return out;
}

// What a failed load must leave as it was.
template <class O>
struct snapshot {
    std::vector<float> values;
    std::uint64_t seed, steps, epochs, optimizer_steps;
    std::vector<std::vector<float>> buffers;

    snapshot(const tn::Model<Net>& m, O& o)
        : values(parameters_and_state(m)), seed(m.seed_value()), steps(m.step_count()), epochs(m.epoch_count()),
          optimizer_steps(o.step_count()), buffers(buffers_of(o)) {}
    bool operator==(const snapshot&) const = default;
};

// The buffers an optimiser keeps, by its kind.
template <class O>
constexpr std::size_t buffer_count = 0;
template <>
constexpr std::size_t buffer_count<tn::Adam> = 2;
template <>
constexpr std::size_t buffer_count<tn::AdamW> = 2;
template <>
constexpr std::size_t buffer_count<tn::Momentum> = 1;
template <>
constexpr std::size_t buffer_count<tn::Nesterov> = 1;
template <>
constexpr std::size_t buffer_count<tn::AdaGrad> = 1;
template <>
constexpr std::size_t buffer_count<tn::RMSProp> = 1;

} // namespace

TEMPLATE_TEST_CASE("training resumed from a checkpoint into a new model and optimiser equals training that never "
                   "stopped, bitwise",
                   "[io][checkpoint][resume]", tn::Adam, tn::AdamW, tn::Momentum, tn::Nesterov, tn::AdaGrad,
                   tn::RMSProp, tn::SGD) {
    const auto train = make_data(60, 11);
    const auto validation = make_data(20, 12);
    typenet_test::temp_dir dir;
    const auto path = dir / "resume.tnc";

    tn::Model<Net> straight{tn::seed{1}};
    TestType straight_optimizer;
    const tn::history all = tn::fit(straight, straight_optimizer, train, options(5, validation));

    tn::Model<Net> first{tn::seed{1}};
    TestType first_optimizer;
    tn::fit(first, first_optimizer, train, options(2, validation));
    tn::save(first, first_optimizer, path);

    tn::Model<Net> resumed{tn::seed{2}};  // another seed: everything must come from the file
    TestType resumed_optimizer;
    tn::load(resumed, resumed_optimizer, path);
    REQUIRE(resumed.seed_value() == 1);
    REQUIRE(resumed.epoch_count() == 2);
    REQUIRE(resumed.step_count() == 16);
    REQUIRE(resumed_optimizer.step_count() == 16);
    const tn::history rest = tn::fit(resumed, resumed_optimizer, train, options(3, validation));

    REQUIRE(resumed.epoch_count() == 5);
    REQUIRE(resumed.step_count() == straight.step_count());
    REQUIRE(resumed_optimizer.step_count() == straight_optimizer.step_count());
    REQUIRE(straight_optimizer.step_count() == 40);
    REQUIRE(parameters_and_state(resumed) == parameters_and_state(straight));
    const auto buffers = buffers_of(straight_optimizer);
    REQUIRE(buffers.size() == buffer_count<TestType>);
    for (const auto& b : buffers) REQUIRE(b.size() == Net::parameter_count);
    REQUIRE(buffers_of(resumed_optimizer) == buffers);
    // The resumed run's epochs are the straight run's last three, number for number.
    REQUIRE(rest.epochs.size() == 3);
    for (std::size_t e = 0; e < 3; ++e) {
        const tn::epoch_record& a = all.epochs[e + 2];
        const tn::epoch_record& b = rest.epochs[e];
        CAPTURE(e);
        REQUIRE(b.model_epoch == a.model_epoch);
        REQUIRE(b.train_loss == a.train_loss);
        REQUIRE(b.penalty == a.penalty);
        REQUIRE(b.learning_rate == a.learning_rate);
        REQUIRE(b.validation_loss == a.validation_loss);
        REQUIRE(b.validation_accuracy == a.validation_accuracy);
    }

    // The comparison can fail: resumed with the model alone (a new optimiser, at step 0 of its
    // warm-up and with empty buffers), training ends elsewhere.
    tn::Model<Net> model_only{tn::seed{2}};
    tn::load(model_only, path);
    TestType fresh_optimizer;
    tn::fit(model_only, fresh_optimizer, train, options(3, validation));
    REQUIRE(parameters_and_state(model_only) != parameters_and_state(straight));
}

TEST_CASE("a checkpoint taken before the first step loads back into its optimiser", "[io][checkpoint][resume]") {
    typenet_test::temp_dir dir;
    const auto path = dir / "start.tnc";
    const tn::Model<Net> model{tn::seed{3}};
    tn::Adam adam;
    tn::save(model, adam, path);
    tn::Model<Net> loaded{tn::seed{4}};
    tn::Adam restored;
    tn::load(loaded, restored, path);
    REQUIRE(restored.step_count() == 0);
    REQUIRE(buffers_of(restored) == std::vector<std::vector<float>>(2, std::vector<float>(Net::parameter_count, 0.0f)));
    REQUIRE(parameters_and_state(loaded) == parameters_and_state(model));
}

TEST_CASE("loading another optimiser's state fails with its message, the model and optimiser unchanged",
          "[io][checkpoint][resume]") {
    const auto train = make_data(60, 11);
    const auto validation = make_data(20, 12);
    typenet_test::temp_dir dir;
    const auto path = dir / "adam.tnc";
    const std::string p = path.string();
    {
        tn::Model<Net> model{tn::seed{1}};
        tn::Adam adam;
        tn::fit(model, adam, train, options(2, validation));
        tn::save(model, adam, path);
    }
    tn::Model<Net> model{tn::seed{5}};
    tn::Momentum momentum;
    tn::fit(model, momentum, train, options(1, validation));
    const snapshot<tn::Momentum> before(model, momentum);
    REQUIRE_THROWS_WITH(tn::load(model, momentum, path), p + ": the checkpoint holds optimiser adam's state, expected momentum's");
    REQUIRE(snapshot<tn::Momentum>(model, momentum) == before);

    // AdamW keeps the same buffers as Adam, but not the same update: refused by name too.
    tn::AdamW adamw;
    REQUIRE_THROWS_WITH(tn::load(model, adamw, path), p + ": the checkpoint holds optimiser adam's state, expected adamw's");
    REQUIRE(adamw.step_count() == 0);
    REQUIRE(buffers_of(adamw).empty());

    // An Adam already bound to a model of another size says so.
    tn::Model<tn::Network<tn::Input<6>, tn::Dense<6, 3>, tn::SoftmaxCrossEntropy>> small;
    tn::Adam bound;
    tn::fit(small, bound, train, {.epochs = 1, .progress = nullptr});
    REQUIRE_THROWS_WITH(tn::load(model, bound, path),
                        "adam: this optimiser's state is for 21 float parameters, found a model of " +
                            std::to_string(Net::parameter_count) + " float parameters (use one optimiser object per model)");
    REQUIRE(bound.step_count() == 2);
    REQUIRE(snapshot<tn::Momentum>(model, momentum) == before);
}

namespace {

// An optimiser named "adam" that keeps other buffers: a file of it passes the name check and
// must fail on the buffers.
struct impostor {
    std::vector<float> m;
    std::uint64_t steps = 3;
    std::string_view name() const { return "adam"; }
    std::uint64_t step_count() const { return steps; }
    void set_step_count(std::uint64_t n) { steps = n; }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return {{"m", std::span<T>(m)}};
    }
    template <class T>
    void prepare(std::size_t n) {
        m.resize(n, 0.5f);
    }
};

// Rewrites a saved checkpoint so that its last tensor (an optimiser buffer) holds one value fewer,
// with its length and checksum made good again: a file that passes every check before the
// buffers', as one written by another program could.
void shorten_last_buffer(const std::filesystem::path& path, std::string_view tensor_name, std::size_t count) {
    auto bytes = file_bytes(path);
    const std::string needle(tensor_name);
    const auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
    REQUIRE(at != bytes.end());
    const std::size_t dim_at = static_cast<std::size_t>(at - bytes.begin()) + needle.size() + 2;  // type, rank
    REQUIRE(bytes[dim_at - 1] == 1);                                                              // rank 1
    REQUIRE(tn::detail::load_le<std::uint64_t>(bytes.data() + dim_at) == count);
    const std::uint64_t shorter = count - 1;
    for (std::size_t i = 0; i < 8; ++i) bytes[dim_at + i] = static_cast<unsigned char>(shorter >> (8 * i));
    const std::size_t data_end = dim_at + 8 + count * sizeof(float);
    bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(data_end - sizeof(float)),
                bytes.begin() + static_cast<std::ptrdiff_t>(data_end));
    for (std::size_t i = 0; i < 8; ++i) bytes[12 + i] = static_cast<unsigned char>(std::uint64_t{bytes.size()} >> (8 * i));
    const std::uint32_t crc = tn::detail::crc32(std::span<const unsigned char>(bytes).first(bytes.size() - 4));
    for (std::size_t i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<unsigned char>(crc >> (8 * i));
    write_bytes(path, bytes);
}

} // namespace

TEST_CASE("an optimiser's buffers that do not match the model or the optimiser fail with their message, nothing changed",
          "[io][checkpoint][resume]") {
    const auto train = make_data(60, 11);
    const auto validation = make_data(20, 12);
    typenet_test::temp_dir dir;
    const auto path = dir / "bad.tnc";
    const std::string p = path.string();
    tn::Model<Net> model{tn::seed{6}};
    tn::Adam adam;
    tn::fit(model, adam, train, options(1, validation));
    const snapshot<tn::Adam> before(model, adam);

    tn::Model<Net> other{tn::seed{7}};
    impostor one_buffer;
    tn::save(other, one_buffer, path);
    REQUIRE_THROWS_WITH(tn::load(model, adam, path), p + ": the checkpoint holds adam's buffers m, expected m, v");
    REQUIRE(snapshot<tn::Adam>(model, adam) == before);

    tn::Adam saved;
    tn::fit(other, saved, train, options(1, validation));
    tn::save(other, saved, path);
    shorten_last_buffer(path, "optimizer.v", Net::parameter_count);
    REQUIRE_THROWS_WITH(tn::load(model, adam, path),
                        p + ": adam's buffer v holds " + std::to_string(Net::parameter_count - 1) +
                            " values in the checkpoint, expected " + std::to_string(Net::parameter_count) +
                            " (one per parameter of the model)");
    REQUIRE(snapshot<tn::Adam>(model, adam) == before);
    // The same file before the edit loads: the edit alone made it fail.
    tn::save(other, saved, path);
    REQUIRE_NOTHROW(tn::load(model, adam, path));
    REQUIRE(parameters_and_state(model) == parameters_and_state(other));
}

TEST_CASE("a callback's state saved as named values resumes too: ReduceOnPlateau", "[io][checkpoint][resume]") {
    const auto train = make_data(60, 11);
    const auto validation = make_data(20, 12);
    typenet_test::temp_dir dir;
    const auto path = dir / "plateau.tnc";
    // A min_delta no epoch beats: after the first epoch the rate halves at every epoch's end,
    // so the scale at the checkpoint (0.5) differs from a new callback's (1).
    auto plateau = [] { return tn::ReduceOnPlateau{.factor = 0.5, .patience = 1, .min_delta = 10}; };

    tn::Model<Net> straight{tn::seed{1}};
    tn::Adam straight_adam;
    auto straight_plateau = plateau();
    tn::fit(straight, straight_adam, train, options(5, validation), straight_plateau);
    REQUIRE(straight_plateau.scale == 0.5 * 0.5 * 0.5 * 0.5);

    {
        tn::Model<Net> model{tn::seed{1}};
        tn::Adam adam;
        auto first = plateau();
        tn::fit(model, adam, train, options(2, validation), first);
        REQUIRE(first.scale == 0.5);
        tn::checkpoint_values values;
        for (const auto& [name, value] : first.state_values()) values["plateau." + name] = value;
        tn::save(model, adam, path, values);
    }
    auto resume = [&](bool restore_callback) {
        tn::Model<Net> model{tn::seed{2}};
        tn::Adam adam;
        auto callback = plateau();
        for (const auto& [name, value] : tn::load(model, adam, path))
            if (restore_callback && name.starts_with("plateau.")) callback.set_state_value(name.substr(8), value);
        tn::fit(model, adam, train, options(3, validation), callback);
        return std::pair{parameters_and_state(model), callback.scale};
    };
    const auto [resumed, scale] = resume(true);
    REQUIRE(scale == straight_plateau.scale);
    REQUIRE(resumed == parameters_and_state(straight));
    // Without its state the callback starts again at 1, and training ends elsewhere.
    REQUIRE(resume(false).first != parameters_and_state(straight));
}

} // namespace resume_test
