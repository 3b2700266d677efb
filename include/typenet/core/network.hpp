#pragma once
// Network<Layers...>: a network as a type. At compile time it checks the layer list, infers
// every layer's input and output shape (a Boost.Hana fold over the list), lays out every
// layer's tensors (trained parameters in one buffer, untrained state in another), names them,
// and plans the fused stages the kernels run in training and in inference.
//
// Network<...> names the checked network, or, for a list with a mistake, the incomplete
// diagnostic type that describes it. Declaring a network as
//
//     struct Mlp : typenet::Network<typenet::Input<784>, typenet::Dense<784, 10>> {};
//
// therefore checks it on that line: a mistake is one error there, whose first line names
// the position, the layers and the sizes (an alias, `using Mlp = ...`, is checked where it is
// first used instead).

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/fold_left.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <typenet/core/diagnostics.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/mode.hpp>
#include <typenet/core/shape.hpp>
#include <typenet/core/tensor.hpp>

namespace typenet {

// One kernel's worth of consecutive layers.
enum class stage_kind {
    kernel,       // a layer with a kernel of its own, followed by element-wise layers fused into it
    elementwise,  // element-wise layers with no kernel before them to fuse into
    loss,         // the loss (softmax + log-likelihood are one step)
};

struct stage {
    stage_kind kind;
    std::size_t first;  // index of its first layer (Input is index 0)
    std::size_t last;   // index of its last layer, inclusive
};

namespace detail {

template <class L>
constexpr shape output_shape_of(shape in) {
    if constexpr (Layer<L>) return L::output_shape(in);
    else return in;
}

// Shapes leaving each layer, by a fold over the type list.
template <class... Layers>
constexpr std::array<shape, sizeof...(Layers)> infer_output_shapes() {
    namespace hana = boost::hana;
    return hana::fold_left(hana::tuple_t<Layers...>, std::array<shape, 0>{}, [](auto done, auto layer) {
        using L = typename decltype(layer)::type;
        constexpr std::size_t n = std::tuple_size_v<decltype(done)>;
        std::array<shape, n + 1> next{};
        for (std::size_t i = 0; i < n; ++i) next[i] = done[i];
        next[n] = output_shape_of<L>(n == 0 ? shape{} : done[n - 1]);
        return next;
    });
}

template <class... Layers>
inline constexpr std::array<shape, sizeof...(Layers)> output_shapes_v = infer_output_shapes<Layers...>();

// What layer I takes: the previous layer's output (Input takes nothing).
template <std::size_t I, class... Layers>
inline constexpr shape input_shape_v = I == 0 ? shape{} : output_shapes_v<Layers...>[I == 0 ? 0 : I - 1];

template <std::size_t I, class... Layers>
using nth = std::tuple_element_t<I, std::tuple<Layers...>>;

enum class mistake { none, not_a_layer, no_input_first, input_not_first, own, width_mismatch, loss_not_last };

struct finding {
    mistake what = mistake::none;
    std::size_t index = 0;  // zero-based index of the offending layer
};

template <class... Layers>
constexpr finding first_mistake() {
    constexpr std::size_t n = sizeof...(Layers);
    constexpr std::array<bool, n> is_layer{Layer<Layers>...};
    constexpr std::array<layer_kind, n> kinds{kind_in<Layers, mode::training>()...};
    constexpr std::array<std::size_t, n> required{required_input<Layers>()...};
    constexpr std::array<bool, n> own_ok = []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<bool, n>{
            std::is_void_v<typename mistake_of<nth<I, Layers...>, I + 1, input_shape_v<I, Layers...>>::type>...};
    }(std::make_index_sequence<n>{});
    constexpr auto shapes = output_shapes_v<Layers...>;
    for (std::size_t i = 0; i < n; ++i)
        if (!is_layer[i]) return {mistake::not_a_layer, i};
    if (kinds[0] != layer_kind::input) return {mistake::no_input_first, 0};
    for (std::size_t i = 1; i < n; ++i) {
        if (kinds[i] == layer_kind::input) return {mistake::input_not_first, i};
        if (!own_ok[i]) return {mistake::own, i};
        if (required[i] != 0 && required[i] != shapes[i - 1].size()) return {mistake::width_mismatch, i};
        if (kinds[i - 1] == layer_kind::loss) return {mistake::loss_not_last, i - 1};
    }
    return {};
}

template <class... Layers>
struct network;

// The checked network, or the diagnostic type of its first mistake (incomplete).
template <finding F, class... Layers>
struct diagnosis {
    using type = network<Layers...>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::not_a_layer)
struct diagnosis<F, Layers...> {
    using type = not_a_layer<at_layer<F.index + 1>, nth<F.index, Layers...>>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::no_input_first)
struct diagnosis<F, Layers...> {
    using type = network_must_start_with_Input<at_layer<1>, nth<0, Layers...>>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::input_not_first)
struct diagnosis<F, Layers...> {
    using type = Input_must_be_first_layer_only<at_layer<F.index + 1>, nth<F.index, Layers...>>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::own)
struct diagnosis<F, Layers...> {
    using type = typename mistake_of<nth<F.index, Layers...>, F.index + 1, input_shape_v<F.index, Layers...>>::type;
};
template <finding F, class... Layers>
    requires(F.what == mistake::width_mismatch)
struct diagnosis<F, Layers...> {
    using L = nth<F.index, Layers...>;
    using type = input_width_mismatch<at_layer<F.index + 1>, L, expects<required_input<L>()>,
                                      got<output_shapes_v<Layers...>[F.index - 1].size()>,
                                      from_layer<F.index, nth<F.index - 1, Layers...>>>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::loss_not_last)
struct diagnosis<F, Layers...> {
    using type = loss_must_be_last_layer<at_layer<F.index + 1>, nth<F.index, Layers...>,
                                         followed_by<F.index + 2, nth<F.index + 1, Layers...>>>;
};

template <mode M, class... Layers>
struct fusion_planner {
    static constexpr std::size_t n = sizeof...(Layers);
    static constexpr std::array<layer_kind, n> kinds{kind_in<Layers, M>()...};

