// save / load: round trips of every layer's tensors in float and double, the optimiser's state
// and named values, and every bad file
// (empty, foreign, truncated at every length, any one byte changed, another network, a failed
// write) giving its error with the model and any earlier file unchanged. Resumed training is
// tested in resume.cpp.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include <sys/resource.h>

#include <typenet/typenet.hpp>

#include "../data/idx_files.hpp"
#include "../support/file_bytes.hpp"
#include "../support/test_values.hpp"

namespace checkpoint_test {

namespace {

namespace tn = typenet;
using Small = tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::BatchNorm, tn::ReLU, tn::Dense<3, 2>, tn::SoftmaxCrossEntropy>;
// Every layer type with tensors, and the ones without.
using Every = tn::Network<tn::Input<6>, tn::Dense<6, 8>, tn::BatchNorm, tn::PReLU, tn::Dropout<0.25>, tn::LayerNorm,
                          tn::Dense<8, 8>, tn::GroupNorm<2>, tn::Maxout<2>, tn::Tanh, tn::Dense<4, 3>, tn::SoftmaxCrossEntropy>;

namespace layers {
using namespace typenet::expr;
using Swish = tn::Activation<x * sigmoid(x)>;
} // namespace layers

// Every layer type and every activation, before the softmax cross-entropy; each other loss
// after a smaller network of its own.
using AllLayers =
    tn::Network<tn::Input<6>, tn::Dense<6, 8, tn::He>, tn::BatchNorm, tn::PReLU, tn::Dropout<0.25>, tn::LayerNorm,
                tn::Dense<8, 8>, tn::GroupNorm<2>, tn::Maxout<2>, tn::Tanh, tn::Dense<4, 6>, tn::ReLU, tn::LeakyReLU<0.1>,
                tn::ELU<>, tn::Sigmoid, tn::Identity, layers::Swish, tn::Dense<6, 6>, tn::Softmax, tn::Dense<6, 3>,
                tn::SoftmaxCrossEntropy>;
template <class Loss>
using EndingIn = tn::Network<tn::Input<5>, tn::Dense<5, 4>, tn::BatchNorm, tn::ELU<0.5>, tn::Dense<4, 3>, Loss>;

template <class Net, class T>
struct round_trip_case {
    using network = Net;
    using value_type = T;
};
using round_trip_cases =
    std::tuple<round_trip_case<AllLayers, float>, round_trip_case<AllLayers, double>,
               round_trip_case<EndingIn<tn::SigmoidCrossEntropy>, float>, round_trip_case<EndingIn<tn::SigmoidCrossEntropy>, double>,
               round_trip_case<EndingIn<tn::MeanSquaredError>, float>, round_trip_case<EndingIn<tn::MeanSquaredError>, double>,
               round_trip_case<EndingIn<tn::MeanAbsoluteError>, float>, round_trip_case<EndingIn<tn::MeanAbsoluteError>, double>,
               round_trip_case<EndingIn<tn::Huber<>>, float>, round_trip_case<EndingIn<tn::Huber<>>, double>,
               round_trip_case<EndingIn<tn::MulticlassHinge>, float>, round_trip_case<EndingIn<tn::MulticlassHinge>, double>>;

using typenet::test::file_bytes;
using typenet::test::write_bytes;

template <class M>
std::vector<typename M::value_type> all_values(const M& m) {
    std::vector<typename M::value_type> v(m.parameters().begin(), m.parameters().end());
    v.insert(v.end(), m.state().begin(), m.state().end());
    return v;
}

// Trains a few steps so that parameters, running statistics and counters are all non-trivial.
template <class Net, class T>
tn::Model<Net, T> trained(std::uint64_t s) {
    tn::Model<Net, T> m{tn::seed{s}};
    const auto x = typenet::test::uniform_values<T>(8 * Net::input_width, s + 1);
    std::vector<std::uint32_t> labels(8);
    for (std::size_t i = 0; i < 8; ++i) labels[i] = static_cast<std::uint32_t>(i % Net::output_width);
    for (int i = 0; i < 3; ++i) {
        m.compute_gradients(x, {.labels = labels});
        tn::SGD{.lr = 0.1}.step(m);
    }
    m.set_epoch_count(5);
    return m;
}

// An optimiser with two state buffers, as the checkpoint interface asks.
struct two_buffer_optimizer {
    std::vector<double> first, second;
    std::uint64_t steps = 0;
    std::string_view name() const { return "two_buffers"; }
    std::uint64_t step_count() const { return steps; }
    void set_step_count(std::uint64_t n) { steps = n; }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        return {{"first", std::span<T>(first)}, {"second", std::span<T>(second)}};
    }
    template <class T>
    void prepare(std::size_t n) {
        first.assign(n, 0.0);
        second.assign(n, 0.0);
    }
};

} // namespace

