#pragma once
// Early stopping (seed 001: "stop when the validation accuracy has not improved for 10
// epochs"): a callback that watches a metric at every epoch's end, keeps a copy of the
// parameters and the untrained state (BatchNorm's running statistics) of the best epoch, stops
// training after `patience` epochs without an improvement larger than `min_delta`, and at the
// end of fit puts the best epoch's values back. The optimiser's state is not rewound.
//
// Its state is named for a checkpoint: state_values() ("best", "best_epoch", "wait") and
// state_buffers<T>() ("best_parameters", "best_state").

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/train/callbacks.hpp>
#include <typenet/train/monitor.hpp>

namespace typenet {

struct EarlyStopping {
    metric monitor = metric::validation_accuracy;
    std::size_t patience = 10;
    double min_delta = 0;
    bool restore_best = true;

    // State, kept across calls of fit.
    detail::improvement_tracker tracker{};
    std::uint64_t best_epoch = 0;  // the model's epoch count after the best epoch (0: none yet)
    std::vector<float> best_float[2]{};
    std::vector<double> best_double[2]{};

    std::vector<std::pair<std::string, double>> state_values() const {
        return {{"best", tracker.best}, {"best_epoch", static_cast<double>(best_epoch)},
                {"wait", static_cast<double>(tracker.wait)}};
    }
    void set_state_value(std::string_view name, double value) {
        if (name == "best") tracker.best = value;
        else if (name == "best_epoch") best_epoch = static_cast<std::uint64_t>(value);
        else if (name == "wait") tracker.wait = static_cast<std::size_t>(value);
        else throw error("early stopping: no state value named \"" + std::string(name) + "\" (best, best_epoch, wait)");
    }
    template <class T>
    std::vector<std::pair<std::string, std::span<T>>> state_buffers() {
        auto& b = saved<T>();
        if (b[0].empty() && b[1].empty()) return {};
        return {{"best_parameters", std::span<T>(b[0])}, {"best_state", std::span<T>(b[1])}};
    }

    template <class Context>
    void on_epoch_end(Context& ctx) {
        using T = typename std::remove_cvref_t<decltype(ctx.model)>::value_type;
        if (tracker.update(value_of(ctx.history.epochs.back(), monitor), monitor, min_delta, "early stopping")) {
            best_epoch = ctx.model.epoch_count();
            auto& b = saved<T>();
            b[0].assign(ctx.model.parameters().begin(), ctx.model.parameters().end());
            b[1].assign(ctx.model.state().begin(), ctx.model.state().end());
        } else if (tracker.wait >= patience) {
            ctx.stop();
        }
    }

    template <class Context>
    void on_fit_end(Context& ctx) {
        using T = typename std::remove_cvref_t<decltype(ctx.model)>::value_type;
        auto& b = saved<T>();
        if (!restore_best || best_epoch == 0 || best_epoch == ctx.model.epoch_count()) return;
        if (b[0].size() != ctx.model.parameters().size() || b[1].size() != ctx.model.state().size())
            throw error("early stopping: the best epoch's values are for another model (use one EarlyStopping per model)");
        std::copy(b[0].begin(), b[0].end(), ctx.model.parameters().begin());
        std::copy(b[1].begin(), b[1].end(), ctx.model.state().begin());
    }

private:
    template <class T>
    auto& saved() noexcept {
        if constexpr (std::is_same_v<T, float>) return best_float;
        else return best_double;
    }
};

} // namespace typenet
