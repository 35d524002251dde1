// FlatMap<K, V, N>: a sorted map of at most N entries stored inline - the
// part of std::map's interface the fuzz runner's shadow state uses
// (lower_bound, upper_bound, operator[], erase, ordered iteration over
// std::pair<K, V>), without a heap allocation per entry. Lookups are binary
// searches, inserts and erases move the entries after the position: meant
// for the few dozen entries one fuzz input creates.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace ptfold {

template <class K, class V, std::size_t N>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = value_type*;
  using const_iterator = const value_type*;

  bool empty() const { return n_ == 0; }
  std::size_t size() const { return n_; }
  static constexpr std::size_t capacity() { return N; }
  void clear() { n_ = 0; }

  iterator begin() { return items_.data(); }
  iterator end() { return items_.data() + n_; }
  const_iterator begin() const { return items_.data(); }
  const_iterator end() const { return items_.data() + n_; }

  // First entry whose key is not less than / greater than k.
  iterator lower_bound(const K& k) {
    return std::lower_bound(begin(), end(), k, [](const value_type& e, const K& x) { return e.first < x; });
  }
  const_iterator lower_bound(const K& k) const { return const_cast<FlatMap*>(this)->lower_bound(k); }
  iterator upper_bound(const K& k) {
    return std::upper_bound(begin(), end(), k, [](const K& x, const value_type& e) { return x < e.first; });
  }
  const_iterator upper_bound(const K& k) const { return const_cast<FlatMap*>(this)->upper_bound(k); }

  // The value at k, inserted value-initialised if absent; more than N
  // entries is a bug in the caller (std::length_error).
  V& operator[](const K& k) {
    iterator it = lower_bound(k);
    if (it != end() && it->first == k) return it->second;
    if (n_ == N) throw std::length_error("ptfold: internal: FlatMap capacity exceeded");
    std::move_backward(it, end(), end() + 1);
    *it = value_type(k, V{});
    ++n_;
    return it->second;
  }
  // Erases the entry at it; returns the entry after it.
  iterator erase(iterator it) {
    std::move(it + 1, end(), it);
    --n_;
    return it;
  }
  // Erases the entry with key k, if any; returns how many were erased.
  std::size_t erase(const K& k) {
    iterator it = lower_bound(k);
    if (it == end() || it->first != k) return 0;
    erase(it);
    return 1;
  }

 private:
  std::array<value_type, N> items_{};
  std::size_t n_ = 0;
};

}  // namespace ptfold
