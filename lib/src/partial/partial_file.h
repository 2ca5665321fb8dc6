#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "merge/merge_table.h"
#include "mergepipe/merger.h"
#include "mergepipe/result_rules.h"
#include "read/input_set.h"
#include "read/input_source.h"

namespace mergepipe::detail {

/// Counts that travel with a saved partial merge, so that the final report adds up.
struct partial_counts {
  std::uint64_t records = 0;
  std::uint64_t bad_records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
};

/// The bucket of `key` among `buckets`: the same on every machine and in every process.
std::uint32_t bucket_of(std::string_view key, std::uint32_t buckets) noexcept;

/// Writes every entry of `table` (delete markers included, with their stamps) into
/// `paths.size()` files, each atomically: by `bucket_of`, or with `starts`, by the range of
/// positions its stamp falls in (see `merger::save_partial_by_position`); `counts` go with
/// the first. With
/// `format.refer_to_inputs`, records that lie in `inputs.referable_files()` are saved as their
/// checksums, found again by their stamps. A record copied from `inputs` whose bytes no longer
/// match its checksum is an I/O error naming the input, and no file is written. Returns what
/// each file holds (`saved_range`; the byte counts only with `starts`).
std::vector<saved_range> save_partial(const sharded_merge_table& table,
                                      const std::vector<std::string>& paths,
                                      std::uint64_t fingerprint, const partial_counts& counts,
                                      const input_set& inputs, const partial_format& format,
                                      const std::vector<position>* starts = nullptr);

/// Reads a file written by `save_partial` into `table`, or, without one, only checks it
/// whole; `rule` is the merge's. Candidates point into `file`, which must outlive the table, or
/// into the input files it refers to, which are opened in `inputs`. Throws mergepipe::error:
/// bad_input for a file that is not a complete partial of this format (torn, damaged, foreign, of
/// another version), usage when its fingerprint differs from `fingerprint`, io when a file it
/// refers to cannot be read or has changed. A file that was checked whole reads without error.
partial_counts load_partial(const input_source& file, std::uint64_t fingerprint,
                            const keep_rule& rule, sharded_merge_table* table, input_set& inputs);

}  // namespace mergepipe::detail
