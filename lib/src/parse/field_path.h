#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
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
    /// Bit n set when a child's token is n bytes long (n < 64): a name of another length
    /// below 64 matches no child, which most of a record's field names find out here.
    std::uint64_t child_lengths = 0;
  };
  /// All nodes; node 0 is the root (the record object itself).
  [[nodiscard]] const std::vector<node>& nodes() const noexcept { return nodes_; }

  /// The child of `node` (-1: none) named `token` that the record being scanned has not
  /// matched yet, marked in `matched` (one flag per node, cleared per record); -1 if there is
  /// none. Of duplicate field names the first counts.
  [[nodiscard]] int match_field(int node, std::string_view token,
                                std::vector<char>& matched) const noexcept;

  /// The same for element `index` of an array: its token is the index in plain decimal.
  [[nodiscard]] int match_element(int node, std::size_t index,
                                  std::vector<char>& matched) const noexcept;

 private:
  std::vector<node> nodes_{node{}};
  int slot_count_ = 0;
};

// Field names are short and mostly differ early: a byte loop answers before a call to
// memcmp would have started (the call was 3% of a run).
inline bool same_token(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Inline: every field of every record comes through here.
inline int field_selector::match_field(int node, std::string_view token,
                                       std::vector<char>& matched) const noexcept {
  if (node < 0) return -1;
  const std::size_t length = token.size();
  if (length < 64 && (nodes_[node].child_lengths >> length & 1u) == 0) return -1;
  for (int child : nodes_[node].children) {
    if (same_token(nodes_[child].token, token) && !matched[child]) {
      matched[child] = 1;
      return child;
    }
  }
  return -1;
}

inline int field_selector::match_element(int node, std::size_t index,
                                         std::vector<char>& matched) const noexcept {
  if (node < 0 || nodes_[node].children.empty()) return -1;
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  return match_field(node, std::string_view(digits, static_cast<std::size_t>(end - digits)),
                     matched);
}

}  // namespace mergepipe::detail