TEMPLATE_TEST_CASE("a checkpoint restores every tensor, the counters and the named values exactly", "[io][checkpoint]",
                   float, double) {
    typenet_test::temp_dir dir;
    const auto path = dir / "every.tnc";
    const auto original = trained<Every, TestType>(3);
    tn::save(original, path, {{"schedule.lr", 0.05}, {"schedule.best", -1.5}});
    tn::Model<Every, TestType> loaded{tn::seed{99}};
    const tn::checkpoint_values values = tn::load(loaded, path);
    REQUIRE(all_values(loaded) == all_values(original));
    REQUIRE(loaded.step_count() == 3);
    REQUIRE(loaded.epoch_count() == 5);
    REQUIRE(loaded.seed_value() == 3);
    REQUIRE(values == tn::checkpoint_values{{"schedule.lr", 0.05}, {"schedule.best", -1.5}});
    const auto x = typenet::test::uniform_values<TestType>(4 * 6, 7);
    REQUIRE(loaded.predict(x) == original.predict(x));
    REQUIRE(loaded.predict(x, tn::training) == original.predict(x, tn::training));  // same dropout masks
}

TEMPLATE_LIST_TEST_CASE("a checkpoint of any network in float and double restores every tensor, the counters and "
                        "both modes' predictions",
                        "[io][checkpoint]", round_trip_cases) {
    using Net = typename TestType::network;
    using T = typename TestType::value_type;
    typenet_test::temp_dir dir;
    const auto path = dir / "model.tnc";
    // Every value set apart from any initialiser's, the running statistics (positive, as a
    // variance is) included, and counters that key the dropout masks and the shuffle.
    tn::Model<Net, T> original{tn::seed{3}};
    const auto p = typenet::test::uniform_values<T>(Net::parameter_count, 10);
    const auto s = typenet::test::uniform_values<T>(Net::state_count, 11, 0.5, 1.5);
    std::copy(p.begin(), p.end(), original.parameters().begin());
    std::copy(s.begin(), s.end(), original.state().begin());
    original.set_step_count(7);
    original.set_epoch_count(4);
    tn::save(original, path);

    tn::Model<Net, T> loaded{tn::seed{99}};
    REQUIRE(all_values(loaded) != all_values(original));
    tn::load(loaded, path);
    REQUIRE(Net::tensor_count > 0);
    for (const tn::tensor_info& t : Net::tensors) {
        CAPTURE(t.full_name());
        const auto a = loaded.tensor(t.full_name());
        const auto b = original.tensor(t.full_name());
        REQUIRE(std::vector<T>(a.begin(), a.end()) == std::vector<T>(b.begin(), b.end()));
    }
    REQUIRE(all_values(loaded) == all_values(original));
    REQUIRE(loaded.seed_value() == 3);
    REQUIRE(loaded.step_count() == 7);
    REQUIRE(loaded.epoch_count() == 4);
    const auto x = typenet::test::uniform_values<T>(4 * Net::input_width, 12);
    REQUIRE(loaded.predict(x) == original.predict(x));
    REQUIRE(loaded.predict(x, tn::training) == original.predict(x, tn::training));
    REQUIRE(loaded.logits(x, tn::training) == original.logits(x, tn::training));
}

