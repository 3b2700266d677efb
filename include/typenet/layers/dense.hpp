#pragma once
// Dense<In, Out, Init>: y = x W + b, with W stored In x Out (row k holds input k's weights to
// every output) followed by the Out biases; PyTorch's nn.Linear(In, Out) with its weight
// transposed. Element-wise layers after it run inside its kernel.

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

#include <typenet/core/context.hpp>
#include <typenet/core/diagnostics.hpp>
#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/fused_passes.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/init/initializer.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/kernels/elementwise.hpp>
#include <typenet/kernels/gemm.hpp>
#include <typenet/kernels/gemm_bt.hpp>
#include <typenet/kernels/update.hpp>

namespace typenet {

namespace detail {

// Dense's forward store: pre = z (kept for backward when the chain is not empty), out = Chain(z).
// A type that depends on the width and the chain only, so that the Dense layers of a network
// (and of every network in the program) with one width and chain share one product's code.
template <class T, std::size_t Out, class Chain>
struct dense_forward_store {
    decltype(Chain::template bind<T>(std::declval<const run_context<T>&>())) bound;
    T* pre;
    T* out;

    template <class V>
    void operator()(std::size_t r, std::size_t j, const V& z) const noexcept {
        if constexpr (!Chain::empty) simd::store(pre + r * Out + j, z);
        simd::store(out + r * Out + j, Chain::forward(bound.data(), r, j, z));
    }
};

} // namespace detail

// The third argument of Dense<In, Out, Init> must be an initialiser (He, Xavier, ...), not an
// activation: `Dense<784, 100, ReLU>` is written `Dense<784, 100>, ReLU`.
template <class Position, class Layer, class Given>
struct not_an_initializer;

template <std::size_t In, std::size_t Out, class Init = He>
struct Dense {
    static constexpr layer_kind kind = layer_kind::kernel;
    static constexpr std::string_view name = "dense";
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr std::size_t required_input = In;
    static constexpr std::size_t weight_count = In * Out;
    using initializer = Init;

    template <std::size_t Position, shape>
    using mistake = std::conditional_t<
        In == 0 || Out == 0, sizes_must_be_positive<at_layer<Position>, Dense>,
        std::conditional_t<Initializer<Init>, void, not_an_initializer<at_layer<Position>, Dense, Init>>>;

    static constexpr std::array<tensor_spec, 2> tensors(shape) noexcept {
        return {tensor_spec{"weight", tensor_role::weight, {In, Out, 1, 1}, 2},
                tensor_spec{"bias", tensor_role::bias, {Out, 1, 1, 1}, 1}};
    }
    static constexpr shape output_shape(shape) noexcept { return flat(Out); }

    template <class T>
    static void initialize(std::span<T> params, std::span<T>, rng& g) {
        if constexpr (Initializer<Init>) Init::fill(params.first(weight_count), In, Out, g);
        for (T& b : params.subspan(weight_count)) b = T(0);
    }

    // The fused kernel of this layer and the element-wise layers after it (Epilogue). The product
    // runs the chain's position-free type (position_free_chain) bound to this stage's layers.
    template <class T, class Self, class Epilogue, shape InputShape, mode M>
    struct stage {
        static_assert(InputShape.size() == In);
        static constexpr std::size_t width = Out;
        static constexpr bool stores_pre = !Epilogue::empty;
        using chain = position_free_chain<T, Epilogue>;

        // The input gradient d W^T reads W in place (kernels::gemm_bt) when W's rows hold at
        // least a vector; narrower W is transposed into scratch first, where the copy is
        // cheaper than short dot products.
        static constexpr bool transposes_w = Out < simd::lanes<simd::vec<T>>;
        static constexpr std::size_t scratch_size(std::size_t) noexcept { return transposes_w ? In * Out : 0; }

        // pre = x W + b (kept for backward when the epilogue is not empty), out = Epilogue(pre).
        static void forward(const run_context<T>& c, const T* x, std::size_t rows, T* pre, T* out, T*, T*) noexcept {
            const T* w = Self::params(c);
            kernels::gemm<T, Out>(rows, In, x, In, w, w + weight_count,
                                  detail::dense_forward_store<T, Out, chain>{Epilogue::bind(c), pre, out});
        }

        // d holds the gradient of `out` and is overwritten with that of `pre`; the parameter
        // gradients go to the gradient buffer; dx (if not null) receives the gradient of x.
        //
        // With c.sgd_rate (train_step with plain SGD), W is updated in the weight-gradient
        // product's store, w -= rate * dw while dw is in registers, and dW is not written: W and
        // its gradient are the largest operands of a wide step, and the separate update would
        // read both again and write W. The input gradient is computed first, from the old W, so
        // every result has the bits of compute_gradients followed by SGD::step. The bias (and
        // every other parameter) is updated from its written gradient by train_step.
        static constexpr std::size_t fused_sgd_count = weight_count;

        static void backward(const run_context<T>& c, const T* x, std::size_t rows, const T* pre, T* d, T* dx, T*,
                             T* scratch) noexcept {
            if constexpr (!Epilogue::empty) detail::chain_backward<T, Epilogue, Out>(c, pre, d, d, rows);
            const T* w = Self::params(c);
            T* g = Self::grads(c);
            kernels::column_sums<T, Out>(d, rows, g + weight_count);
            if (dx) {
                kernels::matrix_store<T, In> store_dx{dx};
                if constexpr (transposes_w) {
                    kernels::transpose(w, In, Out, scratch);
                    kernels::gemm<T, In>(rows, Out, d, Out, scratch, nullptr, store_dx);
                } else {
                    kernels::gemm_bt<T, In, Out>(rows, d, Out, w, store_dx);
                }
            }
            if (c.sgd_rate != T(0)) {
                // The parameters are the model's own (run_context hands them out as const for
                // the passes that only read them).
                T* wm = const_cast<T*>(w);
                kernels::gemm<T, Out, true>(In, rows, x, In, d, nullptr, kernels::sgd_store<T, Out>(wm, c.sgd_rate));
            } else {
                kernels::gemm<T, Out, true>(In, rows, x, In, d, nullptr, kernels::matrix_store<T, Out>{g});
            }
        }
    };
};

} // namespace typenet
