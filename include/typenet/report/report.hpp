#pragma once
// report(history, parts..., path): one self-contained HTML file (inline SVG and CSS, images as
// data: URIs, no script, no font or file from outside) showing a run as the seeds watch one:
// loss and accuracy per epoch for training and validation, the learning rate, and whatever
// parts are passed:
//   - the model: the network's summary (layers, shapes, tensors) and the first layer's weights
//     as image tiles (28 x 28 for a 784-wide input);
//   - activation statistics (activation_statistics): a histogram per layer;
//   - a dead_unit_tracker: the dead fraction per layer over the epochs;
//   - an update_monitor: update/weight ratios per tensor over the epochs, with the 1e-3 band,
//     and gradient norms;
//   - run_options: the run's settings as a table;
//   - a tune::search_result: score against each hyperparameter;
//   - an lr_range_verdict: the loss after the range test against the learning rate.
// The file is written to a temporary name beside `path` and renamed, so a reader never sees
// half a report.
//
//   report(history, model, activation_statistics(model, x), dead, updates,
//          run_options{{"optimizer", "SGD"}, {"lr", "0.1"}}, "run.html");

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#include <typenet/core/error.hpp>
#include <typenet/core/layer.hpp>
#include <typenet/core/model.hpp>
#include <typenet/diagnostics/activation_statistics.hpp>
#include <typenet/diagnostics/dead_units.hpp>
#include <typenet/diagnostics/sanity_checks.hpp>
#include <typenet/diagnostics/update_monitor.hpp>
#include <typenet/report/png.hpp>
#include <typenet/report/svg.hpp>
#include <typenet/train/fit.hpp>
#include <typenet/tune/random_search.hpp>

namespace typenet {

// The run's settings, in the order given: run_options{{"lr", "0.1"}, {"batch", "64"}}.
struct run_options {
    std::vector<std::pair<std::string, std::string>> entries;

    run_options() = default;
    run_options(std::initializer_list<std::pair<std::string, std::string>> e) : entries(e) {}
    run_options& add(std::string key, std::string value) {
        entries.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    run_options& add(std::string key, double value) { return add(std::move(key), detail::format_number("%g", value)); }
};

namespace detail {

template <class Record>
concept records_learning_rate = requires(const Record& r) { double(r.learning_rate); };

struct html_page {
    std::string body;

    void section(const std::string& title) { body += "<h2>" + escape_xml(title) + "</h2>\n"; }
    void figure(const std::string& svg) { body += "<figure>" + svg + "</figure>\n"; }
    void note(const std::string& text) { body += "<p>" + escape_xml(text) + "</p>\n"; }

