#pragma once

#include <cstddef>
#include <vector>

#include "chunk.h"
#include "read/chunker.h"

namespace mergepipe::detail {

// Arrays cut in parallel. An exact cut of an array follows strings and nesting through every
// byte, one chunk after the other: on many cores that serial scan bounds the whole pipeline.
// Most exported arrays hold one element per line (`[`, then `{...},` lines, then `]`), so once
// an input's first chunk, cut exactly, shows that layout, the cut step only guesses: it ends
// each chunk at a comma that ends a line, as if that comma were between elements. The parse
// step delimits each chunk's elements from its guess, in parallel; the order step, which sees
// the chunks in input order, holds every guess against where the chunk before truly ended, and
// cuts and parses again, exactly, a chunk whose guess did not hold (order/guess_check.h). The
// records, bad records and errors are those of the exact cut whatever the guesses.

/// True when `items`, the first chunk of an array (`data` its input), hold two elements or
/// more, each on a line of its own, and nothing else: the layout whose chunks are cut by guess.
[[nodiscard]] bool one_element_per_line(const char* data,
                                        const std::vector<array_item>& items) noexcept;

/// The guessed end of a chunk that starts at the comma `begin`: the first comma after it that
/// ends a line (only spaces, tabs or a CR between it and the newline), on the line at or after
/// `target`; `size` when there is none.
[[nodiscard]] std::size_t guess_chunk_end(const char* data, std::size_t begin, std::size_t target,
                                          std::size_t size) noexcept;

/// Delimits the elements of a chunk cut by guess into `c.items`, taking `c.begin` as the comma
/// after an element. A chunk that runs to the end of its input is split exactly, and true
/// means that the array closes in it. A chunk that ends at a comma is read as one element
/// per line, each up to the comma that ends its line, and true means that every line had
/// one: such an element is the exact cut's too when it is one valid JSON value, which the
/// parse step decides, and `held_by_bad_records` settles for the elements it refused.
[[nodiscard]] bool delimit_guessed_chunk(chunk& c);

/// After the parse step, for a chunk delimited by lines: true when every bad record among its
/// elements ends where an exact scan from its start ends it, at the comma that ended its line.
[[nodiscard]] bool held_by_bad_records(const chunk& c) noexcept;

}  // namespace mergepipe::detail
