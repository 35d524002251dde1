// MemEnv: checked host memory behind a linear map.
#include "harness/mem_env.h"

#include <cstdlib>
#include <cstring>

namespace ptfold::harness {

MemEnv::MemEnv(u64 page_size, u64 phys_offset, u64 pgd_slab_offset)
    : page_size_(page_size), phys_offset_(phys_offset), pgd_slab_offset_(pgd_slab_offset) {}

MemEnv::~MemEnv() {
  for (auto& [va, a] : allocs_) std::free(a.host);
}

bool MemEnv::contains(u64 va, u64 len) const {
  auto it = allocs_.upper_bound(va);
  if (it == allocs_.begin()) return false;
  --it;
  return va >= it->first && va + len <= it->first + it->second.size;
}

bool MemEnv::in_host_block(u64 va) const {
  for (const auto& [start, a] : allocs_) {
    const u64 host = reinterpret_cast<u64>(a.host);
    if (va >= host && va + 8 <= host + page_size_) return true;
  }
  return false;
}

void MemEnv::check_access(u64 ptr, tgt::Level lvl, const char* kind) const {
  if (contains(ptr)) return;
  const std::string who = std::string(kind) + " of a " + tgt::level_name(lvl) + " entry";
  if (lenient_ && in_host_block(ptr)) {
    if (wild_.empty()) wild_ = who + " at a page-table page but outside every table object";
    return;
  }
  throw EnvError(who, "address outside every table allocation");
}

u64 MemEnv::read(u64 ptr, tgt::Level lvl) const {
  check_access(ptr, lvl, "read");
  u64 v;
  std::memcpy(&v, reinterpret_cast<const void*>(ptr), 8);
  return v;
}

void MemEnv::write(u64 ptr, tgt::Level lvl, u64 v) {
  check_access(ptr, lvl, "write");
  std::memcpy(reinterpret_cast<void*>(ptr), &v, 8);
}

u64 MemEnv::get_free_pages(tgt::Level, unsigned order) {
  const u64 size = page_size_ << order;
  void* p = std::aligned_alloc(size, size);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, size);
  const u64 va = reinterpret_cast<u64>(p);
  allocs_[va] = {size, p, false};
  return va;
}

void MemEnv::free_pages(u64 va, unsigned order, const char* helper) {
  auto it = allocs_.find(va);
  if (it == allocs_.end() || it->second.size != (page_size_ << order))
    throw EnvError(helper, order ? "freeing pages that are not an allocation of that order"
                                 : "freeing a page that is not an allocated page");
  if (it->second.table_typed)
    throw EnvError(helper, "Bad page state: freeing a page still typed as a page table");
  std::free(it->second.host);
  allocs_.erase(it);
}

void MemEnv::pagetable_ctor(u64 va, tgt::Level lvl) {
  auto it = allocs_.find(va);
  if (it == allocs_.end() || it->second.table_typed)
    throw EnvError(std::string("pagetable_") + tgt::level_name(lvl) + "_ctor", "not a fresh page");
  it->second.table_typed = true;
  ++nr_pagetable_;
}

void MemEnv::pagetable_dtor(u64 va, tgt::Level lvl) {
  auto it = allocs_.find(va);
  if (it == allocs_.end() || !it->second.table_typed)
    throw EnvError(std::string("pagetable_") + tgt::level_name(lvl) + "_dtor",
                   "page was never constructed as a page table");
  it->second.table_typed = false;
  --nr_pagetable_;
}

u64 MemEnv::pgd_cache_alloc(u64 size) {
  // One slab page per object, the object placed at pgd_slab_offset_ (rounded
  // to the object's natural alignment): rounding a pointer into the object
  // down to the page then leaves it.
  void* p = std::aligned_alloc(page_size_, page_size_);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, page_size_);
  const u64 off = (pgd_slab_offset_ / size * size) % page_size_;
  const u64 va = reinterpret_cast<u64>(p) + off;
  allocs_[va] = {size, p, false};
  return va;
}

void MemEnv::pgd_cache_free(u64 va) {
  auto it = allocs_.find(va);
  if (it == allocs_.end() || it->second.size == page_size_)
    throw EnvError("pgd_free", "kmem_cache_free of an object pgd_cache did not allocate");
  std::free(it->second.host);
  allocs_.erase(it);
}

}  // namespace ptfold::harness
