#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "mergepipe/export.h"
#include "mergepipe/record_view.h"
#include "mergepipe/result_rules.h"

namespace mergepipe {

namespace detail {
/// The library's own way into a `json_file_sink`: its writer writes framed blocks of records,
/// those of a regular file in parallel. Not for use outside the library.
struct sink_access;
}  // namespace detail

/// Receives the winning records, minified, in output order.
class MERGEPIPE_API record_sink {
 public:
  virtual ~record_sink() = default;
  /// One record: a minified JSON object, without a trailing newline.
  virtual void write(std::string_view record) = 0;
  /// One record as data: its text with its key, time, delete flag and position, and room for
  /// simdjson to parse it in place (`record_view`). The library calls this one; by default it
  /// passes `record.json()` to `write` above. A sink that wants the data overrides it (and
  /// `write(std::string_view)`, for records given as text).
  virtual void write(const record_view& record) { write(record.json()); }
  /// Called once after the last record of a successful merge.
  virtual void finish() {}
};

/// A bad record left out under `error_policy::skip`.
struct rejected_record {
  std::string_view file;     ///< Input name as given ("<stdin>" for standard input).
  std::uint64_t line = 0;    ///< Line of the record's first byte (from 1).
  std::uint64_t column = 0;  ///< Byte column of the record's first byte (from 1).
  std::uint64_t offset = 0;  ///< Byte offset of the record's first byte in its file.
  std::string_view reason;   ///< Why it was rejected.
  std::string_view raw;      ///< The record's bytes exactly as in the input.
};

/// Receives bad records in input order under `error_policy::skip`.
class MERGEPIPE_API reject_sink {
 public:
  virtual ~reject_sink() = default;
  /// One bad record; its views are valid only during the call.
  virtual void write(const rejected_record& rejected) = 0;
  /// Called once after a successful merge.
  virtual void finish() {}
};

/// A record sink that calls a function for each record, with its text or as data.
class MERGEPIPE_API callback_sink final : public record_sink {
 public:
  /// `fn` is called with each record's text; the view is valid only during the call.
  explicit callback_sink(std::function<void(std::string_view)> fn) : text_(std::move(fn)) {}
  /// `fn` is called with each record as data; the view is valid only during the call.
  explicit callback_sink(std::function<void(const record_view&)> fn) : data_(std::move(fn)) {}

  void write(std::string_view record) override;
  void write(const record_view& record) override;

 private:
  std::function<void(std::string_view)> text_;
  std::function<void(const record_view&)> data_;
};

/// Writes records to a file or standard output ("-" or empty path).
/// A file appears only when `finish()` succeeds: records go to a temporary file beside the
/// target, renamed into place at the end; the destructor removes it otherwise.
/// Failed writes throw `mergepipe::error` with `errc::io`. A sink writes one output: a write
/// or `finish()` after `finish()` throws `mergepipe::error` with `errc::usage`.
class MERGEPIPE_API json_file_sink final : public record_sink {
 public:
  /// Nothing is opened until the first write or `finish()`. With `durable` (the default) the
  /// file is synced to the disk before it is renamed into place; without, a crash of the
  /// machine may leave it torn: for intermediate files that can be made again.
  json_file_sink(std::string path, output_format format, bool durable = true);
  ~json_file_sink() override;
  json_file_sink(const json_file_sink&) = delete;
  json_file_sink& operator=(const json_file_sink&) = delete;

  using record_sink::write;
  void write(std::string_view record) override;
  void finish() override;

 private:
  friend struct detail::sink_access;  // the library's writer, for blocks written whole
  class impl;
  std::unique_ptr<impl> impl_;
  output_format format_;
  std::uint64_t count_ = 0;
};

/// Writes records to a `std::ostream` in `format`, for callers that keep the output in memory
/// or pass it on. Each `finish()` ends one complete document, so one sink can take several
/// snapshots in turn. A failed write throws `mergepipe::error` with `errc::io`; what was
/// written before stays in the stream.
class MERGEPIPE_API json_stream_sink final : public record_sink {
 public:
  /// `out` must outlive the sink.
  json_stream_sink(std::ostream& out, output_format format) : out_(out), format_(format) {}

  using record_sink::write;
  void write(std::string_view record) override;
  void finish() override;

 private:
  std::ostream& out_;
  output_format format_;
  std::uint64_t count_ = 0;
};

/// Writes rejects as JSON lines `{"file":…,"line":…,"column":…,"offset":…,"error":…,"raw":…}`
/// to a file, atomically like `json_file_sink`. A record that is not valid UTF-8 gets
/// `"raw_base64"` instead of `"raw"`, so that its bytes survive exactly.
class MERGEPIPE_API rejects_file_sink final : public reject_sink {
 public:
  explicit rejects_file_sink(std::string path);
  ~rejects_file_sink() override;
  rejects_file_sink(const rejects_file_sink&) = delete;
  rejects_file_sink& operator=(const rejects_file_sink&) = delete;

  void write(const rejected_record& rejected) override;
  void finish() override;

 private:
  std::unique_ptr<json_file_sink> lines_;
};

/// Encodes `rejected` as one JSON object (no newline), as `rejects_file_sink` writes it.
MERGEPIPE_API std::string reject_to_json(const rejected_record& rejected);

}  // namespace mergepipe
