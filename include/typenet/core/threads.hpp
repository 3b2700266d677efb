#pragma once
// The threads typenet's kernels may use: a setting, and the small persistent pool behind it.
//
//   typenet::set_threads(2);            // at most 2 threads from now on (0: the default)
//   std::size_t n = typenet::thread_count();
//
// The default is the number of CPUs the process may run on (its affinity mask), so a program
// started with `taskset -c 1` uses one thread. A kernel splits its work only when it is large
// enough to pay for it, and always so that each output is computed by the same operations in
// the same order whichever thread computes it: results are bitwise identical for any count.
//
// The pool's threads start on the first parallel call after the count is set above 1 and stay
// until the count changes or the program ends. Between jobs they spin for a short while (the
// next kernel of a training step follows within microseconds), then sleep. A job is a number of
// tasks claimed one at a time from a shared counter; the calling thread claims tasks too, so it
// never waits for a worker that has not woken yet, only for tasks already started. A parallel
// call made while the pool is busy (from another thread, or from inside a task) runs on the
// calling thread alone.
//
// Kernels get scratch memory per thread from the pool (detail::scratch), sized by the caller
// before a job starts, so memory is allocated only the first time a size is needed and never
// while tasks run; no call allocates otherwise, except starting the threads.

#include <algorithm>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

#include <typenet/core/aligned_buffer.hpp>

#if defined(__linux__)
#include <sched.h>
#endif

namespace typenet {

namespace detail {

// CPUs this process may run on.
inline std::size_t available_cpus() noexcept {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<std::size_t>(n);
    }
#endif
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? n : 1;
}

// (The builtin, not _mm_pause: <immintrin.h> must be first included where simd.hpp silences
// GCC 12's warnings inside it.)
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

// Memory one thread uses while it runs a kernel's task. It starts at 1 MiB and grows to powers
// of two: a product's blocking (and so its scratch) changes with the batch's rows, and a
// smaller batch after a larger one must not allocate.
class scratch_space {
public:
    std::byte* reserve(std::size_t bytes) {
        if (buffer_.size() < bytes) buffer_ = aligned_buffer<std::byte>(std::max(std::bit_ceil(bytes), minimum));
        return buffer_.data();
    }
    std::byte* data() noexcept { return buffer_.data(); }

private:
    static constexpr std::size_t minimum = std::size_t{1} << 20;
    aligned_buffer<std::byte> buffer_;
};

// The calling thread's own scratch, and the scratch of the pool worker this thread is (null
// on other threads).
inline scratch_space& own_scratch() {
    thread_local scratch_space s;
    return s;
}
inline scratch_space*& worker_scratch() noexcept {
    thread_local scratch_space* s = nullptr;
    return s;
}

// This thread's scratch inside a task of parallel_for: at least the bytes the job asked for.
inline std::byte* scratch() noexcept {
    scratch_space* w = worker_scratch();
    return w ? w->data() : own_scratch().data();
}

class thread_pool {
public:
    // Tasks of one job fit in 20 bits; a job word holds (generation, tasks, next task).
    static constexpr std::size_t max_tasks = (std::size_t{1} << 20) - 1;

    thread_pool() = default;
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;
    ~thread_pool() { stop_workers(); }

    std::size_t threads() const noexcept { return threads_.load(std::memory_order_relaxed); }

