#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "object_pool.h"
#include "parse/captured_field.h"
#include "parse/record_fields.h"
#include "read/chunker.h"
#include "read/input_source.h"

namespace mergepipe::detail {

/// A good record of a chunk after parsing: where it is and what the merge needs.
struct parsed_record {
  std::uint64_t offset = 0;  ///< Of the record's first byte in its file.
  std::uint64_t size = 0;
  std::uint64_t key_begin = 0;  ///< Into chunk::keys (after the stamp step).
  std::uint64_t key_size = 0;
  record_fields fields;        ///< Filled by the stamp step.
  std::uint32_t checksum = 0;  ///< record_checksum, when the chunk's records get one.
};

/// A selected field as the parse step left it for a stamp step in another filter: the
/// scanner's views die with its next record, so the text is copied into the chunk.
struct kept_field {
  bool present = false;
  bool boolean = false;
  simdjson::ondemand::json_type type = simdjson::ondemand::json_type::null;
  std::uint64_t text_begin = 0;  ///< Into chunk::kept_text.
  std::uint64_t text_size = 0;
};

/// How the cut step ended an array chunk (read/guessed_cut.h).
enum class cut_guess : std::uint8_t {
  none,      ///< Exactly: `items` hold its elements.
  to_comma,  ///< At a comma guessed to be between elements; the parse step delimits `items`.
  to_end,    ///< At the end of its input, from a guessed comma; the parse step delimits `items`.
};

/// A bad record of a chunk, in input order.
struct bad_record {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::string reason;
};

/// The unit of work that travels through the pipeline: a run of whole records of one file.
/// Each step fills its part, in the order of the steps.
struct chunk {
  // read: which input, its format and bytes.
  std::uint32_t file = 0;
  input_format format = input_format::ndjson;
  const char* data = nullptr;       ///< The file's bytes (offset 0); stable while the merge runs.
  std::uint64_t records_begin = 0;  ///< Where the input's records start (after a `[`).
  std::uint64_t through = 0;        ///< The bytes up to here are for this chunk or before it.
  std::uint64_t sequence = 0;       ///< Its place among the pass's chunks, from 0.
  /// The records stay in the input (not copied): each gets a checksum when validated, for
  /// the writer to check that the bytes it writes are still those.
  bool checksummed = false;

  // cut: the records' bytes.
  std::uint64_t begin = 0;  ///< Byte range covered, for NDJSON the lines to parse.
  std::uint64_t end = 0;
  std::vector<array_item> items;     ///< Array files: the delimited elements.
  std::optional<cut_failure> fatal;  ///< The input could not be cut beyond this chunk.
  cut_guess guess = cut_guess::none;
  bool guess_held = false;  ///< Parse: the elements delimited from the guess ended at `end`.

  // parse and stamp.
  std::vector<parsed_record> records;
  std::vector<kept_field> kept;  ///< Parse for stamp: the selected fields, per record.
  std::string kept_text;
  std::string keys;   ///< Encoded keys of `records`, back to back.
  std::string tails;  ///< Stamp tails of `records` (`record_rules::tail_size()` bytes each).
  std::vector<bad_record> bad;

  // merge: scratch space kept with the chunk so that it is allocated once per token.
  std::vector<std::size_t> key_hashes;       ///< The hash of each record's key.
  std::vector<std::uint8_t> shards;          ///< The table shard of each record.
  std::vector<std::uint32_t> chunk_winners;  ///< Open addressing: the chunk's winner per key.
  std::vector<std::uint32_t> by_shard;       ///< Record indices grouped by shard.

  /// Order: the pages of a mapped input that this chunk and those before it read for the
  /// last time in the pipeline; merge gives them back, in parallel.
  input_source::page_run pages_read;

  void reset() {
    items.clear();
    fatal.reset();
    guess = cut_guess::none;
    guess_held = false;
    pages_read = {};
    clear_records();
  }

  /// What parse and stamp made of the chunk.
  void clear_records() {
    records.clear();
    kept.clear();
    kept_text.clear();
    keys.clear();
    tails.clear();
    bad.clear();
  }
};

/// The chunks of a pass, each emptied when it comes back.
class chunk_pool {
 public:
  chunk* acquire() { return pool_.acquire(); }
  void release(chunk* c) {
    c->reset();
    pool_.release(c);
  }

 private:
  object_pool<chunk> pool_;
};

}  // namespace mergepipe::detail
