#pragma once
// What an optimiser keeps between steps: its step count and K buffers in the parameter
// buffer's layout (velocities, squared-gradient sums, moments), created zeroed on the first
// step and kept across calls of fit, so training continues where it stopped. The first model
// an optimiser steps binds it: its parameter count and value type must stay the same.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/aligned_buffer.hpp>
#include <typenet/core/error.hpp>

namespace typenet::detail {

template <std::size_t K>
class optimizer_state {
public:
    std::uint64_t step_count() const noexcept { return steps_; }
    void set_step_count(std::uint64_t n) noexcept { steps_ = n; }
    // Counts a step and returns its number t (from 1).
    std::uint64_t advance() noexcept { return ++steps_; }

    // Binds to `parameter_count` values of T and creates the buffers (zeros) on first use;
    // `who` names the optimiser in the error when a different model comes along.
    template <class T>
    void prepare(std::size_t parameter_count, std::string_view who) {
        static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "optimiser state holds float or double");
        constexpr value_kind kind = std::is_same_v<T, float> ? value_kind::single : value_kind::twice;
        if (kind_ == value_kind::none) {
            buffers<T>() = make<T>(parameter_count);
            size_ = parameter_count;
            kind_ = kind;
            return;
        }
        if (kind_ != kind || size_ != parameter_count)
            throw error(std::string(who) + ": this optimiser's state is for " + describe(size_, kind_) +
                        ", found a model of " + describe(parameter_count, kind) +
                        " (use one optimiser object per model)");
    }

    // Buffer k of T's layout; empty before prepare<T>.
    template <class T>
    std::span<T> buffer(std::size_t k) noexcept {
        if constexpr (K == 0) return {};
        else return buffers<T>()[k].span();
    }

    // The buffers with their names, for a checkpoint; empty when there are none yet.
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> named(const std::array<std::string_view, K>& names) {
        std::vector<std::pair<std::string, std::span<T>>> out;
        if constexpr (K > 0) {
            if (kind_ != (std::is_same_v<T, float> ? value_kind::single : value_kind::twice)) return out;
            for (std::size_t k = 0; k < K; ++k) out.emplace_back(std::string(names[k]), buffers<T>()[k].span());
        }
        return out;
    }

private:
    enum class value_kind : unsigned char { none, single, twice };

    static std::string describe(std::size_t n, value_kind k) {
        return std::to_string(n) + (k == value_kind::single ? " float" : " double") + " parameters";
    }
    template <class T>
    static std::array<aligned_buffer<T>, K> make(std::size_t n) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<aligned_buffer<T>, K>{((void)I, aligned_buffer<T>(n))...};
        }(std::make_index_sequence<K>{});
    }
    template <class T>
    std::array<aligned_buffer<T>, K>& buffers() noexcept {
        if constexpr (std::is_same_v<T, float>) return single_;
        else return twice_;
    }

    std::uint64_t steps_ = 0;
    std::size_t size_ = 0;
    value_kind kind_ = value_kind::none;
    std::array<aligned_buffer<float>, K> single_{};
    std::array<aligned_buffer<double>, K> twice_{};
};

} // namespace typenet::detail
