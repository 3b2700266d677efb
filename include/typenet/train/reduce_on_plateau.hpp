#pragma once
// Reduce-on-plateau (seed 000: halve or divide by 10 when the validation metric stalls, stop
// at about 1/1000 of the start): a callback that multiplies the learning rate by `factor` when
// the metric has not improved by more than `min_delta` for `patience` epochs, never going
// below `floor` times the schedule's rate. Its scale is a factor on the rate of fit's schedule
// and lasts across calls of fit.
//
// Its state is named for a checkpoint: state_values() ("scale", "best", "wait").

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/train/callbacks.hpp>
#include <typenet/train/monitor.hpp>

namespace typenet {

struct ReduceOnPlateau {
    metric monitor = metric::validation_loss;
    double factor = 0.5;
    std::size_t patience = 10;
    double min_delta = 0;
    double floor = 1e-3;  // the smallest scale: 1/1000 of the starting rate

    // State, kept across calls of fit.
    double scale = 1;
    detail::improvement_tracker tracker{};

    std::vector<std::pair<std::string, double>> state_values() const {
        return {{"scale", scale}, {"best", tracker.best}, {"wait", static_cast<double>(tracker.wait)}};
    }
    void set_state_value(std::string_view name, double value) {
        if (name == "scale") scale = value;
        else if (name == "best") tracker.best = value;
        else if (name == "wait") tracker.wait = static_cast<std::size_t>(value);
        else throw error("reduce on plateau: no state value named \"" + std::string(name) + "\" (scale, best, wait)");
    }

    template <class Context>
    void on_fit_begin(Context& ctx) {
        if (!(factor > 0 && factor < 1))
            throw error("reduce on plateau: expected a factor between 0 and 1, found " + std::to_string(factor));
        ctx.rate_scale = scale;
    }

    template <class Context>
    void on_epoch_end(Context& ctx) {
        if (!tracker.update(value_of(ctx.history.epochs.back(), monitor), monitor, min_delta, "reduce on plateau") &&
            tracker.wait >= patience) {
            scale = std::max(scale * factor, floor);
            tracker.wait = 0;
        }
        ctx.rate_scale = scale;
    }
};

} // namespace typenet
