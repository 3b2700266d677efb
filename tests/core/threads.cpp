// typenet::set_threads / thread_count and the pool behind them: every task of a job runs once,
// whatever the thread count, after the workers have fallen asleep, from nested and concurrent
// callers; and training steps give bitwise the same parameters, running statistics and
// predictions on 1, 2 and 3 threads, for a wide network and for the headline one.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/threads.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/batch_norm.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/dropout.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/layers/prelu.hpp>
#include <typenet/optim/sgd.hpp>

#include "../support/threads.hpp"

namespace threads_test {

namespace {

using namespace typenet;

// Runs a job of `tasks` tasks and returns how often each ran.
std::vector<int> run_counts(std::size_t tasks) {
    std::vector<std::atomic<int>> hits(tasks);
    detail::parallel_for(tasks, [&](std::size_t t) { hits[t].fetch_add(1, std::memory_order_relaxed); });
    std::vector<int> out(tasks);
    for (std::size_t t = 0; t < tasks; ++t) out[t] = hits[t].load();
    return out;
}

bool each_once(const std::vector<int>& counts) {
    for (const int c : counts)
        if (c != 1) return false;
    return true;
}

} // namespace

TEST_CASE("thread_count is the setting, and 0 restores the CPUs available to the process", "[core][threads]") {
    const std::size_t cpus = detail::available_cpus();
    REQUIRE(cpus >= 1);
    REQUIRE(thread_count() == cpus);
    {
        const test::with_threads three(3);
        REQUIRE(thread_count() == 3);
        set_threads(1);
        REQUIRE(thread_count() == 1);
    }
    REQUIRE(thread_count() == cpus);
}

TEST_CASE("every task of a job runs exactly once for any thread count", "[core][threads]") {
    for (const std::size_t threads : {1, 2, 3, 5}) {
        CAPTURE(threads);
        const test::with_threads setting(threads);
        for (const std::size_t tasks : {0, 1, 2, 3, 7, 64, 1000}) {
            CAPTURE(tasks);
            REQUIRE(each_once(run_counts(tasks)));
        }
    }
}

TEST_CASE("sleeping workers wake up for the next job", "[core][threads]") {
    const test::with_threads setting(3);
    for (int round = 0; round < 3; ++round) {
        REQUIRE(each_once(run_counts(50)));
        // Longer than the workers spin before they sleep.
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    set_threads(2);  // stops sleeping workers, and the next job starts new ones
    REQUIRE(each_once(run_counts(50)));
}

TEST_CASE("a job started inside a task runs on that task's thread", "[core][threads]") {
    const test::with_threads setting(3);
    std::vector<std::atomic<int>> hits(8 * 8);
    detail::parallel_for(8, [&](std::size_t outer) {
        const auto me = std::this_thread::get_id();
        bool same_thread = true;
        detail::parallel_for(8, [&](std::size_t inner) {
            same_thread = same_thread && std::this_thread::get_id() == me;
            hits[outer * 8 + inner].fetch_add(1);
        });
        if (!same_thread) hits[outer * 8].fetch_add(100);
    });
    for (auto& h : hits) REQUIRE(h.load() == 1);
}

TEST_CASE("jobs from several threads at once all complete", "[core][threads]") {
    const test::with_threads setting(2);
    std::atomic<bool> all_once{true};
    std::vector<std::thread> callers;
    for (int c = 0; c < 3; ++c)
        callers.emplace_back([&] {
            for (int i = 0; i < 200; ++i)
                if (!each_once(run_counts(17))) all_once = false;
        });
    for (std::thread& t : callers) t.join();
    REQUIRE(all_once.load());
}

namespace {

// Wide enough that every product of a step is split over threads; dropout masks and PReLU's
// slopes in Dense's epilogue, computed for rows and columns on whichever thread they fall.
using wide = Network<Input<300>, Dense<300, 512>, ReLU, Dropout<0.25>, Dense<512, 256>, PReLU, Tanh, Dense<256, 10>,
                     SoftmaxCrossEntropy>;
// The README's network: BatchNorm and Dropout in Dense's epilogue (its batch statistics and masks
// computed while rows of the product are on other threads), BatchNorm fused as a scale and
// shift in inference.
using headline = Network<Input<784>, Dense<784, 100, He>, BatchNorm, ReLU, Dropout<0.5>, Dense<100, 10, Xavier>,
                         SoftmaxCrossEntropy>;

// Parameters, running statistics and predictions (of a batch and of a single row, the streamed
// path) after three training steps.
template <class Net, class T>
std::vector<T> state_after_training(std::size_t threads) {
    const test::with_threads setting(threads);
    Model<Net, T> model{seed{3}};
    const SGD sgd{.lr = 0.05};
    rng g{seed{4}};
    constexpr std::size_t rows = 64;
    std::vector<T> x(rows * Net::input_width);
    std::vector<std::uint32_t> labels(rows);
    for (int step = 0; step < 3; ++step) {
        for (T& v : x) v = static_cast<T>(g.uniform());
        for (auto& l : labels) l = static_cast<std::uint32_t>(g.below(10));
        model.compute_gradients(x, {.labels = labels});
        sgd.step(model);
    }
    std::vector<T> out(model.parameters().begin(), model.parameters().end());
    out.insert(out.end(), model.state().begin(), model.state().end());
    for (const std::size_t n : {rows, std::size_t{1}}) {
        const auto p = model.predict(std::span<const T>(x).first(n * Net::input_width));
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

template <class Net, class T>
void check_bitwise_alike_on_threads() {
    const auto one = state_after_training<Net, T>(1);
    for (const std::size_t n : {2, 3}) {
        CAPTURE(n);
        const auto other = state_after_training<Net, T>(n);
        REQUIRE(other.size() == one.size());
        REQUIRE(std::memcmp(one.data(), other.data(), one.size() * sizeof(T)) == 0);
    }
}

} // namespace

TEMPLATE_TEST_CASE("training gives bitwise the same parameters on 1, 2 and 3 threads", "[core][threads][model]", float,
                   double) {
    check_bitwise_alike_on_threads<wide, TestType>();
}

TEMPLATE_TEST_CASE("the headline network trains bitwise alike on 1, 2 and 3 threads", "[core][threads][model]", float,
                   double) {
    check_bitwise_alike_on_threads<headline, TestType>();
}

} // namespace threads_test
