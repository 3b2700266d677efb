#pragma once
// Maxout<k>: the maximum over each group of k consecutive inputs, so that
// `Dense<In, Out * k>, Maxout<k>` is the seeds' maxout unit (Goodfellow et al.): Out units,
// each the max of k affine maps. The width shrinks by k, so it runs as a kernel of its own;
// the gradient goes to the first input that attains the maximum. The element-wise layers after
// it run in its output pass.

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include <typenet/core/context.hpp>
#include <typenet/core/diagnostics.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/layer.hpp>

namespace typenet {

template <std::size_t K>
struct pieces {};

// Maxout<k>'s k must divide the width it takes.
template <class Position, class Layer, class Pieces, class Width>
struct maxout_pieces_must_divide_width;

template <std::size_t K>
struct Maxout {
    static constexpr layer_kind kind = layer_kind::kernel;
    static constexpr std::string_view name = "maxout";
    static constexpr shape output_shape(shape in) noexcept { return flat(K == 0 ? 0 : in.size() / K); }

    template <std::size_t Position, shape In>
    using mistake = std::conditional_t<(K > 0 && In.size() % K == 0), void,
                                       maxout_pieces_must_divide_width<at_layer<Position>, Maxout, pieces<K>,
                                                                       width<In.size()>>>;

    template <class T, class Self, class Epilogue, shape In, mode M>
    struct stage {
        static constexpr std::size_t width = In.size() / K;
        static constexpr bool stores_pre = !Epilogue::empty;

        static void forward(const run_context<T>& c, const T* x, std::size_t rows, T* pre, T* out, T*, T*) noexcept {
            const auto bound = Epilogue::bind(c);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t j = 0; j < width; ++j) {
                    const T* a = x + (r * width + j) * K;
                    const T m = *std::max_element(a, a + K);
                    if constexpr (stores_pre) pre[r * width + j] = m;
                    out[r * width + j] = Epilogue::forward(bound.data(), r, j, m);
                }
        }
        static void backward(const run_context<T>& c, const T* x, std::size_t rows, const T* pre, T* d, T* dx, T*,
                             T*) noexcept {
            if constexpr (!Epilogue::empty) detail::chain_backward<T, Epilogue, width>(c, pre, d, d, rows);
            if (!dx) return;
            std::fill(dx, dx + rows * width * K, T(0));
            for (std::size_t i = 0; i < rows * width; ++i) {
                const T* a = x + i * K;
                dx[i * K + static_cast<std::size_t>(std::max_element(a, a + K) - a)] = d[i];
            }
        }
    };
};

} // namespace typenet
