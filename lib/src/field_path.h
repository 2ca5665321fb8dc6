#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mergepipe::detail {

/// A field named on the command line: a plain top-level name (`id`), or a JSON Pointer
/// (RFC 6901, `/address/zip`, with `~0` and `~1` escapes) when it starts with `/`.
/// Throws mergepipe::error (errc::usage) for an invalid pointer escape.
std::vector<std::string> parse_field_path(std::string_view spec);

/// The fields one record walk must capture, as a tree of path tokens. Each requested path
/// gets a slot; the walk fills slot values while it validates the whole record.
class field_selector {
 public:
  /// Adds a path and returns its slot number. The same path twice shares one slot.
  int add(const std::vector<std::string>& path);

  /// Number of distinct slots.
  [[nodiscard]] int slot_count() const noexcept { return slot_count_; }

  struct node {
    std::string token;          ///< Field name (unescaped) or array index in decimal.
    int slot = -1;              ///< Slot captured at this node, -1 if none.
    std::vector<int> children;  ///< Indices into nodes().
  };
  /// All nodes; node 0 is the root (the record object itself).
  [[nodiscard]] const std::vector<node>& nodes() const noexcept { return nodes_; }

 private:
  std::vector<node> nodes_{node{}};
  int slot_count_ = 0;
};

}  // namespace mergepipe::detail
