#pragma once
// Named tensors: every layer declares the tensors it owns (a name, a shape and a role), so
// optimisers, regularisers, monitors and checkpoints find them without layer-specific code.
// Trained parameters live in the model's parameter buffer; untrained state (running
// statistics) in a separate state buffer that optimisers never touch.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace typenet {

enum class tensor_role {
    weight,        // a linear map's matrix (weight decay applies by default)
    bias,          // an additive offset
    scale,         // a normalisation's learned gain (gamma)
    shift,         // a normalisation's learned offset (beta)
    slope,         // a learned activation parameter (PReLU)
    running_mean,  // untrained state: a running average of batch means
    running_var,   // untrained state: a running average of batch variances
};

// Whether tensors of this role are trained (parameter buffer) or kept as state.
constexpr bool is_trained(tensor_role r) noexcept {
    return r != tensor_role::running_mean && r != tensor_role::running_var;
}

constexpr std::string_view role_name(tensor_role r) noexcept {
    switch (r) {
    case tensor_role::weight: return "weight";
    case tensor_role::bias: return "bias";
    case tensor_role::scale: return "scale";
    case tensor_role::shift: return "shift";
    case tensor_role::slope: return "slope";
    case tensor_role::running_mean: return "running_mean";
    case tensor_role::running_var: return "running_var";
    }
    return "?";
}

// What a layer declares about one of its tensors. Shapes are row-major, up to 4 axes;
// unused axes are 1 (a Dense weight is {In, Out, 1, 1}).
struct tensor_spec {
    std::string_view name;
    tensor_role role;
    std::array<std::size_t, 4> dims{1, 1, 1, 1};
    std::size_t rank = 1;

    constexpr std::size_t size() const noexcept { return dims[0] * dims[1] * dims[2] * dims[3]; }
};

// A tensor as the network lays it out: whose it is and where it lives.
struct tensor_info {
    std::size_t layer = 0;          // position in the network (Input is 0)
    std::string_view layer_type;    // e.g. "dense"
    std::size_t ordinal = 0;        // 1 for the first layer of that type, 2 for the second...
    tensor_spec spec;
    std::size_t offset = 0;         // into the parameter buffer (trained) or the state buffer

    constexpr std::string_view name() const noexcept { return spec.name; }
    constexpr tensor_role role() const noexcept { return spec.role; }
    constexpr bool trained() const noexcept { return is_trained(spec.role); }
    constexpr std::size_t size() const noexcept { return spec.size(); }

    // "dense_2.weight": the layer's type and ordinal, then the tensor's name.
    std::string full_name() const {
        return std::string(layer_type) + "_" + std::to_string(ordinal) + "." + std::string(spec.name);
    }
};

} // namespace typenet
