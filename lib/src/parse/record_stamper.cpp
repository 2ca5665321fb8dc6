#include "parse/record_stamper.h"

#include "parse/key_encoding.h"

namespace mergepipe::detail {
namespace {

namespace od = simdjson::ondemand;

const char* type_name(od::json_type type) noexcept {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// Appends a captured scalar in key encoding; false for an object or array.
bool append_scalar(std::string& out, const captured_field& value) {
  switch (value.type) {
    case od::json_type::string:
      append_string(out, value.text);
      return true;
    case od::json_type::number:
      return append_number(out, value.text);
    case od::json_type::boolean:
      append_bool(out, value.boolean);
      return true;
    case od::json_type::null:
      append_null(out);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool record_stamper::stamp(std::span<const captured_field> fields, std::string& key,
                           record_fields& out, std::string& reason) {
  std::size_t key_start = key.size();
  out = record_fields{};
  if (!stamp_key(fields, key, reason) ||
      (timestamp_slot_ >= 0 && !read_timestamp(fields[timestamp_slot_], rules_.timestamp_names[0],
                                               out.has_timestamp, out.ts, reason)) ||
      (timestamp_slots_.size() > 1 && !stamp_tail(fields, reason))) [[unlikely]] {
    key.resize(key_start);
    return false;
  }
  out.is_delete = is_delete(fields);
  return true;
}

bool record_stamper::stamp_tail(std::span<const captured_field> fields, std::string& reason) {
  tail_.clear();
  for (std::size_t i = 1; i < timestamp_slots_.size(); ++i) {
    bool present = false;
    timestamp ts;
    if (!read_timestamp(fields[timestamp_slots_[i]], rules_.timestamp_names[i], present, ts,
                        reason)) {
      return false;
    }
    append_further_stamp(tail_, present, ts);
  }
  return true;
}

bool record_stamper::stamp_key(std::span<const captured_field> fields, std::string& key,
                               std::string& reason) {
  for (std::size_t part = 0; part < rules_.key_slots.size(); ++part) {
    const captured_field& value = fields[rules_.key_slots[part]];
    const std::string& name = rules_.key_names[part];
    if (!value.present) {
      reason = "missing key field \"" + name + "\"";
      return false;
    }
    if (value.type == od::json_type::null || !append_scalar(key, value)) {
      reason = "key field \"" + name + "\" is " + type_name(value.type) +
               " (keys must be strings, numbers or booleans)";
      return false;
    }
  }
  return true;
}

// A missing or null timestamp is the oldest; anything else must be a valid one.
bool record_stamper::read_timestamp(const captured_field& value, const std::string& name,
                                    bool& present, timestamp& ts, std::string& reason) {
  if (!value.present || value.type == od::json_type::null) return true;
  bool parsed = false;
  if (value.type == od::json_type::string) {
    parsed = rules_.timestamps.parse_string(value.text, ts);
  } else if (value.type == od::json_type::number) {
    parsed = rules_.timestamps.parse_number(value.text, ts);
  } else {
    reason = "timestamp field \"" + name + "\" is " + type_name(value.type);
    return false;
  }
  if (!parsed) {
    const char* quote = value.type == od::json_type::string ? "\"" : "";
    reason = "invalid timestamp " + std::string(quote) + std::string(value.text) + quote +
             " in field \"" + name + "\"";
    return false;
  }
  present = true;
  return true;
}

bool record_stamper::is_delete(std::span<const captured_field> fields) {
  for (const record_rules::delete_match& rule : rules_.deletes) {
    const captured_field& value = fields[rule.slot];
    if (!value.present) continue;
    scratch_.clear();
    if (append_scalar(scratch_, value) && scratch_ == rule.encoded_value) return true;
  }
  return false;
}

}  // namespace mergepipe::detail
