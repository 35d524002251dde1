// Renderings of geometries and walks.
#include "tools/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace ptfold::cli {

namespace {

const char* arch_name(ref::Arch a) {
  switch (a) {
    case ref::Arch::kArm64: return "arm64";
    case ref::Arch::kX86_64: return "x86_64";
    case ref::Arch::kRiscv64: return "riscv64";
  }
  return "?";
}

std::string size_str(u64 bytes) {
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{}K", bytes / 1024);
  return fmt::format("{}", bytes);
}

}  // namespace

std::string folded_summary(const harness::LinuxView& v) {
  std::string s;
  for (const harness::LinuxLevel& l : v.level)
    if (l.fold != harness::Fold::kNone)
      s += fmt::format("{}{} ({})", s.empty() ? "" : ", ", tgt::level_name(l.level),
                       l.fold == harness::Fold::kRunTime ? "run" : "compile");
  return s.empty() ? "-" : s;
}

nlohmann::json geometry_json(const ref::Geometry& g, const harness::LinuxView& v) {
  nlohmann::json j;
  j["name"] = g.name;
  j["arch"] = arch_name(g.arch);
  j["family"] = g.family;
  j["summary"] = g.summary;
  j["target"] = v.variant;
  j["style"] = v.folded_realigns ? "lpa2-round-down" : "runtime-geometry";
  j["page_size"] = g.page_size();
  j["va_bits"] = {{"configured", g.va_bits}, {"actual", g.vabits_actual}};
  j["levels"] = {{"compile_time", g.pgtable_levels}, {"run_time", g.runtime_levels}};
  nlohmann::json lin = nlohmann::json::array();
  for (const harness::LinuxLevel& l : v.level) {
    nlohmann::json x = {{"level", tgt::level_name(l.level)},
                        {"shift", l.shift},
                        {"ptrs", l.ptrs},
                        {"folded", l.fold == harness::Fold::kNone ? "no"
                                   : l.fold == harness::Fold::kRunTime ? "run-time" : "compile-time"},
                        {"hw_table", g.hw[l.hw].name},
                        {"hw_entries", g.hw[l.hw].entries}};
    if (!l.how.empty()) x["how"] = l.how;
    if (l.leaf_size) x["leaf_size"] = l.leaf_size;
    lin.push_back(x);
  }
  j["linux"] = lin;
  nlohmann::json hw = nlohmann::json::array();
  for (const ref::HwLevel& l : g.hw)
    hw.push_back({{"level", l.name}, {"va_bits", fmt::format("[{}:{}]", l.hi, l.lo)},
                  {"entries", l.entries}, {"leaf", l.leaf_ok}});
  j["hardware"] = hw;
  j["root_table"] = {{"entries", g.root_entries()}, {"bytes", g.root_bytes()}};
  j["pgd"] = {{"PGD_SIZE", v.pgd_size}, {"allocation", harness::pgd_alloc_name(v.pgd_alloc)},
              {"bytes", v.pgd_alloc_bytes}, {"align", v.pgd_align}};
  nlohmann::json halves = nlohmann::json::array();
  int64_t ttbr1 = 0;
  for (size_t i = 0; i < g.halves.size(); ++i) {
    const ref::Half& h = g.halves[i];
    const int64_t off = i < v.root_offset.size() ? v.root_offset[i] : 0;
    halves.push_back({{"name", h.name}, {"va_lo", fmt::format("{:#018x}", h.va_lo)},
                      {"va_hi", fmt::format("{:#018x}", h.va_hi)}, {"root_offset", off}});
    if (h.upper) ttbr1 = off;
  }
  j["halves"] = halves;
  if (g.arch == ref::Arch::kArm64) j["ttbr1_offset"] = ttbr1;
  j["hw_config"] = {{"granule_shift", g.hwc.granule_shift}, {"t0sz", g.hwc.t0sz}, {"t1sz", g.hwc.t1sz},
                    {"ds", g.hwc.ds}, {"feat_lpa", g.hwc.feat_lpa}, {"feat_lva", g.hwc.feat_lva},
                    {"la57", g.hwc.la57}, {"satp_mode", g.hwc.satp_mode}, {"oa_bits", g.hwc.oa_bits}};
  return j;
}

