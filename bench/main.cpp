// Hot-batch micro-benchmarks: runs the benchmarks with Google Benchmark's console output (one
// fixed batch trained or predicted again and again, so it stays in cache), then prints the
// variants side by side per workload with typenet's speed as a ratio to each, and the train
// step's share of the core's fp32 peak. A user's epoch streams batches from memory: the peer
// race (bench/peers/run.sh) measures that.

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
    double items_per_second = 0;
    double flops_per_second = 0;
    int runs = 0;
};

// The console output as usual, and every finished run kept by name (repetitions averaged).
class summary_reporter : public benchmark::ConsoleReporter {
public:
    using benchmark::ConsoleReporter::ConsoleReporter;

    void ReportRuns(const std::vector<Run>& reports) override {
        benchmark::ConsoleReporter::ReportRuns(reports);
        for (const Run& run : reports) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            const std::string& name = run.run_name.function_name;
            if (!results_.contains(name)) order_.push_back(name);
            measurement& m = results_[name];
            m.items_per_second += counter(run, "items_per_second");
            m.flops_per_second += counter(run, "FLOPS");
            ++m.runs;
        }
    }

    void print_summary() const {
        if (results_.empty()) return;
        print_speeds();
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

    static double mean(double total, const measurement& m) { return total / m.runs; }

    void print_speeds() const {
        // Workloads in the order they ran.
        std::vector<std::string> workloads;
        for (const std::string& name : order_) {
            const auto [w, v] = split(name);
            if (w.starts_with(bench::peak_workload)) continue;
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
                if (m) std::snprintf(s, sizeof s, "%.0f", mean(m->items_per_second, *m));
                return std::string(s);
            };
            auto ratio = [&](const measurement* other) {
                char s[32] = "-";
                if (typenet && other && other->items_per_second > 0)
                    std::snprintf(s, sizeof s, "%.2fx", mean(typenet->items_per_second, *typenet) /
                                                            mean(other->items_per_second, *other));
                return std::string(s);
            };
            std::printf("%-16s %14s %14s %14s %20s %15s\n", w.c_str(), speed(hand).c_str(), speed(eigen).c_str(),
                        speed(typenet).c_str(), ratio(hand).c_str(), ratio(eigen).c_str());
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
        const double peak_flops = mean(peak->flops_per_second, *peak);
        std::printf("\nfp32 FMA peak, one core (%s): %.1f GFLOP/s\n", peak_name.c_str(), peak_flops * 1e-9);
        const std::string train = std::string(bench::train_step_workload) + "/" + std::to_string(bench::train_batch);
        std::printf("train step at batch %zu: %.2f MFLOP per step\n", bench::train_batch,
                    bench::train_step_flops(bench::train_batch) * 1e-6);
        for (const char* variant : {"hand_loops", "eigen", "typenet"})
            if (const measurement* m = find(train, variant))
                std::printf("  %-12s %8.1f GFLOP/s  %5.1f%% of peak\n", variant, mean(m->flops_per_second, *m) * 1e-9,
                            100.0 * mean(m->flops_per_second, *m) / peak_flops);
    }

    std::map<std::string, measurement> results_;
    std::vector<std::string> order_;
};

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    bench::check_variants_agree();
    bench::register_model_benchmarks();
    bench::register_peak_benchmark();

    summary_reporter reporter{isatty(fileno(stdout)) ? benchmark::ConsoleReporter::OO_ColorTabular
                                                     : benchmark::ConsoleReporter::OO_Tabular};
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_summary();
    benchmark::Shutdown();
    return 0;
}
