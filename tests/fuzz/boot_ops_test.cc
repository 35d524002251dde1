// fuzz_ops' boot ops (fuzz/boot_ops.h): they run where the model offers the
// helper and are skipped elsewhere, round-trip through text and bytes, give
// no finding on the upstream variants over placements that cross every
// table boundary, and find each x86-64/RISC-V/arm64 bug variant with its key
// line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "fuzz/boot_ops.h"
#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "reference/geometry.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {


// The first line of the finding a one-op scenario gives ("" for none).
std::string first_line(const std::string& variant, const std::string& geometry, const std::string& op) {
  const RunResult r = run_scenario(parse_normalised(header(variant, geometry) + op + "\n"));
  return r.finding ? r.finding->first_line() : "";
}

TEST(BootOps, text_encode_decode_round_trip_is_identity) {
  const std::string text = header("x86_64", "x86_64-la57") +
                           "kasan-early-p4d va=0xffdf000000000000 image-off=0x1000000\n"
                           "startup-identity pa=0x7fffe00000 size=0x4000000\n"
                           "map mm0 va=0x400000 pa=0x80000000 level=pte\n";
  const Scenario s = parse_normalised(text);
  ASSERT_EQ(s.ops.size(), 3u);
  EXPECT_EQ(s.ops[1].kind, OpKind::kStartupIdentity);
  EXPECT_EQ(s.ops[1].len, 0x4000000u);
  expect_round_trip(s);
  expect_round_trip(parse_normalised(header("riscv64", "riscv64-sv48") +
                               "mode-probe pa=0x80200000\ngstage-block size=0x40000000\n"));
  const Scenario k = parse_normalised(header("arm64", "arm64-4k-va52-nolpa2") + "kpti-ng\nkvm-user-walk\n");
  ASSERT_EQ(k.ops.size(), 2u);
  EXPECT_EQ(k.ops[0].kind, OpKind::kKptiNg);
  EXPECT_EQ(k.ops[1].kind, OpKind::kKvmUserWalk);
  expect_round_trip(k);
}

TEST(BootOps, placements_are_normalised_into_what_the_model_accepts) {
  // 4-level: MAX_PHYSMEM_BITS 46; the image is moved down to end below it,
  // 2 MiB aligned, and its size rounded to 2 MiB.
  const Scenario s = parse_normalised(header("x86_64", "x86_64-4level") + "startup-identity pa=0xffffffffffff size=0x300001\n");
  EXPECT_EQ(s.ops[0].len, 0x200000u);
  EXPECT_EQ(s.ops[0].pa, (u64{1} << 46) - 0x200000);
}

TEST(BootOps, run_only_where_the_model_offers_the_helper) {
  const std::string ops = "kasan-early-p4d va=0xffff800000000000 image-off=0x0\n"
                          "startup-identity pa=0x1000000 size=0x200000\n"
                          "mode-probe pa=0x80200000\n"
                          "gstage-block size=0x200000\n"
                          "kpti-ng\n"
                          "kvm-user-walk\n";
  const auto ran = [&](const char* v, const char* g) { return run_scenario(parse_normalised(header(v, g) + ops)).ops_run; };
  EXPECT_EQ(ran("arm64", "arm64-4k-va48"), 2u);
  EXPECT_EQ(ran("x86_64", "x86_64-la57"), 2u);
  EXPECT_EQ(ran("riscv64", "riscv64-sv39"), 2u);
}

TEST(BootOps, debug_vm_and_boot_ops_run_once_per_scenario) {
  // As once per boot in the kernel: repeats are skipped and left out of the
  // trace; other ops are not limited.
  const std::string ops = "debug-vm va=0x0\n"
                          "mode-probe pa=0x80200000\n"
                          "debug-vm va=0x1000\n"
                          "mode-probe pa=0x80400000\n"
                          "map mm0 va=0x400000 pa=0x80000000 level=pte\n"
                          "map mm0 va=0x401000 pa=0x80001000 level=pte\n";
  const RunResult r = run_scenario(parse_normalised(header("riscv64", "riscv64-sv48") + ops));
  EXPECT_FALSE(r.finding);
  EXPECT_EQ(r.ops_run, 4u);
  EXPECT_NE(r.trace.find("debug-vm va=0x0\n"), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("mode-probe pa=0x80200000"), std::string::npos) << r.trace;
  EXPECT_EQ(r.trace.find("debug-vm va=0x1000"), std::string::npos) << r.trace;
  EXPECT_EQ(r.trace.find("mode-probe pa=0x80400000"), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("map mm0 va=0x401000"), std::string::npos) << r.trace;
}

TEST(BootOps, upstream_x86_maps_images_across_every_table_boundary) {
  // 64 MiB images 16 MiB below 1 GiB, 512 GiB and (LA57) 256 TiB
  // boundaries, and at the top of the physical range.
  for (const char* g : {"x86_64-4level", "x86_64-nola57", "x86_64-pti", "x86_64-la57"})
    for (u64 boundary : {u64{1} << 30, u64{512} << 30, u64{1} << 45, u64{1} << 46, u64{1} << 48, u64{1} << 52}) {
      const std::string op = fmt::format("startup-identity pa={:#x} size=0x4000000", boundary - (16 << 20));
      EXPECT_EQ(first_line("x86_64", g, op), "") << g << ": " << op;
    }
}

