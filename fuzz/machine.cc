// The simulated machine: page allocator, struct-page side table, pgd_cache
// slab, ctor/dtor, mmu_gather and the kernel's free-time checks.
#include "fuzz/machine.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#if defined(__SANITIZE_ADDRESS__)
#define PTFOLD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PTFOLD_ASAN 1
#endif
#endif
#ifdef PTFOLD_ASAN
#include <sanitizer/asan_interface.h>
#define PTFOLD_POISON(p, n) ASAN_POISON_MEMORY_REGION(reinterpret_cast<void*>(p), (n))
#define PTFOLD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(reinterpret_cast<void*>(p), (n))
#else
#define PTFOLD_POISON(p, n) ((void)(p), (void)(n))
#define PTFOLD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace ptfold::fuzz {

using tgt::Level;

// The arena: mmap (base/fixed_map.h: at a fixed address, so table
// addresses, the PAs derived from them and a Bad page state's pfn are the
// same on every run, and so is every report), over-allocated by a page so it
// can be aligned to the page size. Untouched pages cost no RSS, and ASan
// watches it through our manual poisoning (freed pages and slab redzones).
Machine::Machine(unsigned page_shift)
    : page_shift_(page_shift),
      page_size_(u64{1} << page_shift),
      arena_(kArenaHint + (u64{page_shift} << 32), (kArenaPages + 1) * page_size_, MAP_NORESERVE),
      base_(arena_.aligned(page_size_)),
      pages_(kArenaPages) {
  PTFOLD_POISON(base_, kArenaPages * page_size_);
  free_.reserve(kArenaPages);
  quarantine_.reserve(kArenaPages);
  gather_.reserve(kArenaPages);
  gather_copy_.resize(kArenaPages);
}

Machine::~Machine() {
  PTFOLD_UNPOISON(base_, kArenaPages * page_size_);
}

void Machine::reset(u64 phys_offset, unsigned slab_slot, PageTypeEncoding enc) {
  for (size_t i = 0; i < watermark_; ++i) {
    Page& p = pages_[i];
    if (p.state == State::kAllocated) PTFOLD_POISON(page_va(i), page_size_);
    Page keep{};
    keep.all_dirty = p.all_dirty;  // zeroed lazily when handed out again
    keep.ndirty = p.ndirty;
    std::copy(std::begin(p.dirty_idx), std::end(p.dirty_idx), std::begin(keep.dirty_idx));
    p = keep;
  }
  watermark_ = 0;
  free_.clear();
  quarantine_.clear();
  gather_.clear();
  nr_stack_copies_ = 0;
  race_levels_ = 0;
  nr_raced_ = 0;
  phys_offset_ = phys_offset;
  slab_slot_ = slab_slot;
  enc_ = enc;
  nr_pagetable_ = 0;
  current_mm_ = -1;
  lockless_mm_ = -1;
  lockless_ = false;
  if (swapper_protected_) mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ | PROT_WRITE);
  swapper_protected_ = false;
  swapper_ = swapper_size_ = 0;
  fixmap_ = false;
  hw_stray_.clear();
  hw_stray_freed_by_ = nullptr;
}

void Machine::raise(const char* cls, std::string helper, std::string detail) const {
  Finding f(cls, std::move(helper), std::move(detail));
  f.geometry = std::string(geometry_);
  throw f;
}

Machine::Page* Machine::page_of(u64 va, size_t* index) {
  if (va < base_ || va - base_ >= kArenaPages * page_size_) return nullptr;
  const size_t i = (va - base_) >> page_shift_;
  if (index) *index = i;
  return &pages_[i];
}
const Machine::Page* Machine::page_of(u64 va, size_t* index) const {
  return const_cast<Machine*>(this)->page_of(va, index);
}

