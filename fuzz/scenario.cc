// Scenario decoding (bytes), encoding, and the readable text form, all
// driven by the op registry (fuzz/ops.def); the grammar is docs/scenario.md.
#include "fuzz/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include "fuzz/boot_ops.h"
#include "fuzz/reader.h"
#include "fuzz/runner.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using tgt::Level;

ScenarioError::ScenarioError(int line_, std::string what_, std::string fix_)
    : std::runtime_error(line_ > 0 ? fmt::format("line {}: {}", line_, what_) : what_),
      line(line_),
      problem(std::move(what_)),
      fix(std::move(fix_)) {}

// --- the registry -------------------------------------------------------------

namespace {

constexpr OpInfo kOps[] = {
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) \
  {OpKind::k##kind, text, opcode, slots, keys},
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
};
static_assert(std::size(kOps) == kOpKinds);

// The op each of the 32 opcodes decodes to; kOpKinds for a free one. Two
// registry lines claiming one opcode fail to compile.
constexpr std::array<uint8_t, 1u << kOpcodeBits> make_opcode_table() {
  std::array<uint8_t, 1u << kOpcodeBits> t{};
  for (auto& e : t) e = kOpKinds;
  for (size_t i = 0; i < kOpKinds; ++i)
    for (unsigned c = kOps[i].opcode; c < unsigned{kOps[i].opcode} + kOps[i].slots; ++c) {
      if (c >= t.size() || t[c] != kOpKinds) throw "fuzz/ops.def: opcodes overlap or exceed 5 bits";
      t[c] = static_cast<uint8_t>(i);
    }
  return t;
}
constexpr auto kOpcodeTable = make_opcode_table();

// A key of an op's text form, parsed from its `keys` column once.
enum class Field : uint8_t { kVa, kPa, kLen, kLevel, kRace };
struct KeySpec {
  std::string_view key;
  Field field;
  bool optional;
};
struct TextForm {
  bool mm = false;
  std::vector<KeySpec> keys;
};

Field field_named(std::string_view f) {
  if (f == "va") return Field::kVa;
  if (f == "pa") return Field::kPa;
  if (f == "len") return Field::kLen;
  if (f == "level") return Field::kLevel;
  if (f == "race") return Field::kRace;
  throw std::logic_error("fuzz/ops.def: unknown field " + std::string(f));
}

const TextForm& text_form(OpKind k) {
  static const std::vector<TextForm> forms = [] {
    std::vector<TextForm> out;
    for (const OpInfo& op : kOps) {
      TextForm f;
      std::string_view rest = op.keys;
      while (!rest.empty()) {
        const size_t sp = rest.find(' ');
        std::string_view tok = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        if (tok.empty()) continue;
        if (tok == "mm") {
          f.mm = true;
          continue;
        }
        KeySpec ks{tok, Field::kVa, false};
        if (tok.ends_with('?')) {
          ks.optional = true;
          tok.remove_suffix(1);
        }
        const size_t colon = tok.find(':');
        ks.key = tok.substr(0, colon);
        ks.field = field_named(colon == std::string_view::npos ? tok : tok.substr(colon + 1));
        f.keys.push_back(ks);
      }
      out.push_back(std::move(f));
    }
    return out;
  }();
  return forms[static_cast<size_t>(k)];
}

u64 field_value(const Op& op, Field f) {
  switch (f) {
    case Field::kVa: return op.va;
    case Field::kPa: return op.pa;
    case Field::kLen: return op.len;
    case Field::kLevel: return static_cast<u64>(op.leaf);
    case Field::kRace: return op.race;
  }
  return 0;
}

}  // namespace

const OpInfo& op_info(OpKind k) { return kOps[static_cast<size_t>(k)]; }

const OpInfo* find_op(std::string_view text) {
  for (const OpInfo& op : kOps)
    if (op.text == text) return &op;
  return nullptr;
}

