#include "parse/tape_scanner.h"

#include <algorithm>
#include <charconv>
#include <new>

namespace mergepipe::detail {
namespace {

namespace dom = simdjson::dom;
using json_type = simdjson::ondemand::json_type;

// Below the walk's limit of 1024 levels, so that the tape never accepts a record the walk
// would refuse; the few records nested deeper take the walk.
constexpr std::size_t tape_max_depth = 1000;
constexpr std::size_t initial_capacity = 1 << 16;  // grows with the largest record seen

json_type type_of(dom::element_type type) noexcept {
  switch (type) {
    case dom::element_type::ARRAY:
      return json_type::array;
    case dom::element_type::OBJECT:
      return json_type::object;
    case dom::element_type::STRING:
      return json_type::string;
    case dom::element_type::BOOL:
      return json_type::boolean;
    case dom::element_type::NULL_VALUE:
      return json_type::null;
    default:
      return json_type::number;
  }
}

template <typename Integer>
std::string_view write_integer(Integer value, std::array<char, 24>& buffer) noexcept {
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace

tape_scanner::tape_scanner(const field_selector& selector)
    : selector_(selector),
      nodes_(selector.nodes()),
      visited_(nodes_.size()),
      number_text_(static_cast<std::size_t>(selector.slot_count())) {
  if (parser_.allocate(initial_capacity, tape_max_depth) != simdjson::SUCCESS)
    throw std::bad_alloc();
}

bool tape_scanner::capture(const char* data, std::size_t size, std::vector<captured_field>& slots) {
  dom::element root;
  if (parser_.parse(data, size, false).get(root) != simdjson::SUCCESS) return false;
  if (root.type() != dom::element_type::OBJECT) return false;
  std::fill(slots.begin(), slots.end(), captured_field{});
  std::fill(visited_.begin(), visited_.end(), char{0});
  return capture_value(root, 0, slots);
}

bool tape_scanner::capture_value(dom::element value, int node, std::vector<captured_field>& slots) {
  const field_selector::node& here = nodes_[node];
  if (here.slot >= 0 && !capture_scalar(value, here.slot, slots[here.slot])) return false;
  if (here.children.empty()) return true;
  dom::object object;
  dom::array array;
  if (value.get_object().get(object) == simdjson::SUCCESS) {
    // The tape is valid throughout: stop once every selected field is found.
    std::size_t left = here.children.size();
    for (dom::key_value_pair field : object) {
      int child = selector_.match_field(node, field.key, visited_);
      if (child < 0) continue;
      if (!capture_value(field.value, child, slots)) return false;
      if (--left == 0) break;
    }
  } else if (value.get_array().get(array) == simdjson::SUCCESS) {
    std::size_t index = 0;
    for (dom::element element : array) {
      int child = selector_.match_element(node, index++, visited_);
      if (child >= 0 && !capture_value(element, child, slots)) return false;
    }
  }
  return true;
}

bool tape_scanner::capture_scalar(dom::element value, int slot, captured_field& out) {
  out.present = true;
  out.type = type_of(value.type());
  switch (value.type()) {
    case dom::element_type::STRING:
      out.text = value.get_string().value_unsafe();
      return true;
    case dom::element_type::BOOL:
      out.boolean = value.get_bool().value_unsafe();
      return true;
    case dom::element_type::INT64:
      out.text = write_integer(value.get_int64().value_unsafe(), number_text_[slot]);
      return true;
    case dom::element_type::UINT64:
      out.text = write_integer(value.get_uint64().value_unsafe(), number_text_[slot]);
      return true;
    case dom::element_type::DOUBLE:
      return false;  // its text is gone from the tape: `1.50` and `15e-1` must stay exact
    default:
      return true;
  }
}

}  // namespace mergepipe::detail