std::string geometries_table(const std::vector<const ref::Geometry*>& geos, const ViewOf& view_of) {
  std::string out = fmt::format("{:<22} {:>4} {:>7} {:>5} {:<44} {:<21} {:<19} {:>5} {:<10} {}\n",
                                "geometry", "page", "VA c/a", "lvl", "folded levels",
                                "Linux PTRS pgd/p4d/pud/pmd/pte", "hardware entries", "root",
                                "pgd", "root offset");
  for (const ref::Geometry* g : geos) {
    const harness::LinuxView& v = view_of(*g);
    std::string ptrs, hw;
    for (const harness::LinuxLevel& l : v.level) ptrs += fmt::format("{}{}", ptrs.empty() ? "" : "/", l.ptrs);
    for (const ref::HwLevel& l : g->hw) hw += fmt::format("{}{}", hw.empty() ? "" : "/", l.entries);
    std::string off;
    for (size_t i = 0; i < g->halves.size() && i < v.root_offset.size(); ++i)
      if (v.root_offset[i]) off += fmt::format("{}{} {:+}", off.empty() ? "" : ", ", g->halves[i].name, v.root_offset[i]);
    out += fmt::format("{:<22} {:>4} {:>7} {:>5} {:<44} {:<21} {:<19} {:>5} {:<10} {}\n", g->name,
                       size_str(g->page_size()), fmt::format("{}/{}", g->va_bits, g->vabits_actual),
                       fmt::format("{}/{}", v.pgtable_levels, g->runtime_levels), folded_summary(v),
                       ptrs, hw, size_str(g->root_bytes()),
                       fmt::format("{} {}", size_str(v.pgd_alloc_bytes), harness::pgd_alloc_short(v.pgd_alloc)),
                       off.empty() ? "-" : off);
  }
  out += "\nVA c/a: configured/actual VA bits; lvl: levels compiled/walked; root: the table the\n"
         "hardware starts from; pgd: what pgd_alloc() returns; root offset: TTBR1/CR3 offset into the pgd.\n";
  return out;
}

// A Linux entry's offset into its table: from mm->pgd at the root level
// (so the 64K TTBR1 case shows pgd slot 960 + i), else from the table the
// hardware walk found at that level (negative: the entry lies below it).
static std::optional<long long> linux_offset(const harness::Explained& e,
                                             const harness::ExplainedLinuxLevel& l) {
  if (l.hw != 0 && l.hw >= static_cast<int>(e.hw.size())) return std::nullopt;
  const u64 base = l.hw == 0 ? e.pgd_pa : e.hw[l.hw].table;
  return static_cast<long long>(l.entry_pa - base);
}

nlohmann::json explained_json(const harness::Explained& e) {
  nlohmann::json j;
  j["geometry"] = e.geometry;
  j["target"] = e.variant;
  j["va"] = fmt::format("{:#018x}", e.va);
  j["half"] = e.half_name;
  j["pgd"] = {{"va", fmt::format("{:#x}", e.pgd_va)}, {"pa", fmt::format("{:#x}", e.pgd_pa)}};
  j["root_register"] = fmt::format("{:#x}", e.root);
  j["root_table"] = fmt::format("{:#x}", e.root_base);
  nlohmann::json lin = nlohmann::json::array();
  for (const auto& l : e.levels) {
    nlohmann::json x = {{"level", tgt::level_name(l.level)}, {"helper", l.helper},
                        {"index", l.index}, {"ptrs", l.ptrs}, {"shift", l.shift},
                        {"entry_pa", fmt::format("{:#x}", l.entry_pa)},
                        {"hw_table", l.hw}, {"read_by_hardware", l.reads_hw},
                        {"folded", l.fold == harness::Fold::kNone ? "no"
                                   : l.fold == harness::Fold::kRunTime ? "run-time" : "compile-time"}};
    if (!l.how.empty()) x["how"] = l.how;
    if (auto off = linux_offset(e, l)) x["entry_offset"] = *off;
    lin.push_back(x);
  }
  j["linux"] = lin;
  nlohmann::json hw = nlohmann::json::array();
  for (const auto& h : e.hw)
    hw.push_back({{"level", h.name}, {"index", h.index}, {"entries", h.entries},
                  {"va_bits", fmt::format("[{}:{}]", h.hi, h.lo)},
                  {"table", fmt::format("{:#x}", h.table)}, {"entry", fmt::format("{:#x}", h.entry)},
                  {"entry_offset", h.entry - h.table}, {"descriptor", fmt::format("{:#018x}", h.desc)}});
  j["hardware"] = hw;
  j["fault"] = ref::fault_name(e.fault);
  j["output_address"] = fmt::format("{:#x}", e.oa);
  j["mapped"] = fmt::format("{:#x}", e.leaf_pa);
  j["first_mismatch"] = e.first_mismatch >= 0 ? nlohmann::json(e.hw[e.first_mismatch].name) : nlohmann::json(nullptr);
  if (!e.error.empty()) j["error"] = e.error;
  j["verdict"] = e.agrees() ? "agree" : "disagree";
  return j;
}

