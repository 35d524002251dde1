// StaticVec<T, N>: a vector of at most N elements stored inline - the part of
// std::vector's interface the walks use (push_back, size, [], at, front,
// back, iteration), without a heap allocation per walk. Hardware walks have
// at most five levels, so the fuzzers' hot paths allocate nothing.
// T must be default-constructible (smt::BV is: the constant 0).
#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>

namespace ptfold {

template <class T, std::size_t N>
class StaticVec {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  // Appends; more than N elements is a bug in the caller (std::length_error).
  void push_back(const T& v) {
    if (n_ == N) throw std::length_error("ptfold: internal: StaticVec capacity exceeded");
    items_[n_++] = v;
  }
  void clear() { n_ = 0; }
  size_type size() const { return n_; }
  bool empty() const { return n_ == 0; }
  static constexpr size_type capacity() { return N; }

  T& operator[](size_type i) { return items_[i]; }
  const T& operator[](size_type i) const { return items_[i]; }
  // Bounds-checked against size(), as std::vector::at.
  const T& at(size_type i) const {
    if (i >= n_) throw std::out_of_range("ptfold: internal: StaticVec::at out of range");
    return items_[i];
  }
  T& at(size_type i) {
    if (i >= n_) throw std::out_of_range("ptfold: internal: StaticVec::at out of range");
    return items_[i];
  }
  const T& front() const { return items_[0]; }
  const T& back() const { return items_[n_ - 1]; }
  T& front() { return items_[0]; }
  T& back() { return items_[n_ - 1]; }

  T* data() { return items_.data(); }
  const T* data() const { return items_.data(); }
  iterator begin() { return items_.data(); }
  iterator end() { return items_.data() + n_; }
  const_iterator begin() const { return items_.data(); }
  const_iterator end() const { return items_.data() + n_; }

 private:
  std::array<T, N> items_{};
  size_type n_ = 0;
};

}  // namespace ptfold
