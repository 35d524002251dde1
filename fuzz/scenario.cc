// Scenario decoding (bytes), encoding, and the readable text form.
#include "fuzz/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "fuzz/boot_ops.h"
#include "fuzz/reader.h"
#include "fuzz/runner.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using tgt::Level;

namespace {

// Opcode byte: low nibble picks the op (maps weighted up: they build the
// tables every other op needs), bits 4-6 the mm slot.
constexpr OpKind kOpTable[16] = {
    OpKind::kMap,    OpKind::kMap,    OpKind::kMap,    OpKind::kMap,   OpKind::kMap,
    OpKind::kUnmap,  OpKind::kUnmap,  OpKind::kMunmap, OpKind::kMunmap, OpKind::kGup,
    OpKind::kGup,    OpKind::kDebugVm, OpKind::kMmNew, OpKind::kMmFree, OpKind::kMap,
    OpKind::kMap};
// Opcode bytes 0x8b, 0x9b, ... 0xfb (bit 7 set, low nibble 11: the mm slot
// bits are unused by debug-vm) are the memory-hotplug ops.
constexpr uint8_t kHotOpcode = 0x8b;
int slot_of(uint8_t b) {
  const int s = (b >> 4) & 7;
  return s < 4 ? s : s == 4 ? kKernelMm : 0;
}
uint8_t slot_bits(int mm) { return static_cast<uint8_t>((mm == kKernelMm ? 4 : mm) << 4); }
uint8_t opcode_for(OpKind k) {
  for (uint8_t i = 0; i < 16; ++i)
    if (kOpTable[i] == k) return i;
  return 0;
}

}  // namespace

const ref::Half& half_for(const ref::Geometry& g, int mm) {
  const bool upper = mm == kKernelMm;
  for (const ref::Half& h : g.halves)
    if (h.upper == upper) return h;
  return g.halves.front();
}

static void encode_va(std::vector<uint8_t>& out, u64 va) {
  out.push_back(0x80);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(va >> (8 * i)));
}

const PairFacts& facts_for(const tgt::VariantInfo& v, const ref::Geometry& g) {
  // Asked per input by decode_ops: a model is built once per pair.
  static std::map<std::pair<const tgt::VariantInfo*, const ref::Geometry*>, PairFacts> cache;
  const auto [it, fresh] = cache.try_emplace({&v, &g});
  if (fresh) {
    it->second.view = &harness::linux_view(v.name, g);
    it->second.pa_bits = pa_bits_of(it->second.view->phys_mask_shift, g);
  }
  return it->second;
}

// The PA widths ID_AA64MMFR0_EL1.PARange encodes; a scenario's `memory
// parange=` is one of them, up to the geometry's PA width.
constexpr unsigned kParanges[] = {32, 36, 40, 42, 44, 48, 52};
static size_t paranges_upto(unsigned pa_bits) {
  size_t n = 0;
  while (n < std::size(kParanges) && kParanges[n] <= pa_bits) ++n;
  return n;
}
// Boot memory starts below 256 GiB, GiB-aligned, and ends inside the PA range.
static u64 dram_slots(unsigned parange) {
  return std::min<u64>(256, (u64{1} << (parange - 30)) - 1);
}