    template <class Emit>
    static constexpr void walk(Emit emit) {
        std::size_t i = 1;
        while (i < n) {
            const layer_kind k = kinds[i];
            if (k == layer_kind::loss) {
                emit(stage{stage_kind::loss, i, i});
                ++i;
                continue;
            }
            std::size_t last = i;
            while (last + 1 < n && kinds[last + 1] == layer_kind::elementwise) ++last;
            emit(stage{k == layer_kind::kernel ? stage_kind::kernel : stage_kind::elementwise, i, last});
            i = last + 1;
        }
    }
    static constexpr std::size_t count() {
        std::size_t c = 0;
        walk([&](stage) { ++c; });
        return c;
    }
    static constexpr std::array<stage, count()> plan() {
        std::array<stage, count()> out{};
        std::size_t c = 0;
        walk([&](stage s) { out[c++] = s; });
        return out;
    }
};

template <class... Layers>
struct network {
    static constexpr std::size_t layer_count = sizeof...(Layers);

    template <std::size_t I>
    using layer = nth<I, Layers...>;

    // output_shapes[i]: what layer i gives; input_shapes[i]: what it takes (Input: its own).
    static constexpr std::array<shape, layer_count> output_shapes = output_shapes_v<Layers...>;
    static constexpr std::array<shape, layer_count> input_shapes = [] {
        std::array<shape, layer_count> in{};
        for (std::size_t i = 1; i < layer_count; ++i) in[i] = output_shapes[i - 1];
        in[0] = output_shapes[0];
        return in;
    }();

    static constexpr shape input_shape = output_shapes[0];
    static constexpr shape output_shape = output_shapes[layer_count - 1];
    static constexpr std::size_t input_width = input_shape.size();
    static constexpr std::size_t output_width = output_shape.size();

private:
    template <bool Trained>
    static constexpr std::array<std::size_t, layer_count> counts() {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<std::size_t, layer_count>{
                tensor_values<nth<I, Layers...>, input_shape_v<I, Layers...>, Trained>()...};
        }(std::make_index_sequence<layer_count>{});
    }
    static constexpr std::array<std::size_t, layer_count> offsets(const std::array<std::size_t, layer_count>& c) {
        std::array<std::size_t, layer_count> o{};
        for (std::size_t i = 1; i < layer_count; ++i) o[i] = o[i - 1] + c[i - 1];
        return o;
    }

public:
    // Trained parameters of layer i: parameter_counts[i] values from parameter_offsets[i].
    static constexpr std::array<std::size_t, layer_count> parameter_counts = counts<true>();
    static constexpr std::array<std::size_t, layer_count> parameter_offsets = offsets(parameter_counts);
    static constexpr std::size_t parameter_count = parameter_offsets[layer_count - 1] + parameter_counts[layer_count - 1];
    // Untrained state (running statistics), in a buffer of its own.
    static constexpr std::array<std::size_t, layer_count> state_counts = counts<false>();
    static constexpr std::array<std::size_t, layer_count> state_offsets = offsets(state_counts);
    static constexpr std::size_t state_count = state_offsets[layer_count - 1] + state_counts[layer_count - 1];

    // Every tensor of every layer, in layer order, each named and placed.
    static constexpr std::size_t tensor_count = (tensors_of<Layers, shape{}>().size() + ... + 0);
    static constexpr std::array<tensor_info, tensor_count> tensors = [] {
        std::array<tensor_info, tensor_count> out{};
        constexpr std::array<std::string_view, layer_count> names{layer_name<Layers>()...};
        std::size_t t = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    std::size_t ordinal = 1;
                    for (std::size_t j = 1; j < I; ++j) ordinal += names[j] == names[I];
                    std::size_t param_at = parameter_offsets[I], state_at = state_offsets[I];
                    for (const tensor_spec& s : tensors_of<nth<I, Layers...>, input_shape_v<I, Layers...>>()) {
                        std::size_t& at = is_trained(s.role) ? param_at : state_at;
                        out[t++] = tensor_info{I, names[I], ordinal, s, at};
                        at += s.size();
                    }
                }(),
                ...);
        }(std::make_index_sequence<layer_count>{});
        return out;
    }();

    static constexpr bool has_loss = kind_in<layer<layer_count - 1>, mode::training>() == layer_kind::loss;

    // The smallest batch a training pass accepts (2 when a layer normalises over the batch).
    static constexpr std::size_t min_training_rows = [] {
        std::size_t m = 1;
        ((m = min_training_rows_of<Layers>() > m ? min_training_rows_of<Layers>() : m), ...);
        return m;
    }();

    // The fused stages of a training pass and of an inference pass.
    template <mode M>
    static constexpr auto stages_in = fusion_planner<M, Layers...>::plan();
    static constexpr auto stages = stages_in<mode::training>;
    static constexpr auto inference_stages = stages_in<mode::inference>;
    static constexpr std::size_t stage_count = stages.size();
};

template <class... Layers>
struct checked_network {
    static_assert(sizeof...(Layers) >= 1, "typenet::Network needs at least Input<N>");
    using type = typename diagnosis<first_mistake<Layers...>(), Layers...>::type;
};

} // namespace detail

template <class... Layers>
using Network = typename detail::checked_network<Layers...>::type;

// Whether a type is a well-formed network (a mistaken one names an incomplete diagnostic).
template <class Net>
concept NetworkType = requires { sizeof(Net); Net::layer_count; Net::stages; };

} // namespace typenet