    std::string document() const {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>typenet report</title>\n"
               "<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:1500px}\n"
               "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}\n"
               "figure{display:inline-block;margin:6px;vertical-align:top}\n"
               "svg .title{font-size:13px;font-weight:bold}svg .tick{font-size:10px;fill:#444}\n"
               "svg .label{font-size:11px}svg .legend{font-size:11px}\n"
               "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 8px;"
               "text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}\n"
               "image{image-rendering:pixelated}\n</style>\n</head>\n<body>\n<h1>typenet training report</h1>\n" +
               body + "</body>\n</html>\n";
    }
};

inline std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
    std::string t = "<table><tr>";
    for (const auto& h : head) t += "<th>" + escape_xml(h) + "</th>";
    t += "</tr>\n";
    for (const auto& r : rows) {
        t += "<tr>";
        for (const auto& c : r) t += "<td>" + escape_xml(c) + "</td>";
        t += "</tr>\n";
    }
    return t + "</table>\n";
}

template <class History>
void add_history(html_page& page, const History& h) {
    page.section("Training");
    chart loss{.title = "loss per epoch", .x_label = "epoch", .y_label = "loss"};
    chart accuracy{.title = "accuracy per epoch", .x_label = "epoch", .y_label = "accuracy"};
    chart_series train_loss{.name = "train"}, val_loss{.name = "validation"};
    chart_series train_acc{.name = "train"}, val_acc{.name = "validation"};
    chart_series rate{.name = "learning rate"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : h.epochs) {
        const double e = double(r.epoch);
        train_loss.x.push_back(e), train_loss.y.push_back(r.train_loss);
        val_loss.x.push_back(e), val_loss.y.push_back(r.validation_loss);
        train_acc.x.push_back(e), train_acc.y.push_back(r.train_accuracy);
        val_acc.x.push_back(e), val_acc.y.push_back(r.validation_accuracy);
        std::vector<std::string> row{std::to_string(r.epoch), format_number("%.4f", r.train_loss),
                                     format_number("%.4f", r.train_accuracy), format_number("%.4f", r.validation_loss),
                                     format_number("%.4f", r.validation_accuracy), format_number("%.1f", r.seconds)};
        if constexpr (records_learning_rate<std::decay_t<decltype(r)>>) {
            rate.x.push_back(e), rate.y.push_back(double(r.learning_rate));
            row.push_back(format_number("%.3g", double(r.learning_rate)));
        }
        rows.push_back(std::move(row));
    }
    loss.series = {train_loss, val_loss};
    accuracy.series = {train_acc, val_acc};
    page.figure(render_chart(loss));
    page.figure(render_chart(accuracy));
    std::vector<std::string> head{"epoch", "loss", "acc", "val_loss", "val_acc", "seconds"};
    if (!rate.x.empty()) {
        page.figure(render_chart({.title = "learning rate", .x_label = "epoch", .y_label = "lr",
                                  .log_y = true, .series = {rate}}));
        head.push_back("lr");
    }
    page.body += table(head, rows);
}

// Each unit's incoming weights as a tile, scaled to its own range: what a first layer has
// learned to look for in the input.
inline std::string weight_tiles(const std::string& title, const std::vector<double>& w, std::size_t inputs,
                                std::size_t units, std::size_t side_h, std::size_t side_w) {
    const std::size_t shown = std::min<std::size_t>(units, 100);
    const auto columns = static_cast<std::size_t>(std::ceil(std::sqrt(double(shown))));
    const std::size_t grid_rows = (shown + columns - 1) / columns;
    const std::size_t pw = columns * (side_w + 1) + 1, ph = grid_rows * (side_h + 1) + 1;
    std::vector<std::uint8_t> pixels(pw * ph, 255);
    for (std::size_t u = 0; u < shown; ++u) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < inputs; ++i) lo = std::min(lo, w[i * units + u]), hi = std::max(hi, w[i * units + u]);
        const double range = hi > lo ? hi - lo : 1;
        const std::size_t ox = 1 + (u % columns) * (side_w + 1), oy = 1 + (u / columns) * (side_h + 1);
        for (std::size_t i = 0; i < std::min(inputs, side_h * side_w); ++i)
            pixels[(oy + i / side_w) * pw + ox + i % side_w] =
                static_cast<std::uint8_t>(std::lround(255 * (w[i * units + u] - lo) / range));
    }
    const double scale = std::max(1.0, std::min(4.0, 440.0 / double(std::max(pw, ph))));
    const double iw = double(pw) * scale, ih = double(ph) * scale;
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tiles\" width=\"" + format_number("%.0f", iw) +
           "\" height=\"" + format_number("%.0f", ih + 22) + "\">\n<text x=\"0\" y=\"14\" class=\"title\">" +
           escape_xml(title) + "</text>\n<image x=\"0\" y=\"22\" width=\"" + format_number("%.0f", iw) + "\" height=\"" +
           format_number("%.0f", ih) + "\" preserveAspectRatio=\"none\" href=\"" + png_data_uri(pixels, pw, ph) +
           "\"/>\n</svg>\n";
}

