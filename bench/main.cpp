// Hot-batch micro-benchmarks: runs the benchmarks with Google Benchmark's console output (one
// fixed batch trained or predicted again and again, so it stays in cache), then prints the
// variants side by side per workload with typenet's speed as a ratio to each,
// Activation<x * sigmoid(x)> against the hand-written Swish, the train step's share of the
// core's fp32 peak and the matrix kernels alone. A benchmark run several times (registered
// several times, or --benchmark_repetitions) counts by its median. A user's epoch streams
// batches from memory: the peer race (bench/peers/run.sh) measures that.

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "benchmarks.hpp"
#include "workload.hpp"

namespace {

struct measurement {
    std::vector<double> items_per_second;  // one per run
    std::vector<double> flops_per_second;
    int runs = 0;
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// The console output as usual, and every finished run kept by name (repetitions averaged).
class summary_reporter : public benchmark::ConsoleReporter {
public:
    using benchmark::ConsoleReporter::ConsoleReporter;

    void ReportRuns(const std::vector<Run>& reports) override {
        benchmark::ConsoleReporter::ReportRuns(reports);
        for (const Run& run : reports) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            // Kernel benchmarks differ only by their thread argument, so they keep it.
            const std::string name = std::string_view(run.run_name.function_name).starts_with(bench::kernel_workload)
                                         ? run.run_name.str()
                                         : run.run_name.function_name;
            if (!results_.contains(name)) order_.push_back(name);
            measurement& m = results_[name];
            m.items_per_second.push_back(counter(run, "items_per_second"));
            m.flops_per_second.push_back(counter(run, "FLOPS"));
            ++m.runs;
        }
    }

    void print_summary() const {
        if (results_.empty()) return;
        print_speeds();
        print_comparisons();
        print_peak_share();
        std::fflush(stdout);
    }

private:
    static double counter(const Run& run, const char* name) {
        const auto it = run.counters.find(name);
        return it == run.counters.end() ? 0.0 : it->second.value;
    }

    // "train_step/typenet/64" -> {"train_step/64", "typenet"}
    static std::pair<std::string, std::string> split(std::string_view name) {
        const auto first = name.find('/');
        const auto last = name.rfind('/');
        if (first == std::string_view::npos || first == last) return {std::string(name), ""};
        return {std::string(name.substr(0, first)) + "/" + std::string(name.substr(last + 1)),
                std::string(name.substr(first + 1, last - first - 1))};
    }

    const measurement* find(const std::string& workload, const std::string& variant) const {
        for (const auto& [name, m] : results_) {
            const auto [w, v] = split(name);
            if (w == workload && v == variant && m.runs > 0) return &m;
        }
        return nullptr;
    }

    static double median_speed(const measurement& m) { return median(m.items_per_second); }

    // The n of a name ending in "threads:n" (1 otherwise).
    static std::size_t threads_of(const std::string& name) {
        const auto at = name.rfind("threads:");
        return at == std::string::npos ? 1 : std::stoul(name.substr(at + 8));
    }

    void print_speeds() const {
        // Workloads in the order they ran.
        std::vector<std::string> workloads;
        for (const std::string& name : order_) {
            const auto [w, v] = split(name);
            if (v != "hand_loops" && v != "eigen" && v != "typenet") continue;
            if (std::find(workloads.begin(), workloads.end(), w) == workloads.end()) workloads.push_back(w);
        }
        if (workloads.empty()) return;

        std::printf("\nHot-batch micro-benchmark (one fixed batch, always in cache; bench/peers/run.sh races a real "
                    "epoch)\n");
        std::printf("Samples per second (higher is better); ratios are typenet's speed over the other's\n");
        std::printf("%-16s %14s %14s %14s %20s %15s\n", "workload/batch", "hand_loops", "eigen", "typenet",
                    "typenet/hand_loops", "typenet/eigen");
        for (const std::string& w : workloads) {
            const measurement* hand = find(w, "hand_loops");
            const measurement* eigen = find(w, "eigen");
            const measurement* typenet = find(w, "typenet");
            auto speed = [](const measurement* m) {
                char s[32] = "-";
                if (m) std::snprintf(s, sizeof s, "%.0f", median_speed(*m));
                return std::string(s);
            };
            auto ratio = [&](const measurement* other) {
                char s[32] = "-";
                if (typenet && other && median_speed(*other) > 0)
                    std::snprintf(s, sizeof s, "%.2fx", median_speed(*typenet) / median_speed(*other));
                return std::string(s);
            };
            std::printf("%-16s %14s %14s %14s %20s %15s\n", w.c_str(), speed(hand).c_str(), speed(eigen).c_str(),
                        speed(typenet).c_str(), ratio(hand).c_str(), ratio(eigen).c_str());
        }
    }

