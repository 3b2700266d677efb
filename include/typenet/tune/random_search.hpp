#pragma once
// Random search, coarse to fine (the seeds): run a fixed number of trials drawn from a search
// space, each a user's function that trains a fresh model for a few epochs and returns its
// score on a validation split (never the test set); rank them; narrow every range around the
// best trials for a second round; warn when a best value sits at the edge of its range.
//
//   auto coarse = tune::random_search(space, [&](const tune::trial& t) { return train_and_score(t); },
//                                     {.trials = 100, .seed = seed{1}});
//   std::cout << coarse.format_best(5);
//   //   Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07
//   for (const auto& w : coarse.edge_warnings()) std::cout << w << '\n';
//   auto fine = tune::random_search(tune::narrow(coarse, 5), score, {.trials = 30, .seed = seed{2}});
//
// Trials run one after another; each gets its own trial and builds its own model, so running
// them in parallel later changes nothing in the results.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/tune/search_space.hpp>

namespace typenet::tune {

struct search_options {
    std::size_t trials = 100;
    typenet::seed seed{0};
    std::string score_name = "val acc";   // how results name the score
    std::ostream* progress = nullptr;     // a line per trial when set
};

struct trial_result {
    tune::trial trial;
    double score = 0;  // higher is better; NaN (a diverged run) ranks last
};

struct search_result {
    search_space space;                 // the space the trials were drawn from
    std::string score_name = "val acc";
    std::vector<trial_result> trials;   // in the order run

    // The k best trials, best first (NaN scores last, ties in the order run).
    std::vector<trial_result> best(std::size_t k) const {
        std::vector<trial_result> sorted = trials;
        // std::sort with the trial's index breaking ties (std::stable_sort trips Clang's
        // deprecation warning inside libstdc++ 12).
        std::sort(sorted.begin(), sorted.end(), [](const trial_result& a, const trial_result& b) {
            const bool a_nan = std::isnan(a.score), b_nan = std::isnan(b.score);
            if (a_nan != b_nan) return b_nan;
            if (!a_nan && a.score != b.score) return a.score > b.score;
            return a.trial.index < b.trial.index;
        });
        sorted.resize(std::min(k, sorted.size()));
        return sorted;
    }

    // The seeds' lines: "Best-1 (val acc:0.83) | lr:0.0092, weight decay:3.86e-07", one per trial.
    std::string format_best(std::size_t k) const {
        std::string out;
        std::size_t rank = 0;
        for (const trial_result& r : best(k)) out += format_line(++rank, r) + "\n";
        return out;
    }

    std::string format_line(std::size_t rank, const trial_result& r) const {
        char score[32];
        std::snprintf(score, sizeof score, "%.2f", r.score);
        return "Best-" + std::to_string(rank) + " (" + score_name + ":" + score + ") | " + r.trial.describe();
    }

    // One warning per parameter whose best value lies in the outer `edge` of its range (as
    // sampled: a log scale for log_uniform), or on an end of an integer range: the best may lie
    // beyond it.
    std::vector<std::string> edge_warnings(double edge = 0.05) const {
        std::vector<std::string> out;
        const auto top = best(1);
        if (top.empty() || std::isnan(top[0].score)) return out;
        for (const hyperparameter& p : space.parameters()) {
            if (p.scale == scale::choice || p.high == p.low) continue;
            const double v = top[0].trial[p.name];
            const double at = p.position(v);
            const double limit = p.scale == scale::integer ? 0 : edge;
            const char* side = at <= limit ? "lower" : at >= 1 - limit ? "upper" : nullptr;
            if (!side) continue;
            char line[256];
            std::snprintf(line, sizeof line,
                          "warning: %s: the best value %.3g lies at the %s edge of its range [%.3g, %.3g]; the best may "
                          "lie beyond it: widen the range",
                          p.name.c_str(), v, side, p.low, p.high);
            out.emplace_back(line);
        }
        return out;
    }
};

// Runs `score(trial)` for each of opts.trials trials drawn from `space` with opts.seed.
template <class Score>
search_result random_search(const search_space& space, Score&& score, const search_options& opts = {}) {
    if (opts.trials == 0) throw error("tune: random_search expects at least 1 trial, found 0");
    search_result result{space, opts.score_name, {}};
    for (trial& t : space.sample(opts.trials, opts.seed)) {
        const double s = static_cast<double>(score(static_cast<const trial&>(t)));
        result.trials.push_back({std::move(t), s});
        if (opts.progress) {
            char head[64];
            std::snprintf(head, sizeof head, "trial %zu/%zu (%s:%.4f) | ", result.trials.size(), opts.trials,
                          opts.score_name.c_str(), s);
            *opts.progress << head << result.trials.back().trial.describe() << '\n' << std::flush;
        }
    }
    return result;
}

// The space for a finer round: each range shrunk to the span of the `top` best trials' values,
// widened by `margin` of that span on each side (on the scale sampled), and kept inside the old
// range; a choice keeps the choices the best trials made.
inline search_space narrow(const search_result& coarse, std::size_t top = 5, double margin = 0.25) {
    const auto best = coarse.best(top);
    std::vector<const trial_result*> good;
    for (const auto& r : best)
        if (!std::isnan(r.score)) good.push_back(&r);
    if (good.empty()) throw error("tune: narrow expects at least one trial with a score, found none");
    search_space fine;
    for (const hyperparameter& p : coarse.space.parameters()) {
        if (p.scale == scale::choice) {
            std::vector<std::string> kept;
            for (const std::string& c : p.choices)
                for (const auto* r : good)
                    if (r->trial.text(p.name) == c) {
                        kept.push_back(c);
                        break;
                    }
            fine.choice(p.name, kept);
            continue;
        }
        const bool log = p.scale == scale::log_uniform;
        const auto to = [&](double v) { return log ? std::log(v) : v; };
        const auto from = [&](double v) { return log ? std::exp(v) : v; };
        double lo = to(good[0]->trial[p.name]), hi = lo;
        for (const auto* r : good) {
            lo = std::min(lo, to(r->trial[p.name]));
            hi = std::max(hi, to(r->trial[p.name]));
        }
        const double pad = margin * (hi - lo);
        lo = std::max(to(p.low), lo - pad);
        hi = std::min(to(p.high), hi + pad);
        if (p.scale == scale::integer)
            fine.integer(p.name, std::llround(std::floor(lo)), std::llround(std::ceil(hi)));
        else if (log)
            fine.log_uniform(p.name, from(lo), std::max(from(hi), std::nextafter(from(lo), HUGE_VAL)));
        else
            fine.uniform(p.name, lo, hi);
    }
    return fine;
}

} // namespace typenet::tune
