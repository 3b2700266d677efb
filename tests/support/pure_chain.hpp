#pragma once
// A run of pure element-wise layers as one function of a value, outside any network: the
// chain a kernel stage would fuse, with no parameters, state or randomness to give it.

#include <cstddef>
#include <utility>

#include <typenet/core/context.hpp>
#include <typenet/core/elementwise_chain.hpp>
#include <typenet/core/mode.hpp>

namespace typenet::test {

template <class Seq, class... Layers>
struct pure_chain_of;
template <std::size_t... I, class... Layers>
struct pure_chain_of<std::index_sequence<I...>, Layers...> {
    using type = elementwise_chain<mode::training, detail::layer_slot<Layers, I + 1, 0, 0, 0, 0>...>;
};

template <class... Layers>
struct pure_chain {
    using chain = typename pure_chain_of<std::index_sequence_for<Layers...>, Layers...>::type;

    template <class V>
    static V forward(const V& x) noexcept {
        const run_context<double> c{};
        return chain::forward(chain::bind(c).data(), 0, 0, x);
    }
    template <class V>
    static V backward(const V& x, const V& dy) noexcept {
        const run_context<double> c{};
        return chain::backward(chain::bind(c).data(), 0, 0, x, dy);
    }
};

} // namespace typenet::test
