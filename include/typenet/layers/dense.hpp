#pragma once
// Dense<In, Out, Init>: y = x W + b, with W stored In x Out (row k holds input k's weights to
// every output) followed by the Out biases. Element-wise layers after it run inside its kernel.

#include <cstddef>
#include <span>

#include <typenet/core/layer.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/gemm.hpp>
#include <typenet/kernels/gemm_bt.hpp>

namespace typenet {

template <std::size_t In, std::size_t Out, class Init = He>
struct Dense {
    static_assert(In > 0 && Out > 0, "typenet::Dense<In, Out> needs positive sizes");

    static constexpr layer_kind kind = layer_kind::dense;
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr std::size_t required_input = In;
    static constexpr std::size_t weight_count = In * Out;
    using initializer = Init;

    static constexpr std::size_t parameter_count(shape) noexcept { return In * Out + Out; }
    static constexpr shape output_shape(shape) noexcept { return flat(Out); }

    template <class T>
    static void initialize(std::span<T> params, rng& g) {
        Init::fill(params.first(weight_count), In, Out, g);
        for (T& b : params.subspan(weight_count)) b = T(0);
    }

    // The fused kernel of this layer and the element-wise layers after it (Epilogue).
    template <class T, class Epilogue, std::size_t InputWidth>
    struct stage {
        static_assert(InputWidth == In);
        static constexpr std::size_t width = Out;
        static constexpr bool stores_pre_activation = !Epilogue::empty;

        // The input gradient d W^T reads W in place (kernels::gemm_bt) when W's rows hold at
        // least a vector; narrower W is transposed into scratch first, where the copy is
        // cheaper than short dot products.
        static constexpr bool transposes_w = Out < simd::lanes<simd::vec<T>>;
        static constexpr std::size_t scratch_size(std::size_t) noexcept { return transposes_w ? In * Out : 0; }

        // pre = x W + b (kept for backward when the epilogue is not empty), out = Epilogue(pre).
        static void forward(const T* params, const T* x, std::size_t rows, T* pre, T* out) noexcept {
            kernels::gemm<T, Out>(rows, In, x, In, params, params + weight_count,
                                  [=]<class V>(std::size_t r, std::size_t j, const V& z) {
                                      if constexpr (!Epilogue::empty) simd::store(pre + r * Out + j, z);
                                      simd::store(out + r * Out + j, Epilogue::forward(z));
                                  });
        }

        // d holds the gradient of `out` and is overwritten with that of `pre`; grads receives
        // this layer's parameter gradients; dx (if not null) the gradient of x.
        static void backward(const T* params, T* grads, const T* x, std::size_t rows, const T* pre, T* d, T* dx,
                             T* scratch) noexcept {
            if constexpr (!Epilogue::empty)
                kernels::map_gradient(pre, d, rows * Out,
                                      []<class V>(const V& z, const V& dy) { return Epilogue::backward(z, dy); });
            kernels::column_sums<T, Out>(d, rows, grads + weight_count);
            kernels::gemm<T, Out, true>(In, rows, x, In, d, nullptr,
                                  [=]<class V>(std::size_t k, std::size_t j, const V& g) {
                                      simd::store(grads + k * Out + j, g);
                                  });
            if (dx) {
                const auto store_dx = [=]<class V>(std::size_t r, std::size_t k, const V& g) {
                    simd::store(dx + r * In + k, g);
                };
                if constexpr (transposes_w) {
                    kernels::transpose(params, In, Out, scratch);
                    kernels::gemm<T, In>(rows, Out, d, Out, scratch, nullptr, store_dx);
                } else {
                    kernels::gemm_bt<T, In, Out>(rows, d, Out, params, store_dx);
                }
            }
        }
    };
};

} // namespace typenet