TEST_CASE("a checkpoint holds an optimiser's buffers and step count", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    const auto path = dir / "opt.tnc";
    const auto model = trained<Small, double>(1);
    two_buffer_optimizer opt;
    opt.prepare<double>(Small::parameter_count);
    for (std::size_t i = 0; i < Small::parameter_count; ++i) {
        opt.first[i] = 0.5 * double(i);
        opt.second[i] = -double(i) / 7;
    }
    opt.steps = 42;
    tn::save(model, opt, path);
    tn::Model<Small, double> loaded;
    two_buffer_optimizer restored;
    tn::load(loaded, restored, path);
    REQUIRE(restored.first == opt.first);
    REQUIRE(restored.second == opt.second);
    REQUIRE(restored.steps == 42);
    // The model alone loads from it too; a checkpoint without an optimiser cannot fill one.
    REQUIRE_NOTHROW(tn::load(loaded, path));
    tn::save(model, dir / "plain.tnc");
    REQUIRE_THROWS_WITH(tn::load(loaded, restored, dir / "plain.tnc"),
                        (dir / "plain.tnc").string() + ": the checkpoint holds no optimiser state, expected two_buffers's");
}

TEST_CASE("loading into another network names the first tensor that differs and both shapes", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    const auto path = dir / "small.tnc";
    tn::save(tn::Model<Small>{}, path);
    const std::string p = path.string();
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 4>, tn::BatchNorm, tn::ReLU, tn::Dense<4, 2>, tn::SoftmaxCrossEntropy>> wider;
    REQUIRE_THROWS_WITH(tn::load(wider, path), p + ": tensor dense_1.weight has shape 2 x 3 in the checkpoint, 2 x 4 in the model");
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::ReLU, tn::Dense<3, 2>, tn::SoftmaxCrossEntropy>> no_norm;
    REQUIRE_THROWS_WITH(tn::load(no_norm, path), p + ": tensor 3 is batch_norm_1.weight (shape 3) in the checkpoint, "
                                                     "dense_2.weight (shape 3 x 2) in the model");
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::BatchNorm, tn::Tanh, tn::Dense<3, 2>, tn::SoftmaxCrossEntropy>> tanh;
    REQUIRE_THROWS_WITH(tn::load(tanh, path),
                        p + ": the checkpoint's network is input(2) dense(3) batch_norm(3) relu(3) dense(2) "
                            "softmax_cross_entropy(2), the model's is input(2) dense(3) batch_norm(3) tanh(3) dense(2) "
                            "softmax_cross_entropy(2)");
    tn::Model<tn::Network<tn::Input<2>, tn::Dense<2, 3>, tn::BatchNorm, tn::ReLU, tn::Dense<3, 2>, tn::Dense<2, 2>, tn::SoftmaxCrossEntropy>> deeper;
    REQUIRE_THROWS_WITH(tn::load(deeper, path), Catch::StartsWith(p + ": the model's tensor dense_3.weight (shape 2 x 2) is not in the checkpoint"));
}

TEST_CASE("a float checkpoint loads into a double model only when asked", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    const auto path = dir / "float.tnc";
    const auto f = trained<Small, float>(2);
    tn::save(f, path);
    tn::Model<Small, double> d{tn::seed{5}};
    const auto before = all_values(d);
    REQUIRE_THROWS_WITH(tn::load(d, path), path.string() + ": tensor dense_1.weight is float32, the model is float64; "
                                                           "load with {.convert_precision = true} to convert it");
    REQUIRE(all_values(d) == before);
    tn::load(d, path, {.convert_precision = true});
    const auto fv = all_values(f);
    const auto dv = all_values(d);
    REQUIRE(std::equal(fv.begin(), fv.end(), dv.begin(), dv.end(), [](float a, double b) { return double(a) == b; }));
}

TEST_CASE("missing, empty, foreign and newer files are errors", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    tn::Model<Small> m;
    REQUIRE_THROWS_WITH(tn::load(m, dir / "none.tnc"), (dir / "none.tnc").string() + ": file not found");
    REQUIRE_THROWS_WITH(tn::load(m, ""), "expected a file path, found an empty one");
    write_bytes(dir / "empty.tnc", {});
    REQUIRE_THROWS_WITH(tn::load(m, dir / "empty.tnc"), (dir / "empty.tnc").string() + ": empty file, not a typenet checkpoint");
    write_bytes(dir / "png.tnc", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0});
    REQUIRE_THROWS_WITH(tn::load(m, dir / "png.tnc"),
                        (dir / "png.tnc").string() + ": not a typenet checkpoint (it does not start with typenet's magic bytes)");
    REQUIRE_THROWS_WITH(tn::load(m, dir.path()), dir.path().string() + ": is a directory, not a file");
    tn::save(m, dir / "v.tnc");
    auto b = file_bytes(dir / "v.tnc");
    b[8] = 2;
    write_bytes(dir / "v.tnc", b);
    REQUIRE_THROWS_WITH(tn::load(m, dir / "v.tnc"),
                        (dir / "v.tnc").string() + ": checkpoint format version 2, this typenet reads version 1");
}

