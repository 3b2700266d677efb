// Named tensors: every layer's parameters and state are found by name and role, laid out at
// compile-time offsets in the parameter buffer (trained) or the state buffer (running
// statistics), counted per layer type as a user counts layers.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <typenet/typenet.hpp>

namespace tensors_test {

namespace {

using namespace typenet;

struct Mlp : Network<Input<784>, Dense<784, 100, He>, BatchNorm, ReLU, Dropout<0.5>, Dense<100, 10, Xavier>,
                     SoftmaxCrossEntropy> {};

static_assert(Mlp::parameter_count == 784 * 100 + 100 + 2 * 100 + 100 * 10 + 10);
static_assert(Mlp::state_count == 2 * 100);
static_assert(Mlp::tensor_count == 8);
static_assert(Mlp::tensors[0].name() == "weight" && Mlp::tensors[0].role() == tensor_role::weight);
static_assert(Mlp::tensors[0].spec.dims[0] == 784 && Mlp::tensors[0].spec.dims[1] == 100);
static_assert(Mlp::tensors[1].role() == tensor_role::bias && Mlp::tensors[1].offset == 78400);
static_assert(Mlp::tensors[2].role() == tensor_role::scale && Mlp::tensors[2].layer == 2);
static_assert(Mlp::tensors[4].role() == tensor_role::running_mean && !Mlp::tensors[4].trained());
static_assert(Mlp::tensors[4].offset == 0 && Mlp::tensors[5].offset == 100);
// The second Dense is "dense_2" although four layers lie between.
static_assert(Mlp::tensors[6].layer == 5 && Mlp::tensors[6].ordinal == 2 && Mlp::tensors[6].offset == 78700);

} // namespace

TEST_CASE("tensors have full names counted per layer type", "[core][tensors]") {
    std::vector<std::string> names;
    for (const tensor_info& t : Mlp::tensors) names.push_back(t.full_name());
    REQUIRE(names == std::vector<std::string>{"dense_1.weight", "dense_1.bias", "batch_norm_1.weight",
                                              "batch_norm_1.bias", "batch_norm_1.running_mean",
                                              "batch_norm_1.running_var", "dense_2.weight", "dense_2.bias"});
}

TEST_CASE("a model finds its tensors by name, in the right buffer", "[core][tensors]") {
    Model<Mlp> model{seed{1}};
    const auto w2 = model.tensor("dense_2.weight");
    REQUIRE(w2.size() == 1000);
    REQUIRE(w2.data() == model.parameters().data() + 78700);
    REQUIRE(model.tensor("dense_2.bias").data() == model.parameters().data() + 79700);
    const auto var = model.tensor("batch_norm_1.running_var");
    REQUIRE(var.data() == model.state().data() + 100);
    REQUIRE(std::all_of(var.begin(), var.end(), [](float v) { return v == 1.0f; }));
    const auto gamma = model.tensor("batch_norm_1.weight");
    REQUIRE(std::all_of(gamma.begin(), gamma.end(), [](float v) { return v == 1.0f; }));
    REQUIRE_THROWS_WITH(model.tensor("dense_3.weight"),
                        "model: no tensor named \"dense_3.weight\"; the network's tensors are: dense_1.weight, "
                        "dense_1.bias, batch_norm_1.weight, batch_norm_1.bias, batch_norm_1.running_mean, "
                        "batch_norm_1.running_var, dense_2.weight, dense_2.bias");
}

TEST_CASE("an optimiser step moves parameters, never the state", "[core][tensors]") {
    Model<Mlp> model{seed{2}};
    std::vector<float> x(784 * 16);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i % 29) / 29.0f;
    std::vector<std::uint32_t> labels(16);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = std::uint32_t(i % 10);
    model.compute_gradients(x, {.labels = labels});
    const std::vector<float> state(model.state().begin(), model.state().end());
    const std::vector<float> before(model.parameters().begin(), model.parameters().end());
    SGD{.lr = 0.1}.step(model);
    REQUIRE(std::equal(state.begin(), state.end(), model.state().begin()));
    REQUIRE(!std::equal(before.begin(), before.end(), model.parameters().begin()));
    // The training step itself moved the running statistics.
    REQUIRE(model.tensor("batch_norm_1.running_mean")[0] != 0.0f);
}

TEST_CASE("training and inference are different passes of the same model", "[core][mode]") {
    static_assert(Mlp::stage_count == 4);  // Dense | BatchNorm ReLU Dropout | Dense | loss
    static_assert(Mlp::stages[1].kind == stage_kind::kernel && Mlp::stages[1].first == 2 && Mlp::stages[1].last == 4);
    static_assert(Mlp::inference_stages.size() == 3);  // Dense BatchNorm ReLU Dropout | Dense | loss
    static_assert(Mlp::inference_stages[0].first == 1 && Mlp::inference_stages[0].last == 4);
    Model<Mlp> model{seed{3}};
    std::vector<float> x(784 * 8, 0.25f);
    for (std::size_t i = 0; i < x.size(); i += 3) x[i] = 0.75f;
    std::vector<std::uint32_t> labels(8, 4);
    const double train = model.loss(x, {.labels = labels}, training);
    const double infer = model.loss(x, {.labels = labels});
    REQUIRE(infer == model.loss(x, {.labels = labels}, inference));
    REQUIRE(train != infer);
    // compute_gradients's loss is the training pass's loss at its step.
    const double step = model.compute_gradients(x, {.labels = labels});
    REQUIRE(step == model.loss(x, {.labels = labels}, training));
}

} // namespace tensors_test