// The report for an access check_access() refused: the same checks in the
// same order, formatted. Out of line, so that the hot path's stack frame has
// no strings for ASan to poison and unpoison on every access.
void Machine::bad_access(u64 ptr, Level lvl, bool write) const {
  const char* op = write ? "write" : "read";
  if (ptr & 7)
    raise("wild-access", offset_helper(lvl, lockless_),
          fmt::format("expected: an 8-byte aligned {} entry pointer\nactual:   {} at {:#x}",
                      tgt::level_name(lvl), op, ptr));
  size_t i = 0;
  const Page* p = page_of(ptr, &i);
  if (!p || p->state == State::kNever) {
    bool near_copy = false;
    for (int k = 0; k < nr_stack_copies_; ++k)
      near_copy |= (ptr & ~(page_size_ - 1)) == (stack_copies_[k] & ~(page_size_ - 1)) ||
                   (ptr > stack_copies_[k] ? ptr - stack_copies_[k] : stack_copies_[k] - ptr) < (u64{1} << 20);
    // A host stack address differs from run to run: say where it is
    // relative to the nearest entry copy instead, so reports are stable.
    u64 copy = 0;
    for (int k = 0; k < nr_stack_copies_; ++k)
      if (!copy || (ptr > stack_copies_[k] ? ptr - stack_copies_[k] : stack_copies_[k] - ptr) <
                       (ptr > copy ? ptr - copy : copy - ptr))
        copy = stack_copies_[k];
    const std::string where = near_copy ? fmt::format("entry copy {}{:#x}", ptr >= copy ? "+" : "-",
                                                      ptr >= copy ? ptr - copy : copy - ptr)
                                        : fmt::format("{:#x}", ptr);
    raise("wild-access", offset_helper(lvl, lockless_),
          fmt::format("expected: {} of a {} entry inside a live page-table page or pgd object\n"
                      "actual:   {} at {}, {}",
                      op, tgt::level_name(lvl), op, where,
                      near_copy ? "on the host stack next to the walk's on-stack entry copies"
                                : "outside every allocation of the page allocator"));
  }
  if (p->state != State::kAllocated)
    raise("use-after-free", p->freed_by ? p->freed_by : "free_page",
          fmt::format("expected: {} of a {} entry in a live page-table page\n"
                      "actual:   {} at {:#x} ({}) in a page freed by {}",
                      op, tgt::level_name(lvl), op, ptr, offset_helper(lvl, lockless_),
                      p->freed_by ? p->freed_by : "?"));
  if (p->slab) {
    const u64 off = ptr - page_va(i);
    if (off < p->obj_off || off + 8 > p->obj_off + p->obj_size)
      raise("wild-access", offset_helper(lvl, lockless_),
            fmt::format("expected: {} of a {} entry inside the {}-byte pgd_cache object at {:#x}\n"
                        "actual:   {} at {:#x}, {:+d} bytes from the object start (slab-out-of-bounds)",
                        op, tgt::level_name(lvl), p->obj_size, page_va(i) + p->obj_off, op, ptr,
                        static_cast<long long>(off) - static_cast<long long>(p->obj_off)));
  }
  throw std::logic_error("ptfold: internal: bad_access on an access check_access allows");
}

void Machine::check_access(u64 ptr, Level lvl, bool write) {
  if (!write)
    for (int i = 0; i < nr_stack_copies_; ++i)
      if (stack_copies_[i] == ptr) return;  // the caller's own READ_ONCE copy
  size_t i = 0;
  const Page* p = (ptr & 7) ? nullptr : page_of(ptr, &i);
  if (p && p->state == State::kAllocated) {
    if (!p->slab) return;
    const u64 off = ptr - page_va(i);
    if (off >= p->obj_off && off + 8 <= p->obj_off + p->obj_size) return;
  }
  bad_access(ptr, lvl, write);
}

u64 Machine::read(u64 ptr, Level lvl) {
  check_access(ptr, lvl, false);
  u64 v;
  std::memcpy(&v, reinterpret_cast<const void*>(ptr), 8);
  return v;
}