// Normalises an op in place for geometry g (idempotent); hot-add ranges lie
// in the `parange`-bit PA space of the scenario's CPU.
static void normalise(Op& op, const ref::Geometry& g, const PairFacts& facts, unsigned parange) {
  const unsigned pa_bits = facts.pa_bits;
  const ref::Half& h = half_for(g, op.mm);
  const u64 pa_mask = pa_bits >= 64 ? ~u64{0} : (u64{1} << pa_bits) - 1;
  switch (op.kind) {
    case OpKind::kMap: {
      if (!block_allowed(*facts.view, op.leaf)) op.leaf = Level::kPte;
      const u64 size = leaf_size(*facts.view, op.leaf);
      op.va = place_in_half(h, op.va, size);
      op.pa = op.pa & pa_mask & ~(size - 1);
      op.race &= 0x1e;
      break;
    }
    case OpKind::kMunmap: {
      op.va = place_in_half(h, op.va, g.page_size());
      op.len = std::clamp<u64>(op.len & ~(g.page_size() - 1), g.page_size(), u64{0x10000} << g.page_shift);
      if (op.len - 1 > h.va_hi - op.va) op.len = h.va_hi - op.va + 1;
      break;
    }
    case OpKind::kDebugVm:
      op.mm = 0;
      op.va = place_in_half(h, op.va, g.page_size());
      break;
    case OpKind::kHotAdd:
    case OpKind::kHotRemove: {
      // One to four leaves anywhere in the CPU's PA space, aligned to the
      // leaf size: whether the linear map can hold them is the range check's
      // question, not the decoder's (hot-remove: pa names the hot-added
      // range to remove).
      op.mm = kKernelMm;
      op.va = 0;
      // alloc_init_pud() maps pud blocks only with 4K pages
      // (pud_sect_supported()) and goes on to pmd blocks otherwise.
      if (op.leaf == Level::kPud && (g.page_shift != 12 || !block_allowed(*facts.view, op.leaf))) op.leaf = Level::kPmd;
      if (!block_allowed(*facts.view, op.leaf) || op.kind == OpKind::kHotRemove) op.leaf = Level::kPte;
      const u64 size = op.kind == OpKind::kHotAdd ? leaf_size(*facts.view, op.leaf) : g.page_size();
      op.len = op.kind == OpKind::kHotAdd ? std::clamp<u64>(op.len / size, 1, 4) * size : 0;
      const u64 mask = (u64{1} << std::min(parange, pa_bits)) - 1;
      op.pa &= mask & ~(size - 1);
      if (op.len && op.pa + op.len - 1 > mask) op.pa = (mask - op.len + 1) & ~(size - 1);
      break;
    }
    default:
      op.va = place_in_half(h, op.va, g.page_size());
      break;
  }
}

bool decode_ops(const uint8_t* data, size_t size, const std::vector<harness::Pair>& pairs,
                Scenario* out) {
  if (size < 2 || pairs.empty()) return false;
  Reader r(data, size);
  const harness::Pair& p = pairs[r.u8() % pairs.size()];
  const ref::Geometry& g = *p.geometry;
  // Filled in place: a caller that reuses *out allocates nothing per input.
  Scenario& s = *out;
  s.variant = p.variant->name;
  s.geometry = g.name;
  s.ops.clear();
  const PairFacts& facts = facts_for(*p.variant, g);
  const uint8_t opt = r.u8();
  const auto offs = phys_offsets_for(facts.pa_bits);
  s.phys_offset = offs[(opt & 3) % offs.size()];
  s.slab_slot = (opt >> 2) & 7;
  s.page_type = (opt & 0x20) ? PageTypeEncoding::kLegacy : PageTypeEncoding::kPgty;
  s.memory = BootMemoryOpts{};
  if (opt & 0x40) {
    const uint8_t dram = r.u8(), pr = r.u8();
    s.memory.set = true;
    s.memory.parange = kParanges[pr % paranges_upto(facts.pa_bits)];
    s.memory.dram = (dram % dram_slots(s.memory.parange)) << 30;
    s.memory.kaslr = r.u16le();
  }
  const unsigned parange = parange_of(s, facts.pa_bits);
  while (!r.empty() && s.ops.size() < kMaxOps) {
    const uint8_t b = r.u8();
    Op op;
    if (boot_opcode(b, &op.kind)) {
      decode_boot_op(r, *p.variant, g, &op);
      s.ops.push_back(op);
      continue;
    }
    if ((b & 0x8f) == kHotOpcode) {
      // f: bit 0 remove, bits 1-2 leaf level (pte, pmd, pud), bits 3-4
      // leaves - 1, bits 5-6 where pa lies: k leaves above the boot memory,
      // k + 1 below it (both u16 k), or a raw pfn (u40).
      const uint8_t f = r.u8();
      op.kind = f & 1 ? OpKind::kHotRemove : OpKind::kHotAdd;
      op.leaf = ((f >> 1) & 3) == 1 ? Level::kPmd : ((f >> 1) & 3) == 2 ? Level::kPud : Level::kPte;
      const u64 leaf = leaf_size(*facts.view, op.leaf);
      if (op.kind == OpKind::kHotAdd) op.len = (((f >> 3) & 3) + u64{1}) * leaf;
      switch ((f >> 5) & 3) {
        case 0: op.pa = s.memory.dram + BootMemoryOpts::kDramSize + r.u16le() * leaf; break;
        case 1: op.pa = s.memory.dram - (r.u16le() + u64{1}) * leaf; break;
        default: op.pa = r.u40le() << g.page_shift; break;
      }
      normalise(op, g, facts, parange);
      s.ops.push_back(op);
      continue;
    }
    op.kind = kOpTable[b & 15];
    op.mm = slot_of(b);
    switch (op.kind) {
      case OpKind::kMap: {
        const uint8_t f = r.u8();
        op.leaf = (f & 3) == 1 ? Level::kPmd : (f & 3) == 2 ? Level::kPud : Level::kPte;
        op.race = ((f >> 2) & 0xf) << 1;
        op.va = decode_va(r, g, half_for(g, op.mm));
        op.pa = r.u40le() << g.page_shift;
        break;
      }
      case OpKind::kMunmap:
        op.va = decode_va(r, g, half_for(g, op.mm));
        op.len = (u64{r.u16le()} + 1) << g.page_shift;
        break;
      case OpKind::kUnmap:
      case OpKind::kGup:
        op.va = decode_va(r, g, half_for(g, op.mm));
        break;
      case OpKind::kDebugVm:
        op.mm = 0;
        op.va = decode_va(r, g, half_for(g, 0));
        break;
      case OpKind::kMmNew:
      case OpKind::kMmFree:
      default:
        break;
    }
    normalise(op, g, facts, parange);
    s.ops.push_back(op);
  }
  return true;
}

