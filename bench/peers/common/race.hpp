#pragma once
// The race every implementation runs, in one place: the two networks, the files the runner
// prepares (data, shuffled order, initial weights), the timed epoch, the test accuracy and the
// batch-1 latency, and the one result line each run prints for the report.
//
// An implementation ("peer") is a class constructed from a race::setup that offers
//   void train_batch(std::span<const std::uint32_t> rows)   gather these training rows into a
//        batch as its users would, compute the gradients of the mean softmax cross-entropy,
//        and take one SGD step (lr 0.1);
//   std::uint32_t classify(std::size_t i)   the predicted class of test sample i, from a
//        forward pass on that one sample;
// and optionally
//   std::size_t train_epoch(std::span<const std::uint32_t> order, const race::deadline& stop)
//        the whole epoch in batches of 64, for libraries whose users hand over the epoch or
//        write the loop their own way; it stops early once `stop` has passed (checked between
//        batches) and returns the number of samples it trained on.
// The constructor (untimed) converts the initial weights to the library's layout and builds
// whatever the library builds once (primitives, JIT kernels, tensors over the data).
//
// A run has a time budget (--budget seconds for the epoch, a quarter of it for the test set) so
// that a peer far slower than the rest cannot hold the race up: it is then measured over the
// batches it finished, and its accuracy is not compared (the report marks it partial).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace race {

inline constexpr std::size_t batch = 64;
inline constexpr float learning_rate = 0.1f;
inline constexpr std::size_t image_width = 784;
inline constexpr std::size_t classes = 10;

// Layer widths from the input to the classes: {784, 100, 10} or {784, 1024, 1024, 10}.
struct network {
    std::string name;
    std::vector<std::size_t> widths;

    std::size_t layers() const noexcept { return widths.size() - 1; }
    std::size_t in(std::size_t layer) const noexcept { return widths[layer]; }
    std::size_t out(std::size_t layer) const noexcept { return widths[layer + 1]; }

    // Parameters in typenet's layout: per Dense layer W (in x out, row k = input k's weights
    // to every output) then the out biases.
    std::size_t weight_offset(std::size_t layer) const noexcept {
        std::size_t at = 0;
        for (std::size_t l = 0; l < layer; ++l) at += in(l) * out(l) + out(l);
        return at;
    }
    std::size_t bias_offset(std::size_t layer) const noexcept { return weight_offset(layer) + in(layer) * out(layer); }
    std::size_t parameter_count() const noexcept { return weight_offset(layers()); }

    // Floating-point operations of one training sample, a multiply-add counting two: every
    // layer's forward product and weight gradient, and the input gradient of every layer but
    // the first (nobody needs the gradient of the pixels).
    double flops_per_sample() const noexcept {
        double f = 0;
        for (std::size_t l = 0; l < layers(); ++l) {
            const double mk = 2.0 * static_cast<double>(in(l) * out(l));
            f += (l == 0 ? 2.0 : 3.0) * mk;
        }
        return f;
    }
};

inline network network_named(std::string_view name) {
    if (name == "small") return {"small", {image_width, 100, classes}};
    if (name == "wide") return {"wide", {image_width, 1024, 1024, classes}};
    throw std::runtime_error("unknown network '" + std::string(name) + "': expected small or wide");
}

// Samples as rows of pixels in [0, 1] and their labels.
struct dataset {
    std::size_t size = 0;
    std::vector<float> x;
    std::vector<std::uint32_t> y;
    const float* row(std::size_t i) const noexcept { return x.data() + i * image_width; }
};

// What a peer is built from.
struct setup {
    network net;
    std::vector<float> initial;  // typenet's layout, see network
    const dataset& train;
    const dataset& test;
    int threads = 1;
};

// Thrown by a peer that cannot run this configuration (e.g. a thread count it has no setting
// for); the report shows the reason instead of figures.
struct not_available : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// --- the files the runner prepares --------------------------------------------------------

template <class T>
std::vector<T> read_file(const std::string& path, std::size_t count) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error(path + ": cannot open (run bench/peers/run.sh, which prepares it)");
    const auto bytes = static_cast<std::size_t>(in.tellg());
    if (bytes != count * sizeof(T))
        throw std::runtime_error(path + ": expected " + std::to_string(count * sizeof(T)) + " bytes, found " +
                                 std::to_string(bytes));
    std::vector<T> out(count);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(bytes));
    if (!in) throw std::runtime_error(path + ": read failed");
    return out;
}

template <class T>
void write_file(const std::string& path, std::span<const T> values) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
    if (!out) throw std::runtime_error(path + ": write failed");
}

inline constexpr std::size_t train_size = 60000;
inline constexpr std::size_t test_size = 10000;

inline dataset read_dataset(const std::string& dir, const std::string& name, std::size_t size) {
    dataset d;
    d.size = size;
    d.x = read_file<float>(dir + "/" + name + ".x", size * image_width);
    d.y = read_file<std::uint32_t>(dir + "/" + name + ".y", size);
    for (std::uint32_t label : d.y)
        if (label >= classes) throw std::runtime_error(dir + "/" + name + ".y: label " + std::to_string(label) + " out of range");
    return d;
}

inline std::string parameters_file(const std::string& dir, const network& net) { return dir + "/" + net.name + ".params"; }
inline std::string order_file(const std::string& dir) { return dir + "/train.order"; }

// --- one run ------------------------------------------------------------------------------