void Machine::write(u64 ptr, Level lvl, u64 v) {
  check_access(ptr, lvl, true);
  if (ptr - swapper_ < swapper_size_ && !fixmap_) [[unlikely]]
    raise("ro-write", fmt::format("set_{}", tgt::level_name(lvl)),
          fmt::format("Unable to handle kernel write to read-only memory at virtual address {:#x}\n"
                      "expected: swapper_pg_dir [{:#x}, {:#x}) written through set_swapper_pgd() (the fixmap)\n"
                      "actual:   a {} entry written in place",
                      ptr, swapper_, swapper_ + swapper_size_, tgt::level_name(lvl)));
  std::memcpy(reinterpret_cast<void*>(ptr), &v, 8);
  size_t i = 0;
  Page* p = page_of(ptr, &i);
  if (!p || p->all_dirty) return;
  const auto idx = static_cast<uint16_t>((ptr - page_va(i)) >> 3);
  for (unsigned k = 0; k < p->ndirty; ++k)
    if (p->dirty_idx[k] == idx) return;
  if (p->ndirty < 6)
    p->dirty_idx[p->ndirty++] = idx;
  else
    p->all_dirty = true;
}

void Machine::scrub(size_t i) {
  Page& p = pages_[i];
  auto* base = reinterpret_cast<unsigned char*>(page_va(i));
  if (p.all_dirty)
    std::memset(base, 0, page_size_);
  else
    for (unsigned k = 0; k < p.ndirty; ++k) std::memset(base + p.dirty_idx[k] * 8u, 0, 8);
  p.all_dirty = false;
  p.ndirty = 0;
}

void Machine::bug_on(bool cond, const char* helper, const char* what) {
  if (cond) raise("bug-on", helper, fmt::format("kernel BUG at {}: {}", helper, what));
}

void Machine::warn_on(bool cond, const char* helper, const char* what) {
  if (cond) raise("warn", helper, fmt::format("WARNING at {}: {}", helper, what));
}

void Machine::bad_entry(Level l, u64 ptr, u64 v) {
  raise("bad-entry", std::string(tgt::level_name(l)) + "_clear_bad",
        fmt::format("expected: a none or table {} entry at {:#x} during free_pgd_range\n"
                    "actual:   {}_ERROR: bad {} {:016x}",
                    tgt::level_name(l), ptr, tgt::level_name(l), tgt::level_name(l), v));
}

// The allocator a table page of level l comes from, as a report names it.
static std::string alloc_helper(Level l) {
  return l == Level::kPgd ? std::string("pgd_alloc") : std::string(tgt::level_name(l)) + "_alloc_one";
}

size_t Machine::take_page(Level lvl) {
  size_t i;
  if (!free_.empty()) {
    i = free_.back();
    free_.pop_back();
  } else if (watermark_ < kArenaPages) {
    i = watermark_++;
  } else if (!quarantine_.empty()) {
    i = quarantine_.front();
    quarantine_.erase(quarantine_.begin());
  } else {
    // Every input the decoder makes stays far below the arena; a helper
    // that exhausts it allocates without end (or leaks on every call).
    raise("alloc-limit", alloc_helper(lvl),
          fmt::format("expected: at most {} live page-table pages for one scenario\n"
                      "actual:   all {} allocated and {} asks for another",
                      kArenaPages, kArenaPages, alloc_helper(lvl)));
  }
  prepare(i);
  return i;
}

void Machine::prepare(size_t i) {
  PTFOLD_UNPOISON(page_va(i), page_size_);
  scrub(i);
  Page& p = pages_[i];
  p = Page{};
  p.state = State::kAllocated;
  p.refcount = 1;
  p.owner = current_mm_;
}

void Machine::release_page(size_t i, const char* helper) {
  if (swapper_protected_ && page_va(i) - swapper_ < swapper_size_) {  // freed (a finding): writable again
    mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ | PROT_WRITE);
    swapper_protected_ = false;
  }
  Page& p = pages_[i];
  p.state = State::kQuarantined;
  p.refcount = 0;
  p.freed_by = helper;
  p.live_pgd = false;
  p.in_gather = false;
  PTFOLD_POISON(page_va(i), page_size_);
  quarantine_.push_back(i);
  if (quarantine_.size() > kQuarantine) {
    const size_t old = quarantine_.front();
    quarantine_.erase(quarantine_.begin());
    pages_[old].state = State::kFree;
    free_.push_back(old);
  }
}