TEST_CASE("every truncation and every changed byte of a checkpoint is an error, the model unchanged", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    const auto good = dir / "good.tnc";
    tn::save(trained<Small, float>(4), good, {{"x", 1.0}});
    const auto bytes = file_bytes(good);
    const auto bad = dir / "bad.tnc";
    tn::Model<Small> m{tn::seed{8}};
    const auto before = all_values(m);
    for (std::size_t n = 1; n < bytes.size(); ++n) {
        write_bytes(bad, std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)));
        CAPTURE(n);
        REQUIRE_THROWS_AS(tn::load(m, bad), tn::error);
    }
    // The exact message for a cut inside the data and one inside the header.
    write_bytes(bad, std::vector<unsigned char>(bytes.begin(), bytes.end() - 10));
    REQUIRE_THROWS_WITH(tn::load(m, bad), bad.string() + ": truncated: the header says " + std::to_string(bytes.size()) +
                                              " bytes, the file has " + std::to_string(bytes.size() - 10));
    write_bytes(bad, std::vector<unsigned char>(bytes.begin(), bytes.begin() + 15));
    REQUIRE_THROWS_WITH(tn::load(m, bad), bad.string() + ": truncated: 15 bytes, shorter than a checkpoint's 20-byte header");
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto changed = bytes;
        changed[i] ^= 0x5a;
        write_bytes(bad, changed);
        CAPTURE(i);
        REQUIRE_THROWS_AS(tn::load(m, bad), tn::error);
    }
    auto changed = bytes;
    changed[40] ^= 1;
    write_bytes(bad, changed);
    REQUIRE_THROWS_WITH(tn::load(m, bad), bad.string() + ": corrupt: the checksum does not match the contents");
    REQUIRE(all_values(m) == before);
    REQUIRE(m.step_count() == 0);
}

TEST_CASE("a failed save leaves the earlier file untouched", "[io][checkpoint]") {
    typenet_test::temp_dir dir;
    const auto path = dir / "model.tnc";
    tn::save(tn::Model<Every>{tn::seed{1}}, path);
    const auto earlier = file_bytes(path);

    // A full disk: a file size limit below the checkpoint's size makes write() fail (EFBIG).
    rlimit old{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 100;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    try {
        tn::save(trained<Every, float>(2), path);
    } catch (const tn::error& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    REQUIRE_THAT(message, Catch::StartsWith(path.string() + ": cannot write ") &&
                              Catch::EndsWith("File too large; the earlier file, if any, is unchanged"));
    REQUIRE(file_bytes(path) == earlier);
    // No temporary file is left behind.
    REQUIRE(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);

    // A folder nobody may write to (sysfs refuses new files even to root).
    REQUIRE_THROWS_WITH(tn::save(tn::Model<Small>{}, "/sys/typenet.tnc"),
                        Catch::StartsWith("/sys/typenet.tnc: cannot create a temporary file in /sys: ") &&
                            Catch::EndsWith("; the earlier file, if any, is unchanged"));
    // A target that is a folder: the rename fails, the folder stays.
    std::filesystem::create_directory(dir / "taken");
    std::ofstream(dir / "taken" / "inside") << "x";
    REQUIRE_THROWS_WITH(tn::save(tn::Model<Small>{}, dir / "taken"),
                        Catch::StartsWith((dir / "taken").string() + ": cannot replace it: "));
    REQUIRE(std::filesystem::exists(dir / "taken" / "inside"));
    REQUIRE_THROWS_WITH(tn::save(tn::Model<Small>{}, ""), "expected a file path, found an empty one");
}

} // namespace checkpoint_test
