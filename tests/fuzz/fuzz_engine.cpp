// The whole merge through the public API, on the input split into files at each 0x1e byte
// (a control byte, never valid in a record), at several thread counts, chunk sizes and token
// counts, under both error policies. Every run must match a sequential model built from the
// same pieces one record at a time: the first bad record or the undelimitable array as the
// error, every bad record as a reject, and otherwise the output of the reference merge. The
// model scans records with the On-Demand walk alone, so the engine's tape path is checked
// against it too. The input's ninth byte picks the result rules: keep first or last, delete
// markers kept or not, one or two timestamp fields, fields merged or not. Merged objects are
// modelled by folding each key's records into a state one at a time in stamp order, with
// the engine's own state functions: the engine merges them in any order and in parallel.

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "decompress/compression.h"
#include "fuzz_support.h"
#include "merge/merge_table.h"
#include "merge/merged_object.h"
#include "mergepipe/mergepipe.h"
#include "parse/key_encoding.h"
#include "parse/record_rules.h"
#include "parse/record_scanner.h"
#include "read/chunker.h"
#include "record_generator.h"
#include "reference_merge.h"

namespace {

namespace mp = mergepipe;
using mergepipe::detail::array_item;
using mergepipe::detail::array_splitter;
using mergepipe::detail::compare_keys;
using mergepipe::detail::compression;
using mergepipe::detail::detect_compression;
using mergepipe::detail::input_format;
using mergepipe::detail::probe_format;
using mergepipe::detail::record_fields;
using mergepipe::detail::record_rules;
using mergepipe::detail::record_scanner;
using mergepipe::detail::timestamp;
using mergepipe::fuzz::append_lines;
using mergepipe::fuzz::byte_at;
using mergepipe::fuzz::is_json_space;
using mergepipe::fuzz::padded;
using mergepipe::fuzz::printable;
using mergepipe::fuzz::span;

constexpr std::size_t max_files = 4;
constexpr char file_separator = '\x1e';

// An input file that lives in memory, named by a path the engine can open and map.
class memory_file {
 public:
  explicit memory_file(std::string_view bytes) : fd_(::memfd_create("fuzz-input", MFD_CLOEXEC)) {
    FUZZ_CHECK(fd_ >= 0, "memfd_create failed");
    for (std::size_t done = 0; done < bytes.size();) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      FUZZ_CHECK(n > 0, "writing the input failed");
      done += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~memory_file() { ::close(fd_); }
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// The result rules, chosen by the input: keep first, keep delete markers, a second timestamp
// field, in every combination.
mp::options options_for(unsigned mode) {
  mp::options opts;
  opts.rules.delete_rules = {mp::parse_delete_rule("op=d"),
                             mp::parse_delete_rule("/meta/deleted=true")};
  if ((mode & 1) != 0) opts.rules.keep = mp::keep_record::first;
  opts.rules.keep_deletes = (mode & 2) != 0;
  if ((mode & 4) != 0) opts.rules.timestamp_fields = {"updated_at", "/meta/version"};
  if ((mode & 8) != 0) {
    opts.rules.merge_fields = true;
    opts.rules.keep = mp::keep_record::last;  // the only keep rule it goes with
  }
  return opts;
}

// One rejected record or error, with the location spelled out.
struct located {
  std::string file;
  std::uint64_t line = 0, column = 0, offset = 0;
  std::string reason;
  std::string raw;
  friend bool operator==(const located&, const located&) = default;
};

std::string describe(const located& l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + " (byte " +
         std::to_string(l.offset) + "): " + l.reason + " " + printable(l.raw);
}

// What a run did, without its timings.
struct outcome {
  bool ok = false;
  std::optional<located> error;
  std::string what;
  std::string output;
  std::string key_order_output;  // the expected outcome's, with --merge-fields
  std::vector<located> rejects;
  std::uint64_t records = 0, bad_records = 0, distinct_keys = 0, superseded = 0, deleted = 0,
                output_records = 0;
  friend bool operator==(const outcome&, const outcome&) = default;
};

std::string describe(const outcome& o) {
  std::string out = o.ok ? "ok, output:\n" + o.output : "error " + describe(*o.error);
  for (const located& r : o.rejects) out += "\n  reject " + describe(r);
  return out;
}

struct collected_rejects final : mp::reject_sink {
  std::vector<located> lines;
  void write(const mp::rejected_record& r) override {
    lines.push_back({std::string(r.file), r.line, r.column, r.offset, std::string(r.reason),
                     std::string(r.raw)});
  }
};

outcome run(const mp::options& opts) {
  outcome o;
  collected_rejects rejects;
  mp::callback_sink sink([&](std::string_view record) {
    o.output += record;
    o.output += '\n';
  });
  try {
    mp::report r = mp::merge(opts, sink, &rejects);
    o.ok = true;
    o.records = r.records;
    o.bad_records = r.bad_records;
    o.distinct_keys = r.distinct_keys;
    o.superseded = r.superseded;
    o.deleted = r.deleted;
    o.output_records = r.output_records;
  } catch (const mp::error& e) {
    FUZZ_CHECK(o.output.empty(), "output before an error: " + o.output);
    const mp::location& w = e.where();
    o.error = located{w.file, w.line, w.column, w.offset, e.reason(), {}};
    o.what = e.what();
    if (e.code() != mp::errc::bad_input) o.error->reason += " (not bad input)";
  }
  o.rejects = std::move(rejects.lines);
  return o;
}

// --- The sequential model ---

struct model_record {
  std::size_t file = 0;
  span where;
  bool good = false;
  std::string key;
  record_fields fields;
  std::string tail;  // the further timestamp fields
  std::string reason;
};

struct model {
  std::vector<model_record> records;  // good and bad, in input order
  std::optional<model_record> fatal;  // the array that could not be delimited
};

// Removes whitespace outside strings, the obvious way.
std::string minified(std::string_view json) {
  std::string out;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (is_json_space(c)) {
      continue;
    } else if (c == '"') {
      in_string = true;
    }
    out += c;
  }
  return out;
}

model build_model(const std::vector<std::string_view>& files, const record_rules& rules) {
  record_scanner scanner(rules, /*use_tape=*/false);  // the engine's tape path is checked
  model m;
  for (std::size_t f = 0; f < files.size() && !m.fatal; ++f) {
    std::string_view text = files[f];
    const std::string buffer = padded(text, '\0');
    auto bad = [&](span where, std::string reason) {
      m.records.push_back({f, where, false, {}, {}, {}, std::move(reason)});
    };
    auto record = [&](span where) {
      model_record r{f, where, true, {}, {}, {}, {}};
      if (!scanner.scan(buffer.data() + where.offset, where.bytes.size(), r.key, r.fields)) {
        r.good = false;
        r.reason = scanner.reason();
      }
      r.tail = scanner.stamper().tail();
      m.records.push_back(std::move(r));
    };
    auto probe = probe_format(text.data(), text.size(), true);
    if (probe->format == input_format::ndjson) {
      std::vector<span> lines;
      append_lines(text, probe->records_begin, text.size(), lines);
      for (const span& line : lines) record(line);
      continue;
    }
    array_splitter splitter(probe->records_begin);
    std::vector<array_item> items;
    splitter.split(buffer.data(), text.size(), std::size_t{1} << 40, true, items);
    for (const array_item& item : items) {
      span where{item.offset, text.substr(item.offset, item.size)};
      switch (item.what) {
        case array_item::kind::element:
          record(where);
          break;
        case array_item::kind::empty_element:
          bad(where, "empty array element");
          break;
        case array_item::kind::trailing_content:
          bad(where, "unexpected content after the closing ]");
          break;
      }
    }
    if (splitter.fatal()) {
      m.fatal = model_record{f,  {splitter.fatal()->offset, {}}, false, {}, {},
                             {}, splitter.fatal()->reason};
    }
  }
  return m;
}

located locate(const model_record& r, const std::vector<std::string_view>& files,
               const std::vector<std::string>& paths) {
  std::string_view before = files[r.file].substr(0, r.where.offset);
  std::size_t line_start = before.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  auto lines = static_cast<std::uint64_t>(std::count(before.begin(), before.end(), '\n'));
  return {paths[r.file],  lines + 1, r.where.offset - line_start + 1,
          r.where.offset, r.reason,  std::string(r.where.bytes)};
}

// The timestamp fields of a record, in the order they are compared.
using time_fields = std::tuple<bool, timestamp, std::string>;

time_fields time_of(const model_record& r) { return {r.fields.has_timestamp, r.fields.ts, r.tail}; }

// --merge-fields, one key's good records at a time, in stamp order: (position, key, line).
struct merged_line {
  std::pair<std::size_t, std::uint64_t> position;
  std::string key;
  std::string line;
};

std::vector<merged_line> merge_fields_model(const std::vector<const model_record*>& good,
                                            const mp::result_rules& rules) {
  std::map<std::string, std::vector<const model_record*>> by_key;
  for (const model_record* r : good) by_key[r->key].push_back(r);
  std::vector<merged_line> lines;
  for (auto& [key, records] : by_key) {
    auto stamp_of = [](const model_record* r) {
      std::string bytes;
      mergepipe::detail::order_stamp stamp{r->fields.ts, r->where.offset,
                                           static_cast<std::uint32_t>(r->file),
                                           r->fields.has_timestamp};
      mergepipe::detail::append_stamp_bytes(bytes, stamp, r->tail.data(), r->tail.size());
      return bytes;
    };
    std::sort(records.begin(), records.end(), [&](const model_record* a, const model_record* b) {
      return stamp_of(a) < stamp_of(b);
    });
    std::string state;
    for (const model_record* r : records) {
      std::string next;
      mergepipe::detail::merge_record_into_state(state, r->where.bytes, stamp_of(r),
                                                 r->fields.is_delete, next);
      state = std::move(next);
    }
    const model_record& latest = *records.back();
    std::string line;
    if (latest.fields.is_delete) {
      if (!rules.keep_deletes) continue;
      line = minified(latest.where.bytes);
    } else {
      std::string rendered;
      mergepipe::detail::render_state(state, rendered);
      line = minified(rendered);
    }
    lines.push_back({{latest.file, latest.where.offset}, key, line});
  }
  return lines;
}

// What a run under `policy` must do, with `order` input.
outcome expected_outcome(const model& m, mp::error_policy policy, const mp::result_rules& rules,
                         const std::vector<std::string_view>& files,
                         const std::vector<std::string>& paths) {
  outcome o;
  std::vector<mp::testing::generated_record> good;
  std::map<std::string, std::size_t> key_ids;
  std::vector<time_fields> instants;
  for (const model_record& r : m.records) {
    if (r.good) instants.push_back(time_of(r));
  }
  std::sort(instants.begin(), instants.end());
  for (const model_record& r : m.records) {
    if (!r.good) {
      located where = locate(r, files, paths);
      if (policy == mp::error_policy::fail) {
        where.raw.clear();
        o.error = where;
        return o;
      }
      o.rejects.push_back(where);
      continue;
    }
    auto rank = static_cast<int>(std::lower_bound(instants.begin(), instants.end(), time_of(r)) -
                                 instants.begin());
    auto id = key_ids.try_emplace(r.key, key_ids.size()).first->second;
    good.push_back({minified(r.where.bytes), id, rank, r.fields.is_delete});
  }
  if (m.fatal) {
    o.error = locate(*m.fatal, files, paths);
    o.error->raw.clear();
    return o;
  }
  auto lines = [](const std::string& text) {
    return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
  };
  mp::testing::reference_rules reference{.keep_first = rules.keep == mp::keep_record::first,
                                         .keep_deletes = rules.keep_deletes,
                                         .by_version = false};  // the ranks order every field
  o.ok = true;
  if (rules.merge_fields) {
    std::vector<const model_record*> good_records;
    for (const model_record& r : m.records) {
      if (r.good) good_records.push_back(&r);
    }
    std::vector<merged_line> lines = merge_fields_model(good_records, rules);
    std::sort(lines.begin(), lines.end(),
              [](const merged_line& a, const merged_line& b) { return a.position < b.position; });
    for (const merged_line& l : lines) o.output += l.line + "\n";
    std::sort(lines.begin(), lines.end(), [](const merged_line& a, const merged_line& b) {
      return compare_keys(a.key, b.key) < 0;
    });
    for (const merged_line& l : lines) o.key_order_output += l.line + "\n";
  } else {
    o.output = mp::testing::reference_merge(good, reference);
  }
  o.records = good.size();
  o.bad_records = o.rejects.size();
  o.distinct_keys = key_ids.size();
  o.superseded = o.records - o.distinct_keys;
  o.output_records = lines(o.output);
  reference.keep_deletes = false;
  o.deleted = o.distinct_keys - lines(mp::testing::reference_merge(good, reference));
  return o;
}

// Checks a run in key order: the reference's records, sorted by their keys.
void check_key_order(const outcome& got, const outcome& in_input_order, const model& m) {
  std::map<std::string, std::string> key_of;  // minified record -> key
  for (const model_record& r : m.records) {
    if (r.good) key_of[minified(r.where.bytes)] = r.key;
  }
  auto split_lines = [](const std::string& text) {
    std::vector<std::string> lines;
    for (std::size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos;
         begin = end + 1) {
      lines.push_back(text.substr(begin, end - begin));
    }
    return lines;
  };
  std::vector<std::string> lines = split_lines(got.output);
  std::vector<std::string> expected = split_lines(in_input_order.output);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    FUZZ_CHECK(compare_keys(key_of[lines[i - 1]], key_of[lines[i]]) < 0,
               "key order broken at " + lines[i]);
  }
  std::sort(lines.begin(), lines.end());
  std::sort(expected.begin(), expected.end());
  FUZZ_CHECK(lines == expected, "key order holds other records:\n" + got.output);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> files;
  for (std::size_t begin = 0;;) {
    std::size_t end =
        files.size() + 1 < max_files ? input.find(file_separator, begin) : std::string_view::npos;
    files.push_back(input.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  // The model reads plain text; compressed inputs are fuzz_decompress's.
  for (std::string_view f : files) {
    if (detect_compression(f.data(), f.size()) != compression::none) return 0;
  }
  std::deque<memory_file> storage;
  mp::options opts = options_for(byte_at(input, 8));
  std::vector<std::string> paths;
  for (std::string_view f : files) paths.push_back(storage.emplace_back(f).path());
  opts.inputs = paths;

  const record_rules rules = record_rules::compile(opts.rules);
  const model m = build_model(files, rules);

  // The first setting is the plain sequential one; the input picks the others' chunk sizes
  // and pipeline layouts.
  struct setting {
    unsigned threads;
    std::size_t chunk_size;
    unsigned tokens;
    mp::pipeline_layout layout;
  };
  const std::vector<mp::pipeline_layout> layouts = mp::pipeline_layout::all();
  auto layout_at = [&](std::size_t i) { return layouts[byte_at(input, i) % layouts.size()]; };
  const setting settings[] = {
      {1, std::size_t{1} << 20, 1, {}},
      {2, 64 + (byte_at(input, 0) << 8 | byte_at(input, 1)) % 4033, 1 + byte_at(input, 2) % 8,
       layout_at(5)},
      {1, 64 + byte_at(input, 3) * 16, 2, layout_at(6)},
      {2, 1 + byte_at(input, 4) % 64, 3, layout_at(7)},
  };
  for (mp::error_policy policy : {mp::error_policy::fail, mp::error_policy::skip}) {
    const outcome expected = expected_outcome(m, policy, opts.rules, files, paths);
    std::optional<outcome> first;
    for (const setting& s : settings) {
      opts.on_error = policy;
      opts.run.threads = s.threads;
      opts.run.chunk_size = s.chunk_size;
      opts.run.tokens = s.tokens;
      opts.run.layout = s.layout;
      const std::string name = std::string(policy == mp::error_policy::fail ? "fail" : "skip") +
                               ", " + std::to_string(s.threads) + " thread(s), chunk size " +
                               std::to_string(s.chunk_size) + ", " + std::to_string(s.tokens) +
                               " token(s), pipeline " + s.layout.to_string();
      opts.rules.order = mp::output_order::input;
      outcome got = run(opts);
      if (first) {
        FUZZ_CHECK(got == *first,
                   name + ": " + describe(got) + "\nfirst setting: " + describe(*first));
      }
      FUZZ_CHECK(got.ok == expected.ok && got.error == expected.error &&
                     got.rejects == expected.rejects && got.output == expected.output,
                 name + ": " + describe(got) + "\nexpected: " + describe(expected));
      FUZZ_CHECK(got.records == expected.records && got.bad_records == expected.bad_records &&
                     got.distinct_keys == expected.distinct_keys &&
                     got.superseded == expected.superseded && got.deleted == expected.deleted &&
                     got.output_records == expected.output_records,
                 name + ": counts differ");
      // Accepted and rejected records account for every record.
      if (got.ok) {
        FUZZ_CHECK(got.records + got.rejects.size() == m.records.size(),
                   name + ": records lost or invented");
      }
      if (!first) {
        first = got;
        if (got.ok) {
          opts.rules.order = mp::output_order::key;
          if (opts.rules.merge_fields) {
            FUZZ_CHECK(run(opts).output == expected.key_order_output,
                       name + ": merged objects in key order differ");
          } else {
            check_key_order(run(opts), got, m);
          }
        }
      }
    }
  }
  return 0;
}
