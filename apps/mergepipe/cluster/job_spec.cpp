#include "job_spec.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "../option_names.h"
#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace {

template <typename Enum, std::size_t N>
Enum enum_named(const cli::value_names<Enum, N>& names, const std::string& name) {
  if (std::optional<Enum> value = cli::value_named(names, name)) return *value;
  throw error(errc::io, fmt::format("job spec in Redis has an unknown option value '{}'", name));
}

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

}  // namespace

std::vector<std::string> job_spec::to_fields() const {
  std::string key_text;
  for (const std::string& part : merge.key) key_text += (key_text.empty() ? "" : ",") + part;
  std::vector<std::string> f = {
      "submit_id",    submit_id,
      "input_count",  std::to_string(inputs.size()),
      "key",          key_text,
      "ts",           merge.timestamp_field,
      "ts_unit",      std::string(cli::name_of(cli::unit_names, merge.ts_unit)),
      "ts_format",    merge.timestamp_format,
      "delete_count", std::to_string(merge.delete_rules.size()),
      "order",        std::string(cli::name_of(cli::order_names, merge.order)),
      "format",       std::string(cli::name_of(cli::format_names, format)),
      "output",       output,
      "storage",      storage,
      "buckets",      std::to_string(buckets),
      "max_attempts", std::to_string(max_attempts),
      "map_total",    std::to_string(map_total),
      "bytes_total",  std::to_string(bytes_total)};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    f.insert(f.end(), {fmt::format("input:{}", i), inputs[i]});
  }
  for (std::size_t i = 0; i < merge.delete_rules.size(); ++i) {
    f.insert(f.end(), {fmt::format("delete_field:{}", i), merge.delete_rules[i].field,
                       fmt::format("delete_value:{}", i), merge.delete_rules[i].value});
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
  spec.merge.key = parse_key_list(read.text("key"));
  spec.merge.timestamp_field = read.text("ts");
  spec.merge.ts_unit = enum_named(cli::unit_names, read.text("ts_unit"));
  spec.merge.timestamp_format = read.text("ts_format");
  for (std::uint64_t i = 0, n = read.number("delete_count"); i < n; ++i) {
    spec.merge.delete_rules.push_back({read.text(fmt::format("delete_field:{}", i)),
                                       read.text(fmt::format("delete_value:{}", i))});
  }
  spec.merge.order = enum_named(cli::order_names, read.text("order"));
  spec.format = enum_named(cli::format_names, read.text("format"));
  spec.output = read.text("output");
  spec.storage = read.text("storage");
  spec.buckets = static_cast<std::uint32_t>(read.number("buckets"));
  spec.max_attempts = static_cast<std::uint32_t>(read.number("max_attempts"));
  spec.map_total = read.number("map_total");
  spec.bytes_total = read.number("bytes_total");
  if (spec.buckets == 0 || spec.inputs.empty()) {
    throw error(errc::io, "job spec in Redis has no inputs or no buckets");
  }
  return spec;
}

std::string job_spec::map_output(std::uint64_t piece, std::uint32_t bucket) const {
  return fmt::format("{}/map{}.bucket{}", storage, piece, bucket);
}

std::string job_spec::reduce_output(std::uint32_t bucket) const {
  return fmt::format("{}/reduce{}", storage, bucket);
}

}  // namespace mergepipe::cluster