// The moment a run's time budget ends.
struct deadline {
    std::chrono::steady_clock::time_point at;
    bool passed() const { return std::chrono::steady_clock::now() >= at; }
};

inline deadline after(double seconds) {
    return {std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds))};
}

struct result {
    double epoch_seconds = 0;
    std::size_t trained = 0;  // samples trained on within the budget (60000 for a whole epoch)
    std::size_t tested = 0;   // test samples classified within the budget
    double accuracy = 0;      // over the tested samples
    double latency_us = 0;    // median over the tested samples
};

template <class Peer>
result run(const setup& s, std::span<const std::uint32_t> order, double budget_seconds) {
    using clock = std::chrono::steady_clock;
    Peer peer{s};

    result r;
    const deadline train_stop = after(budget_seconds);
    const auto start = clock::now();
    if constexpr (requires { peer.train_epoch(order, train_stop); }) {
        r.trained = peer.train_epoch(order, train_stop);
    } else {
        for (std::size_t at = 0; at < order.size() && !train_stop.passed(); at += batch) {
            const std::size_t n = std::min(batch, order.size() - at);
            peer.train_batch(order.subspan(at, n));
            r.trained += n;
        }
    }
    r.epoch_seconds = std::chrono::duration<double>(clock::now() - start).count();

    // Every test sample classified on its own: the accuracy, and the latency of each call.
    const deadline test_stop = after(budget_seconds / 4);
    std::vector<double> latencies;
    latencies.reserve(s.test.size);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < s.test.size && !test_stop.passed(); ++i) {
        const auto t0 = clock::now();
        const std::uint32_t c = peer.classify(i);
        latencies.push_back(std::chrono::duration<double, std::micro>(clock::now() - t0).count());
        correct += c == s.test.y[i];
    }
    r.tested = latencies.size();
    if (r.tested == 0) throw std::runtime_error("no test sample classified within the budget");
    std::nth_element(latencies.begin(), latencies.begin() + static_cast<std::ptrdiff_t>(latencies.size() / 2),
                     latencies.end());
    r.latency_us = latencies[latencies.size() / 2];
    r.accuracy = static_cast<double>(correct) / static_cast<double>(r.tested);
    return r;
}

struct options {
    std::string net = "small";
    int threads = 1;
    std::string data = "build/peers/data";
    double budget = 120;  // seconds for the epoch; a quarter of it for the test set
};

inline options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(std::string(a) + " needs a value");
            return argv[++i];
        };
        if (a == "--net") o.net = value();
        else if (a == "--threads") o.threads = std::stoi(value());
        else if (a == "--data") o.data = value();
        else if (a == "--budget") o.budget = std::stod(value());
        else throw std::runtime_error("unknown argument '" + std::string(a) +
                                      "' (expected --net, --threads, --data, --budget)");
    }
    if (o.threads < 1) throw std::runtime_error("--threads needs at least 1");
    if (!(o.budget > 0)) throw std::runtime_error("--budget needs a positive number of seconds");
    return o;
}

// The line the report reads: `result peer=NAME net=NET threads=N status=ok|na|failed ...`.
inline void print_status(std::string_view peer, const options& o, std::string_view status, std::string_view note) {
    std::string clean(note);
    std::replace(clean.begin(), clean.end(), '\n', ' ');
    std::printf("result peer=%.*s net=%s threads=%d status=%.*s note=%s\n", static_cast<int>(peer.size()), peer.data(),
                o.net.c_str(), o.threads, static_cast<int>(status.size()), status.data(), clean.c_str());
}

// A peer's main(): reads the prepared files, runs `body` (which picks the peer type for the
// network and calls race::run with the budget) and prints the result line.
inline int main(int argc, char** argv, std::string_view peer,
                const std::function<result(const setup&, std::span<const std::uint32_t>, double)>& body) {
    options o;
    try {
        o = parse(argc, argv);
        const network net = network_named(o.net);
        const dataset train = read_dataset(o.data, "train", train_size);
        const dataset test = read_dataset(o.data, "test", test_size);
        const std::vector<std::uint32_t> order = read_file<std::uint32_t>(order_file(o.data), train_size);
        for (std::uint32_t i : order)
            if (i >= train_size) throw std::runtime_error(order_file(o.data) + ": index out of range");
        const setup s{net, read_file<float>(parameters_file(o.data, net), net.parameter_count()), train, test, o.threads};

        const result r = body(s, order, o.budget);
        const double samples_per_second = static_cast<double>(r.trained) / r.epoch_seconds;
        std::printf("result peer=%.*s net=%s threads=%d status=ok epoch_s=%.4f trained=%zu tested=%zu "
                    "samples_per_s=%.1f gflops=%.3f latency_us=%.3f accuracy=%.4f\n",
                    static_cast<int>(peer.size()), peer.data(), o.net.c_str(), o.threads, r.epoch_seconds, r.trained,
                    r.tested, samples_per_second, samples_per_second * net.flops_per_sample() * 1e-9, r.latency_us,
                    r.accuracy);
        return 0;
    } catch (const not_available& e) {
        print_status(peer, o, "na", e.what());
        return 0;
    } catch (const std::exception& e) {
        print_status(peer, o, "failed", e.what());
        return 1;
    }
}

// Index of the largest of n values (the first one on ties).
template <class T>
std::uint32_t argmax(const T* v, std::size_t n) {
    return static_cast<std::uint32_t>(std::max_element(v, v + n) - v);
}

} // namespace race