u64 Machine::get_free_pages(Level lvl, unsigned order) {
  if (order == 0) {
    const size_t i = take_page(lvl);
    pages_[i].level = lvl;
    return page_va(i);
  }
  // Higher orders come from the untouched part of the arena, aligned to
  // their size; the pages skipped for alignment go to the free list.
  const size_t n = size_t{1} << order;
  size_t head = (watermark_ + n - 1) & ~(n - 1);
  if (order > 4 || head + n > kArenaPages)
    raise("alloc-limit", alloc_helper(lvl),
          fmt::format("expected: an order-{} allocation the {}-page arena holds (order 4 at most)\n"
                      "actual:   no room from page {}", order, kArenaPages, watermark_));
  for (size_t i = watermark_; i < head; ++i) {
    pages_[i].state = State::kFree;
    free_.push_back(i);
  }
  watermark_ = head + n;
  for (size_t i = head; i < head + n; ++i) {
    prepare(i);
    pages_[i].level = lvl;
    pages_[i].tail = i != head;
  }
  pages_[head].order = static_cast<uint8_t>(order);
  return page_va(head);
}

std::string Machine::dump_page(size_t i, const char* reason) const {
  const Page& p = pages_[i];
  const u64 pfn = (page_va(i) + phys_offset_) >> page_shift_;
  const bool typed = p.page_type != 0xffffffffu;
  // 6.12: page_type and _mapcount share a union; a typed page prints
  // mapcount:0 and "page_type: f2(table)". Before the PGTY_ rework the type
  // was a cleared bit in _mapcount: PG_table gives 0xfffffdff, i.e. -512.
  std::string mapcount, type;
  if (enc_ == PageTypeEncoding::kPgty) {
    mapcount = "0";
    type = typed ? fmt::format("page_type: {:x}(table)", p.page_type >> 24) : "page_type: 0xffffffff()";
  } else {
    mapcount = typed ? std::to_string(static_cast<int32_t>(p.page_type) + 1) : "-1";
    type = typed ? fmt::format("page_type: {:#x}(table)", p.page_type) : "page_type: 0xffffffff()";
  }
  return fmt::format(
      "BUG: Bad page state in process ptfold  pfn:{:05x}\n"
      "page: refcount:0 mapcount:{} mapping:0000000000000000 index:0x0 pfn:{:#x}\n"
      "flags: 0x0()\n"
      "{}\n"
      "page dumped because: {}",
      pfn, mapcount, pfn, type, reason);
}

