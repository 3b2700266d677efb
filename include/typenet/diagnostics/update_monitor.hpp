#pragma once
// The update/weight norm ratio per tensor (the seeds: ||lr * dW|| / ||W||, about 1e-3; much
// lower, the learning rate is too low; much higher, too high) and the gradient norm. The monitor
// snapshots every trained named tensor before an optimiser step and compares after it, so it
// works for any optimiser and any layer.
//
//   update_monitor watch;
//   model.compute_gradients(x, rows, t);
//   watch.before(model);  optimizer.step(model);  watch.after(model);
//   watch.last_step()[0].ratio;        // dense_1.weight's ||update|| / ||weight|| in that step
//   watch.end_epoch();                 // means over the epoch's steps, kept in epochs()
//
// Or as a callback of fit, which drives it: it snapshots the weights when fit begins and after
// every step, so each step's update is the difference (the gradient buffer still holds the
// step's gradient, after penalty and clipping). A snapshot and a comparison read the parameters
// three times; sampling every k-th step keeps the cost small:
//
//   update_monitor watch{{.every = 10}};
//   tn::fit(model, sgd, train, options, watch);   // watch.epochs(): one entry per epoch

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/tensor.hpp>
#include <typenet/kernels/simd.hpp>

namespace typenet {

namespace detail {

struct norms {
    double weight, update, gradient;
};

// ||old||, ||now - old|| and ||grad|| in double, a vector of lanes at a time: a step's figures
// cost about three reads of the parameters.
template <class T>
norms step_norms(std::span<const double> old, std::span<const T> now, std::span<const T> grad) noexcept {
    using V = simd::vec<double>;
    constexpr std::size_t L = simd::lanes<V>;
    V w2 = simd::broadcast<V>(0.0), u2 = w2, g2 = w2;
    const std::size_t n = now.size(), whole = n / L * L;
    alignas(64) double now_d[L], grad_d[L];
    for (std::size_t i = 0; i < whole; i += L) {
        for (std::size_t j = 0; j < L; ++j) now_d[j] = double(now[i + j]), grad_d[j] = double(grad[i + j]);
        const V o = simd::load<V>(old.data() + i), d = simd::load<V>(now_d) - o, g = simd::load<V>(grad_d);
        w2 = simd::fmadd(o, o, w2);
        u2 = simd::fmadd(d, d, u2);
        g2 = simd::fmadd(g, g, g2);
    }
    double w = simd::reduce_add(w2), u = simd::reduce_add(u2), gg = simd::reduce_add(g2);
    for (std::size_t i = whole; i < n; ++i) {
        const double o = old[i], d = double(now[i]) - o, g = double(grad[i]);
        w += o * o, u += d * d, gg += g * g;
    }
    return {std::sqrt(w), std::sqrt(u), std::sqrt(gg)};
}

} // namespace detail

struct tensor_update {
    std::string name;              // e.g. "dense_1.weight"
    tensor_role role = tensor_role::weight;
    double weight_norm = 0;        // ||W|| before the step
    double update_norm = 0;        // ||W_after - W_before||
    double gradient_norm = 0;      // ||dL/dW|| of the step
    // update_norm / weight_norm; NaN while ||W|| is 0 (a bias at its zero start).
    double ratio = std::numeric_limits<double>::quiet_NaN();
};

struct update_monitor_options {
    std::size_t every = 1;  // as a callback of fit: measure steps 0, k, 2k... of the monitor's life
};

class update_monitor {
public:
    update_monitor() = default;
    explicit update_monitor(update_monitor_options o) : every_(o.every) {
        if (o.every == 0) throw error("update_monitor: expected every of at least 1 (step), found 0");
    }

    // Call after compute_gradients and before the optimiser's step.
    template <class Net, class T>
    void before(const Model<Net, T>& model) {
        std::size_t k = 0;
        for (const tensor_info& t : Net::tensors)
            if (t.trained()) {
                const auto v = model.values(t);
                if (before_.size() <= k) before_.emplace_back();
                before_[k++].assign(v.begin(), v.end());  // reuses the last snapshot's storage
            }
        pending_ = true;
    }

