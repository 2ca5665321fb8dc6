#include "task.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "mergepipe/mergepipe.h"

namespace mergepipe::cluster {
namespace {

[[noreturn]] void reject(const std::string& reason) {
  throw error(errc::bad_input, "invalid task: " + reason);
}

const std::string& field(const std::map<std::string, std::string>& fields, const char* name) {
  auto found = fields.find(name);
  if (found == fields.end()) reject(fmt::format("no field '{}'", name));
  return found->second;
}

std::uint64_t number(const std::map<std::string, std::string>& fields, const char* name,
                     std::uint64_t limit) {
  const std::string& text = field(fields, name);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    reject(fmt::format("field '{}' is not a number: '{}'", name, text));
  }
  if (value >= limit) {
    reject(fmt::format("{} {} is outside the job (it has {})", name, value, limit));
  }
  return value;
}

void expect_id(const task& t, const std::string& expected) {
  if (t.id != expected) reject(fmt::format("task '{}' should be named '{}'", t.id, expected));
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw error(errc::io, fmt::format("{}: {}", path, std::strerror(errno)));
  }
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

task parse_task(const std::map<std::string, std::string>& fields, const job_spec& spec) {
  task t;
  t.id = field(fields, "task");
  const std::string& kind = field(fields, "kind");
  if (kind == "map") {
    t.kind = task::type::map;
    t.piece = number(fields, "piece", spec.map_total);
    expect_id(t, fmt::format("map:{}", t.piece));
    t.input = static_cast<std::uint32_t>(number(fields, "input", spec.inputs.size()));
    t.path = field(fields, "path");
    if (t.path != spec.inputs[t.input]) {
      reject(fmt::format("path {} is not input {} of the job ({})", t.path, t.input,
                         spec.inputs[t.input]));
    }
    t.begin = number(fields, "begin", UINT64_MAX);
    t.end = number(fields, "end", UINT64_MAX);
    std::uint64_t size = file_size(t.path);
    if (t.begin > t.end || t.end > size) {
      reject(
          fmt::format("byte range {}-{} is outside {} ({} bytes)", t.begin, t.end, t.path, size));
    }
  } else if (kind == "reduce") {
    t.kind = task::type::reduce;
    t.bucket = static_cast<std::uint32_t>(number(fields, "bucket", spec.buckets));
    expect_id(t, fmt::format("reduce:{}", t.bucket));
  } else if (kind == "write") {
    t.kind = task::type::write;
    t.part = number(fields, "part", spec.part_starts.size());
    expect_id(t, fmt::format("write:{}", t.part));
  } else if (kind == "collect") {
    t.kind = task::type::collect;
    expect_id(t, "collect");
  } else {
    reject(fmt::format("unknown kind '{}'", kind));
  }
  return t;
}

}  // namespace mergepipe::cluster
