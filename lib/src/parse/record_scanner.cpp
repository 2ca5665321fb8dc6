#include "parse/record_scanner.h"

#include <simdjson.h>

#include <cstring>
#include <new>
#include <vector>

#include "json_grammar.h"
#include "read/chunker.h"
#include "read/input_source.h"

namespace mergepipe::detail {
namespace {

namespace od = simdjson::ondemand;

constexpr int max_nesting = 1024;
constexpr std::size_t initial_capacity = 1 << 16;  // grows with the largest record seen

std::string json_error_reason(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::NUMBER_ERROR:
      return "invalid JSON: malformed number or number out of range";
    case simdjson::STRING_ERROR:
      return "invalid JSON: malformed string escape";
    case simdjson::UNESCAPED_CHARS:
      return "invalid JSON: unescaped control character in string";
    case simdjson::UNCLOSED_STRING:
      return "invalid JSON: unterminated string";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::INCORRECT_TYPE:
      return "invalid JSON: malformed literal";
    case simdjson::DEPTH_ERROR:
      return "nesting deeper than 1024 levels";
    default:
      return std::string("invalid JSON: ") + simdjson::error_message(code);
  }
}

// simdjson reports a record followed by more JSON as a structure error; say what it is.
std::string describe_failure(simdjson::error_code code, const char* data, std::size_t size) {
  std::size_t end = first_value_end(data, size);
  while (end < size && is_json_space(data[end])) ++end;
  if (end < size &&
      (code == simdjson::TAPE_ERROR || code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT)) {
    return "unexpected content after the record";
  }
  return json_error_reason(code);
}

std::string_view trim_token(std::string_view token) noexcept {
  while (!token.empty() && is_json_space(token.back())) token.remove_suffix(1);
  return token;
}

}  // namespace

// Walks every value of a record, which both validates it in full (On-Demand checks only what
// it visits) and captures the selected fields on the way, in one pass over simdjson's index.
class record_scanner::walker {
 public:
  walker(const record_rules& rules, std::vector<captured_field>& captures)
      : selector_(rules.selector),
        nodes_(rules.selector.nodes()),
        captures_(captures),
        visited_(nodes_.size()) {
    parser_.threaded = false;  // Debian's build would start a thread per document stream.
    // simdjson counts one level more than we do and indexes its stack by depth: give it room
    // past our own limit, which the walk enforces before descending.
    if (parser_.allocate(initial_capacity, max_nesting + 2) != simdjson::SUCCESS)
      throw std::bad_alloc();
  }

  simdjson::error_code run(const char* data, std::size_t size, std::string& reason) {
    std::fill(captures_.begin(), captures_.end(), captured_field{});
    std::fill(visited_.begin(), visited_.end(), char{0});
    od::document doc;
    if (auto code = parser_.iterate(data, size, size + input_padding).get(doc)) {
      reason = describe_failure(code, data, size);
      return code;
    }
    od::json_type type;
    if (auto code = doc.type().get(type)) {
      reason = json_error_reason(code);
      return code;
    }
    if (type != od::json_type::object) {
      reason = "record is not a JSON object";
      return simdjson::INCORRECT_TYPE;
    }
    od::object object;
    simdjson::error_code code = doc.get_object().get(object);
    if (!code) code = walk_object(object, 0, 1);
    if (code) {
      if (reason.empty()) reason = describe_failure(code, data, size);
      return code;
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      reason = "unexpected content after the record";
      return simdjson::TAPE_ERROR;
    }
    return simdjson::SUCCESS;
  }

 private:
  simdjson::error_code walk_object(od::object& object, int node, int depth) {
    for (auto field : object) {
      if (field.error()) return field.error();
      // Work on the field in place: copying simdjson's result wrappers stalls on
      // store forwarding, which showed up as most of this loop's time.
      od::field& current = field.value_unsafe();
      std::string_view key;
      if (auto code = field_name(current, key)) return code;
      if (auto code =
              walk_value(current.value(), selector_.match_field(node, key, visited_), depth))
        return code;
    }
    return simdjson::SUCCESS;
  }

