#pragma once
// Input<N>: the first layer of every network; N values per sample (or C x H x W).

#include <cstddef>
#include <string_view>

#include <typenet/core/layer.hpp>

namespace typenet {

template <std::size_t... Dims>
struct Input;

template <std::size_t N>
struct Input<N> {
    static_assert(N > 0, "typenet::Input<N> needs N > 0");
    static constexpr layer_kind kind = layer_kind::input;
    static constexpr std::string_view name = "input";
    static constexpr shape output_shape(shape) noexcept { return flat(N); }
};

template <std::size_t C, std::size_t H, std::size_t W>
struct Input<C, H, W> {
    static_assert(C > 0 && H > 0 && W > 0, "typenet::Input<C, H, W> needs positive sizes");
    static constexpr layer_kind kind = layer_kind::input;
    static constexpr std::string_view name = "input";
    static constexpr shape output_shape(shape) noexcept { return shape{C, H, W}; }
};

} // namespace typenet