    // Call after the optimiser's step; returns that step's figures, one per trained tensor.
    template <class Net, class T>
    const std::vector<tensor_update>& after(Model<Net, T>& model) {
        if (!pending_) throw error("update_monitor: expected before(model) ahead of after(model), found none");
        pending_ = false;
        last_.clear();
        std::size_t k = 0;
        for (const tensor_info& t : Net::tensors) {
            if (!t.trained()) continue;
            const auto now = model.values(t);
            const auto grad = model.gradient(t);
            const std::vector<double>& old = before_[k++];
            const detail::norms n = detail::step_norms(std::span<const double>(old), std::span<const T>(now), std::span<const T>(grad));
            tensor_update u{t.full_name(), t.role(), n.weight, n.update, n.gradient};
            if (u.weight_norm > 0) u.ratio = u.update_norm / u.weight_norm;
            last_.push_back(u);
        }
        accumulate();
        return last_;
    }

    const std::vector<tensor_update>& last_step() const noexcept { return last_; }

    // As a callback of fit. A step is measured when a snapshot was taken before it.
    template <class Context>
    void on_fit_begin(Context& c) {
        if (steps_seen_ % every_ == 0) before(c.model);
    }
    template <class Context>
    void on_batch_end(Context& c) {
        if (pending_) after(c.model);
        if (++steps_seen_ % every_ == 0) before(c.model);
    }
    template <class Context>
    void on_epoch_end(Context&) {
        end_epoch();
    }
    // Steps seen as a callback; with every = k, steps 0, k, 2k... were measured.
    std::size_t steps_seen() const noexcept { return steps_seen_; }

    // Closes the epoch: keeps the mean of each figure over its steps (ratios over the steps
    // where they are defined) and starts afresh.
    void end_epoch() {
        if (steps_ == 0) {  // no step measured: the tensors with figures unknown
            std::vector<tensor_update> none = last_;
            for (auto& u : none) u.weight_norm = u.update_norm = u.gradient_norm = u.ratio = std::numeric_limits<double>::quiet_NaN();
            epochs_.push_back(std::move(none));
            return;
        }
        std::vector<tensor_update> mean = sum_;
        for (std::size_t i = 0; i < mean.size(); ++i) {
            const double n = double(steps_);
            mean[i].weight_norm /= n;
            mean[i].update_norm /= n;
            mean[i].gradient_norm /= n;
            mean[i].ratio = ratio_steps_[i] ? sum_[i].ratio / double(ratio_steps_[i]) : std::numeric_limits<double>::quiet_NaN();
        }
        epochs_.push_back(std::move(mean));
        sum_.clear();
        ratio_steps_.clear();
        steps_ = 0;
    }

    // One entry per closed epoch, each with one entry per trained tensor.
    const std::vector<std::vector<tensor_update>>& epochs() const noexcept { return epochs_; }

private:
    void accumulate() {
        if (sum_.empty()) {
            sum_ = last_;
            for (auto& s : sum_) s.weight_norm = s.update_norm = s.gradient_norm = s.ratio = 0;
            ratio_steps_.assign(last_.size(), 0);
        }
        for (std::size_t i = 0; i < last_.size(); ++i) {
            sum_[i].weight_norm += last_[i].weight_norm;
            sum_[i].update_norm += last_[i].update_norm;
            sum_[i].gradient_norm += last_[i].gradient_norm;
            if (!std::isnan(last_[i].ratio)) {
                sum_[i].ratio += last_[i].ratio;
                ++ratio_steps_[i];
            }
        }
        ++steps_;
    }

    std::size_t every_ = 1;
    std::size_t steps_seen_ = 0;
    std::vector<std::vector<double>> before_;
    bool pending_ = false;
    std::vector<tensor_update> last_;
    std::vector<tensor_update> sum_;
    std::vector<std::size_t> ratio_steps_;
    std::size_t steps_ = 0;
    std::vector<std::vector<tensor_update>> epochs_;
};

} // namespace typenet
