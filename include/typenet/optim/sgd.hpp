#pragma once
// Plain stochastic gradient descent: w <- w - lr * dL/dw over the whole parameter buffer.

#include <typenet/kernels/update.hpp>

namespace typenet {

struct SGD {
    double lr = 0.01;

    // Optimisers keep their state (none here) in buffers shaped like the parameters.
    template <class Model>
    void step(Model& model) const {
        using T = typename Model::value_type;
        auto p = model.parameters();
        kernels::sgd_update(p.data(), model.gradients().data(), p.size(), static_cast<T>(lr));
    }
};

} // namespace typenet
