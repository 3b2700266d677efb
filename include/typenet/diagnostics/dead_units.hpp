#pragma once
// Dead units: a unit whose output is never positive on any sample seen (a ReLU that no input
// opens passes no gradient and never recovers). The tracker watches every layer's outputs over
// an epoch through Model::layer_outputs, so it needs no layer-specific code; read it for the
// layers after which the question makes sense (ReLU and its kin).
//
//   dead_unit_tracker dead;
//   for (each batch) dead.observe(model, x);
//   dead.end_epoch();                      // records the fractions, starts the next epoch
//   dead.epochs().back()[i].fraction       // i-th layer's dead fraction in the last epoch
//
// Or as a callback of fit: it observes the batch just trained (fit_context::batch_features) with
// an inference pass, which costs about half a training step, so it observes every k-th
// batch (the epoch's figures then count the samples of the batches observed):
//
//   dead_unit_tracker dead{{.every = 10}};
//   tn::fit(model, sgd, train, options, dead);

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>

namespace typenet {

struct dead_units {
    std::string name;          // e.g. "relu_1"
    std::size_t position = 0;  // in the network
    std::size_t width = 0;     // units
    std::size_t dead = 0;      // units never positive on any sample seen
    double fraction = 0;       // dead / width
};

struct dead_unit_options {
    std::size_t every = 1;  // as a callback of fit: observe batches 0, k, 2k... of the tracker's life
};

class dead_unit_tracker {
public:
    dead_unit_tracker() = default;
    explicit dead_unit_tracker(dead_unit_options o) : every_(o.every) {
        if (o.every == 0) throw error("dead_unit_tracker: expected every of at least 1 (batch), found 0");
    }

    // Records which units of each layer were positive in these outputs.
    template <class T>
    void observe(const std::vector<layer_output<T>>& outputs) {
        if (layers_.empty()) {
            for (const auto& o : outputs) layers_.push_back({o.name(), o.position, o.width, std::vector<unsigned char>(o.width, 0)});
        } else if (layers_.size() != outputs.size()) {
            throw error("dead_unit_tracker: expected the outputs of " + std::to_string(layers_.size()) +
                        " layers (the network first observed), found " + std::to_string(outputs.size()));
        }
        for (std::size_t l = 0; l < outputs.size(); ++l) {
            const auto& o = outputs[l];
            auto& alive = layers_[l].alive;
            if (o.width != alive.size())
                throw error("dead_unit_tracker: expected " + std::to_string(alive.size()) + " units in " +
                            layers_[l].name + ", found " + std::to_string(o.width));
            const std::size_t rows = o.values.size() / o.width;
            for (std::size_t r = 0; r < rows; ++r) {
                const T* row = o.values.data() + r * o.width;
                for (std::size_t i = 0; i < o.width; ++i) alive[i] |= static_cast<unsigned char>(row[i] > T(0));
            }
        }
        ++batches_;
    }

    // An inference pass over a batch (no dropout: a unit is dead by its weights, not by a mask).
    template <class Net, class T>
    void observe(const Model<Net, T>& model, std::span<const std::type_identity_t<T>> x) {
        observe(model.layer_outputs(x));
    }

    // As a callback of fit: the batch just trained, in an inference pass; the epoch closes with fit's.
    template <class Context>
    void on_batch_end(Context& c) {
        if (batches_seen_++ % every_ == 0) observe(c.model, c.batch_features);
    }
    template <class Context>
    void on_epoch_end(Context&) {
        end_epoch();
    }

    // Dead units per layer over everything observed since the epoch began.
    std::vector<dead_units> current() const {
        std::vector<dead_units> out;
        for (const auto& l : layers_) {
            const auto dead = static_cast<std::size_t>(std::count(l.alive.begin(), l.alive.end(), 0));
            out.push_back({l.name, l.position, l.alive.size(), dead,
                           l.alive.empty() ? 0.0 : double(dead) / double(l.alive.size())});
        }
        return out;
    }

    // Closes the epoch: keeps its figures and starts counting afresh.
    void end_epoch() {
        epochs_.push_back(current());
        for (auto& l : layers_) std::fill(l.alive.begin(), l.alive.end(), 0);
        batches_ = 0;
    }

    // One entry per closed epoch, each with one entry per layer.
    const std::vector<std::vector<dead_units>>& epochs() const noexcept { return epochs_; }
    std::size_t batches_observed() const noexcept { return batches_; }

private:
    struct layer {
        std::string name;
        std::size_t position;
        std::size_t width;
        std::vector<unsigned char> alive;  // 1 once the unit was positive (bytes: the update vectorises)
    };
    std::size_t every_ = 1;
    std::size_t batches_seen_ = 0;
    std::vector<layer> layers_;
    std::vector<std::vector<dead_units>> epochs_;
    std::size_t batches_ = 0;
};

} // namespace typenet
