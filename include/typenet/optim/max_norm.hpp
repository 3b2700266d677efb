#pragma once
// The max-norm constraint: after each step, every unit's incoming weight vector w_j is scaled
// back onto the ball ||w_j|| <= max when it has left it. A unit is an index of the tensor's last
// axis (a Dense weight {In, Out}: column j, the weights into output j); a tensor of rank 1 has
// one value per unit.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/tensor.hpp>
#include <typenet/optim/role_set.hpp>

namespace typenet {

struct MaxNorm {
    double max = 3;
    role_set roles = {tensor_role::weight};
};

// Applies the constraint to the model's parameters in place.
template <class Model>
void apply_max_norm(Model& model, const MaxNorm& c) {
    using T = typename Model::value_type;
    if (!(c.max > 0) || !std::isfinite(c.max))
        throw error("max-norm: expected a finite bound above 0, found " + std::to_string(c.max));
    std::vector<double> norms;
    for (const tensor_info& t : Model::network::tensors) {
        if (!t.trained() || !c.roles.contains(t.role())) continue;
        const std::size_t units = t.spec.dims[t.spec.rank - 1], rows = t.size() / units;
        T* w = model.parameters().data() + t.offset;
        norms.assign(units, 0.0);
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < units; ++j) norms[j] += static_cast<double>(w[i * units + j]) * w[i * units + j];
        bool any = false;
        for (double& n : norms) {
            n = std::sqrt(n);
            n = n > c.max ? c.max / n : 1.0;  // now the factor for the unit
            any = any || n != 1.0;
        }
        if (!any) continue;
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < units; ++j) w[i * units + j] = static_cast<T>(w[i * units + j] * norms[j]);
    }
}

} // namespace typenet
