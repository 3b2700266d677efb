#pragma once
// Learning-rate schedules: the rate in force is the optimiser's `lr` times the schedule's
// factor, a function of the epoch (epochs completed before this one, counted across calls of
// fit, from 0) and the step (optimiser steps taken before this one, from 0). Being functions of
// where training stands, they need no state of their own and resume exactly. (Reduce-on-plateau
// depends on the metric's history instead: it is a callback, train/reduce_on_plateau.hpp.)
//   ConstantRate      1
//   StepDecay         factor^floor(epoch / every)
//   ExponentialDecay  rate^epoch
//   InverseTimeDecay  1 / (1 + k epoch)
//   CosineDecay       floor + (1 - floor) (1 + cos(pi min(epoch, epochs) / epochs)) / 2
//   Warmup            min(1, (step + 1) / steps) times the schedule `then`
// Any callable double(std::uint64_t epoch, std::uint64_t step) is a schedule too.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>

namespace typenet {

using schedule = std::function<double(std::uint64_t epoch, std::uint64_t step)>;

struct ConstantRate {
    double operator()(std::uint64_t, std::uint64_t) const noexcept { return 1; }
};

struct StepDecay {
    std::uint64_t every = 10;  // epochs
    double factor = 0.5;
    double operator()(std::uint64_t epoch, std::uint64_t) const {
        return std::pow(factor, static_cast<double>(every == 0 ? 0 : epoch / every));
    }
};

struct ExponentialDecay {
    double rate = 0.95;  // per epoch
    double operator()(std::uint64_t epoch, std::uint64_t) const { return std::pow(rate, static_cast<double>(epoch)); }
};

struct InverseTimeDecay {
    double k = 1;  // seed 003's decay_rate
    double operator()(std::uint64_t epoch, std::uint64_t) const { return 1 / (1 + k * static_cast<double>(epoch)); }
};

struct CosineDecay {
    std::uint64_t epochs = 100;  // from 1 down to `floor` over this many epochs, then `floor`
    double floor = 0;
    double operator()(std::uint64_t epoch, std::uint64_t) const {
        if (epochs == 0) return floor;
        const double x = static_cast<double>(std::min(epoch, epochs)) / static_cast<double>(epochs);
        return floor + (1 - floor) * (1 + std::cos(std::numbers::pi * x)) / 2;
    }
};

struct Warmup {
    std::uint64_t steps = 100;  // the factor rises linearly to 1 over this many steps
    schedule then = ConstantRate{};
    double operator()(std::uint64_t epoch, std::uint64_t step) const {
        const double ramp = steps == 0 ? 1.0 : std::min(1.0, static_cast<double>(step + 1) / static_cast<double>(steps));
        return ramp * (then ? then(epoch, step) : 1.0);
    }
};

} // namespace typenet