void Machine::free_pages(u64 va, unsigned order, const char* helper) {
  size_t i = 0;
  Page* p = page_of(va, &i);
  if (!p || p->state == State::kNever)
    raise("bad-free", helper,
          fmt::format("expected: free_page() of a page from the page allocator\n"
                      "actual:   {:#x} was never allocated", va));
  if (va & (page_size_ - 1))
    raise("bad-free", helper,
          fmt::format("expected: free_page() of a page-aligned address (a page head)\n"
                      "actual:   {:#x} is {:#x} bytes into its page{}",
                      va, va & (page_size_ - 1),
                      p->slab ? " (a pgd_cache object)" : ""));
  if (p->slab)
    raise("bad-free", helper,
          fmt::format("expected: free_page() of a page from the page allocator\n"
                      "actual:   {:#x} is a pgd_cache slab page (kmem_cache_free owns it)", va));
  if (p->state != State::kAllocated)
    raise("double-free", helper,
          fmt::format("expected: free_page() of an allocated page\n"
                      "actual:   {:#x} was already freed by {}", va, p->freed_by ? p->freed_by : "?"));
  if (p->tail || p->order != order)
    raise("bad-free", helper,
          fmt::format("expected: free_pages(addr, {}) of the head of an order-{} allocation\n"
                      "actual:   {:#x} is {}",
                      order, order, va,
                      p->tail ? "a tail page of a higher-order allocation"
                              : fmt::format("the head of an order-{} allocation", p->order)));
  if (p->live_pgd && std::strcmp(helper, "pgd_free") != 0)
    raise("bad-free", helper,
          fmt::format("expected: a page-table page no longer in use\n"
                      "actual:   {:#x} is still the pgd of a live mm (a folded level freed through its alias)",
                      va));
  if (p->in_gather && std::strncmp(helper, "__", 2) != 0)
    raise("double-free", helper,
          fmt::format("expected: a page not queued in an mmu_gather\n"
                      "actual:   {:#x} is queued for freeing at tlb_finish_mmu()", va));
  if (lockless_mm_ >= 0 && p->owner == lockless_mm_ && !p->in_gather)
    raise("lockless-free", helper,
          fmt::format("expected: the {} table pages of mm{} freed through the mmu_gather while fast GUP may\n"
                      "          walk them (tlb_remove_ptdesc(): freed after an RCU grace period, when no walk\n"
                      "          that could have reached them is left)\n"
                      "actual:   {} freed {:#x} at once",
                      tgt::level_name(p->level), lockless_mm_, helper, va));
  if (p->page_type != 0xffffffffu)
    raise("bad-page-state", helper,
          fmt::format("expected: page_type 0xffffffff (no type) when {} frees the page\n"
                      "actual:   page_type {:#x}: still PG_table from pagetable_{}_ctor, no destructor ran\n{}",
                      helper, p->page_type, tgt::level_name(p->ctor_level),
                      dump_page(i, "nonzero mapcount")));
  for (size_t k = 0; k < (size_t{1} << order); ++k) release_page(i + k, helper);
}

void Machine::pagetable_ctor(u64 va, Level lvl) {
  // The helper's name is formatted only on the error paths.
  auto helper = [lvl] { return fmt::format("pagetable_{}_ctor", tgt::level_name(lvl)); };
  size_t i = 0;
  Page* p = page_of(va, &i);
  if (!p || p->state != State::kAllocated || (va & (page_size_ - 1)) || p->slab || p->tail)
    raise("bug-on", helper(), fmt::format("expected: a freshly allocated page\nactual:   {:#x}", va));
  if (p->page_type != 0xffffffffu)
    raise("bug-on", helper(),
          fmt::format("VM_BUG_ON_FOLIO in __folio_set_pgtable: page {:#x} already has page_type {:#x}", va,
                      p->page_type));
  p->page_type = pgtable_type();
  p->ctor_level = lvl;
  ++nr_pagetable_;
}

void Machine::pagetable_dtor(u64 va, Level lvl) {
  auto helper = [lvl] { return fmt::format("pagetable_{}_dtor", tgt::level_name(lvl)); };
  size_t i = 0;
  Page* p = page_of(va, &i);
  if (!p || p->state != State::kAllocated || (va & (page_size_ - 1)) || p->slab)
    raise(p && p->state != State::kNever && !p->slab ? "use-after-free" : "bug-on", helper(),
          fmt::format("expected: a live page-table page\nactual:   {:#x}{}", va,
                      p && p->freed_by ? std::string(" freed by ") + p->freed_by : std::string()));
  if (p->page_type != pgtable_type())
    raise("bug-on", helper(),
          fmt::format("VM_BUG_ON_FOLIO in __folio_clear_pgtable: page {:#x} is not PG_table "
                      "(destructor without constructor)", va));
  p->page_type = 0xffffffffu;
  --nr_pagetable_;
}

u64 Machine::pgd_cache_alloc(u64 size) {
  const size_t i = take_page(Level::kPgd);
  Page& p = pages_[i];
  p.slab = true;
  p.level = Level::kPgd;
  p.obj_size = size;
  // pgd_cache objects are naturally aligned (pgtable_cache_init); a slab
  // hands out later objects too, so the object is never at the page start
  // when the page holds more than one.
  const u64 per_page = size < page_size_ ? page_size_ / size : 1;
  p.obj_off = per_page > 1 ? size * (1 + slab_slot_ % (per_page - 1)) : 0;
  // The rest of the block is a redzone for ASan.
  PTFOLD_POISON(page_va(i), page_size_);
  PTFOLD_UNPOISON(page_va(i) + p.obj_off, size);
  return page_va(i) + p.obj_off;
}