TEST(BootOps, upstream_early_p4d_offset_matches_the_walk_at_both_ends_of_the_kernel_half) {
  for (const char* g : {"x86_64-4level", "x86_64-nola57", "x86_64-pti", "x86_64-la57"})
    for (const char* va : {"0xffdf000000000000", "0xff00000000000000", "0xfffffffffffff000", "0xffff800000000000"})
      for (const char* off : {"0x0", "0x3ffff000"})
        EXPECT_EQ(first_line("x86_64", g, fmt::format("kasan-early-p4d va={} image-off={}", va, off)), "")
            << g << " " << va << " " << off;
}

TEST(BootOps, upstream_riscv_probe_and_block_sizes_are_clean_on_every_cpu) {
  for (const char* g : {"riscv64-sv39", "riscv64-sv48", "riscv64-sv57"}) {
    for (const char* pa : {"0x80200000", "0x7fffe00000", "0x8000000000", "0x7fffffe00000"})
      EXPECT_EQ(first_line("riscv64", g, std::string("mode-probe pa=") + pa), "") << g << " " << pa;
    for (unsigned k = 0; k < 64; ++k)
      EXPECT_EQ(first_line("riscv64", g, fmt::format("gstage-block size={:#x}", u64{1} << k)), "") << g << " " << k;
  }
}

TEST(BootOps, upstream_kpti_and_kvm_walk_as_many_levels_as_the_hardware_on_every_arm64_geometry) {
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    for (const char* op : {"kpti-ng", "kvm-user-walk"})
      EXPECT_EQ(first_line(g.family == "arm64-boot" ? "arm64-boot" : "arm64", g.name, op), "") << g.name << " " << op;
  }
}

TEST(BootOps, buildtime_level_variants_are_found_where_the_top_level_folds_at_run_time) {
  const std::pair<const char*, const char*> cases[] = {
      {"arm64-kpti-buildtime-levels", "kpti-ng"}, {"arm64-kvm-buildtime-levels", "kvm-user-walk"}};
  for (const auto& [variant, op] : cases) {
    const RunResult hit = run_scenario(parse_normalised(header(variant, "arm64-4k-va52-nolpa2") + op + "\n"));
    ASSERT_TRUE(hit.finding) << variant;
    const std::string helper = hit.finding->helper;
    for (const ref::Geometry& g : ref::catalogue()) {
      if (g.family != "arm64-lpa2") continue;
      const bool runtime_fold = g.name == "arm64-4k-va52-nolpa2" || g.name == "arm64-16k-va52-nolpa2";
      EXPECT_EQ(first_line(variant, g.name, op), runtime_fold ? "ptfold: level-count: " + helper + " on " + g.name : "")
          << variant << " " << g.name;
    }
  }
}

TEST(BootOps, kasan_early_p4d_variant_is_found_on_la57_only) {
  const std::string op = "kasan-early-p4d va=0xffdf000000000000 image-off=0x1000000";
  EXPECT_EQ(first_line("x86_64-kasan-early-p4d", "x86_64-la57", op),
            "ptfold: walk-mismatch: early_p4d_offset on x86_64-la57");
  for (const char* g : {"x86_64-4level", "x86_64-nola57"})
    EXPECT_EQ(first_line("x86_64-kasan-early-p4d", g, op), "") << g;
}

TEST(BootOps, startup_wrap_variant_overruns_the_early_table_it_indexes) {
  // PMD: an image across 1 GiB; PUD: loaded in the last GiB of a 512 GiB
  // region (the unwrapped i + 1 slot, even without crossing); not when the
  // image sits inside one table's range.
  EXPECT_EQ(first_line("x86_64-startup-wrap", "x86_64-4level", "startup-identity pa=0x3f000000 size=0x4000000"),
            "ptfold: wild-access: __startup_64 on x86_64-4level");
  EXPECT_EQ(first_line("x86_64-startup-wrap", "x86_64-la57", "startup-identity pa=0x7fc0000000 size=0x200000"),
            "ptfold: wild-access: __startup_64 on x86_64-la57");
  EXPECT_EQ(first_line("x86_64-startup-wrap", "x86_64-la57", "startup-identity pa=0x1000000 size=0x4000000"), "");
}

TEST(BootOps, satp_stale_pgdir_variant_is_found_only_on_a_cpu_with_sv48_but_not_sv57) {
  EXPECT_EQ(first_line("riscv64-satp-stale-pgdir", "riscv64-sv48", "mode-probe pa=0x80200000"),
            "ptfold: walk-mismatch: set_satp_mode on riscv64-sv48");
  // Code above 512 GiB: the Sv57 entry is left in another root slot; the
  // probe works, but the root table is not clean.
  EXPECT_EQ(first_line("riscv64-satp-stale-pgdir", "riscv64-sv48", "mode-probe pa=0x10000200000"),
            "ptfold: stale-state: set_satp_mode on riscv64-sv48");
  for (const char* g : {"riscv64-sv57", "riscv64-sv39"})
    EXPECT_EQ(first_line("riscv64-satp-stale-pgdir", g, "mode-probe pa=0x80200000"), "") << g;
}

TEST(BootOps, kvm_pgdir_size_variant_is_found_on_sv48_and_sv57) {
  EXPECT_EQ(first_line("riscv64-kvm-pgdir-size", "riscv64-sv39", "gstage-block size=0x40000000"), "");
  EXPECT_EQ(first_line("riscv64-kvm-pgdir-size", "riscv64-sv48", "gstage-block size=0x40000000"),
            "ptfold: mode-mismatch: kvm_riscv_gstage_map on riscv64-sv48");
  EXPECT_EQ(first_line("riscv64-kvm-pgdir-size", "riscv64-sv57", "gstage-block size=0x1000000000000"),
            "ptfold: mode-mismatch: kvm_riscv_gstage_map on riscv64-sv57");
}

}  // namespace
}  // namespace ptfold::fuzz
