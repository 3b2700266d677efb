#pragma once
// Charts as inline SVG text, for the HTML report: line and scatter charts (linear or log axes,
// a legend, an optional shaded band) and histograms. No script, no font from outside: a
// chart is a self-contained <svg> element.
//
//   chart c{.title = "loss", .x_label = "epoch"};
//   c.series.push_back({.name = "train", .x = {1, 2, 3}, .y = {0.9, 0.5, 0.4}});
//   std::string svg = render_chart(c);

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace typenet {

struct chart_series {
    std::string name{};
    std::vector<double> x{};
    std::vector<double> y{};
    bool points = false;  // dots (a scatter) instead of a line
};

struct chart {
    std::string title{};
    std::string x_label{};
    std::string y_label{};
    bool log_x = false;
    bool log_y = false;
    std::vector<chart_series> series{};
    // A shaded horizontal band [band_low, band_high] with a line at band_mark (NaN: none).
    double band_low = std::numeric_limits<double>::quiet_NaN();
    double band_high = std::numeric_limits<double>::quiet_NaN();
    double band_mark = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {

inline const char* series_colour(std::size_t i) noexcept {
    static constexpr const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                              "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return colours[i % 10];
}

inline std::string escape_xml(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

inline std::string format_number(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// A linear or logarithmic axis mapping data values to pixels.
struct axis {
    double low = 0, high = 1;  // in data units (log10 units when log)
    bool log = false;
    double from = 0, to = 1;   // pixels

    double value(double v) const { return log ? std::log10(v) : v; }
    double pixel(double v) const { return from + (value(v) - low) / (high - low) * (to - from); }

    // Fits the finite (and, for a log axis, positive) values; a little room on each side.
    void fit(const std::vector<double>& vs, bool pad) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const double v : vs)
            if (std::isfinite(v) && (!log || v > 0)) {
                lo = std::min(lo, value(v));
                hi = std::max(hi, value(v));
            }
        if (!std::isfinite(lo)) lo = 0, hi = 1;
        if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
        if (log) lo = std::floor(lo), hi = std::ceil(hi);
        else if (pad) {
            const double room = 0.05 * (hi - lo);
            lo -= room;
            hi += room;
        }
        low = lo;
        high = hi;
    }

    // Tick positions in data units: powers of ten on a log axis, ~5 round steps otherwise.
    std::vector<double> ticks() const {
        std::vector<double> t;
        if (log) {
            const double stride = std::max(1.0, std::ceil((high - low) / 8));
            for (double e = std::ceil(low); e <= high + 1e-9; e += stride) t.push_back(std::pow(10.0, e));
            return t;
        }
        const double raw = (high - low) / 5;
        const double mag = std::pow(10.0, std::floor(std::log10(raw)));
        const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
        for (double v = std::ceil(low / step) * step; v <= high + 1e-9 * step; v += step)
            t.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
        return t;
    }
};

inline std::string tick_label(double v, bool log) {
    if (log) return format_number("1e%g", std::round(std::log10(v)));
    return format_number("%g", v);
}

} // namespace detail

inline constexpr int chart_width = 460;
inline constexpr int chart_height = 270;

// The chart as an <svg> element of chart_width x chart_height pixels.
inline std::string render_chart(const chart& c) {
    using detail::format_number;
    const double left = 58, right = chart_width - 12, top = 28, bottom = chart_height - 40;
    detail::axis xa{0, 1, c.log_x, left, right}, ya{0, 1, c.log_y, bottom, top};
    std::vector<double> xs, ys;
    for (const auto& s : c.series) {
        xs.insert(xs.end(), s.x.begin(), s.x.end());
        ys.insert(ys.end(), s.y.begin(), s.y.end());
    }
    if (!std::isnan(c.band_low)) ys.insert(ys.end(), {c.band_low, c.band_high});
    xa.fit(xs, true);
    ya.fit(ys, true);

    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + std::to_string(chart_width) +
                      "\" height=\"" + std::to_string(chart_height) + "\" viewBox=\"0 0 " +
                      std::to_string(chart_width) + " " + std::to_string(chart_height) + "\">\n";
    svg += "<text x=\"" + format_number("%.0f", left) + "\" y=\"16\" class=\"title\">" + detail::escape_xml(c.title) +
           "</text>\n";
    if (!std::isnan(c.band_low)) {
        const double y1 = ya.pixel(c.band_high), y2 = ya.pixel(c.band_low);
        svg += "<rect x=\"" + format_number("%.1f", left) + "\" y=\"" + format_number("%.1f", y1) + "\" width=\"" +
               format_number("%.1f", right - left) + "\" height=\"" + format_number("%.1f", y2 - y1) +
               "\" fill=\"#2ca02c\" fill-opacity=\"0.12\"/>\n";
    }
    if (!std::isnan(c.band_mark)) {
        const double y = ya.pixel(c.band_mark);
        svg += "<line x1=\"" + format_number("%.1f", left) + "\" x2=\"" + format_number("%.1f", right) + "\" y1=\"" +
               format_number("%.1f", y) + "\" y2=\"" + format_number("%.1f", y) +
               "\" stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"/>\n";
    }
    // Axes, ticks and grid.
    svg += "<g class=\"axes\" stroke=\"#444\" fill=\"none\"><path d=\"M" + format_number("%.1f", left) + " " +
           format_number("%.1f", top) + "V" + format_number("%.1f", bottom) + "H" + format_number("%.1f", right) +
           "\"/></g>\n";
    for (const double t : xa.ticks()) {
        const double x = xa.pixel(t);
        svg += "<line x1=\"" + format_number("%.1f", x) + "\" x2=\"" + format_number("%.1f", x) + "\" y1=\"" +
               format_number("%.1f", bottom) + "\" y2=\"" + format_number("%.1f", bottom + 4) + "\" stroke=\"#444\"/>";
        svg += "<text x=\"" + format_number("%.1f", x) + "\" y=\"" + format_number("%.1f", bottom + 16) +
               "\" text-anchor=\"middle\" class=\"tick\">" + detail::tick_label(t, c.log_x) + "</text>\n";
    }
    for (const double t : ya.ticks()) {
        const double y = ya.pixel(t);
        svg += "<line x1=\"" + format_number("%.1f", left) + "\" x2=\"" + format_number("%.1f", right) + "\" y1=\"" +
               format_number("%.1f", y) + "\" y2=\"" + format_number("%.1f", y) + "\" stroke=\"#ddd\"/>";
        svg += "<text x=\"" + format_number("%.1f", left - 6) + "\" y=\"" + format_number("%.1f", y + 4) +
               "\" text-anchor=\"end\" class=\"tick\">" + detail::tick_label(t, c.log_y) + "</text>\n";
    }
    svg += "<text x=\"" + format_number("%.1f", (left + right) / 2) + "\" y=\"" + std::to_string(chart_height - 6) +
           "\" text-anchor=\"middle\" class=\"label\">" + detail::escape_xml(c.x_label) + "</text>\n";
    svg += "<text transform=\"translate(14 " + format_number("%.1f", (top + bottom) / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" class=\"label\">" + detail::escape_xml(c.y_label) + "</text>\n";

    // Data: skips values a log axis cannot show, and breaks a line at NaN.
    for (std::size_t i = 0; i < c.series.size(); ++i) {
        const auto& s = c.series[i];
        const char* colour = detail::series_colour(i);
        std::string d;
        bool pen_down = false;
        for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
            const bool shown = std::isfinite(s.x[k]) && std::isfinite(s.y[k]) && (!c.log_x || s.x[k] > 0) &&
                               (!c.log_y || s.y[k] > 0);
            if (!shown) {
                pen_down = false;
                continue;
            }
            const double px = xa.pixel(s.x[k]), py = ya.pixel(s.y[k]);
            if (s.points) {
                svg += "<circle cx=\"" + format_number("%.1f", px) + "\" cy=\"" + format_number("%.1f", py) +
                       "\" r=\"3\" fill=\"" + colour + "\" fill-opacity=\"0.7\"/>";
            } else {
                d += (pen_down ? "L" : "M") + format_number("%.1f", px) + " " + format_number("%.1f", py);
                pen_down = true;
            }
        }
        if (!d.empty())
            svg += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\"/>";
        svg += "\n<text x=\"" + format_number("%.1f", right - 4) + "\" y=\"" + std::to_string(30 + 14 * int(i)) +
               "\" text-anchor=\"end\" class=\"legend\" fill=\"" + colour + "\">" + detail::escape_xml(s.name) +
               "</text>\n";
    }
    svg += "</svg>\n";
    return svg;
}

// A histogram as bars over its range, as an <svg> element a third of a chart's width.
inline std::string render_histogram(const std::string& title, double low, double high,
                                    const std::vector<std::size_t>& counts) {
    using detail::format_number;
    const int w = 220, h = 150;
    const double left = 8, right = w - 8, top = 22, bottom = h - 22;
    std::size_t most = 1;
    for (const std::size_t c : counts) most = std::max(most, c);
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"" + std::to_string(w) +
                      "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " +
                      std::to_string(h) + "\">\n<text x=\"8\" y=\"14\" class=\"title\">" + detail::escape_xml(title) +
                      "</text>\n";
    const double bar = counts.empty() ? 0 : (right - left) / double(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double height = (bottom - top) * double(counts[i]) / double(most);
        svg += "<rect x=\"" + format_number("%.2f", left + bar * double(i)) + "\" y=\"" +
               format_number("%.2f", bottom - height) + "\" width=\"" + format_number("%.2f", std::max(bar - 1, 0.5)) +
               "\" height=\"" + format_number("%.2f", height) + "\" fill=\"#1f77b4\"/>";
    }
    svg += "\n<path d=\"M" + format_number("%.1f", left) + " " + format_number("%.1f", bottom) + "H" +
           format_number("%.1f", right) + "\" stroke=\"#444\"/>\n";
    svg += "<text x=\"" + format_number("%.1f", left) + "\" y=\"" + std::to_string(h - 6) + "\" class=\"tick\">" +
           format_number("%.3g", low) + "</text><text x=\"" + format_number("%.1f", right) + "\" y=\"" +
           std::to_string(h - 6) + "\" text-anchor=\"end\" class=\"tick\">" + format_number("%.3g", high) +
           "</text>\n</svg>\n";
    return svg;
}

} // namespace typenet