void Machine::pgd_cache_free(u64 va) {
  size_t i = 0;
  Page* p = page_of(va, &i);
  if (!p || !p->slab || va != page_va(i) + p->obj_off)
    raise("bad-free", "pgd_free",
          fmt::format("expected: kmem_cache_free() of a pgd_cache object\nactual:   {:#x} is not one", va));
  if (p->state != State::kAllocated)
    raise("double-free", "pgd_free",
          fmt::format("expected: kmem_cache_free() of a live object\nactual:   {:#x} already freed", va));
  release_page(i, "pgd_free");
}

void Machine::tlb_remove_ptdesc(tgt::MmuGather&, u64 va, Level lvl) {
  static const char* const kHelpers[] = {"pgd_free", "__p4d_free_tlb", "__pud_free_tlb",
                                         "__pmd_free_tlb", "__pte_free_tlb"};
  const char* helper = kHelpers[static_cast<int>(lvl)];
  size_t i = 0;
  Page* p = page_of(va, &i);
  if (!p || p->state != State::kAllocated || (va & (page_size_ - 1)) || p->slab)
    raise(p && (p->state == State::kQuarantined || p->state == State::kFree) ? "double-free" : "bad-free",
          helper,
          fmt::format("expected: tlb_remove_ptdesc() of a live page-table page\nactual:   {:#x}{}", va,
                      p && p->freed_by ? std::string(", already freed by ") + p->freed_by : std::string()));
  if (p->in_gather)
    raise("double-free", helper,
          fmt::format("expected: a table queued once\nactual:   {:#x} is already in the mmu_gather", va));
  if (p->live_pgd)
    raise("bad-free", helper,
          fmt::format("expected: a page-table page no longer in use\n"
                      "actual:   {:#x} is still the pgd of a live mm (a folded level freed through its alias)",
                      va));
  p->in_gather = true;
  p->freed_by = helper;
  gather_.push_back(i);
}

void Machine::tlb_finish_mmu(tgt::MmuGather&) {
  // Emptied before the frees (a bad free throws), keeping its capacity.
  const size_t n = gather_.size();
  for (size_t k = 0; k < n; ++k) gather_copy_[k] = gather_[k];
  gather_.clear();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = gather_copy_[k];
    free_pages(page_va(i), pages_[i].order, pages_[i].freed_by);
  }
}

void Machine::arm_lockless_race(unsigned levels) {
  race_levels_ = levels & 0xf;  // pgd..pmd: a pte has no descent after it
  nr_raced_ = 0;
}

void Machine::lockless_snapshot(Level lvl, u64 ptr) {
  if (!(race_levels_ & (1u << static_cast<unsigned>(lvl))) || raced(ptr)) return;
  // Only live table memory has another writer: a folded level's copy of
  // its parent's copy lives on the walker's stack.
  size_t i = 0;
  const Page* p = (ptr & 7) ? nullptr : page_of(ptr, &i);
  if (!p || p->state != State::kAllocated) return;
  u64 old;
  std::memcpy(&old, reinterpret_cast<const void*>(ptr), 8);
  if (old == 0) return;
  raced_[nr_raced_++] = {ptr, old};
  const u64 zero = 0;
  std::memcpy(reinterpret_cast<void*>(ptr), &zero, 8);  // pXd_clear() on the other CPU
}

void Machine::end_lockless_race() {
  for (int k = nr_raced_ - 1; k >= 0; --k) std::memcpy(reinterpret_cast<void*>(raced_[k].ptr), &raced_[k].old, 8);
  race_levels_ = 0;
}

bool Machine::raced(u64 ptr) const {
  for (int k = 0; k < nr_raced_; ++k)
    if (raced_[k].ptr == ptr) return true;
  return false;
}

void Machine::stack_copy_push(u64 addr) {
  if (nr_stack_copies_ < 8) stack_copies_[nr_stack_copies_++] = addr;
}
void Machine::stack_copy_pop() {
  if (nr_stack_copies_ > 0) --nr_stack_copies_;
}