const ref::Half& half_for(const ref::Geometry& g, int mm) {
  const bool upper = mm == kKernelMm;
  for (const ref::Half& h : g.halves)
    if (h.upper == upper) return h;
  return g.halves.front();
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
      // Leaves at pte, pmd or pud only: what the decoder's two level bits say.
      if (op.leaf < Level::kPud || !block_allowed(*facts.view, op.leaf)) op.leaf = Level::kPte;
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
    case OpKind::kGupRace:
      // The writer strikes at pgd..pmd (a pte has no descent after it), at
      // one level at least: without one the op is gup.
      op.va = place_in_half(h, op.va, g.page_size());
      op.race &= 0xf;
      if (op.race == 0) op.race = 1;
      break;
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
      if (op.leaf < Level::kPud) op.leaf = Level::kPte;
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


// --- bytes ----------------------------------------------------------------------

namespace {

// What decoding an op needs of its scenario.
struct Ctx {
  const tgt::VariantInfo& v;
  const ref::Geometry& g;
  const PairFacts& facts;
  const BootMemoryOpts& memory;
  unsigned parange;
};

void put_le(std::vector<uint8_t>& out, u64 v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
// A raw VA (mode byte with bit 7 set): what the encoder always writes.
void put_va(std::vector<uint8_t>& out, u64 va) {
  out.push_back(0x80);
  put_le(out, va, 8);
}
// Leaf levels in two bits: pte, pmd, pud (3 reads as pte).
Level level_of(unsigned bits) { return bits == 1 ? Level::kPmd : bits == 2 ? Level::kPud : Level::kPte; }
uint8_t level_bits(Level l) { return l == Level::kPmd ? 1 : l == Level::kPud ? 2 : 0; }
// Page frame numbers take six bytes: every PA below 2^60 (RISC-V's 56-bit
// PAs included) survives the round trip.
u64 get_pfn(Reader& r, const ref::Geometry& g) { return r.u48le() << g.page_shift; }
void put_pfn(std::vector<uint8_t>& out, u64 pa, const ref::Geometry& g) { put_le(out, pa >> g.page_shift, 6); }

// map: level bits 0-1, raced allocations bits 2-5 (p4d..pte), VA, pfn.
void decode_map(Reader& r, const Ctx& c, Op& op) {
  const uint8_t f = r.u8();
  op.leaf = level_of(f & 3);
  op.race = ((f >> 2) & 0xf) << 1;
  op.va = decode_va(r, c.g, half_for(c.g, op.mm));
  op.pa = get_pfn(r, c.g);
}
void encode_map(std::vector<uint8_t>& out, const Ctx& c, const Op& op) {
  out.push_back(static_cast<uint8_t>(level_bits(op.leaf) | (((op.race >> 1) & 0xf) << 2)));
  put_va(out, op.va);
  put_pfn(out, op.pa, c.g);
}

void decode_va(Reader& r, const Ctx& c, Op& op) { op.va = decode_va(r, c.g, half_for(c.g, op.mm)); }
void encode_va(std::vector<uint8_t>& out, const Ctx&, const Op& op) { put_va(out, op.va); }

// munmap: VA, then pages - 1 (u16).
void decode_munmap(Reader& r, const Ctx& c, Op& op) {
  op.va = decode_va(r, c.g, half_for(c.g, op.mm));
  op.len = (u64{r.u16le()} + 1) << c.g.page_shift;
}
void encode_munmap(std::vector<uint8_t>& out, const Ctx& c, const Op& op) {
  put_va(out, op.va);
  put_le(out, std::min<u64>((op.len >> c.g.page_shift) - 1, 0xffff), 2);
}

// gup-race: raced levels (bits 0-3: pgd..pmd), then VA.
void decode_gup_race(Reader& r, const Ctx& c, Op& op) {
  op.race = r.u8() & 0xf;
  op.va = decode_va(r, c.g, half_for(c.g, op.mm));
}
void encode_gup_race(std::vector<uint8_t>& out, const Ctx&, const Op& op) {
  out.push_back(static_cast<uint8_t>(op.race & 0xf));
  put_va(out, op.va);
}

void decode_none(Reader&, const Ctx&, Op&) {}
void encode_none(std::vector<uint8_t>&, const Ctx&, const Op&) {}

// hot-add / hot-remove: f = level bits 0-1, leaves - 1 bits 2-3, bits 4-5
// where pa lies: k leaves above the boot memory, k + 1 below it (both u16
// k), or a raw pfn.
void decode_hotplug(Reader& r, const Ctx& c, Op& op) {
  const uint8_t f = r.u8();
  op.leaf = level_of(f & 3);
  const u64 leaf = leaf_size(*c.facts.view, op.leaf);
  if (op.kind == OpKind::kHotAdd) op.len = (((f >> 2) & 3) + u64{1}) * leaf;
  switch ((f >> 4) & 3) {
    case 0: op.pa = c.memory.dram + BootMemoryOpts::kDramSize + r.u16le() * leaf; break;
    case 1: op.pa = c.memory.dram - (r.u16le() + u64{1}) * leaf; break;
    default: op.pa = get_pfn(r, c.g); break;
  }
}
void encode_hotplug(std::vector<uint8_t>& out, const Ctx& c, const Op& op) {
  const u64 n = op.kind == OpKind::kHotAdd ? op.len / leaf_size(*c.facts.view, op.leaf) - 1 : 0;
  out.push_back(static_cast<uint8_t>(level_bits(op.leaf) | ((n & 3) << 2) | (2 << 4)));
  put_pfn(out, op.pa, c.g);
}

void decode_boot(Reader& r, const Ctx& c, Op& op) { decode_boot_op(r, c.v, c.g, &op); }
void encode_boot(std::vector<uint8_t>& out, const Ctx& c, const Op& op) { encode_boot_op(out, op, c.v, c.g); }

using Decoder = void (*)(Reader&, const Ctx&, Op&);
using Encoder = void (*)(std::vector<uint8_t>&, const Ctx&, const Op&);
constexpr Decoder kDecoders[] = {
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) &decode_##codec,
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
};
constexpr Encoder kEncoders[] = {
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) &encode_##codec,
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
};

// The mm slot in an op byte's top three bits: 0-3 the user mms, 4 init_mm,
// 5-7 mm0.
int slot_of(uint8_t b) {
  const int s = b >> kOpcodeBits;
  return s < kUserMms ? s : s == kUserMms ? kKernelMm : 0;
}
uint8_t slot_bits(int mm) { return static_cast<uint8_t>((mm == kKernelMm ? kUserMms : mm) << kOpcodeBits); }

// The canonical op: its values normalised for the scenario (idempotent).
void normalise_op(Op& op, const Ctx& c) {
  if (!text_form(op.kind).mm) op.mm = 0;
  if (is_boot_op(op.kind))
    normalise_boot_op(&op, c.v, c.g);
  else
    normalise(op, c.g, c.facts, c.parange);
  // Fields the op's text form lacks are zero: they could not round-trip.
  bool has[5] = {};
  for (const KeySpec& k : text_form(op.kind).keys) has[static_cast<int>(k.field)] = true;
  if (!has[static_cast<int>(Field::kVa)]) op.va = 0;
  if (!has[static_cast<int>(Field::kPa)]) op.pa = 0;
  if (!has[static_cast<int>(Field::kLen)]) op.len = 0;
  if (!has[static_cast<int>(Field::kLevel)]) op.leaf = Level::kPte;
  if (!has[static_cast<int>(Field::kRace)]) op.race = 0;
}

}  // namespace

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
  // Options: bits 0-1 the phys offset, 2-4 the slab slot, 5 the page_type
  // encoding, 6 a memory statement (four bytes follow).
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
  const Ctx c{*p.variant, g, facts, s.memory, parange_of(s, facts.pa_bits)};
  while (!r.empty() && s.ops.size() < kMaxOps) {
    const uint8_t b = r.u8();
    const uint8_t k = kOpcodeTable[b & ((1u << kOpcodeBits) - 1)];
    if (k == kOpKinds) continue;  // a free opcode: no op
    Op op;
    op.kind = static_cast<OpKind>(k);
    op.mm = text_form(op.kind).mm ? slot_of(b) : 0;
    kDecoders[k](r, c, op);
    normalise_op(op, c);
    s.ops.push_back(op);
  }
  return true;
}