    // Activation<x * sigmoid(x)> ("expression") against the hand-written Swish, per workload:
    // the ratio of the medians, the median of the ratios of each round's two runs (which ran one
    // after the other, under the same load), and the ratio of the fastest runs (the least
    // disturbed by other processes).
    void print_comparisons() const {
        std::vector<std::string> workloads;
        for (const std::string& name : order_) {
            const auto [w, v] = split(name);
            if (v == "expression" && std::find(workloads.begin(), workloads.end(), w) == workloads.end())
                workloads.push_back(w);
        }
        if (workloads.empty()) return;
        std::printf("\nActivation<x * sigmoid(x)> against a hand-written Swish "
                    "(items per second, medians; speed ratios)\n");
        std::printf("%-16s %6s %14s %14s %18s %18s %15s\n", "workload/size", "rounds", "expression", "hand_written",
                    "ratio of medians", "median of ratios", "ratio of best");
        for (const std::string& w : workloads) {
            const measurement* e = find(w, "expression");
            const measurement* h = find(w, "hand_written");
            if (!e || !h || median_speed(*h) <= 0) continue;
            std::vector<double> ratios;
            for (std::size_t i = 0; i < std::min(e->items_per_second.size(), h->items_per_second.size()); ++i)
                if (h->items_per_second[i] > 0) ratios.push_back(e->items_per_second[i] / h->items_per_second[i]);
            const double best_e = *std::max_element(e->items_per_second.begin(), e->items_per_second.end());
            const double best_h = *std::max_element(h->items_per_second.begin(), h->items_per_second.end());
            std::printf("%-16s %6zu %14.0f %14.0f %17.3fx %17.3fx %14.3fx\n", w.c_str(), ratios.size(),
                        median_speed(*e), median_speed(*h), median_speed(*e) / median_speed(*h), median(ratios),
                        best_e / best_h);
        }
    }

    void print_peak_share() const {
        const measurement* peak = nullptr;
        std::string peak_name;
        for (const auto& [name, m] : results_)
            if (std::string_view(name).starts_with(bench::peak_workload) && m.runs > 0) {
                peak = &m;
                peak_name = name;
            }
        if (!peak) return;
        const double peak_flops = median(peak->flops_per_second);
        std::printf("\nfp32 FMA peak, one core (%s): %.1f GFLOP/s\n", peak_name.c_str(), peak_flops * 1e-9);
        const std::string train = std::string(bench::train_step_workload) + "/" + std::to_string(bench::train_batch);
        std::printf("train step at batch %zu: %.2f MFLOP per step\n", bench::train_batch,
                    bench::train_step_flops(bench::train_batch) * 1e-6);
        for (const char* variant : {"hand_loops", "eigen", "typenet"})
            if (const measurement* m = find(train, variant))
                std::printf("  %-12s %8.1f GFLOP/s  %5.1f%% of peak\n", variant, median(m->flops_per_second) * 1e-9,
                            100.0 * median(m->flops_per_second) / peak_flops);
        bool heading = false;
        for (const std::string& name : order_) {
            if (!std::string_view(name).starts_with(bench::kernel_workload)) continue;
            const measurement& m = results_.at(name);
            if (m.runs == 0) continue;
            if (!heading) {
                std::printf("\nKernels alone, hot cache (operands reused every iteration), GFLOP/s and share of the peak\n");
                heading = true;
            }
            const double per_thread = peak_flops * static_cast<double>(threads_of(name));
            std::printf("  %-52s %8.1f GFLOP/s  %5.1f%% of %zu x peak\n", name.c_str(), median(m.flops_per_second) * 1e-9,
                        100.0 * median(m.flops_per_second) / per_thread, threads_of(name));
        }
    }

    std::map<std::string, measurement> results_;
    std::vector<std::string> order_;
};

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    bench::check_variants_agree();
    bench::check_activation_variants_agree();
    bench::register_model_benchmarks();
    bench::register_activation_benchmarks();
    bench::register_kernel_benchmarks();
    bench::register_peak_benchmark();

    summary_reporter reporter{isatty(fileno(stdout)) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                     : benchmark::ConsoleReporter::OO_Tabular};
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_summary();
    benchmark::Shutdown();
    return 0;
}
