#pragma once
// A space of named hyperparameters to search at random (the seeds: random beats a grid; sample
// rates and regularisation strengths on a log scale), and the trials drawn from it.
//
//   tune::search_space space;
//   space.log_uniform("lr", 1e-6, 1e-2);              // 10^U(-6, -2)
//   space.log_uniform("weight decay", 1e-8, 1e-4);
//   space.uniform("dropout", 0.1, 0.5);
//   space.integer("hidden", 50, 200);                 // both ends included
//   space.choice("activation", {"relu", "tanh"});
//   auto trials = space.sample(100, seed{1});         // the same 100 for the same seed
//   trials[0]["lr"];  trials[0].integer("hidden");  trials[0].text("activation");

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/rng.hpp>

namespace typenet::tune {

enum class scale { log_uniform, uniform, integer, choice };

struct hyperparameter {
    std::string name;
    tune::scale scale = tune::scale::uniform;
    double low = 0;                    // range, for all but choice
    double high = 0;
    std::vector<std::string> choices;  // for choice

    // Where a value sits in the range as sampled: 0 at low, 1 at high (log scale for log_uniform).
    double position(double v) const {
        if (scale == tune::scale::log_uniform) return (std::log(v) - std::log(low)) / (std::log(high) - std::log(low));
        return high == low ? 0.5 : (v - low) / (high - low);
    }
};

// One set of values, as sampled. Numbers for ranges; for a choice, the index of the choice (as
// a number) and its text.
class trial {
public:
    struct value {
        std::string name;
        double number = 0;
        std::string text;  // the choice's text; empty for numbers
    };

    std::size_t index = 0;  // 0-based, in the order drawn
    std::vector<value> values;

    double operator[](std::string_view name) const { return find(name).number; }
    long long integer(std::string_view name) const { return std::llround(find(name).number); }
    const std::string& text(std::string_view name) const { return find(name).text; }

    const value& find(std::string_view name) const {
        for (const value& v : values)
            if (v.name == name) return v;
        std::string known;
        for (const value& v : values) known += (known.empty() ? "" : ", ") + v.name;
        throw error("tune: no hyperparameter named \"" + std::string(name) + "\"; the trial has: " +
                    (known.empty() ? std::string("none") : known));
    }

    // "lr:0.0092, weight decay:3.86e-07": three significant digits, as the seeds print them.
    std::string describe() const {
        std::string out;
        for (const value& v : values) {
            out += (out.empty() ? "" : ", ") + v.name + ":";
            if (!v.text.empty()) {
                out += v.text;
            } else {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.3g", v.number);
                out += buf;
            }
        }
        return out;
    }
};

class search_space {
public:
    // low * (high / low)^U(0, 1): uniform in the exponent. Needs 0 < low < high.
    search_space& log_uniform(std::string name, double low, double high) {
        if (!(low > 0 && high > low))
            throw error("tune: log_uniform \"" + name + "\" expects 0 < low < high, found low " + num(low) + ", high " +
                        num(high));
        return add({std::move(name), scale::log_uniform, low, high, {}});
    }
    search_space& uniform(std::string name, double low, double high) {
        if (!(high >= low))
            throw error("tune: uniform \"" + name + "\" expects low <= high, found low " + num(low) + ", high " + num(high));
        return add({std::move(name), scale::uniform, low, high, {}});
    }
    // Integers low ... high, both included, equally likely.
    search_space& integer(std::string name, long long low, long long high) {
        if (high < low)
            throw error("tune: integer \"" + name + "\" expects low <= high, found low " + std::to_string(low) +
                        ", high " + std::to_string(high));
        return add({std::move(name), scale::integer, double(low), double(high), {}});
    }
    search_space& choice(std::string name, std::vector<std::string> choices) {
        if (choices.empty()) throw error("tune: choice \"" + name + "\" expects at least one choice, found none");
        return add({std::move(name), scale::choice, 0, double(choices.size() - 1), std::move(choices)});
    }

    const std::vector<hyperparameter>& parameters() const noexcept { return params_; }
    const hyperparameter& parameter(std::string_view name) const {
        for (const auto& p : params_)
            if (p.name == name) return p;
        throw error("tune: the search space has no hyperparameter named \"" + std::string(name) + "\"");
    }

    // n trials, each parameter drawn in declaration order from one stream seeded by s: the same
    // seed gives the same trials, and trial i does not depend on how trials are later run.
    std::vector<trial> sample(std::size_t n, seed s) const {
        rng g{s};
        std::vector<trial> out(n);
        for (std::size_t i = 0; i < n; ++i) {
            out[i].index = i;
            for (const auto& p : params_) out[i].values.push_back(draw(p, g));
        }
        return out;
    }

private:
    static std::string num(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }

    search_space& add(hyperparameter p) {
        for (const auto& q : params_)
            if (q.name == p.name) throw error("tune: hyperparameter \"" + p.name + "\" is declared twice");
        params_.push_back(std::move(p));
        return *this;
    }

    static trial::value draw(const hyperparameter& p, rng& g) {
        switch (p.scale) {
        case scale::log_uniform:
            return {p.name, std::exp(std::log(p.low) + g.uniform() * (std::log(p.high) - std::log(p.low))), {}};
        case scale::uniform: return {p.name, p.low + g.uniform() * (p.high - p.low), {}};
        case scale::integer: {
            const auto span = static_cast<std::uint64_t>(p.high - p.low) + 1;
            return {p.name, p.low + double(g.below(span)), {}};
        }
        case scale::choice: {
            const std::size_t k = g.below(p.choices.size());
            return {p.name, double(k), p.choices[k]};
        }
        }
        return {p.name, 0, {}};
    }

    std::vector<hyperparameter> params_;
};

} // namespace typenet::tune