std::vector<uint8_t> encode_ops(const Scenario& s, const std::vector<harness::Pair>& pairs) {
  size_t idx = pairs.size();
  for (size_t i = 0; i < pairs.size(); ++i)
    if (pairs[i].variant->name == s.variant && pairs[i].geometry->name == s.geometry) idx = i;
  if (idx == pairs.size() || idx > 255)
    throw ScenarioError(0, fmt::format("variant {} on {} is not among the {} selected pairs", s.variant, s.geometry,
                                       pairs.size()),
                        "encode it for a selection that has the pair");
  const ref::Geometry& g = *pairs[idx].geometry;
  const PairFacts& facts = facts_for(*pairs[idx].variant, g);
  const auto offs = phys_offsets_for(facts.pa_bits);
  const auto off = std::find(offs.begin(), offs.end(), s.phys_offset);
  if (off == offs.end())
    throw ScenarioError(0, fmt::format("phys offset {:#x} is not one the decoder can choose on {}", s.phys_offset, g.name),
                        fmt::format("choose one of {:#x}", fmt::join(offs, ", ")));
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(idx));
  out.push_back(static_cast<uint8_t>((off - offs.begin()) | ((s.slab_slot & 7) << 2) |
                                     (s.page_type == PageTypeEncoding::kLegacy ? 0x20 : 0) |
                                     (s.memory.set ? 0x40 : 0)));
  if (s.memory.set) {
    const unsigned* pr = std::find(std::begin(kParanges), std::end(kParanges), s.memory.parange);
    out.push_back(static_cast<uint8_t>(s.memory.dram >> 30));
    out.push_back(static_cast<uint8_t>(pr - std::begin(kParanges)));
    put_le(out, s.memory.kaslr, 2);
  }
  const Ctx c{*pairs[idx].variant, g, facts, s.memory, parange_of(s, facts.pa_bits)};
  for (const Op& op : s.ops) {
    const size_t k = static_cast<size_t>(op.kind);
    out.push_back(static_cast<uint8_t>(kOps[k].opcode | (text_form(op.kind).mm ? slot_bits(op.mm) : 0)));
    kEncoders[k](out, c, op);
  }
  return out;
}

