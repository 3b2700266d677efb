// After the first step at a batch size, a training step (compute_gradients + SGD, or train_step)
// allocates nothing, at that batch size or any smaller one. This program's global operator new counts.

#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <vector>

#include <typenet/typenet.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/threads.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/train/train_step.hpp>

// Replacing every form of operator new and delete is allowed in a program; malloc and free
// underneath keep AddressSanitizer's heap checks working in sanitizer builds.
namespace {
std::atomic<std::size_t> allocations{0};

void* counted_allocation(std::size_t n, std::size_t alignment) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (n == 0) n = 1;
    void* p = nullptr;
    if (alignment <= alignof(std::max_align_t)) {
        p = std::malloc(n);
    } else {
        // aligned_alloc needs a size that is a multiple of the alignment.
        p = std::aligned_alloc(alignment, (n + alignment - 1) / alignment * alignment);
    }
    if (!p) throw std::bad_alloc();
    return p;
}
} // namespace

void* operator new(std::size_t n) { return counted_allocation(n, 0); }
void* operator new[](std::size_t n) { return counted_allocation(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_allocation(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_allocation(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_allocation(n, 0);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_allocation(n, 0);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace allocations_test {

namespace {

using namespace typenet;

template <class T>
struct data {
    std::vector<T> x;
    std::vector<std::uint32_t> labels;
    std::vector<T> y;
    std::size_t in, out;
    data(std::size_t rows, std::size_t in_width, std::size_t out_width, std::uint32_t classes)
        : x(rows * in_width), labels(rows), y(rows * out_width), in(in_width), out(out_width) {
        rng g{seed{rows}};
        for (T& v : x) v = static_cast<T>(g.uniform());
        for (auto& l : labels) l = static_cast<std::uint32_t>(g.below(classes));
        for (T& v : y) v = static_cast<T>(g.uniform());
    }
    // The first n rows, as the model's entry points take them.
    std::span<const T> rows_x(std::size_t n) const { return std::span<const T>(x).first(n * in); }
    batch_targets<T> rows_targets(std::size_t n) const {
        return {std::span<const std::uint32_t>(labels).first(n), std::span<const T>(y).first(n * out)};
    }
};

// Allocations made by `steps` training steps of `rows` rows: compute_gradients then SGD::step,
// and as many train_step (the fused SGD step).
template <class Model>
std::size_t allocations_in_steps(Model& model, const SGD& sgd, const auto& d, std::size_t rows, int steps) {
    SGD fused = sgd;
    const std::size_t start = allocations.load();
    for (int i = 0; i < steps; ++i) {
        model.compute_gradients(d.rows_x(rows), d.rows_targets(rows));
        sgd.step(model);
        train_step(model, fused, d.rows_x(rows), d.rows_targets(rows));
    }
    return allocations.load() - start;
}

template <class Net, class T>
void check_no_allocation(std::uint32_t classes) {
    Model<Net, T> model{seed{1}};
    const SGD sgd{.lr = 0.01};
    constexpr std::size_t rows = 32;
    const data<T> d(rows, Net::input_width, Net::output_width, classes);

    // The first step at a batch size lays out the workspace.
    const std::size_t first = allocations_in_steps(model, sgd, d, rows, 1);
    const std::size_t same = allocations_in_steps(model, sgd, d, rows, 5);
    const std::size_t smaller = allocations_in_steps(model, sgd, d, 7, 5);
    std::vector<T> out(rows * Net::output_width);
    const std::size_t predicting = [&] {
        const std::size_t start = allocations.load();
        model.predict_into(d.rows_x(rows), std::span(out).first(rows * Net::output_width));
        model.predict_into(d.rows_x(1), std::span(out).first(Net::output_width));
        model.logits_into(d.rows_x(1), std::span(out).first(Net::output_width));
        model.loss(d.rows_x(3), d.rows_targets(3));
        return allocations.load() - start;
    }();
    // The count is live: the first step did allocate.
    REQUIRE(first > 0);
    REQUIRE(same == 0);
    REQUIRE(smaller == 0);
    REQUIRE(predicting == 0);
}

} // namespace

TEMPLATE_TEST_CASE("a training step allocates nothing after the first at a batch size", "[core][model][allocation]",
                   float, double) {
    check_no_allocation<Network<Input<20>, Dense<20, 33>, ReLU, Dense<33, 17>, Tanh, Sigmoid, Dense<17, 5>,
                                SoftmaxCrossEntropy>,
                        TestType>(5);
    check_no_allocation<Network<Input<6>, Tanh, Dense<6, 3>, MeanSquaredError>, TestType>(3);
    check_no_allocation<Network<Input<20>, Dense<20, 24>, BatchNorm, ReLU, Dropout<0.5>, Dense<24, 12>, PReLU,
                                LayerNorm, Maxout<2>, GroupNorm<3>, Tanh, Dense<6, 4>, Softmax, MeanSquaredError>,
                        TestType>(4);
}

// Layers large enough that every product and the update are split over the threads.
TEMPLATE_TEST_CASE("a training step on several threads allocates nothing after the first", "[core][model][allocation][threads]",
                   float, double) {
    for (const std::size_t threads : {1, 2, 3}) {
        CAPTURE(threads);
        set_threads(threads);
        check_no_allocation<Network<Input<600>, Dense<600, 700>, ReLU, Dense<700, 300>, Tanh, Dense<300, 10>,
                                    SoftmaxCrossEntropy>,
                            TestType>(10);
    }
    set_threads(0);
}

TEMPLATE_TEST_CASE("a training step of the headline network on 2 threads allocates nothing after the first",
                   "[core][model][allocation][threads]", float, double) {
    set_threads(2);
    check_no_allocation<Network<Input<784>, Dense<784, 100, He>, BatchNorm, ReLU, Dropout<0.5>, Dense<100, 10, Xavier>,
                                SoftmaxCrossEntropy>,
                        TestType>(10);
    set_threads(0);
}

} // namespace allocations_test
