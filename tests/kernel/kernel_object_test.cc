// The loader's ABI check (KernelObject): an object built for another ABI
// version or with another ops-table size is refused with a message naming
// both ABIs and the fix; the current one loads. The objects are stand-ins
// (tests/kernel/fake_ops.cc), so no kernel tree is needed; a linked-in ops
// table (the kernel-tree fuzz targets') is checked the same way.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "targets/kernel/kernel_tree.h"

namespace {

std::string load_error(const char* path) {
  try {
    ptfold::tgt::KernelObject obj(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(KernelObject, LoadsTheCurrentAbi) {
  ptfold::tgt::KernelObject obj(PTF_FAKE_CURRENT);
  EXPECT_EQ(obj.ops().abi_version, unsigned{PTF_ABI_VERSION});
  EXPECT_STREQ(obj.ops().config, "fake");
}

TEST(KernelObject, RefusesAnOlderAbiVersion) {
  const std::string e = load_error(PTF_FAKE_OLD_VERSION);
  EXPECT_NE(e.find("was built for ptfold ABI " + std::to_string(PTF_ABI_VERSION - 1)), std::string::npos) << e;
  EXPECT_NE(e.find("this ptfold has ABI " + std::to_string(PTF_ABI_VERSION)), std::string::npos) << e;
  EXPECT_NE(e.find("rebuild it with tools/ktree/build.sh"), std::string::npos) << e;
}

TEST(KernelObject, RefusesAnotherOpsTableSize) {
  // Same version number, one entry fewer: an object built from a header
  // whose ops table changed without a version bump.
  const std::string e = load_error(PTF_FAKE_OTHER_SIZE);
  EXPECT_NE(e.find(std::to_string(sizeof(struct ptf_ops) - sizeof(void*)) + "-byte ops table"), std::string::npos) << e;
}

TEST(KernelObject, RefusesAnObjectWithoutOpsTable) {
  const std::string e = load_error("libc.so.6");
  EXPECT_NE(e.find("exports no ptf_ops"), std::string::npos) << e;
}

// A configuration object linked into the binary (build.sh --static: the
// fuzz targets' ptf_ops_<config>) gets the same checks.
std::string linked_error(const struct ptf_ops* ops) {
  try {
    ptfold::tgt::KernelObject obj(ops, "linked configuration object fake");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(KernelObject, LinkedInChecksTheAbiToo) {
  struct ptf_ops ops {};
  ops.abi_version = PTF_ABI_VERSION;
  ops.size = sizeof ops;
  ops.config = "fake";
  EXPECT_EQ(linked_error(&ops), "");
  ops.abi_version = PTF_ABI_VERSION - 1;
  std::string e = linked_error(&ops);
  EXPECT_NE(e.find("linked configuration object fake was built for ptfold ABI " + std::to_string(PTF_ABI_VERSION - 1)),
            std::string::npos) << e;
  ops.abi_version = PTF_ABI_VERSION;
  ops.size = sizeof ops - sizeof(void*);
  e = linked_error(&ops);
  EXPECT_NE(e.find(std::to_string(sizeof ops - sizeof(void*)) + "-byte ops table"), std::string::npos) << e;
  e = linked_error(nullptr);
  EXPECT_NE(e.find("no ops table linked in"), std::string::npos) << e;
}

}  // namespace