u64 Machine::read64(u64 pa_, int hw) {
  const u64 v = va(pa_);
  size_t i = 0;
  const Page* p = page_of(v, &i);
  const char* why = nullptr;
  if ((v & 7) || !p || p->state == State::kNever) why = "outside every page-table page";
  else if (p->state != State::kAllocated) why = "in a freed page";
  else if (p->slab && (v - page_va(i) < p->obj_off || v - page_va(i) + 8 > p->obj_off + p->obj_size))
    why = "outside its pgd_cache object";
  if (why) {
    if (hw_stray_.empty()) {
      hw_stray_freed_by_ = p && p->state != State::kAllocated ? p->freed_by : nullptr;
      hw_stray_ = fmt::format("hardware read of pa {:#x} at walk level {} is {}{}", pa_, hw, why,
                              p && p->freed_by ? std::string(" (freed by ") + p->freed_by + ")" : "");
    }
    return 0;
  }
  u64 out;
  std::memcpy(&out, reinterpret_cast<const void*>(v), 8);
  return out;
}

bool Machine::take_hw_stray(std::string* why) {
  if (hw_stray_.empty()) return false;
  if (why) *why = hw_stray_;
  hw_stray_.clear();
  return true;
}

void Machine::set_swapper_pgd(u64 ptr, u64 v) {
  fixmap_ = true;
  if (swapper_protected_) mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ | PROT_WRITE);
  write(ptr, Level::kPgd, v);
  if (swapper_protected_) mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ);
  fixmap_ = false;
}

void Machine::protect_swapper_pg_dir(u64 pgd) {
  set_swapper_pg_dir(pgd);
  size_t i = 0;
  const Page* p = page_of(pgd, &i);
  if (!p || p->slab || pgd != page_va(i) || swapper_protected_) return;
  swapper_protected_ = mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ) == 0;
}

void Machine::set_swapper_pg_dir(u64 pgd) {
  if (swapper_protected_ && pgd != swapper_) {  // another page from now on: this one writable again
    mprotect(reinterpret_cast<void*>(swapper_), swapper_size_, PROT_READ | PROT_WRITE);
    swapper_protected_ = false;
  }
  size_t i = 0;
  const Page* p = page_of(pgd, &i);
  swapper_ = pgd;
  swapper_size_ = !p ? 0 : p->slab ? p->obj_size : page_size_ << p->order;
}

void Machine::mark_pgd(u64 pgd, int /*mm*/, bool live) {
  if (Page* p = page_of(pgd, nullptr)) p->live_pgd = live;
}

size_t Machine::live_owned_by(int mm, std::string* first) const {
  size_t n = 0;
  for (size_t i = 0; i < watermark_; ++i) {
    const Page& p = pages_[i];
    if (p.state == State::kAllocated && p.owner == mm && !p.tail) {
      if (!n && first)
        *first = fmt::format("{} table page {:#x}{}", tgt::level_name(p.level), page_va(i) + p.obj_off,
                             p.page_type != 0xffffffffu ? " (still PG_table)" : "");
      ++n;
    }
  }
  return n;
}

void Machine::drop_owned_by(int mm) {
  for (size_t i = 0; i < watermark_; ++i) {
    Page& p = pages_[i];
    if (p.state == State::kAllocated && p.owner == mm) {
      if (p.page_type != 0xffffffffu) --nr_pagetable_;
      p.page_type = 0xffffffffu;
      p.in_gather = false;
      release_page(i, "harness teardown");
    }
  }
}

long Machine::count_tables(int mm, Level level) const {
  long n = 0;
  for (size_t i = 0; i < watermark_; ++i) {
    const Page& p = pages_[i];
    n += p.state == State::kAllocated && p.owner == mm && p.level == level && !p.in_gather && !p.slab && !p.tail;
  }
  return n;
}

bool Machine::is_live_table(u64 va) const {
  const Page* p = page_of(va, nullptr);
  return p && p->state == State::kAllocated;
}

}  // namespace ptfold::fuzz
