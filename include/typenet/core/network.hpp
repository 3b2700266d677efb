#pragma once
// Network<Layers...>: a network as a type. At compile time it checks the layer list, infers
// every layer's input and output shape (a Boost.Hana fold over the list), lays out the
// parameters of all layers in one buffer, and plans the fused stages the kernels run.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/fold_left.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <typenet/core/diagnostics.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/shape.hpp>

namespace typenet {

// One kernel's worth of consecutive layers.
enum class stage_kind {
    dense,        // a dense layer followed by element-wise layers fused into its epilogue
    elementwise,  // element-wise layers with no dense layer before them to fuse into
    loss,         // the loss (softmax + log-likelihood are one step)
};

struct stage {
    stage_kind kind;
    std::size_t first;  // index of its first layer (Input is index 0)
    std::size_t last;   // index of its last layer, inclusive
};

namespace detail {

template <class L>
constexpr layer_kind kind_of() {
    if constexpr (Layer<L>) return L::kind;
    else return layer_kind::elementwise;
}

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

enum class mistake { none, not_a_layer, no_input_first, input_not_first, width_mismatch, loss_not_last };

struct finding {
    mistake what = mistake::none;
    std::size_t index = 0;  // zero-based index of the offending layer
};

template <class... Layers>
constexpr finding first_mistake() {
    constexpr std::size_t n = sizeof...(Layers);
    constexpr std::array<bool, n> is_layer{Layer<Layers>...};
    constexpr std::array<layer_kind, n> kinds{kind_of<Layers>()...};
    constexpr std::array<std::size_t, n> required{[] {
        if constexpr (Layer<Layers>) return required_input<Layers>();
        else return std::size_t{0};
    }()...};
    constexpr auto shapes = infer_output_shapes<Layers...>();
    for (std::size_t i = 0; i < n; ++i)
        if (!is_layer[i]) return {mistake::not_a_layer, i};
    if (kinds[0] != layer_kind::input) return {mistake::no_input_first, 0};
    for (std::size_t i = 1; i < n; ++i) {
        if (kinds[i] == layer_kind::input) return {mistake::input_not_first, i};
        if (required[i] != 0 && required[i] != shapes[i - 1].size()) return {mistake::width_mismatch, i};
        if (kinds[i - 1] == layer_kind::loss) return {mistake::loss_not_last, i - 1};
    }
    return {};
}

template <std::size_t I, class... Layers>
using nth = std::tuple_element_t<I, std::tuple<Layers...>>;

// The diagnostic type for the first mistake; complete only when there is none.
template <finding F, class... Layers>
struct diagnosis {
    using type = network_is_well_formed;
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
    requires(F.what == mistake::width_mismatch)
struct diagnosis<F, Layers...> {
    using L = nth<F.index, Layers...>;
    using type = input_width_mismatch<at_layer<F.index + 1>, L, expects<required_input<L>()>,
                                      got<infer_output_shapes<Layers...>()[F.index - 1].size()>,
                                      from_layer<F.index, nth<F.index - 1, Layers...>>>;
};
template <finding F, class... Layers>
    requires(F.what == mistake::loss_not_last)
struct diagnosis<F, Layers...> {
    using type = loss_must_be_last_layer<at_layer<F.index + 1>, nth<F.index, Layers...>,
                                         followed_by<F.index + 2, nth<F.index + 1, Layers...>>>;
};

// Deriving from the diagnosis makes an incomplete one a hard error at the point where the
// network is first used, and only there.
template <class Diagnosis>
struct checked : Diagnosis {};

template <class... Layers>
struct fusion_planner {
    static constexpr std::size_t n = sizeof...(Layers);
    static constexpr std::array<layer_kind, n> kinds{kind_of<Layers>()...};

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
            emit(stage{k == layer_kind::dense ? stage_kind::dense : stage_kind::elementwise, i, last});
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

} // namespace detail

template <class... Layers>
struct Network : detail::checked<typename detail::diagnosis<detail::first_mistake<Layers...>(), Layers...>::type> {
    static_assert(sizeof...(Layers) >= 1, "typenet::Network needs at least Input<N>");

    static constexpr std::size_t layer_count = sizeof...(Layers);

    template <std::size_t I>
    using layer = detail::nth<I, Layers...>;

    // output_shapes[i]: what layer i gives; input_shapes[i]: what it takes.
    static constexpr std::array<shape, layer_count> output_shapes = detail::infer_output_shapes<Layers...>();
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

    static constexpr std::array<std::size_t, layer_count> parameter_counts = [] {
        std::size_t i = 0;
        std::array<std::size_t, layer_count> c{};
        ((c[i] = detail::parameter_count<Layers>(input_shapes[i]), ++i), ...);
        return c;
    }();
    static constexpr std::array<std::size_t, layer_count> parameter_offsets = [] {
        std::array<std::size_t, layer_count> o{};
        for (std::size_t i = 1; i < layer_count; ++i) o[i] = o[i - 1] + parameter_counts[i - 1];
        return o;
    }();
    static constexpr std::size_t parameter_count = parameter_offsets[layer_count - 1] + parameter_counts[layer_count - 1];

    static constexpr bool has_loss = detail::kind_of<layer<layer_count - 1>>() == layer_kind::loss;

    static constexpr auto stages = detail::fusion_planner<Layers...>::plan();
    static constexpr std::size_t stage_count = stages.size();
};

} // namespace typenet