// --- text ---------------------------------------------------------------------

namespace {

std::string mm_name(int mm) { return mm == kKernelMm ? "kernel" : fmt::format("mm{}", mm); }

std::string race_text(unsigned race) {
  std::string s;
  for (int l = 0; l < tgt::kLevels; ++l)
    if (race & (1u << l)) s += (s.empty() ? "" : ",") + std::string(tgt::level_name(static_cast<Level>(l)));
  return s;
}

std::string value_text(const Op& op, Field f) {
  switch (f) {
    case Field::kLevel: return tgt::level_name(op.leaf);
    case Field::kRace: return race_text(op.race);
    default: return fmt::format("{:#x}", field_value(op, f));
  }
}

}  // namespace

std::string op_text(const Op& op) {
  const TextForm& form = text_form(op.kind);
  std::string s(op_info(op.kind).text);
  if (form.mm) s += " " + mm_name(op.mm);
  for (const KeySpec& k : form.keys)
    if (!k.optional || field_value(op, k.field) != 0) s += fmt::format(" {}={}", k.key, value_text(op, k.field));
  return s;
}

std::string to_text(const Scenario& s) {
  std::string out = fmt::format("{}\nvariant {}\ngeometry {}\noptions phys={:#x} slab={} page-type={}\n", kScenarioMagic,
                                s.variant, s.geometry, s.phys_offset, s.slab_slot,
                                s.page_type == PageTypeEncoding::kLegacy ? "legacy" : "pgty");
  if (s.memory.set)
    out += fmt::format("memory dram={:#x} parange={} kaslr={:#x}\n", s.memory.dram, s.memory.parange, s.memory.kaslr);
  for (const Op& op : s.ops) out += op_text(op) + "\n";
  return out;
}

bool is_scenario_text(const uint8_t* data, size_t size) {
  const std::string_view v(reinterpret_cast<const char*>(data), size);
  return v.starts_with(kScenarioMagic) && (v.size() == kScenarioMagic.size() || v[kScenarioMagic.size()] == '\n');
}

