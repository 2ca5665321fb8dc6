#include "job_spec.h"

#include <fmt/format.h>

#include <charconv>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

class field_reader {
 public:
  explicit field_reader(const std::map<std::string, std::string>& fields) : fields_(fields) {}

  const std::string& text(const std::string& name) const {
    auto found = fields_.find(name);
    if (found == fields_.end()) {
      throw error(errc::io, fmt::format("job spec in Redis lacks the field '{}'", name));
    }
    return found->second;
  }

  std::uint64_t number(const std::string& name) const {
    const std::string& value = text(name);
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size()) {
      throw error(errc::io, fmt::format("job spec in Redis has a bad number in '{}'", name));
    }
    return n;
  }

 private:
  const std::map<std::string, std::string>& fields_;
};

// "input:offset,input:offset,...", ascending.
std::vector<position> read_starts(const field_reader& read, std::uint64_t count) {
  std::vector<position> starts;
  const std::string& text = read.text("part_starts");
  const char* at = text.data();
  const char* end = text.data() + text.size();
  auto bad = [] { return error(errc::io, "job spec in Redis has bad part starts"); };
  while (at < end) {
    position start;
    auto [colon, ec1] = std::from_chars(at, end, start.input);
    if (ec1 != std::errc() || colon == end || *colon != ':') throw bad();
    auto [next, ec2] = std::from_chars(colon + 1, end, start.offset);
    if (ec2 != std::errc() || (next != end && *next != ',')) throw bad();
    if (!starts.empty() && start <= starts.back()) throw bad();
    starts.push_back(start);
    at = next == end ? end : next + 1;
  }
  if (starts.size() != count) throw bad();
  return starts;
}

}  // namespace

std::vector<std::string> job_spec::to_fields() const {
  std::vector<rule_text> rule_list = rules.to_text();
  std::vector<std::string> f = {"submit_id",    submit_id,
                                "input_count",  std::to_string(inputs.size()),
                                "rule_count",   std::to_string(rule_list.size()),
                                "output",       output,
                                "storage",      storage,
                                "buckets",      std::to_string(buckets),
                                "max_attempts", std::to_string(max_attempts),
                                "map_total",    std::to_string(map_total),
                                "bytes_total",  std::to_string(bytes_total),
                                "retain_s",     std::to_string(retain_seconds),
                                "on_error",     on_error == error_policy::skip ? "skip" : "fail",
                                "rejects",      rejects};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    f.insert(f.end(), {fmt::format("input:{}", i), inputs[i]});
  }
  std::string starts;
  for (const position& start : part_starts) {
    starts += fmt::format("{}{}:{}", starts.empty() ? "" : ",", start.input, start.offset);
  }
  f.insert(f.end(), {"parts", std::to_string(part_starts.size()), "part_starts", starts});
  for (std::size_t i = 0; i < rule_list.size(); ++i) {
    f.insert(f.end(), {fmt::format("rule:{}", i), rule_list[i].name,
                       fmt::format("rule_value:{}", i), rule_list[i].value});
  }
  return f;
}

job_spec job_spec::from_fields(const std::map<std::string, std::string>& fields) {
  field_reader read(fields);
  job_spec spec;
  spec.submit_id = read.text("submit_id");
  for (std::uint64_t i = 0, n = read.number("input_count"); i < n; ++i) {
    spec.inputs.push_back(read.text(fmt::format("input:{}", i)));
  }
  // The rules are kept in the text form that the library reads back: a bad one is a bad spec.
  try {
    for (std::uint64_t i = 0, n = read.number("rule_count"); i < n; ++i) {
      spec.rules.set(read.text(fmt::format("rule:{}", i)),
                     read.text(fmt::format("rule_value:{}", i)));
    }
  } catch (const error& e) {
    if (e.code() != errc::usage) throw;
    throw error(errc::io, fmt::format("job spec in Redis has a bad rule: {}", e.reason()));
  }
  spec.output = read.text("output");
  spec.storage = read.text("storage");
  spec.buckets = static_cast<std::uint32_t>(read.number("buckets"));
  spec.max_attempts = static_cast<std::uint32_t>(read.number("max_attempts"));
  spec.map_total = read.number("map_total");
  spec.bytes_total = read.number("bytes_total");
  // Jobs submitted before --retain existed are kept for the default time.
  if (fields.count("retain_s") != 0) spec.retain_seconds = read.number("retain_s");
  // Jobs submitted before parts existed write their output in the collect task.
  if (fields.count("parts") != 0) spec.part_starts = read_starts(read, read.number("parts"));
  // Jobs submitted before --on-error existed fail at a bad record.
  if (fields.count("on_error") != 0) {
    const std::string& policy = read.text("on_error");
    if (policy != "fail" && policy != "skip") {
      throw error(errc::io, fmt::format("job spec in Redis has a bad on_error '{}'", policy));
    }
    spec.on_error = policy == "skip" ? error_policy::skip : error_policy::fail;
    spec.rejects = read.text("rejects");
  }
  if (spec.buckets == 0 || spec.inputs.empty()) {
    throw error(errc::io, "job spec in Redis has no inputs or no buckets");
  }
  return spec;
}

std::string job_spec::map_output(std::uint64_t piece, std::uint32_t bucket) const {
  return fmt::format("{}/map{}.bucket{}", storage, piece, bucket);
}

std::string job_spec::map_rejects(std::uint64_t piece) const {
  return fmt::format("{}/map{}.rejects", storage, piece);
}

std::string job_spec::reduce_output(std::uint32_t bucket) const {
  return fmt::format("{}/reduce{}", storage, bucket);
}

std::string job_spec::reduce_output(std::uint32_t bucket, std::uint64_t part) const {
  return fmt::format("{}/reduce{}.part{}", storage, bucket, part);
}

std::string job_spec::reduce_sizes(std::uint32_t bucket) const {
  return fmt::format("{}/reduce{}.sizes", storage, bucket);
}

std::string job_spec::part_size(std::uint64_t part) const {
  return fmt::format("{}/part{}.size", storage, part);
}

std::string job_spec::output_in_progress() const {
  const std::size_t slash = output.rfind('/');
  return fmt::format("{}.{}.mergepipe-{}-{}", output.substr(0, slash + 1), output.substr(slash + 1),
                     name, submit_id);
}

}  // namespace mergepipe::cluster
