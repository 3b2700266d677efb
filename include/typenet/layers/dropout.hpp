#pragma once
// Dropout<rate>: inverted dropout, as PyTorch's nn.Dropout(p = rate). In training each value
// is kept with probability 1 - rate and scaled by 1 / (1 - rate), so the expected output is the
// input; in inference it is the identity. (The seeds speak of the keep probability:
// Dropout<0.2> keeps 80%.) The mask is a hash of (model seed, step, layer, row, column): the
// same run to run, independent of how a batch is split, and regenerated in the backward pass
// instead of stored. It runs inside the kernel of the layer before it.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <typenet/core/context.hpp>
#include <typenet/core/counter_rng.hpp>
#include <typenet/core/diagnostics.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/real.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

// Dropout's rate must be at least 0 and below 1.
template <class Position, class Layer>
struct dropout_rate_must_be_at_least_0_and_below_1;

template <real Rate>
struct Dropout {
    static constexpr layer_kind kind = layer_kind::elementwise;
    static constexpr std::string_view name = "dropout";
    static constexpr double rate = Rate.value;
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <std::size_t Position, shape>
    using mistake = std::conditional_t<(rate >= 0 && rate < 1), void,
                                       dropout_rate_must_be_at_least_0_and_below_1<at_layer<Position>, Dropout>>;

    // Kept when the 32 random bits are at least this: probability 1 - rate.
    static constexpr std::uint32_t threshold = [] {
        const double t = rate * 4294967296.0;
        return t <= 0 ? std::uint32_t{0} : t >= 4294967295.0 ? std::uint32_t{4294967295U} : static_cast<std::uint32_t>(t);
    }();

    template <class V, class T, mode M>
    static V mask(const pointwise_context<T, M>& c) noexcept {
        const T keep = T(1) / T(1 - rate);
        const std::uint32_t row = detail::row_bits(c.key, c.row);
        return simd::generate<V>([&](std::size_t i) {
            return detail::column_bits(row, c.col + i) >= threshold ? keep : T(0);
        });
    }

    template <class T, mode M, class V>
    static V forward(const pointwise_context<T, M>& c, const V& x) noexcept {
        if constexpr (M == mode::inference || rate == 0) return x;
        else return x * mask<V>(c);
    }
    template <class T, mode M, class V>
    static V backward(const pointwise_context<T, M>& c, const V&, const V&, const V& dy) noexcept {
        if constexpr (M == mode::inference || rate == 0) return dy;
        else return dy * mask<V>(c);
    }
};

} // namespace typenet