template <class Net, class T>
void add_part(html_page& page, const Model<Net, T>& model) {
    page.section("Network");
    std::vector<std::vector<std::string>> rows;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                constexpr shape s = Net::output_shapes[I];
                const std::string out = s.channels == 1 && s.height == 1
                                            ? std::to_string(s.width)
                                            : std::to_string(s.channels) + " x " + std::to_string(s.height) + " x " +
                                                  std::to_string(s.width);
                std::string tensors;
                for (const tensor_info& t : Net::tensors)
                    if (t.layer == I) tensors += (tensors.empty() ? "" : ", ") + t.full_name();
                constexpr std::string_view type = layer_name<typename Net::template layer<I>>();
                std::size_t ordinal = 0;  // layers are counted per type, as tensor names count them
                [&]<std::size_t... J>(std::index_sequence<J...>) {
                    ordinal = ((layer_name<typename Net::template layer<J>>() == type ? 1 : 0) + ... + 0);
                }(std::make_index_sequence<I + 1>{});
                const std::string name = I == 0 ? std::string(type) : std::string(type) + "_" + std::to_string(ordinal);
                rows.push_back({std::to_string(I), name, out,
                                std::to_string(Net::parameter_counts[I]), std::to_string(Net::state_counts[I]), tensors});
            }(),
            ...);
    }(std::make_index_sequence<Net::layer_count>{});
    page.body += table({"position", "layer", "output", "parameters", "state", "tensors"}, rows);
    page.note(std::to_string(Net::parameter_count) + " trained parameters, " + std::to_string(Net::state_count) +
              " state values.");

    for (const tensor_info& t : Net::tensors) {
        if (t.role() != tensor_role::weight || t.spec.rank != 2) continue;
        const std::size_t inputs = t.spec.dims[0], units = t.spec.dims[1];
        std::size_t side = inputs == 784 ? 28 : static_cast<std::size_t>(std::lround(std::sqrt(double(inputs))));
        const auto v = model.values(t);
        const std::vector<double> w(v.begin(), v.end());
        page.section("First-layer weights");
        if (side * side == inputs)
            page.figure(weight_tiles(t.full_name() + ": one " + std::to_string(side) + " x " + std::to_string(side) +
                                         " tile per unit",
                                     w, inputs, units, side, side));
        else
            page.figure(weight_tiles(t.full_name() + ": one column per unit", w, inputs, units, inputs, 1));
        break;
    }
}

inline void add_part(html_page& page, const std::vector<activation_stats>& stats) {
    page.section("Activations per layer");
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : stats) {
        page.figure(render_histogram(s.name, s.histogram.low, s.histogram.high, s.histogram.counts));
        rows.push_back({s.name, std::to_string(s.width), format_number("%.4g", s.mean), format_number("%.4g", s.stddev),
                        format_number("%.3f", s.zero_fraction), format_number("%.4g", s.min),
                        format_number("%.4g", s.max)});
    }
    page.body += table({"layer", "units", "mean", "std", "zeros", "min", "max"}, rows);
}

inline void add_part(html_page& page, const dead_unit_tracker& tracker) {
    page.section("Dead units (never positive on any sample)");
    const auto& epochs = tracker.epochs();
    const std::vector<dead_units> last = epochs.empty() ? tracker.current() : epochs.back();
    chart c{.title = "dead fraction per layer", .x_label = "epoch", .y_label = "fraction dead"};
    for (std::size_t l = 0; l < last.size(); ++l) {
        chart_series s{.name = last[l].name};
        for (std::size_t e = 0; e < epochs.size(); ++e) {
            s.x.push_back(double(e + 1));
            s.y.push_back(epochs[e][l].fraction);
        }
        s.points = epochs.size() == 1;
        c.series.push_back(std::move(s));
    }
    if (!epochs.empty()) page.figure(render_chart(c));
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : last)
        rows.push_back({d.name, std::to_string(d.width), std::to_string(d.dead), format_number("%.3f", d.fraction)});
    page.body += table({"layer", "units", "dead", "fraction"}, rows);
}

inline void add_part(html_page& page, const update_monitor& monitor) {
    page.section("Updates per tensor");
    const auto& epochs = monitor.epochs();
    if (epochs.empty()) {
        page.note("No epoch was recorded.");
        return;
    }
    chart ratio{.title = "update / weight norm (band: 1e-3 ± half a decade)", .x_label = "epoch",
                .y_label = "ratio", .log_y = true, .band_low = std::pow(10.0, -3.5), .band_high = std::pow(10.0, -2.5),
                .band_mark = 1e-3};
    chart grad{.title = "gradient norm", .x_label = "epoch", .y_label = "norm", .log_y = true};
    for (std::size_t t = 0; t < epochs.front().size(); ++t) {
        chart_series r{.name = epochs.front()[t].name}, g{.name = epochs.front()[t].name};
        for (std::size_t e = 0; e < epochs.size(); ++e) {
            r.x.push_back(double(e + 1)), r.y.push_back(epochs[e][t].ratio);
            g.x.push_back(double(e + 1)), g.y.push_back(epochs[e][t].gradient_norm);
        }
        r.points = g.points = epochs.size() == 1;
        ratio.series.push_back(std::move(r));
        grad.series.push_back(std::move(g));
    }
    page.figure(render_chart(ratio));
    page.figure(render_chart(grad));
}

