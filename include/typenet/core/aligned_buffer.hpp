#pragma once
// A fixed-size, zero-initialised, 64-byte aligned array: every SIMD width up to AVX-512
// can load its start aligned, and rows never share a cache line with another buffer.

#include <cstddef>
#include <cstring>
#include <new>
#include <span>
#include <utility>

namespace typenet {

template <class T>
class aligned_buffer {
public:
    static constexpr std::size_t alignment = 64;

    aligned_buffer() noexcept = default;
    explicit aligned_buffer(std::size_t n) : size_(n) {
        if (n == 0) return;
        data_ = static_cast<T*>(::operator new(round_up(n * sizeof(T)), std::align_val_t{alignment}));
        std::memset(static_cast<void*>(data_), 0, n * sizeof(T));
    }
    aligned_buffer(const aligned_buffer& other) : aligned_buffer(other.size_) {
        if (size_) std::memcpy(static_cast<void*>(data_), other.data_, size_ * sizeof(T));
    }
    aligned_buffer(aligned_buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    aligned_buffer& operator=(aligned_buffer other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        return *this;
    }
    ~aligned_buffer() {
        if (data_) ::operator delete(data_, std::align_val_t{alignment});
    }

    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    std::span<T> span() noexcept { return {data_, size_}; }
    std::span<const T> span() const noexcept { return {data_, size_}; }
    T* begin() noexcept { return data_; }
    T* end() noexcept { return data_ + size_; }
    const T* begin() const noexcept { return data_; }
    const T* end() const noexcept { return data_ + size_; }

private:
    static std::size_t round_up(std::size_t bytes) noexcept { return (bytes + alignment - 1) / alignment * alignment; }
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace typenet
