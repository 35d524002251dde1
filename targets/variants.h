// The variant registry: every named target model (upstream code, RFC styles,
// historical bugs), and the factory that instantiates one for a word type
// and environment. Commands iterate this list; OSS-Fuzz runs upstream only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "targets/arm64/alloc_forever.h"
#include "targets/arm64/arm64.h"
#include "targets/arm64/variants.h"
#include "targets/linux.h"
#include "targets/riscv64/riscv64.h"
#include "targets/riscv64/variants.h"
#include "targets/x86_64/variants.h"
#include "targets/x86_64/x86_64.h"

namespace ptfold::tgt {

struct VariantInfo {
  std::string name;         // "arm64", "arm64-pudfree-nodtor", ...
  std::string family;       // geometry family it runs on ("arm64-lpa2", ...)
  bool upstream = false;    // reference for "no false positives"
  std::string description;  // one line
  std::string commits;      // introducing / fixing commit ids
  std::string default_geometry;  // where its bug shows (bug variants)
};

const std::vector<VariantInfo>& variants();
const VariantInfo* find_variant(std::string_view name);
// The upstream variant for a geometry family ("arm64-lpa2" -> "arm64").
const VariantInfo* upstream_for_family(std::string_view family);

// Instantiate a variant; nullptr for an unknown name.
template <class W, class Env>
std::unique_ptr<LinuxPageTable<W, Env>> make_variant(std::string_view name, const Config& cfg,
                                                     Env& env) {
  using P = std::unique_ptr<LinuxPageTable<W, Env>>;
  if (name == "arm64" || name == "arm64-boot") return P(new arm64::Arm64<W, Env>(cfg, env));
  if (name == "arm64-pudfree-nodtor") return P(new arm64::PudFreeNoDtor<W, Env>(cfg, env));
  if (name == "arm64-boot-rounddown") return P(new arm64::BootRounddown<W, Env>(cfg, env));
  if (name == "arm64-fold-cast") return P(new arm64::FoldCast<W, Env>(cfg, env));
  if (name == "arm64-descriptor-ds") return P(new arm64::DescriptorDs<W, Env>(cfg, env));
  if (name == "arm64-lockless-stackcopy") return P(new arm64::LocklessStackcopy<W, Env>(cfg, env));
  if (name == "arm64-setpud-buildtime-fold") return P(new arm64::SetPudBuildtimeFold<W, Env>(cfg, env));
  if (name == "arm64-kvm-buildtime-levels") return P(new arm64::KvmBuildtimeLevels<W, Env>(cfg, env));
  if (name == "arm64-kpti-buildtime-levels") return P(new arm64::KptiBuildtimeLevels<W, Env>(cfg, env));
  if (name == "arm64-hotplug-unchecked") return P(new arm64::HotplugUnchecked<W, Env>(cfg, env));
  if (name == "arm64-hotplug-kaslr-wrap") return P(new arm64::HotplugKaslrWrap<W, Env>(cfg, env));
  if (name == "arm64-hotplug-p4d-noguard") return P(new arm64::HotplugP4dNoGuard<W, Env>(cfg, env));
  if (name == "arm64-p4d-free-at-once") return P(new arm64::P4dFreeAtOnce<W, Env>(cfg, env));
  if (name == "arm64-test-alloc-forever") return P(new arm64::AllocForever<W, Env>(cfg, env));
  if (name == "x86_64") return P(new x86_64::X86_64<W, Env>(cfg, env));
  if (name == "riscv64") return P(new riscv64::Riscv64<W, Env>(cfg, env));
  if (name == "x86_64-kasan-early-p4d") return P(new x86_64::KasanEarlyP4d<W, Env>(cfg, env));
  if (name == "x86_64-startup-wrap") return P(new x86_64::StartupIndexWrap<W, Env>(cfg, env));
  if (name == "riscv64-satp-stale-pgdir") return P(new riscv64::SatpStalePgdir<W, Env>(cfg, env));
  if (name == "riscv64-kvm-pgdir-size") return P(new riscv64::KvmPgdirSize<W, Env>(cfg, env));
  return nullptr;
}

}  // namespace ptfold::tgt