  // Stage 1 already checked UTF-8 and control characters, so a name without a backslash is
  // valid as it stands; only names with escapes are unescaped (which validates them).
  static simdjson::error_code field_name(od::field& field, std::string_view& name) {
    const char* raw = field.key().raw();
    const char* end = raw;
    while (*end != '"' && *end != '\\') ++end;
    if (*end == '"') {
      name = std::string_view(raw, static_cast<std::size_t>(end - raw));
      return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(name);
  }

  simdjson::error_code walk_array(od::array& array, int node, int depth) {
    std::size_t index = 0;
    for (auto element : array) {
      if (element.error()) return element.error();
      int child = selector_.match_element(node, index, visited_);
      if (auto code = walk_value(element.value_unsafe(), child, depth)) return code;
      ++index;
    }
    return simdjson::SUCCESS;
  }

  // `depth` is the nesting level of the container holding `value`.
  simdjson::error_code walk_value(od::value& value, int node, int depth) {
    od::json_type type;
    if (auto code = value.type().get(type)) return code;
    captured_field* capture =
        node >= 0 && nodes_[node].slot >= 0 ? &captures_[nodes_[node].slot] : nullptr;
    if (capture != nullptr) {
      capture->present = true;
      capture->type = type;
    }
    switch (type) {
      case od::json_type::object: {
        if (depth + 1 > max_nesting) return simdjson::DEPTH_ERROR;
        auto object = value.get_object();
        if (object.error()) return object.error();
        return walk_object(object.value_unsafe(), node, depth + 1);
      }
      case od::json_type::array: {
        if (depth + 1 > max_nesting) return simdjson::DEPTH_ERROR;
        auto array = value.get_array();
        if (array.error()) return array.error();
        return walk_array(array.value_unsafe(), node, depth + 1);
      }
      case od::json_type::number: {
        if (capture != nullptr) capture->text = trim_token(value.raw_json_token());
        double ignored;
        auto code = value.get_double().get(ignored);
        // simdjson refuses exponents of many digits (`1e0000000000000000000001`); the contract
        // only refuses what overflows a double.
        if (code == simdjson::NUMBER_ERROR &&
            json_number_fits_double(trim_token(value.raw_json_token()))) {
          return simdjson::SUCCESS;
        }
        return code;
      }
      case od::json_type::string: {
        // Unescaping is the only check left for a string (stage 1 did UTF-8 and control
        // characters); skip it for the common string without a backslash.
        if (capture == nullptr) {
          std::string_view token = value.raw_json_token();
          if (std::memchr(token.data(), '\\', token.size()) == nullptr) {
            // Consume it all the same: simdjson skips an unread string followed by ':' as a
            // field name, which would let `{"a":"b":c}}` through as valid.
            od::raw_json_string raw;
            return value.get_raw_json_string().get(raw);
          }
        }
        std::string_view text;
        if (auto code = value.get_string().get(text)) return code;
        if (capture != nullptr) capture->text = text;
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        bool flag;
        if (auto code = value.get_bool().get(flag)) return code;
        if (capture != nullptr) capture->boolean = flag;
        return simdjson::SUCCESS;
      }
      case od::json_type::null: {
        bool is_null;
        if (auto code = value.is_null().get(is_null)) return code;
        return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
      }
    }
    return simdjson::SUCCESS;
  }

  od::parser parser_;
  const field_selector& selector_;
  const std::vector<field_selector::node>& nodes_;
  std::vector<captured_field>& captures_;
  std::vector<char> visited_;
};

record_scanner::record_scanner(const record_rules& rules, bool use_tape)
    : captures_(static_cast<std::size_t>(rules.selector.slot_count())),
      walker_(std::make_unique<walker>(rules, captures_)),
      stamper_(rules) {
  if (use_tape) tape_.emplace(rules.selector);
}

record_scanner::~record_scanner() = default;

bool record_scanner::capture(const char* data, std::size_t size) {
  reason_.clear();
  bool captured = tape_ && tape_->capture(data, size, captures_);
  return captured || !walker_->run(data, size, reason_);
}

}  // namespace mergepipe::detail