inline void add_part(html_page& page, const run_options& options) {
    page.section("Options");
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : options.entries) rows.push_back({k, v});
    page.body += table({"option", "value"}, rows);
}

inline void add_part(html_page& page, const tune::search_result& result) {
    page.section("Hyperparameter search (" + std::to_string(result.trials.size()) + " trials)");
    for (const auto& p : result.space.parameters()) {
        chart c{.title = result.score_name + " against " + p.name, .x_label = p.name, .y_label = result.score_name,
                .log_x = p.scale == tune::scale::log_uniform};
        chart_series s{.name = "trials", .points = true};
        for (const auto& t : result.trials) {
            s.x.push_back(t.trial[p.name]);
            s.y.push_back(t.score);
        }
        c.series.push_back(std::move(s));
        page.figure(render_chart(c));
    }
    std::vector<std::vector<std::string>> rows;
    std::size_t rank = 0;
    for (const auto& r : result.best(10)) rows.push_back({result.format_line(++rank, r)});
    page.body += table({"best trials"}, rows);
    for (const auto& w : result.edge_warnings()) page.note(w);
}

inline void add_part(html_page& page, const lr_range_verdict& v) {
    page.section("Learning-rate range test");
    chart c{.title = "loss after the test's steps", .x_label = "learning rate", .y_label = "loss", .log_x = true};
    chart_series final_loss{.name = "final", .points = true}, initial{.name = "initial"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : v.trials) {
        final_loss.x.push_back(t.lr), final_loss.y.push_back(t.final_loss);
        initial.x.push_back(t.lr), initial.y.push_back(t.initial_loss);
        rows.push_back({format_number("%g", t.lr), format_number("%.4g", t.initial_loss),
                        format_number("%.4g", t.final_loss), std::string(outcome_name(t.outcome))});
    }
    c.series = {final_loss, initial};
    page.figure(render_chart(c));
    page.body += table({"lr", "initial loss", "final loss", "outcome"}, rows);
    page.note(v.message);
}

// Writes `text` to a temporary file beside `path`, then renames it over `path`.
inline void write_atomically(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::path tmp = path;
    tmp += ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw error("report: cannot write " + tmp.string());
        out << text;
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            throw error("report: writing " + tmp.string() + " failed");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw error("report: cannot rename the report into " + path.string() + ": " + ec.message());
    }
}

template <class Part>
concept report_part = requires(html_page& page, const Part& p) { add_part(page, p); };

} // namespace detail

// report(history, parts..., path): see the top of this header for the parts it draws.
template <class... Args>
void report(const history& h, const Args&... args) {
    static_assert(sizeof...(Args) >= 1, "typenet::report(history, parts..., path): the path comes last");
    const auto all = std::forward_as_tuple(args...);
    constexpr std::size_t parts = sizeof...(Args) - 1;
    using Path = std::decay_t<std::tuple_element_t<parts, std::tuple<Args...>>>;
    static_assert(std::is_convertible_v<const Path&, std::filesystem::path>,
                  "typenet::report(history, parts..., path): the last argument must be the file's path");
    detail::html_page page;
    detail::add_history(page, h);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                using Part = std::decay_t<std::tuple_element_t<I, std::tuple<Args...>>>;
                static_assert(detail::report_part<Part>,
                              "typenet::report: a part must be a Model, activation statistics, a dead_unit_tracker, "
                              "an update_monitor, run_options, a tune::search_result or an lr_range_verdict");
                detail::add_part(page, std::get<I>(all));
            }(),
            ...);
    }(std::make_index_sequence<parts>{});
    detail::write_atomically(std::filesystem::path(std::get<parts>(all)), page.document());
}

} // namespace typenet
