#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "merge/merge_table.h"

namespace mergepipe::detail {

/// `--merge-fields` (contract 1.7): what the merge keeps of a key is a *state*, not a record:
/// the latest delete marker (its stamp and bytes), and per top-level field the earliest record
/// that held it (its stamp and the field's place in it) and the value of the latest one that
/// did, unless a later delete marker hides it. Merging two states is associative and
/// commutative, like keeping the latest record, so states can be built in any order, in
/// parallel, and saved in partial files. A state is bytes, laid out in merged_object.cpp;
/// stamps in it are written by `append_stamp_bytes`.

/// A stamp as bytes that compare with memcmp as the stamps do: the first timestamp field,
/// the tail (the further ones, as `append_further_stamp` wrote them), then the position.
void append_stamp_bytes(std::string& out, const order_stamp& stamp, const char* tail,
                        std::size_t tail_size);

/// Bytes of a stamp with `tail_size` bytes of further timestamp fields.
[[nodiscard]] std::size_t stamp_bytes_size(std::size_t tail_size);

/// Whether `bytes` are a whole state of stamps of `stamp_size` bytes: a partial file's states
/// are checked once, so that a damaged one is an error, not a read out of bounds.
[[nodiscard]] bool is_state(std::string_view bytes, std::size_t stamp_size);

/// Appends to `out` the state `held` (empty: none yet) merged with one record: `record` is its
/// whitespace-trimmed, validated text, `stamp` its `append_stamp_bytes`.
void merge_record_into_state(std::string_view held, std::string_view record, std::string_view stamp,
                             bool is_delete, std::string& out);

/// Appends to `out` the states `a` and `b` merged.
void merge_states(std::string_view a, std::string_view b, std::string& out);

/// Appends the object that `state` stands for, as JSON text (not yet minified): the fields
/// that no delete marker hides, in the order the key first had them.
void render_state(std::string_view state, std::string& out);

/// The text of the latest delete marker of `state`; empty when there is none.
[[nodiscard]] std::string_view latest_delete_of(std::string_view state);

}  // namespace mergepipe::detail
