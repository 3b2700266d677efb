#pragma once
// A set of tensor roles: which trained tensors a regulariser or a decoupled weight decay acts
// on. The default everywhere is the weights alone (biases, BatchNorm's scale and shift and
// PReLU's slopes excluded), chosen by role, never by layer type.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include <typenet/core/tensor.hpp>

namespace typenet {

class role_set {
public:
    constexpr role_set(std::initializer_list<tensor_role> roles) noexcept {  // NOLINT: {tensor_role::weight} reads as a set
        for (tensor_role r : roles) bits_ |= bit(r);
    }
    constexpr bool contains(tensor_role r) const noexcept { return (bits_ & bit(r)) != 0; }
    constexpr bool empty() const noexcept { return bits_ == 0; }

    // Every trained role: weights, biases, scales, shifts, slopes.
    static constexpr role_set trained() noexcept {
        return {tensor_role::weight, tensor_role::bias, tensor_role::scale, tensor_role::shift, tensor_role::slope};
    }

    std::string to_string() const {
        std::string out;
        for (tensor_role r : {tensor_role::weight, tensor_role::bias, tensor_role::scale, tensor_role::shift,
                              tensor_role::slope, tensor_role::running_mean, tensor_role::running_var})
            if (contains(r)) out += (out.empty() ? "" : ", ") + std::string(role_name(r));
        return "{" + out + "}";
    }

private:
    static constexpr std::uint32_t bit(tensor_role r) noexcept { return std::uint32_t{1} << static_cast<unsigned>(r); }
    std::uint32_t bits_ = 0;
};

namespace detail {

// Calls f(offset, size) for the parameter ranges of Net's trained tensors whose role is in
// `roles`, adjacent tensors merged into one range.
template <class Net, class F>
void for_each_selected_range(role_set roles, F&& f) {
    std::size_t start = 0, size = 0;
    for (const tensor_info& t : Net::tensors) {
        if (!t.trained() || !roles.contains(t.role())) continue;
        if (size != 0 && start + size == t.offset) {
            size += t.size();
            continue;
        }
        if (size != 0) f(start, size);
        start = t.offset;
        size = t.size();
    }
    if (size != 0) f(start, size);
}

} // namespace detail

} // namespace typenet