std::vector<uint8_t> encode_ops(const Scenario& s, const std::vector<harness::Pair>& pairs) {
  size_t idx = pairs.size();
  for (size_t i = 0; i < pairs.size(); ++i)
    if (pairs[i].variant->name == s.variant && pairs[i].geometry->name == s.geometry) idx = i;
  if (idx == pairs.size() || idx > 255)
    throw ScenarioError(fmt::format("variant {} on {} is not among the {} selected pairs", s.variant,
                                    s.geometry, pairs.size()));
  const ref::Geometry& g = *pairs[idx].geometry;
  const auto offs = phys_offsets_for(pa_bits_for(*pairs[idx].variant, g));
  const auto off = std::find(offs.begin(), offs.end(), s.phys_offset);
  if (off == offs.end())
    throw ScenarioError(fmt::format("phys offset {:#x} is not one the decoder can choose on {}", s.phys_offset, g.name));
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(idx));
  out.push_back(static_cast<uint8_t>((off - offs.begin()) | ((s.slab_slot & 7) << 2) |
                                     (s.page_type == PageTypeEncoding::kLegacy ? 0x20 : 0) |
                                     (s.memory.set ? 0x40 : 0)));
  if (s.memory.set) {
    const unsigned* pr = std::find(std::begin(kParanges), std::end(kParanges), s.memory.parange);
    out.push_back(static_cast<uint8_t>(s.memory.dram >> 30));
    out.push_back(static_cast<uint8_t>(pr - std::begin(kParanges)));
    out.push_back(static_cast<uint8_t>(s.memory.kaslr));
    out.push_back(static_cast<uint8_t>(s.memory.kaslr >> 8));
  }
  for (const Op& op : s.ops) {
    if (is_boot_op(op.kind)) {
      encode_boot_op(out, op, *pairs[idx].variant, g);
      continue;
    }
    if (op.kind == OpKind::kHotAdd || op.kind == OpKind::kHotRemove) {
      const u64 size = leaf_size(*facts_for(*pairs[idx].variant, g).view, op.leaf);
      const uint8_t lv = op.leaf == Level::kPmd ? 1 : op.leaf == Level::kPud ? 2 : 0;
      const uint8_t n = op.kind == OpKind::kHotAdd ? static_cast<uint8_t>(op.len / size - 1) : 0;
      out.push_back(kHotOpcode);
      out.push_back(static_cast<uint8_t>((op.kind == OpKind::kHotRemove ? 1 : 0) | (lv << 1) | ((n & 3) << 3) |
                                         (2 << 5)));  // a raw pfn
      const u64 pfn = op.pa >> g.page_shift;
      for (int i = 0; i < 5; ++i) out.push_back(static_cast<uint8_t>(pfn >> (8 * i)));
      continue;
    }
    out.push_back(static_cast<uint8_t>(opcode_for(op.kind) | slot_bits(op.mm)));
    switch (op.kind) {
      case OpKind::kMap: {
        const uint8_t lv = op.leaf == Level::kPmd ? 1 : op.leaf == Level::kPud ? 2 : 0;
        out.push_back(static_cast<uint8_t>(lv | (((op.race >> 1) & 0xf) << 2)));
        encode_va(out, op.va);
        const u64 pfn = op.pa >> g.page_shift;
        for (int i = 0; i < 5; ++i) out.push_back(static_cast<uint8_t>(pfn >> (8 * i)));
        break;
      }
      case OpKind::kMunmap: {
        encode_va(out, op.va);
        const u64 n = std::min<u64>((op.len >> g.page_shift) - 1, 0xffff);
        out.push_back(static_cast<uint8_t>(n));
        out.push_back(static_cast<uint8_t>(n >> 8));
        break;
      }
      case OpKind::kUnmap:
      case OpKind::kGup:
      case OpKind::kDebugVm:
        encode_va(out, op.va);
        break;
      case OpKind::kMmNew:
      case OpKind::kMmFree:
      default:
        break;
    }
  }
  return out;
}

