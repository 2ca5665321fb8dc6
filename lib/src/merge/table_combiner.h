#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "merge/merge_table.h"
#include "mergepipe/options.h"

namespace mergepipe::detail {

/// What combining the tables of a merge (one per pass, partial file or absorbed merger) found.
struct combined_winners {
  [[nodiscard]] std::span<const winner> winners() const noexcept {
    return {live.get(), live_count};
  }

  /// Winners to write (delete markers only when kept): `live_count` of them, allocated
  /// uninitialized, so that the shards fill and first touch their parts in parallel.
  std::unique_ptr<winner[]> live;
  std::size_t live_count = 0;
  std::vector<std::uint32_t> order;  ///< Indices into `live`, in output order.
  std::uint64_t distinct_keys = 0;
  std::uint64_t deleted = 0;
};

/// Folds every table into the first, shard by shard in parallel; the others are left empty.
/// Must run inside the merge's task arena.
void fold_tables(const std::vector<sharded_merge_table*>& tables, unsigned tokens);

/// Folds every table into the first, shard by shard in parallel, sorts each shard's winners
/// (with delete markers when `with_deletes`) in output order (input position, or key), and
/// orders them all: by a bucket sort on their positions (merge/input_order.h), or by merging
/// the shards by key. Must run inside the merge's task arena.
combined_winners combine_tables(const std::vector<sharded_merge_table*>& tables, output_order order,
                                bool with_deletes, unsigned tokens);

}  // namespace mergepipe::detail