bool looks_like_unmarked_text(const uint8_t* data, size_t size) {
  // Text: no control byte but tab, CR and LF (fuzz bytes nearly always have
  // one), and a start a scenario author would write.
  for (size_t i = 0; i < size; ++i)
    if (data[i] < 0x20 && data[i] != '\t' && data[i] != '\n' && data[i] != '\r') return false;
  const std::string_view v(reinterpret_cast<const char*>(data), std::min<size_t>(size, 16));
  for (std::string_view w : {"#", "\n", "\r\n", " ", "\t", "\xef\xbb\xbf", "variant", "geometry", "options", "memory",
                             "ptfold-scenario"})
    if (v.starts_with(w)) return true;
  return false;
}

namespace {

// The statement words, for "unknown statement" messages.
std::string statement_list() {
  std::string s = "variant, geometry, options, memory";
  for (const OpInfo& op : kOps) s += fmt::format(", {}", op.text);
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, bool magic, bool normalise)
      : text_(text), magic_(magic), normalise_(normalise) {}

  // Two passes: the statements and headers first, the ops' values second,
  // so that a misplaced header (a second geometry after the ops) is the
  // error reported, not a value judged against the wrong geometry.
  Scenario run() {
    structure_only_ = true;
    pass();
    *this = Parser(text_, magic_, normalise_);
    pass();
    return std::move(s_);
  }

 private:
  void pass() {
    size_t pos = 0;
    while (pos < text_.size()) {
      size_t nl = text_.find('\n', pos);
      if (nl == std::string_view::npos) nl = text_.size();
      std::string_view line = text_.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_;
      if (line.ends_with('\r')) line.remove_suffix(1);
      if (line_ == 1 && magic_) {
        if (line != kScenarioMagic)
          fail(fmt::format("the first line is not '{}'", kScenarioMagic),
               fmt::format("start scenario text with the line '{}'; anything else is read as fuzz bytes", kScenarioMagic));
        continue;
      }
      statement(line);
    }
    if (line_ == 0) {
      line_ = 1;
      fail(fmt::format("the first line is not '{}'", kScenarioMagic), "the file is empty: give a scenario or fuzz bytes");
    }
    if (stage_ < kHeaders)
      fail(stage_ == kStart ? "no 'variant' statement" : "no 'geometry' statement",
           "name the target with 'variant NAME' and then 'geometry NAME' (`ptfold variants`, `ptfold geometries`)");
  }

 private:
  enum Stage { kStart, kVariant, kHeaders, kOptions, kMemory, kInOps };

  [[noreturn]] void fail(std::string what, std::string fix) { throw ScenarioError(line_, std::move(what), std::move(fix)); }