std::string explained_text(const harness::Explained& e, const ref::Geometry& g) {
  std::string out = fmt::format("{} on {} ({}), VA {:#018x} ({})\n", e.variant, g.name, g.summary, e.va, e.half_name);
  out += fmt::format("pgd at {:#x} (pa {:#x}, {} {} B); root register {:#x} -> root table {:#x}\n\n",
                     e.pgd_va, e.pgd_pa, harness::pgd_alloc_name(e.pgd_alloc), e.pgd_alloc_bytes, e.root, e.root_base);
  out += fmt::format("{:<18} {:>6} {:>7} {:>8}   {:<6} {:>6} {:>8} {:<9}  {}\n", "Linux helper", "index",
                     "PTRS", "offset", "hw", "index", "offset", "VA bits", "");
  for (const auto& l : e.levels) {
    const bool have_hw = l.hw < static_cast<int>(e.hw.size());
    const auto off = linux_offset(e, l);
    std::string lin_off = off ? (*off < 0 ? fmt::format("-{:#x}", -*off) : fmt::format("{:#x}", *off)) : "?";
    std::string hw_cols;
    if (have_hw && l.reads_hw) {
      const auto& h = e.hw[l.hw];
      hw_cols = fmt::format("{:<6} {:>6} {:>8} {:<9}", h.name, h.index, fmt::format("{:#x}", h.entry - h.table),
                            fmt::format("[{}:{}]", h.hi, h.lo));
    } else {
      hw_cols = fmt::format("{:<6} {:>6} {:>8} {:<9}", have_hw ? "(" + e.hw[l.hw].name + ")" : "-", "", "", "");
    }
    std::string note;
    if (l.fold != harness::Fold::kNone) note = fmt::format("folded at {}: {}", harness::fold_name(l.fold), l.how);
    if (have_hw && l.reads_hw && e.first_mismatch == l.hw) note = "<-- differs" + (note.empty() ? "" : "; " + note);
    out += fmt::format("{:<18} {:>6} {:>7} {:>8}   {}  {}\n", l.helper, l.index, l.ptrs, lin_off, hw_cols, note);
  }
  out += "\n";
  if (!e.error.empty()) out += "environment: " + e.error + "\n";
  if (e.fault != ref::Fault::kNone)
    out += fmt::format("hardware: {} fault at {}\n", ref::fault_name(e.fault),
                       e.fault_hw >= 0 ? e.hw[e.fault_hw].name : std::string("the root"));
  else if (!e.hw.empty())
    out += fmt::format("hardware: translates to {:#x}; Linux mapped {:#x}\n", e.oa, e.leaf_pa);
  out += e.agrees() ? "verdict: Linux and the hardware agree at every level\n"
                    : fmt::format("verdict: DISAGREE{}\n", e.first_mismatch >= 0 ? " at " + e.hw[e.first_mismatch].name : "");
  return out;
}

}  // namespace ptfold::cli
