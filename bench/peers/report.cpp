// Reads the runs' lines (`result ...` from the peers, `peak ...` from the FMA probe, possibly
// several rounds of each) and prints one markdown table per thread count: medians of the
// rounds, the share of the measured FMA peak, typenet's ratio to each peer, and a loud mark on
// any run whose test accuracy differs from typenet's by more than the tolerance.
// Usage: peers_report RAW_FILE [COMMAND_LINE...]

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double accuracy_tolerance = 0.002;

struct peer_info {
    const char* id;
    const char* label;
};

// Display order: the plainest first, typenet last.
constexpr peer_info peers[] = {
    {"plain_loops", "plain loops (-O3 -march=native)"},
    {"eigen", "Eigen 3.4 by hand"},
    {"openblas", "OpenBLAS 0.3 (cblas_sgemm + loops)"},
    {"onednn", "oneDNN 2.6 (inner product + ReLU post-op, blocked weights)"},
    {"libxsmm", "LIBXSMM 1.17 (JIT GEMMs, plain loops around)"},
    {"libtorch", "libtorch 1.13 (nn::Linear, optim::SGD)"},
    {"dlib", "dlib 19.24 (dnn, sgd solver)"},
    {"tiny_dnn", "tiny-dnn 1.0.0a3"},
    {"typenet", "typenet"},
};
constexpr const char* nets[] = {"small", "wide"};

using fields = std::map<std::string, std::string>;

// `key=value key=value ... note=free text to the end of the line`
fields parse(const std::string& line) {
    fields f;
    std::istringstream in(line);
    std::string word;
    in >> word;  // the record kind
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq == std::string::npos) continue;
        std::string key = word.substr(0, eq), value = word.substr(eq + 1);
        if (key == "note") {
            std::string rest;
            std::getline(in, rest);
            value += rest;
        }
        f[key] = value;
    }
    return f;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

constexpr long train_size = 60000, test_size = 10000;

struct runs {
    std::vector<double> samples_per_s, gflops, latency_us, accuracy;
    long least_trained = train_size, least_tested = test_size;  // over the rounds
    std::string status;  // of the last run that was not ok, if none was
    std::string note;
};

struct cell {
    bool ok = false;
    bool partial = false;  // some round ran out of its time budget
    long trained = train_size, tested = test_size;
    double samples_per_s = 0, gflops = 0, latency_us = 0, accuracy = 0;
    int rounds = 0;
    std::string status, note;
};

std::string fixed(double v, int digits) {
    char s[64];
    std::snprintf(s, sizeof s, "%.*f", digits, v);
    return s;
}

// 348000 -> "348k", 4920 -> "4.92k", 950 -> "950"
std::string speed(double v) {
    if (v >= 100000) return fixed(v / 1000, 0) + "k";
    if (v >= 10000) return fixed(v / 1000, 1) + "k";
    if (v >= 1000) return fixed(v / 1000, 2) + "k";
    return fixed(v, 0);
}