    void set_threads(std::size_t n) {
        const std::lock_guard<std::mutex> lock(setup_);
        if (n == 0) n = available_cpus();
        if (n == threads_.load(std::memory_order_relaxed)) return;
        // Waits for a job running on another thread to end.
        while (busy_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
        stop_workers();
        threads_.store(n, std::memory_order_relaxed);
        busy_.store(false, std::memory_order_release);
    }

    // f(task) for every task in [0, tasks), on as many threads as are set (the caller among
    // them), each task with `scratch_bytes` of detail::scratch(); returns when all have run.
    template <class F>
    void run(std::size_t tasks, F& f, std::size_t scratch_bytes) {
        if (tasks == 0) return;
        if (tasks == 1 || threads() <= 1 || in_task() || tasks > max_tasks || busy_.exchange(true, std::memory_order_acquire)) {
            own_scratch().reserve(scratch_bytes);
            for (std::size_t t = 0; t < tasks; ++t) f(t);
            return;
        }
        if (workers_.size() + 1 != threads()) start_workers();
        // Every thread that may claim a task gets its scratch now, while the workers are idle.
        try {
            own_scratch().reserve(scratch_bytes);
            for (std::size_t i = 0; i < workers_.size(); ++i) scratch_[i].reserve(scratch_bytes);
        } catch (...) {
            busy_.store(false, std::memory_order_release);
            throw;
        }
        job_ = {&call<F>, &f};
        done_.store(0, std::memory_order_relaxed);
        generation_ = (generation_ + 1) & generation_mask;
        word_.store(pack(generation_, tasks, 0), std::memory_order_release);
        // Sequentially consistent with the sleeper's count-then-check, so that either the
        // worker sees the new value or this thread sees the sleeper.
        wake_.fetch_add(1);
        if (sleepers_.load() > 0) wake_sleepers();
        in_task() = true;
        work(generation_);
        in_task() = false;
        // Tasks claimed by workers may still be running; a worker the system has descheduled
        // needs a core, so after a while the wait gives up its own.
        for (int i = 0; done_.load(std::memory_order_acquire) != tasks; ++i) {
            if (i < spin_rounds) spin_pause();
            else std::this_thread::yield();
        }
        busy_.store(false, std::memory_order_release);
    }

private:
    struct job {
        void (*call)(void*, std::size_t) = nullptr;
        void* context = nullptr;
    };
    template <class F>
    static void call(void* f, std::size_t t) {
        (*static_cast<F*>(f))(t);
    }

    static constexpr std::uint64_t generation_mask = (std::uint64_t{1} << 24) - 1;
    static constexpr std::uint64_t pack(std::uint64_t generation, std::uint64_t tasks, std::uint64_t next) noexcept {
        return generation << 40 | tasks << 20 | next;
    }

    static bool& in_task() noexcept {
        thread_local bool inside = false;
        return inside;
    }

    // Claims and runs tasks of job `generation` until none is left.
    void work(std::uint64_t generation) noexcept {
        std::uint64_t w = word_.load(std::memory_order_acquire);
        for (;;) {
            const std::uint64_t tasks = w >> 20 & max_tasks, next = w & max_tasks;
            if (w >> 40 != generation || next >= tasks) return;
            if (!word_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
            // The job cannot end before this task is done, so job_ is still this job's.
            job_.call(job_.context, static_cast<std::size_t>(next));
            done_.fetch_add(1, std::memory_order_acq_rel);
            w = word_.load(std::memory_order_acquire);
        }
    }

    // `seen` is the wake-up count when the worker was created: a signal sent before the thread
    // gets to run is still new to it.
    void worker(std::uint32_t seen, scratch_space* scratch) {
        in_task() = true;
        worker_scratch() = scratch;
        for (;;) {
            // Spin a little: the next job of a training step usually follows within microseconds.
            std::uint32_t now = wake_.load(std::memory_order_acquire);
            for (int i = 0; i < spin_rounds && now == seen; ++i) {
                spin_pause();
                now = wake_.load(std::memory_order_acquire);
            }
            if (now == seen) {
                std::unique_lock<std::mutex> lock(sleep_);
                sleepers_.fetch_add(1);
                asleep_.wait(lock, [&] { return wake_.load() != seen || stop_.load(); });
                sleepers_.fetch_sub(1);
                continue;
            }
            seen = now;
            if (stop_.load(std::memory_order_acquire)) return;
            work(word_.load(std::memory_order_acquire) >> 40);
        }
    }

    // Without threads (none could be started), jobs still run: the caller claims every task.
    void start_workers() noexcept {
        stop_workers();
        const std::size_t n = threads();
        try {
            scratch_ = std::make_unique<scratch_space[]>(n - 1);
            workers_.reserve(n - 1);
            const std::uint32_t now = wake_.load();
            for (std::size_t i = 1; i < n; ++i) {
                scratch_space* mine = &scratch_[i - 1];
                workers_.emplace_back([this, now, mine] { worker(now, mine); });
            }
        } catch (...) {
            threads_.store(workers_.size() + 1, std::memory_order_relaxed);
        }
    }

    void stop_workers() {
        if (workers_.empty()) return;
        stop_.store(true, std::memory_order_release);
        wake_.fetch_add(1);
        wake_sleepers();
        for (std::thread& t : workers_) t.join();
        workers_.clear();
        stop_.store(false, std::memory_order_release);
    }

    // (std::atomic::wait is not used: libstdc++ 12 can miss its notify_all.)
    void wake_sleepers() {
        const std::lock_guard<std::mutex> lock(sleep_);
        asleep_.notify_all();
    }

    static constexpr int spin_rounds = 20000;

    std::atomic<std::size_t> threads_{available_cpus()};
    std::mutex setup_;
    std::vector<std::thread> workers_;
    std::unique_ptr<scratch_space[]> scratch_;  // one per worker
    std::atomic<bool> busy_{false};
    std::atomic<bool> stop_{false};
    std::uint64_t generation_ = 0;
    job job_{};
    alignas(64) std::atomic<std::uint64_t> word_{0};
    alignas(64) std::atomic<std::size_t> done_{0};
    alignas(64) std::atomic<std::uint32_t> wake_{0};
    std::atomic<std::uint32_t> sleepers_{0};
    std::mutex sleep_;
    std::condition_variable asleep_;
};

inline thread_pool& pool() {
    static thread_pool p;
    return p;
}

// Matrix products below this many flops run on the calling thread: a job costs a few
// microseconds. (A 64 x 1024 x 10 product, 1.3 Mflop, takes about 30 us on one thread and 23
// on two; a 64 x 16 x 512 input gradient, 1.05 Mflop, 28 to 34 us on one and 18 on two.)
inline constexpr double parallel_product_flops = 1e6;

// f(task) for task in [0, tasks), spread over the pool's threads; inside f, detail::scratch()
// gives at least `scratch_bytes` of memory of the running thread.
template <class F>
void parallel_for(std::size_t tasks, F&& f, std::size_t scratch_bytes = 0) {
    pool().run(tasks, f, scratch_bytes);
}

} // namespace detail

// Sets how many threads typenet's kernels may use; 0 restores the default (the CPUs this
// process may run on). Threads already started for another count are stopped.
inline void set_threads(std::size_t n) { detail::pool().set_threads(n); }

// How many threads typenet's kernels may use.
inline std::size_t thread_count() noexcept { return detail::pool().threads(); }

} // namespace typenet
