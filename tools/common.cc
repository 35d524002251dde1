// Shared argument handling for the subcommands.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include "tools/cli.h"

namespace ptfold::cli {

std::vector<const ref::Geometry*> select_geometries(const std::string& glob) {
  auto out = ref::select(glob);
  if (out.empty())
    throw UsageError(fmt::format("no geometry matches '{}'", glob),
                     "run `ptfold geometries` for the names; globs like 'arm64-*-boot' work");
  return out;
}

const ref::Geometry& require_geometry(const std::string& name) {
  if (const ref::Geometry* g = ref::find(name)) return *g;
  std::string close;
  for (const ref::Geometry& g : ref::catalogue())
    if (g.name.find(name) != std::string::npos || name.find(g.name) != std::string::npos)
      close += (close.empty() ? "" : ", ") + g.name;
  throw UsageError(fmt::format("unknown geometry '{}'", name),
                   close.empty() ? "run `ptfold geometries` for the names"
                                 : "did you mean " + close + "?");
}

std::vector<const tgt::VariantInfo*> select_variants(const std::string& glob) {
  std::vector<const tgt::VariantInfo*> out;
  for (const tgt::VariantInfo& v : tgt::variants())
    if (ref::glob_match(glob, v.name)) out.push_back(&v);
  if (out.empty())
    throw UsageError(fmt::format("no target variant matches '{}'", glob),
                     "run `ptfold variants` for the names");
  return out;
}

std::vector<uint8_t> read_input_file(const std::string& path) {
  // stat() first: a directory or a device is refused before it is opened,
  // and a size over the cap before anything is read.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw UsageError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)),
                     "give a scenario file or a fuzz input file");
  if (S_ISDIR(st.st_mode))
    throw UsageError(fmt::format("'{}' is a directory", path),
                     "give one file; to run a whole corpus, give the directory to the fuzz target (fuzz_ops DIR)");
  if (!S_ISREG(st.st_mode))
    throw UsageError(fmt::format("'{}' is not a regular file (a device, FIFO or socket)", path),
                     "give a scenario file or a fuzz input file");
  if (static_cast<u64>(st.st_size) > kMaxInputBytes)
    throw UsageError(fmt::format("'{}' is {} bytes, over the {}-byte limit for scenarios and fuzz inputs", path,
                                 st.st_size, kMaxInputBytes),
                     "give a scenario or a crash file; those are a few KiB at most");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError(fmt::format("cannot read '{}': {}", path, std::strerror(errno)),
                     "check the file's permissions");
  std::vector<uint8_t> bytes(kMaxInputBytes + 1);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) throw UsageError(fmt::format("cannot read '{}'", path), "check the file and the disk");
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > kMaxInputBytes)  // it grew after stat()
    throw UsageError(fmt::format("'{}' is over the {}-byte limit for scenarios and fuzz inputs", path, kMaxInputBytes),
                     "give a scenario or a crash file; those are a few KiB at most");
  return bytes;
}

u64 parse_u64(const std::string& text, const std::string& what) {
  std::string s;
  for (char c : text)
    if (c != '_' && c != '\'') s += c;
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string digits = hex ? s.substr(2) : s;
  const auto bad = [&] {
    return UsageError(fmt::format("malformed {} '{}'", what, text),
                      "give a 64-bit value in hex (0xffff800012345678) or decimal");
  };
  if (digits.empty() || digits.size() > (hex ? 16u : 20u)) throw bad();
  u64 v = 0;
  for (char c : digits) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (hex && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (hex && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else throw bad();
    const u64 base = hex ? 16 : 10;
    if (v > (~u64{0} - d) / base) throw bad();
    v = v * base + d;
  }
  return v;
}

}  // namespace ptfold::cli
