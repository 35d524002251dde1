// MemEnv: checked host memory behind a linear map.
#include "harness/mem_env.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ptfold::harness {

MemEnv::MemEnv(u64 page_size, u64 phys_offset, u64 pgd_slab_offset)
    : page_size_(page_size), phys_offset_(phys_offset), pgd_slab_offset_(pgd_slab_offset) {}

MemEnv::~MemEnv() {
  for (const auto& r : mem_.ranges()) std::free(r.info.host_block);
}

bool MemEnv::contains(u64 va, u64 len) const { return mem_.holding(va, len) != nullptr; }

bool MemEnv::in_host_block(u64 va) const { return host_of(va, 8, true) != nullptr; }

unsigned char* MemEnv::host_of(u64 ptr, u64 len, bool in_block) const {
  if (!in_block) return mem_.host_of(ptr, len);
  for (const auto& r : mem_.ranges())
    if (ptr >= r.info.block && ptr + len <= r.info.block + std::max(r.size, page_size_))
      return static_cast<unsigned char*>(r.info.host_block) + (ptr - r.info.block);
  return nullptr;
}

u64 MemEnv::take_sim(u64 size) {
  u64 at = 0;
  if (!sim_.take(size, &at))
    throw EnvError("get_free_pages", "alloc-limit: the simulated address space is used up (allocates without end?)");
  return at;
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
  const unsigned char* h = host_of(ptr, 8, false);
  if (!h) h = host_of(ptr, 8, true);
  u64 v;
  std::memcpy(&v, h, 8);
  return v;
}

void MemEnv::write(u64 ptr, tgt::Level lvl, u64 v) {
  check_access(ptr, lvl, "write");
  unsigned char* h = host_of(ptr, 8, false);
  if (!h) h = host_of(ptr, 8, true);
  std::memcpy(h, &v, 8);
}

// A helper allocating without end stops here, as a finding: far more than
// the tables of every address a check maps, far less than the host has.
static constexpr u64 kMaxLiveBytes = u64{128} << 20;

void MemEnv::charge(tgt::Level lvl, u64 size) {
  if (live_bytes_ + size > kMaxLiveBytes)
    throw EnvError(lvl == tgt::Level::kPgd ? std::string("pgd_alloc") : std::string(tgt::level_name(lvl)) + "_alloc_one",
                   "alloc-limit: " + std::to_string(kMaxLiveBytes >> 20) +
                       " MiB of page tables live and it asks for more (allocates without end?)");
  live_bytes_ += size;
}

u64 MemEnv::get_free_pages(tgt::Level lvl, unsigned order) {
  const u64 size = page_size_ << order;
  charge(lvl, size);
  void* p = std::aligned_alloc(size, size);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, size);
  const u64 va = take_sim(size);
  mem_.add(va, size, static_cast<unsigned char*>(p), {p, va, false});
  return va;
}

void MemEnv::free_pages(u64 va, unsigned order, const char* helper) {
  const auto* r = mem_.at(va);
  if (!r || r->size != (page_size_ << order))
    throw EnvError(helper, order ? "freeing pages that are not an allocation of that order"
                                 : "freeing a page that is not an allocated page");
  if (r->info.table_typed)
    throw EnvError(helper, "Bad page state: freeing a page still typed as a page table");
  std::free(r->info.host_block);
  live_bytes_ -= r->size;
  mem_.erase(r);
}

void MemEnv::pagetable_ctor(u64 va, tgt::Level lvl) {
  auto* r = mem_.at(va);
  if (!r || r->info.table_typed)
    throw EnvError(std::string("pagetable_") + tgt::level_name(lvl) + "_ctor", "not a fresh page");
  r->info.table_typed = true;
  ++nr_pagetable_;
}

void MemEnv::pagetable_dtor(u64 va, tgt::Level lvl) {
  auto* r = mem_.at(va);
  if (!r || !r->info.table_typed)
    throw EnvError(std::string("pagetable_") + tgt::level_name(lvl) + "_dtor",
                   "page was never constructed as a page table");
  r->info.table_typed = false;
  --nr_pagetable_;
}

u64 MemEnv::pgd_cache_alloc(u64 size) {
  // One slab page per object, the object placed at pgd_slab_offset_ (rounded
  // to the object's natural alignment): rounding a pointer into the object
  // down to the page then leaves it.
  charge(tgt::Level::kPgd, page_size_);
  void* p = std::aligned_alloc(page_size_, page_size_);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, page_size_);
  const u64 off = (pgd_slab_offset_ / size * size) % page_size_;
  const u64 block = take_sim(page_size_);
  const u64 va = block + off;
  mem_.add(va, size, static_cast<unsigned char*>(p) + off, {p, block, false});
  return va;
}

void MemEnv::pgd_cache_free(u64 va) {
  const auto* r = mem_.at(va);
  if (!r || r->size == page_size_)
    throw EnvError("pgd_free", "kmem_cache_free of an object pgd_cache did not allocate");
  live_bytes_ -= page_size_;
  std::free(r->info.host_block);
  mem_.erase(r);
}

}  // namespace ptfold::harness
