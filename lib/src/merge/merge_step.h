#pragma once

#include "chunk.h"
#include "merge/merge_table.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The merge step: offers every record of a chunk to the table, which keeps the latest per
/// key. Runs on many chunks at once: the table's shards have a lock each, taken once per
/// chunk and shard.
class merge_step {
 public:
  merge_step(sharded_merge_table& table, input_set& inputs) : table_(table), inputs_(inputs) {}

  void run(chunk& c);

 private:
  sharded_merge_table& table_;
  input_set& inputs_;
};

}  // namespace mergepipe::detail
