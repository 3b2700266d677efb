#pragma once
// progress_bar: what a training loop shows while it runs. On a terminal, a bar per epoch redrawn
// in place (samples done, ETA, samples/s, running loss and accuracy, learning rate) at most
// every redraw_interval seconds, replaced at the epoch's end by its summary line; anywhere else
// (a pipe, a file, CI) only that summary line, one per epoch:
//
//   epoch  3/10  loss 0.4123  acc 0.8521  val_loss 0.4410  val_acc 0.8433  lr 0.1  1.9 s  28412 samples/s
//
// The loop calls, per epoch:
//   bar.begin_epoch(epoch, epochs, samples);
//   bar.batch_done(samples_done, running_loss, running_accuracy, learning_rate);   // each batch
//   bar.end_epoch(record);   // any record with epoch, train_loss, train_accuracy, validation_loss,
//                            // validation_accuracy and seconds, and optionally learning_rate and
//                            // penalty (train/history.hpp's epoch_record)

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <ostream>
#include <string>
#include <utility>

#include <unistd.h>

namespace typenet {

// Whether `out` writes to a terminal: std::cout on a terminal stdout, std::cerr or std::clog on
// a terminal stderr; any other stream (a file, a string) is not one.
inline bool writes_to_terminal(const std::ostream& out) noexcept {
    if (&out == &std::cout) return ::isatty(STDOUT_FILENO) == 1;
    if (&out == &std::cerr || &out == &std::clog) return ::isatty(STDERR_FILENO) == 1;
    return false;
}

class progress_bar {
public:
    // Seconds on a monotonic clock; tests pass their own.
    using clock_function = std::function<double()>;

    static double steady_seconds() {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }

    // `terminal`: redraw a bar in place (true) or print one line per epoch (false).
    progress_bar(std::ostream& out, bool terminal, clock_function clock = steady_seconds, double redraw_interval = 0.1)
        : out_(&out), terminal_(terminal), clock_(std::move(clock)), interval_(redraw_interval) {}
    // Decides by whether `out` is a terminal.
    explicit progress_bar(std::ostream& out = std::cout) : progress_bar(out, writes_to_terminal(out)) {}

    void begin_epoch(std::size_t epoch, std::size_t epochs, std::size_t samples) {
        epoch_ = epoch;
        epochs_ = epochs;
        samples_ = samples;
        start_ = clock_();
        last_draw_ = -std::numeric_limits<double>::infinity();
        drawn_ = false;
    }

    // After each batch: samples done so far in the epoch, the running mean loss and accuracy
    // (NaN when not measured) and the learning rate in use (NaN when unknown).
    void batch_done(std::size_t samples_done, double loss, double accuracy = std::numeric_limits<double>::quiet_NaN(),
                    double learning_rate = std::numeric_limits<double>::quiet_NaN()) {
        if (!terminal_) return;
        const double now = clock_();
        if (now - last_draw_ < interval_) return;
        last_draw_ = now;
        draw(samples_done, now - start_, loss, accuracy, learning_rate);
    }

    // `penalised`: the line shows the record's weight penalty (when it has one).
    template <class Record>
    void end_epoch(const Record& r, bool penalised = false) {
        if (terminal_ && drawn_) *out_ << "\r\033[K";
        write_summary(r, penalised);
    }

    bool terminal() const noexcept { return terminal_; }
    std::size_t redraws() const noexcept { return redraws_; }

private:
    void draw(std::size_t done, double elapsed, double loss, double accuracy, double lr) {
        constexpr std::size_t bar_width = 24;
        const double fraction = samples_ ? double(done) / double(samples_) : 1.0;
        const auto filled = static_cast<std::size_t>(fraction * bar_width);
        std::string bar(bar_width, '.');
        for (std::size_t i = 0; i < filled && i < bar_width; ++i) bar[i] = '=';
        if (filled < bar_width) bar[filled] = '>';
        const int digits = static_cast<int>(std::to_string(epochs_).size());
        const int sample_digits = static_cast<int>(std::to_string(samples_).size());
        char line[256];
        int n = std::snprintf(line, sizeof line, "epoch %*zu/%zu [%s] %*zu/%zu", digits, epoch_, epochs_, bar.c_str(),
                              sample_digits, done, samples_);
        auto append = [&](const char* format, double v) {
            if (n < int(sizeof line)) n += std::snprintf(line + n, sizeof line - std::size_t(n), format, v);
        };
        if (done > 0 && elapsed > 0) {
            append("  ETA %.1f s", elapsed / double(done) * double(samples_ - std::min(done, samples_)));
            append("  %.0f samples/s", double(done) / elapsed);
        }
        append("  loss %.4f", loss);
        if (!std::isnan(accuracy)) append("  acc %.4f", accuracy);
        if (!std::isnan(lr)) append("  lr %.3g", lr);
        *out_ << '\r' << line << "\033[K" << std::flush;
        drawn_ = true;
        ++redraws_;
    }

    template <class Record>
    void write_summary(const Record& r, bool penalised) {
        std::ostream& out = *out_;
        const auto flags = out.flags();
        const auto precision = out.precision();
        out << "epoch " << std::setw(static_cast<int>(std::to_string(epochs_).size())) << r.epoch << '/' << epochs_
            << std::fixed << std::setprecision(4) << "  loss " << r.train_loss;
        if constexpr (requires { r.penalty; })
            if (penalised) out << "  penalty " << r.penalty;
        if (!std::isnan(r.train_accuracy)) out << "  acc " << r.train_accuracy;
        if (!std::isnan(r.validation_loss)) out << "  val_loss " << r.validation_loss;
        if (!std::isnan(r.validation_accuracy)) out << "  val_acc " << r.validation_accuracy;
        if constexpr (requires { r.learning_rate; })
            if (!std::isnan(r.learning_rate)) out << std::defaultfloat << std::setprecision(4) << "  lr " << r.learning_rate;
        out << std::fixed << std::setprecision(1) << "  " << r.seconds << " s  " << std::setprecision(0)
            << static_cast<double>(samples_) / r.seconds << " samples/s\n";
        out.flush();
        out.flags(flags);
        out.precision(precision);
    }

    std::ostream* out_;
    bool terminal_;
    clock_function clock_;
    double interval_;
    std::size_t epoch_ = 0, epochs_ = 0, samples_ = 0;
    double start_ = 0;
    double last_draw_ = 0;
    bool drawn_ = false;
    std::size_t redraws_ = 0;
};

} // namespace typenet