  // Splits a line into words; the comment and the line's characters checked.
  std::vector<std::string_view> words(std::string_view line) {
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      for (char ch : line.substr(hash))
        if (ch == '\0' || (static_cast<unsigned char>(ch) < 0x20 && ch != '\t'))
          fail(fmt::format("control character {:#04x} in a comment", static_cast<unsigned char>(ch)),
               "scenario text is plain text: remove it");
      line = line.substr(0, hash);
    }
    for (char ch : line) {
      const auto u = static_cast<unsigned char>(ch);
      if ((u < 0x20 && ch != '\t') || u > 0x7e)
        fail(fmt::format("byte {:#04x} outside a comment", u), "statements are ASCII words separated by spaces");
    }
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      if (j > i) out.push_back(line.substr(i, j - i));
      i = j;
    }
    return out;
  }

  u64 number(std::string_view key, std::string_view v) {
    std::string_view d = v;
    int base = 10;
    if (d.starts_with("0x") || d.starts_with("0X")) {
      d.remove_prefix(2);
      base = 16;
    }
    u64 out = 0;
    const auto r = std::from_chars(d.data(), d.data() + d.size(), out, base);
    if (d.empty() || r.ec == std::errc::result_out_of_range)
      fail(fmt::format("{}={} is not a 64-bit number", key, v), "give a value in hex (0x...) or decimal below 2^64");
    if (r.ec != std::errc() || r.ptr != d.data() + d.size())
      fail(fmt::format("malformed number {}={}", key, v), "give a value in hex (0x...) or decimal");
    return out;
  }

  Level level(std::string_view key, std::string_view v) {
    for (int l = 0; l < tgt::kLevels; ++l)
      if (v == tgt::level_name(static_cast<Level>(l))) return static_cast<Level>(l);
    fail(fmt::format("unknown level {}={}", key, v), "levels are pgd, p4d, pud, pmd and pte");
  }

  // key=value words after the statement word (and its mm): each key one of
  // `allowed`, none twice, no other words.
  std::map<std::string_view, std::string_view> keyvals(const std::vector<std::string_view>& w, size_t from,
                                                       const std::vector<std::string_view>& allowed) {
    std::map<std::string_view, std::string_view> kv;
    const std::string list = allowed.empty() ? std::string("none") : fmt::format("{}", fmt::join(allowed, ", "));
    for (size_t i = from; i < w.size(); ++i) {
      const size_t eq = w[i].find('=');
      if (eq == std::string_view::npos)
        fail(fmt::format("'{}' does not take the word '{}'", w[0], w[i]),
             fmt::format("'{}' takes key=value words ({})", w[0], list));
      const std::string_view key = w[i].substr(0, eq);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(fmt::format("'{}' has no key '{}'", w[0], key), fmt::format("its keys: {}", list));
      if (!kv.emplace(key, w[i].substr(eq + 1)).second)
        fail(fmt::format("'{}' gives {}= twice", w[0], key), "give each key once");
    }
    return kv;
  }

  void statement(std::string_view line) {
    const auto w = words(line);
    if (w.empty()) return;
    const std::string_view cmd = w[0];
    if (cmd == "variant" || cmd == "geometry") return name_header(w);
    if (cmd == "options") return options(w);
    if (cmd == "memory") return memory(w);
    const OpInfo* info = find_op(cmd);
    if (!info)
      fail(fmt::format("unknown statement '{}'", cmd), fmt::format("statements: {}", statement_list()));
    if (stage_ < kHeaders) fail(fmt::format("'{}' before the 'variant' and 'geometry' headers", cmd),
                                "a scenario starts with 'variant NAME' and 'geometry NAME'");
    stage_ = kInOps;
    if (++ops_ > kMaxOps)
      fail(fmt::format("more than {} ops", kMaxOps), fmt::format("split the scenario: fuzz_ops runs at most {} ops", kMaxOps));
    if (!structure_only_) s_.ops.push_back(op(*info, w));
  }

  void name_header(const std::vector<std::string_view>& w) {
    const bool variant = w[0] == "variant";
    if (w.size() != 2)
      fail(fmt::format("'{}' takes one name, got {}", w[0], w.size() - 1), fmt::format("write '{} NAME'", w[0]));
    const int seen = variant ? variant_line_ : geometry_line_;
    if (seen)
      fail(fmt::format("a second '{}' (line {} has one)", w[0], seen),
           fmt::format("a scenario runs one {}: remove this line or start another scenario file",
                       variant ? "variant" : "geometry"));
    if (variant && stage_ != kStart) fail("'variant' is not the first statement", "put 'variant NAME' after the first line");
    if (!variant && stage_ != kVariant)
      fail("'geometry' does not follow 'variant'", "put 'geometry NAME' right after 'variant NAME'");
    if (variant) {
      vinfo_ = tgt::find_variant(w[1]);
      if (!vinfo_) fail(fmt::format("unknown variant '{}'", w[1]), "run `ptfold variants` for the names");
      s_.variant = std::string(w[1]);
      variant_line_ = line_;
      stage_ = kVariant;
      return;
    }
    g_ = ref::find(w[1]);
    if (!g_) fail(fmt::format("unknown geometry '{}'", w[1]), "run `ptfold geometries` for the names");
    if (g_->family != vinfo_->family)
      fail(fmt::format("variant {} runs on {} geometries, not {}", s_.variant, vinfo_->family, w[1]),
           fmt::format("pick a {} geometry (`ptfold geometries`)", vinfo_->family));
    s_.geometry = std::string(w[1]);
    geometry_line_ = line_;
    facts_ = &facts_for(*vinfo_, *g_);
    stage_ = kHeaders;
  }

  void header_order(std::string_view cmd, Stage want_before) {
    if (stage_ < kHeaders) fail(fmt::format("'{}' before 'variant' and 'geometry'", cmd), "put it after the 'geometry' line");
    if (stage_ == kInOps) fail(fmt::format("'{}' after the ops", cmd), "headers come before the first op");
    if (stage_ > want_before)
      fail(fmt::format("'{}' {}", cmd, stage_ == kMemory && cmd == "options" ? "after 'memory'" : "given twice"),
           "headers come once, in the order variant, geometry, options, memory");
  }

  void options(const std::vector<std::string_view>& w) {
    header_order("options", kHeaders);
    auto kv = keyvals(w, 1, {"phys", "slab", "page-type"});
    if (auto it = kv.find("phys"); it != kv.end()) {
      s_.phys_offset = number("phys", it->second);
      const auto offs = phys_offsets_for(facts_->pa_bits);
      if (std::find(offs.begin(), offs.end(), s_.phys_offset) == offs.end())
        fail(fmt::format("phys={} is not a physical offset of {}", it->second, s_.geometry),
             fmt::format("choose one of {:#x}", fmt::join(offs, ", ")));
    }
    if (auto it = kv.find("slab"); it != kv.end()) {
      const u64 slab = number("slab", it->second);
      if (slab > 7) fail(fmt::format("slab={} is not a slab slot", it->second), "choose 0 to 7");
      s_.slab_slot = static_cast<unsigned>(slab);
    }
    if (auto it = kv.find("page-type"); it != kv.end()) {
      if (it->second == "legacy") s_.page_type = PageTypeEncoding::kLegacy;
      else if (it->second == "pgty") s_.page_type = PageTypeEncoding::kPgty;
      else fail(fmt::format("page-type={} is not an encoding", it->second), "choose pgty (6.12) or legacy (v6.8/v6.9)");
    }
    stage_ = kOptions;
  }

  void memory(const std::vector<std::string_view>& w) {
    header_order("memory", kOptions);
    auto kv = keyvals(w, 1, {"dram", "parange", "kaslr"});
    for (std::string_view k : {"dram", "parange"})
      if (!kv.count(k)) fail(fmt::format("'memory' needs {}=", k), "write 'memory dram=0x... parange=N [kaslr=0x...]'");
    BootMemoryOpts& m = s_.memory;
    m.set = true;
    const u64 parange = number("parange", kv["parange"]);
    const size_t n = paranges_upto(facts_->pa_bits);
    if (std::find(kParanges, kParanges + n, parange) == kParanges + n)
      fail(fmt::format("parange={} is not a PA width of {}", kv["parange"], s_.geometry),
           fmt::format("choose one of {}", fmt::join(kParanges, kParanges + n, ", ")));
    m.parange = static_cast<unsigned>(parange);
    m.dram = number("dram", kv["dram"]);
    if (m.dram % BootMemoryOpts::kDramSize || (m.dram >> 30) >= dram_slots(m.parange))
      fail(fmt::format("dram={} is not a GiB-aligned start below {:#x}", kv["dram"], dram_slots(m.parange) << 30),
           "the boot memory is 1 GiB inside the PA range, starting below 256 GiB");
    if (kv.count("kaslr")) {
      const u64 kaslr = number("kaslr", kv["kaslr"]);
      if (kaslr > 0xffff) fail(fmt::format("kaslr={} is not a 16-bit seed", kv["kaslr"]), "give a seed up to 0xffff");
      m.kaslr = static_cast<unsigned>(kaslr);
    }
    stage_ = kMemory;
  }

  Op op(const OpInfo& info, const std::vector<std::string_view>& w) {
    const TextForm& form = text_form(info.kind);
    Op op;
    op.kind = info.kind;
    size_t from = 1;
    if (form.mm) {
      if (w.size() < 2 || w[1].find('=') != std::string_view::npos)
        fail(fmt::format("'{}' needs an mm", info.text), fmt::format("write '{} mm0' (mm0..mm3, or kernel)", info.text));
      if (w[1] == "kernel") op.mm = kKernelMm;
      else if (w[1].size() == 3 && w[1].starts_with("mm") && w[1][2] >= '0' && w[1][2] < '0' + kUserMms) op.mm = w[1][2] - '0';
      else fail(fmt::format("'{}' is not an mm", w[1]), "name mm0, mm1, mm2, mm3 or kernel");
      from = 2;
    }
    std::vector<std::string_view> allowed;
    for (const KeySpec& k : form.keys) allowed.push_back(k.key);
    auto kv = keyvals(w, from, allowed);
    for (const KeySpec& k : form.keys) {
      const auto it = kv.find(k.key);
      if (it == kv.end()) {
        if (k.optional) continue;
        fail(fmt::format("'{}' needs {}=", info.text, k.key), fmt::format("write it as: {}", form_help(info)));
      }
      switch (k.field) {
        case Field::kVa: op.va = number(k.key, it->second); break;
        case Field::kPa: op.pa = number(k.key, it->second); break;
        case Field::kLen: op.len = number(k.key, it->second); break;
        case Field::kLevel: op.leaf = level(k.key, it->second); break;
        case Field::kRace: {
          std::string_view r = it->second;
          do {
            const size_t comma = r.find(',');
            const unsigned bit = 1u << static_cast<unsigned>(level(k.key, r.substr(0, comma)));
            if (op.race & bit) fail(fmt::format("{}={} names a level twice", k.key, it->second), "name each level once");
            op.race |= bit;
            r = comma == std::string_view::npos ? std::string_view() : r.substr(comma + 1);
            if (comma != std::string_view::npos && r.empty()) fail(fmt::format("{}={} ends in a comma", k.key, it->second), "remove it");
          } while (!r.empty());
          break;
        }
      }
    }
    // The op must be canonical: what normalising for this scenario leaves
    // unchanged - exactly the ops the byte decoder can produce.
    Op norm = op;
    const Ctx c{*vinfo_, *g_, *facts_, s_.memory, parange_of(s_, facts_->pa_bits)};
    normalise_op(norm, c);
    if (norm.mm != op.mm) op.mm = norm.mm;  // ops without an mm word
    if (normalise_) return norm;
    for (const KeySpec& k : form.keys)
      if (field_value(norm, k.field) != field_value(op, k.field))
        fail(fmt::format("{}={} is not a value '{}' takes on {}{}", k.key, kv.count(k.key) ? kv[k.key] : "", info.text,
                         s_.geometry, k.field == Field::kLevel ? "" : " (out of range or misaligned)"),
             fmt::format("the nearest op it could run is `{}`", op_text(norm)));
    if (!(norm == op))
      fail(fmt::format("'{}' is not an op fuzz_ops can run on {}", info.text, s_.geometry),
           fmt::format("the nearest is `{}`", op_text(norm)));
    return op;
  }

  static std::string form_help(const OpInfo& info) {
    const TextForm& form = text_form(info.kind);
    std::string s(info.text);
    if (form.mm) s += " MM";
    for (const KeySpec& k : form.keys) s += k.optional ? fmt::format(" [{}=...]", k.key) : fmt::format(" {}=...", k.key);
    return s;
  }

  std::string_view text_;
  bool magic_ = true;            // the first line must be kScenarioMagic
  bool normalise_ = false;       // TextMode::kNormalise
  bool structure_only_ = false;  // the first pass: ops are counted, not read
  size_t ops_ = 0;
  int line_ = 0;
  Stage stage_ = kStart;
  int variant_line_ = 0, geometry_line_ = 0;
  const tgt::VariantInfo* vinfo_ = nullptr;
  const ref::Geometry* g_ = nullptr;
  const PairFacts* facts_ = nullptr;
  Scenario s_;
};

}  // namespace

Scenario parse_text(std::string_view text, TextMode mode) {
  return Parser(text, mode != TextMode::kNoMagic, mode == TextMode::kNormalise).run();
}

}  // namespace ptfold::fuzz
