#pragma once

#include <memory>
#include <vector>

#include "mergepipe/appender.h"
#include "mergepipe/export.h"
#include "mergepipe/options.h"
#include "mergepipe/report.h"
#include "mergepipe/sink.h"
#include "mergepipe/source.h"

namespace mergepipe {

/// How `merger::save_partial` writes its files.
struct partial_format {
  /// Save the records that lie in input files as where they lie (the file, found again by
  /// the record's stamp, and a checksum) instead of as copies, so that a partial file holds
  /// little more than keys and stamps. That takes inputs added by path (`source::file`,
  /// `source::file_range`), uncompressed, at positions of offset 0, as `cut_into_pieces`
  /// pieces are; other records are copied. The files must stay at their paths, unchanged,
  /// until the merge that adds the partial back has written its output: one whose size or
  /// modification time changed is an I/O error naming it, and so is a record whose bytes did.
  bool refer_to_inputs = false;
  /// Sync each file to the disk before renaming it into place. Without it, a crash of the
  /// machine may leave a file torn, which `add_partial` refuses by its checksum: for files
  /// that can be made again.
  bool durable = true;
};

/// What `merger::save_partial_by_position` saved into one file, measured as the output would
/// have it, so that ranges of the output can be given their place in one file before they are
/// written. The byte counts are exact when the records are already minified.
struct saved_range {
  std::uint64_t records = 0;       ///< Keys whose latest record is not a delete marker.
  std::uint64_t deletes = 0;       ///< Keys whose latest record is a delete marker.
  std::uint64_t record_bytes = 0;  ///< At most this many bytes for the records as NDJSON lines.
  std::uint64_t delete_bytes = 0;  ///< The same for the delete markers.
};

/// An incremental merge: feed it sources as they arrive, in any order, each with its
/// position; ask for the winners at any time; combine partial merges of other partitions.
/// The result depends only on the records added, their positions and the options that
/// change the result, never on the order of the calls or on how the work was split:
/// last-writer-wins is associative, commutative and idempotent.
///
/// Winning records are referenced in their sources, which the merger keeps alive (files
/// stay mapped; buffers and streams are held in memory) until `finish()` or destruction. A
/// file written to or replaced meanwhile is caught when the winners are written or saved
/// (an `io` error naming it; nothing is written): each record's checksum, taken when it was
/// validated, and the file's size, modification time and inode are checked again.
///
/// Not thread-safe: call one member at a time. Each call runs in parallel inside. A merger
/// that was moved from may only be destroyed or assigned to: any other call throws
/// `mergepipe::error` (usage).
///
/// @code
///   mergepipe::merger m(opts);
///   m.add(mergepipe::source::file("day-2.ndjson"), {.input = 2});
///   m.add(mergepipe::source::file("day-1.ndjson"), {.input = 1});
///   mergepipe::json_file_sink out("latest.ndjson", mergepipe::output_format::ndjson);
///   m.finish(out);
/// @endcode
class MERGEPIPE_API merger {
 public:
  /// A merge with `opts` (its `inputs` are not used: add sources instead). Bad records go
  /// to `rejects` under `error_policy::skip`; it must outlive the merger.
  /// Throws `mergepipe::error` (usage) for invalid options.
  explicit merger(options opts, reject_sink* rejects = nullptr);
  ~merger();
  merger(merger&&) noexcept;
  merger& operator=(merger&&) noexcept;
  merger(const merger&) = delete;
  merger& operator=(const merger&) = delete;

  /// Reads `from` and merges its records, stamped with `at`.
  /// Throws `mergepipe::error` as `merge()` does (`io`, `bad_input`); then the merger is as
  /// it was before the call, except that rejects already written stay written.
  void add(const source& from, position at);

  /// Reads `sources` in one pass, the i-th at position `{first_input + i, 0}`: what `merge()`
  /// does with its inputs. Every source is opened before any is read.
  void add(const std::vector<source>& sources, std::uint32_t first_input = 0);

  /// Starts an input whose bytes are handed over as they arrive, at `at`, named `name` in
  /// messages: see `appender`. Until it is closed, any other call on this merger is a usage
  /// error; destroying or assigning to the merger abandons it.
  [[nodiscard]] appender append(position at, std::string name = "<appended>");

  /// Moves every record of `other` into this merger, by the same rule: the result equals
  /// having added `other`'s sources here. Both must agree on the options that change the
  /// result (else `mergepipe::error`, usage). `other` is left empty.
  void absorb(merger&& other);

  /// Saves the merge so far for another process to continue: every key's latest record,
  /// delete markers included, with its order stamp, split by key into `bucket_paths.size()`
  /// files (the same key always lands in the same bucket, on every machine). Each file
  /// appears complete or not at all, and carries a checksum of itself. `format` says whether
  /// records are copied or referred to, and whether files are synced. The merger keeps its
  /// state. Throws `mergepipe::error` (`io`) when a file cannot be written.
  void save_partial(const std::vector<std::string>& bucket_paths, partial_format format = {});

  /// Saves as `save_partial` does, split by where each key's record lies instead of by key:
  /// file i gets the records at positions from `starts[i]` up to, not including,
  /// `starts[i + 1]` (`starts` ascending, as many as `paths`; records before `starts[0]` go to
  /// the first file). For a merger that has seen every record of its keys, such as one that
  /// merged one bucket of every piece: each file then holds final winners, and merging the
  /// files of one range from every bucket writes that range of the output, so ranges can be
  /// written apart and joined. Returns what each file holds. Throws `mergepipe::error`
  /// (`usage` for `starts` that do not fit, `io` as `save_partial` does).
  std::vector<saved_range> save_partial_by_position(const std::vector<std::string>& paths,
                                                    const std::vector<position>& starts,
                                                    partial_format format = {});

  /// Merges a file written by `save_partial`, by the same rule: saving and adding back
  /// changes no result. Throws `mergepipe::error`: `usage` when it was saved with other key,
  /// timestamp, delete or keep options, `bad_input` when it is not such a file (truncated,
  /// torn, corrupted, of another format version), `io` when it cannot be read, or when an
  /// input file it refers to cannot be read or has changed since it was saved.
  void add_partial(const std::string& path);

  /// Writes the current winners to `out` in output order, then calls `out.finish()`.
  /// The merger keeps its state: more sources may be added afterwards.
  report snapshot(record_sink& out);

  /// Writes the winners to `out` as `snapshot()` does and ends the merge: the merger is
  /// empty afterwards, its sources released.
  report finish(record_sink& out);

  /// Counts and timings so far (records, bad records, bytes, busy time per filter).
  [[nodiscard]] report progress_report() const;

 private:
  class impl;
  impl& live() const;
  std::unique_ptr<impl> impl_;
};

}  // namespace mergepipe