std::string ratio(double v) { return fixed(v, 2) + "×"; }

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s RAW_FILE [COMMAND_LINE...]\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::fprintf(stderr, "%s: cannot open\n", argv[1]);
        return 1;
    }
    std::string command;
    for (int i = 2; i < argc; ++i) command += (i > 2 ? " " : "") + std::string(argv[i]);

    std::map<std::string, runs> by_key;      // "peer net threads"
    std::map<int, std::vector<double>> peak;  // threads -> GFLOP/s per round
    std::vector<int> thread_counts;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("peak ", 0) == 0) {
            fields f = parse(line);
            peak[std::stoi(f["threads"])].push_back(std::stod(f["gflops"]));
        } else if (line.rfind("result ", 0) == 0) {
            fields f = parse(line);
            const int t = std::stoi(f["threads"]);
            if (std::find(thread_counts.begin(), thread_counts.end(), t) == thread_counts.end()) thread_counts.push_back(t);
            runs& r = by_key[f["peer"] + " " + f["net"] + " " + f["threads"]];
            if (f["status"] == "ok") {
                r.samples_per_s.push_back(std::stod(f["samples_per_s"]));
                r.gflops.push_back(std::stod(f["gflops"]));
                r.latency_us.push_back(std::stod(f["latency_us"]));
                r.accuracy.push_back(std::stod(f["accuracy"]));
                if (f.count("trained")) r.least_trained = std::min(r.least_trained, std::stol(f["trained"]));
                if (f.count("tested")) r.least_tested = std::min(r.least_tested, std::stol(f["tested"]));
            } else {
                r.status = f["status"];
                r.note = f["note"];
            }
        }
    }
    std::sort(thread_counts.begin(), thread_counts.end());

    auto get = [&](const std::string& peer, const std::string& net, int threads) {
        cell c;
        const auto it = by_key.find(peer + " " + net + " " + std::to_string(threads));
        if (it == by_key.end()) {
            c.status = "not run";
            return c;
        }
        const runs& r = it->second;
        if (r.samples_per_s.empty()) {
            c.status = r.status;
            c.note = r.note;
            return c;
        }
        c.ok = true;
        c.samples_per_s = median(r.samples_per_s);
        c.gflops = median(r.gflops);
        c.latency_us = median(r.latency_us);
        c.accuracy = median(r.accuracy);
        c.rounds = static_cast<int>(r.samples_per_s.size());
        c.trained = r.least_trained;
        c.tested = r.least_tested;
        c.partial = c.trained < train_size || c.tested < test_size;
        if (!r.status.empty()) {
            c.status = r.status;  // some rounds failed
            c.note = r.note;
        }
        return c;
    };

    std::ostringstream out;
    std::vector<std::string> loud;   // accuracy mismatches and failures, repeated after the tables
    std::vector<std::string> notes;  // why a cell holds no figures

    out << "Peer race: one epoch of Fashion-MNIST (60000 images, batches of 64 in one shuffled order, the last "
           "batch 32), SGD lr 0.1, softmax cross-entropy, the same He-initialised weights for every implementation; "
           "then the 10000 test images classified one at a time. small = 784-100-10, wide = 784-1024-1024-10. "
           "Medians of the rounds. GFLOP/s counts 2·M·N·K per product (forward, weight gradient, input gradient but "
           "the first layer's). Latency: median of the 10000 single-sample predictions. Ratios: typenet's "
           "samples/s ÷ the peer's (above 1: typenet faster), and typenet's latency ÷ the peer's (below 1: typenet "
           "faster).\n\n";
    if (!command.empty()) out << "Command: `" << command << "`\n\n";
    for (const auto& [t, v] : peak)
        out << "Measured fp32 FMA peak, " << t << (t == 1 ? " core" : " threads") << ": " << fixed(median(v), 1)
            << " GFLOP/s (" << v.size() << (v.size() == 1 ? " probe" : " probes") << ").\n";
    out << "\n";

    for (const int t : thread_counts) {
        const double peak_gflops = peak.count(t) ? median(peak[t]) : 0.0;
        const bool scaling = t > 1 && std::find(thread_counts.begin(), thread_counts.end(), 1) != thread_counts.end();
        out << "| " << (t == 1 ? std::string("1 core, 1 thread") : std::to_string(t) + " threads")
            << " | small samples/s | GFLOP/s | % peak | wide samples/s | GFLOP/s | % peak | batch-1 µs small / wide "
               "| test accuracy small / wide | typenet ÷ it, samples/s small / wide | typenet ÷ it, latency small / wide |";
        if (scaling) out << " ÷ 1 thread, small / wide |";
        out << "\n|";
        for (int i = 0; i < (scaling ? 12 : 11); ++i) out << " --- |";
        out << "\n";

        for (const peer_info& p : peers) {
            cell c[2], tn[2], one[2];
            for (int n = 0; n < 2; ++n) {
                c[n] = get(p.id, nets[n], t);
                tn[n] = get("typenet", nets[n], t);
                one[n] = get(p.id, nets[n], 1);
            }
            auto figures = [&](const cell& x) -> std::string {
                if (x.ok) {
                    std::string s = speed(x.samples_per_s) + (x.partial ? "†" : "") + " | " + fixed(x.gflops, 1) + " | ";
                    s += peak_gflops > 0 ? fixed(100.0 * x.gflops / peak_gflops, 0) + "%" : "-";
                    return s;
                }
                const std::string mark = x.status == "na"       ? "n/a"
                                         : x.status == "failed" ? "**FAILED**"
                                         : x.status == "not run" ? "-"
                                                                 : x.status;
                return mark + " | | ";
            };
            for (int n = 0; n < 2; ++n)
                if (!c[n].status.empty() && c[n].status != "not run") {
                    const std::string what = std::string(p.label) + ", " + nets[n] + ", " + std::to_string(t) +
                                             " thread" + (t == 1 ? "" : "s") + ": " + c[n].status +
                                             (c[n].note.empty() ? "" : " (" + c[n].note + ")");
                    if (c[n].status == "failed") loud.push_back("FAILED: " + what);
                    else if (std::find(notes.begin(), notes.end(), what) == notes.end()) notes.push_back(what);
                }

            out << "| " << p.label << " | " << figures(c[0]) << " | " << figures(c[1]) << " | ";
            out << (c[0].ok ? fixed(c[0].latency_us, 1) : "-") << " / " << (c[1].ok ? fixed(c[1].latency_us, 0) : "-")
                << " | ";
            for (int n = 0; n < 2; ++n) {
                if (n) out << " / ";
                if (!c[n].ok) {
                    out << "-";
                    continue;
                }
                if (c[n].partial) {
                    out << "partial†";
                    const std::string what = std::string("† ") + p.label + ", " + nets[n] + ", " + std::to_string(t) +
                                             " thread" + (t == 1 ? "" : "s") + ": out of its time budget (--budget) "
                                             "after " + std::to_string(c[n].trained) + " of 60000 training samples and " +
                                             std::to_string(c[n].tested) + " of 10000 test images; its figures are "
                                             "over those, its accuracy is not compared";
                    notes.push_back(what);
                    continue;
                }
                out << fixed(c[n].accuracy, 4);
                // typenet's accuracy at this thread count, else at one thread (the same arithmetic).
                const cell& ref = tn[n].ok ? tn[n] : get("typenet", nets[n], 1);
                if (ref.ok && std::abs(c[n].accuracy - ref.accuracy) > accuracy_tolerance) {
                    out << " **MISMATCH**";
                    loud.push_back(std::string("ACCURACY MISMATCH: ") + p.label + ", " + nets[n] + ", " +
                                   std::to_string(t) + " thread(s): " + fixed(c[n].accuracy, 4) + " vs typenet " +
                                   fixed(ref.accuracy, 4) + " (tolerance " + fixed(accuracy_tolerance, 3) + ")");
                }
            }
            out << " | ";
            const bool is_typenet = std::string(p.id) == "typenet";
            for (int n = 0; n < 2; ++n) {
                if (n) out << " / ";
                out << (!is_typenet && c[n].ok && tn[n].ok ? ratio(tn[n].samples_per_s / c[n].samples_per_s) : "-");
            }
            out << " | ";
            for (int n = 0; n < 2; ++n) {
                if (n) out << " / ";
                out << (!is_typenet && c[n].ok && tn[n].ok ? ratio(tn[n].latency_us / c[n].latency_us) : "-");
            }
            out << " |";
            if (scaling) {
                out << " ";
                for (int n = 0; n < 2; ++n) {
                    if (n) out << " / ";
                    out << (c[n].ok && one[n].ok ? ratio(c[n].samples_per_s / one[n].samples_per_s) : "-");
                }
                out << " |";
            }
            out << "\n";
        }
        out << "\n";
    }

    if (!notes.empty()) {
        out << "Notes:\n";
        for (const std::string& n : notes) out << "- " << n << "\n";
        out << "\n";
    }
    if (!loud.empty()) {
        out << "**Problems:**\n";
        for (const std::string& l : loud) out << "- **" << l << "**\n";
        out << "\n";
    }
    std::cout << out.str();
    return loud.empty() ? 0 : 3;
}
