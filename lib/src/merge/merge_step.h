#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "chunk.h"
#include "merge/merge_table.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The merge step: offers every record of a chunk to the table, which keeps the winner per
/// key (or, with `--merge-fields`, merges the record into the key's state). Runs on many
/// chunks at once: the table's shards have a lock each, taken once per chunk and shard. A
/// read-once input's records are copied into the table when kept (only each chunk's winner
/// per key is offered), and its bytes are given back behind the chunks that all passed the
/// merge, so that its memory grows with the records that may still win, not with the input;
/// past the memory limit, those copies spill to disk.
class merge_step {
 public:
  merge_step(sharded_merge_table& table, input_set& inputs) : table_(table), inputs_(inputs) {}

  void run(chunk& c);

 private:
  void passed(const chunk& c);
  void release_behind(std::uint32_t file, std::uint64_t end);

  sharded_merge_table& table_;
  input_set& inputs_;
  // Chunks pass in any order: the next one in input order, and those that passed before it.
  std::mutex passed_mutex_;
  std::uint64_t next_to_pass_ = 0;
  std::map<std::uint64_t, std::pair<std::uint32_t, std::uint64_t>> passed_early_;
};

}  // namespace mergepipe::detail
