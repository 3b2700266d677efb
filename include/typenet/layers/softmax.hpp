#pragma once
// Softmax: exp(x_j) / sum_k exp(x_k) over each row, as PyTorch's nn.Softmax(dim = 1): an
// output layer for inference when no loss follows (for training a classifier,
// SoftmaxCrossEntropy fuses it with its loss). A row-wise kernel of its own; backward:
// dx = y * (dy - sum(dy * y)).

#include <cstddef>
#include <string_view>

#include <typenet/core/context.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/simd.hpp>
#include <typenet/kernels/softmax.hpp>

namespace typenet {

struct Softmax {
    static constexpr layer_kind kind = layer_kind::kernel;
    static constexpr std::string_view name = "softmax";
    static constexpr shape output_shape(shape in) noexcept { return in; }

    template <class T, class Self, class Epilogue, shape In, mode M>
    struct stage {
        static constexpr std::size_t width = In.size();
        static constexpr bool stores_pre = !Epilogue::empty;

        static void forward(const run_context<T>& c, const T* x, std::size_t rows, T* pre, T* out, T*, T*) noexcept {
            kernels::softmax_cross_entropy<T, width>(x, nullptr, rows, pre, nullptr, T(0));
            if constexpr (stores_pre) detail::chain_forward<T, Epilogue, width>(c, pre, out, rows);
        }
        static void backward(const run_context<T>& c, const T*, std::size_t rows, const T* pre, T* d, T* dx, T*,
                             T*) noexcept {
            if constexpr (!Epilogue::empty) detail::chain_backward<T, Epilogue, width>(c, pre, d, d, rows);
            if (!dx) return;
            for (std::size_t r = 0; r < rows; ++r) {
                const T* y = pre + r * width;
                const T* g = d + r * width;
                T dot = 0;
                kernels::for_each_vector<T>(width, [&]<class V>(std::size_t j) {
                    dot += simd::reduce_add(simd::load<V>(y + j) * simd::load<V>(g + j));
                });
                kernels::for_each_vector<T>(width, [&]<class V>(std::size_t j) {
                    simd::store(dx + r * width + j, simd::load<V>(y + j) * (simd::load<V>(g + j) - V(dot)));
                });
            }
        }
    };
};

} // namespace typenet