// --- text ---------------------------------------------------------------------

static std::string mm_name(int mm) { return mm == kKernelMm ? "kernel" : fmt::format("mm{}", mm); }

std::string op_text(const Op& op) {
  switch (op.kind) {
    case OpKind::kMap: {
      std::string s = fmt::format("map {} va={:#x} pa={:#x} level={}", mm_name(op.mm), op.va, op.pa,
                                  tgt::level_name(op.leaf));
      if (op.race) {
        s += " race=";
        bool first = true;
        for (int l = 1; l <= 4; ++l)
          if (op.race & (1u << l)) {
            s += (first ? "" : ",") + std::string(tgt::level_name(static_cast<Level>(l)));
            first = false;
          }
      }
      return s;
    }
    case OpKind::kUnmap: return fmt::format("unmap {} va={:#x}", mm_name(op.mm), op.va);
    case OpKind::kMunmap: return fmt::format("munmap {} va={:#x} len={:#x}", mm_name(op.mm), op.va, op.len);
    case OpKind::kGup: return fmt::format("gup {} va={:#x}", mm_name(op.mm), op.va);
    case OpKind::kDebugVm: return fmt::format("debug-vm va={:#x}", op.va);
    case OpKind::kMmNew: return fmt::format("mm-new {}", mm_name(op.mm));
    case OpKind::kMmFree: return fmt::format("mm-free {}", mm_name(op.mm));
    case OpKind::kHotAdd:
      return fmt::format("hot-add pa={:#x} len={:#x} level={}", op.pa, op.len, tgt::level_name(op.leaf));
    case OpKind::kHotRemove: return fmt::format("hot-remove pa={:#x}", op.pa);
    default: return boot_op_text(op);
  }
  return "?";
}

std::string to_text(const Scenario& s) {
  std::string out = fmt::format("variant {}\ngeometry {}\noptions phys={:#x} slab={} page-type={}\n", s.variant,
                                s.geometry, s.phys_offset, s.slab_slot,
                                s.page_type == PageTypeEncoding::kLegacy ? "legacy" : "pgty");
  if (s.memory.set)
    out += fmt::format("memory dram={:#x} parange={} kaslr={:#x}\n", s.memory.dram, s.memory.parange, s.memory.kaslr);
  for (const Op& op : s.ops) out += op_text(op) + "\n";
  return out;
}

bool looks_like_text(const uint8_t* data, size_t size) {
  std::string_view v(reinterpret_cast<const char*>(data), std::min<size_t>(size, 8));
  return v.starts_with("#") || v.starts_with("variant ") || v.starts_with("geometry");
}

namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

u64 parse_num(std::string_view v, int line, std::string_view key) {
  int base = 10;
  if (v.starts_with("0x") || v.starts_with("0X")) {
    v.remove_prefix(2);
    base = 16;
  }
  u64 out = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size())
    throw ScenarioError(fmt::format("line {}: malformed number for {}: '{}'", line, key, v));
  return out;
}

int parse_mm(std::string_view w, int line) {
  if (w == "kernel") return kKernelMm;
  if (w.size() == 3 && w.starts_with("mm") && w[2] >= '0' && w[2] < '0' + kUserMms) return w[2] - '0';
  throw ScenarioError(fmt::format("line {}: expected mm0..mm3 or kernel, got '{}'", line, w));
}

Level parse_level(std::string_view w, int line) {
  for (int l = 0; l < tgt::kLevels; ++l)
    if (w == tgt::level_name(static_cast<Level>(l))) return static_cast<Level>(l);
  throw ScenarioError(fmt::format("line {}: unknown level '{}'", line, w));
}

}  // namespace

Scenario parse_text(std::string_view text) {
  Scenario s;
  int line_no = 0;
  bool have_variant = false, have_geometry = false;
  const ref::Geometry* g = nullptr;
  const tgt::VariantInfo* vinfo = nullptr;
  unsigned pa_bits = 48;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto w = split_words(line);
    if (w.empty()) continue;
    std::map<std::string_view, std::string_view> kv;
    for (size_t i = 1; i < w.size(); ++i)
      if (const size_t eq = w[i].find('='); eq != std::string_view::npos)
        kv[w[i].substr(0, eq)] = w[i].substr(eq + 1);
    auto need = [&](std::string_view k) {
      auto it = kv.find(k);
      if (it == kv.end()) throw ScenarioError(fmt::format("line {}: '{}' needs {}=", line_no, w[0], k));
      return parse_num(it->second, line_no, k);
    };
    const std::string_view cmd = w[0];
    if (cmd == "variant" || cmd == "geometry") {
      if (w.size() != 2) throw ScenarioError(fmt::format("line {}: '{}' takes one name", line_no, cmd));
      (cmd == "variant" ? s.variant : s.geometry) = std::string(w[1]);
      (cmd == "variant" ? have_variant : have_geometry) = true;
      if (have_variant && have_geometry) {
        const tgt::VariantInfo* v = tgt::find_variant(s.variant);
        g = ref::find(s.geometry);
        if (!v) throw ScenarioError(fmt::format("line {}: unknown variant '{}'", line_no, s.variant));
        if (!g) throw ScenarioError(fmt::format("line {}: unknown geometry '{}'", line_no, s.geometry));
        if (g->family != v->family)
          throw ScenarioError(fmt::format("line {}: variant {} runs on {} geometries, not {}", line_no,
                                          s.variant, v->family, s.geometry));
        pa_bits = pa_bits_for(*v, *g);
        vinfo = v;
      }
      continue;
    }
    if (!g) throw ScenarioError(fmt::format("line {}: 'variant' and 'geometry' must come first", line_no));
    if (cmd == "options") {
      if (kv.count("phys")) s.phys_offset = need("phys");
      if (kv.count("slab")) s.slab_slot = static_cast<unsigned>(need("slab") & 7);
      if (auto it = kv.find("page-type"); it != kv.end()) {
        if (it->second == "legacy") s.page_type = PageTypeEncoding::kLegacy;
        else if (it->second == "pgty") s.page_type = PageTypeEncoding::kPgty;
        else throw ScenarioError(fmt::format("line {}: page-type is pgty or legacy", line_no));
      }
      const auto offs = phys_offsets_for(pa_bits);
      if (std::find(offs.begin(), offs.end(), s.phys_offset) == offs.end())
        throw ScenarioError(fmt::format("line {}: phys={:#x} is not a physical offset for {} (choose one of {})",
                                        line_no, s.phys_offset, s.geometry, fmt::join(offs, ", ")));
      continue;
    }
    if (cmd == "memory") {
      if (!s.ops.empty()) throw ScenarioError(fmt::format("line {}: 'memory' must come before the ops", line_no));
      s.memory.set = true;
      s.memory.dram = need("dram");
      s.memory.parange = static_cast<unsigned>(need("parange"));
      s.memory.kaslr = kv.count("kaslr") ? static_cast<unsigned>(need("kaslr")) : 0;
      const size_t n = paranges_upto(pa_bits);
      if (std::find(kParanges, kParanges + n, s.memory.parange) == kParanges + n)
        throw ScenarioError(fmt::format("line {}: parange={} is not a PA width of {} (choose one of {})", line_no,
                                        s.memory.parange, s.geometry, fmt::join(kParanges, kParanges + n, ", ")));
      if (s.memory.dram % BootMemoryOpts::kDramSize || (s.memory.dram >> 30) >= dram_slots(s.memory.parange))
        throw ScenarioError(fmt::format("line {}: dram={:#x} is not a GiB-aligned start below {:#x} (the boot "
                                        "memory is 1 GiB inside the PA range, starting below 256 GiB)",
                                        line_no, s.memory.dram, dram_slots(s.memory.parange) << 30));
      if (s.memory.kaslr > 0xffff)
        throw ScenarioError(fmt::format("line {}: kaslr={:#x} is not a 16-bit seed", line_no, s.memory.kaslr));
      continue;
    }
    if (s.ops.size() >= kMaxOps)
      throw ScenarioError(fmt::format("line {}: more than {} ops", line_no, kMaxOps));
    Op op;
    if (parse_boot_op(cmd, need, &op)) {
      normalise_boot_op(&op, *vinfo, *g);
      s.ops.push_back(op);
      continue;
    }
    if (cmd == "hot-add" || cmd == "hot-remove") {
      op.kind = cmd == "hot-add" ? OpKind::kHotAdd : OpKind::kHotRemove;
      op.pa = need("pa");
      if (op.kind == OpKind::kHotAdd) {
        op.len = need("len");
        if (auto it = kv.find("level"); it != kv.end()) op.leaf = parse_level(it->second, line_no);
      }
      normalise(op, *g, facts_for(*vinfo, *g), parange_of(s, pa_bits));
      s.ops.push_back(op);
      continue;
    }
    if (cmd == "map") op.kind = OpKind::kMap;
    else if (cmd == "unmap") op.kind = OpKind::kUnmap;
    else if (cmd == "munmap") op.kind = OpKind::kMunmap;
    else if (cmd == "gup") op.kind = OpKind::kGup;
    else if (cmd == "debug-vm") op.kind = OpKind::kDebugVm;
    else if (cmd == "mm-new") op.kind = OpKind::kMmNew;
    else if (cmd == "mm-free") op.kind = OpKind::kMmFree;
    else throw ScenarioError(fmt::format("line {}: unknown statement '{}'", line_no, cmd));
    if (op.kind != OpKind::kDebugVm) {
      if (w.size() < 2) throw ScenarioError(fmt::format("line {}: '{}' needs an mm", line_no, cmd));
      op.mm = parse_mm(w[1], line_no);
    }
    if (op.kind != OpKind::kMmNew && op.kind != OpKind::kMmFree) op.va = need("va");
    if (op.kind == OpKind::kMap) {
      op.pa = need("pa");
      if (auto it = kv.find("level"); it != kv.end()) op.leaf = parse_level(it->second, line_no);
      if (auto it = kv.find("race"); it != kv.end()) {
        std::string_view r = it->second;
        while (!r.empty()) {
          const size_t c = r.find(',');
          op.race |= 1u << static_cast<int>(parse_level(r.substr(0, c), line_no));
          r = c == std::string_view::npos ? std::string_view() : r.substr(c + 1);
        }
      }
    }
    if (op.kind == OpKind::kMunmap) op.len = need("len");
    normalise(op, *g, facts_for(*vinfo, *g), parange_of(s, pa_bits));
    s.ops.push_back(op);
  }
  if (!g) throw ScenarioError("scenario names no variant and geometry (add 'variant NAME' and 'geometry NAME' lines)");
  return s;
}

}  // namespace ptfold::fuzz
