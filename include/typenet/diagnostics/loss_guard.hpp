#pragma once
// The seeds' stopping rule: a loss above 3 times the initial loss means the run is exploding
// (a learning rate too high is the usual cause), so stop it. The guard takes the first loss it
// sees as the initial one and throws typenet::error when a later one passes factor x initial,
// or is not finite.
//
//   loss_guard guard;                                  // factor 3
//   guard.check(model.compute_gradients(x, rows, t));  // each step
//   tn::fit(model, sgd, train, options, guard);        // or as a callback of fit: every step's loss

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

#include <typenet/core/error.hpp>

namespace typenet {

class loss_guard {
public:
    explicit loss_guard(double factor = 3) : factor_(factor) {
        if (!(factor > 1)) throw error("loss_guard: expected a factor above 1, found " + std::to_string(factor));
    }

    // Checks one step's loss (the first sets the initial loss); throws when it has exploded.
    void check(double loss) {
        ++steps_;
        if (!std::isfinite(loss))
            throw error("loss guard: expected a finite loss, found " + number(loss) + " at step " +
                        std::to_string(steps_) + "; training stopped (a learning rate too high is the usual cause)");
        if (steps_ == 1) {
            initial_ = loss;
            return;
        }
        if (loss > factor_ * initial_)
            throw error("loss guard: the loss " + number(loss) + " at step " + std::to_string(steps_) + " is above " +
                        number(factor_) + " x the initial loss " + number(initial_) + " (" + number(factor_ * initial_) +
                        "); training stopped (a learning rate too high is the usual cause)");
    }

    // As a callback of fit: checks the loss of the step just taken.
    template <class Context>
    void on_batch_end(Context& c) {
        check(c.batch_loss);
    }

    double initial_loss() const noexcept { return initial_; }
    std::size_t steps() const noexcept { return steps_; }
    double factor() const noexcept { return factor_; }

private:
    static std::string number(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v);
        return buf;
    }

    double factor_;
    double initial_ = 0;
    std::size_t steps_ = 0;
};

} // namespace typenet
