// StaticVec<T, N>: a vector of at most N elements stored inline - the part of
// std::vector's interface the walks use (push_back, size, [], at, front,
// back, iteration), without a heap allocation per walk. Hardware walks have
// at most five levels, so the fuzzers' hot paths allocate nothing.
#pragma once

#include <cstddef>
#include <new>
#include <stdexcept>

namespace ptfold {

template <class T, std::size_t N>
class StaticVec {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  // Only the first size() slots hold objects: an empty StaticVec costs no
  // initialisation, and push_back constructs in place - no value-initialised
  // array to memset, no whole-array copy (under ASan each was an
  // __asan_memset/__asan_memcpy call with a shadow range check, several per
  // walk on the fuzzers' hot paths).
  StaticVec() {}
  StaticVec(const StaticVec& o) {
    for (const T& v : o) push_back(v);
  }
  StaticVec& operator=(const StaticVec& o) {
    if (this != &o) {
      clear();
      for (const T& v : o) push_back(v);
    }
    return *this;
  }
  ~StaticVec() { clear(); }

  // Appends; more than N elements is a bug in the caller (std::length_error).
  void push_back(const T& v) {
    if (n_ == N) capacity_exceeded();
    new (&items_[n_]) T(v);
    ++n_;
  }
  void clear() {
    for (size_type i = 0; i < n_; ++i) items_[i].~T();
    n_ = 0;
  }
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

  T* data() { return items_; }
  const T* data() const { return items_; }
  iterator begin() { return items_; }
  iterator end() { return items_ + n_; }
  const_iterator begin() const { return items_; }
  const_iterator end() const { return items_ + n_; }

 private:
  [[noreturn, gnu::cold, gnu::noinline]] static void capacity_exceeded() {
    throw std::length_error("ptfold: internal: StaticVec capacity exceeded");
  }
  union {
    T items_[N];
  };
  size_type n_ = 0;
};

}  // namespace ptfold
