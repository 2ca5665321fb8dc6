#include "partial/partial_file.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "merge/merged_object.h"
#include "mergepipe/error.h"
#include "record_checksum.h"
#include "stable_hash.h"
#include "write/output_file.h"

// A partial file (format 2): a magic line with the format's number, a header of fixed-width
// fields, the table of input files that entries refer to, the entries, and a trailer with the
// entry count and the CRC-32C of every byte before it, so that a torn, truncated or damaged
// file is told from a complete one without syncing it. An entry's stamp tail (further
// timestamp fields) follows its key; its size comes from the rules, which the fingerprint
// pins. Then either the record's bytes, or, for a record referred to, its checksum: its
// bytes lie in the table's file of its stamp's input, at its stamp's offset.
// Integers are little-endian, as on every machine this runs on.
static_assert(std::endian::native == std::endian::little, "partial files are little-endian");

namespace mergepipe::detail {
namespace {

constexpr std::string_view magic_prefix = "mergepipe partial ";
constexpr std::string_view magic = "mergepipe partial 2\n";
constexpr std::string_view trailer_magic = "end\n";
constexpr std::uint8_t has_timestamp_flag = 1;
constexpr std::uint8_t delete_flag = 2;
constexpr std::uint8_t referred_flag = 4;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// Reads fixed-width fields and byte runs from a file, failing on any overrun.
class reader {
 public:
  explicit reader(const input_source& file) : file_(file) {}

  template <typename T>
  T get() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }

  const char* take(std::uint64_t n) {
    if (n > file_.size() - pos_) corrupt("ends early");
    const char* at = file_.data() + pos_;
    pos_ += n;
    return at;
  }

  [[nodiscard]] std::uint64_t position() const noexcept { return pos_; }
  [[nodiscard]] std::uint64_t left() const noexcept { return file_.size() - pos_; }

  [[noreturn]] void corrupt(const std::string& why) const {
    throw error(errc::bad_input, "not a complete mergepipe partial file: " + why,
                location{file_.name(), 0, 0, pos_});
  }

 private:
  const input_source& file_;
  std::uint64_t pos_ = 0;
};

// The file of input `input` among `files` (sorted by input index, as `referable_files` gives
// them and partial files hold them), if there is one.
const referable_file* file_of_input(const std::vector<referable_file>& files, std::uint32_t input) {
  auto file = std::lower_bound(
      files.begin(), files.end(), input,
      [](const referable_file& f, std::uint32_t wanted) { return f.input < wanted; });
  return file != files.end() && file->input == input ? &*file : nullptr;
}

// The file that holds `c`'s bytes at its stamp's offset, if it is one of `files`.
const referable_file* referred_file(const std::vector<referable_file>& files, const candidate& c) {
  if (c.stored) return nullptr;
  const referable_file* file = file_of_input(files, c.stamp.file);
  if (file == nullptr || c.stamp.offset + c.size > file->size) return nullptr;
  auto start = reinterpret_cast<std::uintptr_t>(c.data) - c.stamp.offset;
  for (const char* mapping : file->mappings) {
    if (reinterpret_cast<std::uintptr_t>(mapping) == start) return file;
  }
  return nullptr;
}

void put_files(std::string& out, const std::vector<referable_file>& files) {
  put(out, static_cast<std::uint32_t>(files.size()));
  for (const referable_file& f : files) {
    put(out, f.input);
    put(out, f.size);
    put(out, static_cast<std::int64_t>(f.modified.tv_sec));
    put(out, static_cast<std::int64_t>(f.modified.tv_nsec));
    put(out, static_cast<std::uint32_t>(f.path.size()));
    out.append(f.path);
  }
}

// Reads the table of files and opens each in `inputs`, sorted by input index as written.
std::vector<referable_file> get_files(reader& in, input_set& inputs) {
  std::vector<referable_file> files;
  for (auto n = in.get<std::uint32_t>(); n > 0; --n) {
    referable_file f;
    f.input = in.get<std::uint32_t>();
    f.size = in.get<std::uint64_t>();
    f.modified.tv_sec = static_cast<time_t>(in.get<std::int64_t>());
    f.modified.tv_nsec = static_cast<long>(in.get<std::int64_t>());
    auto path_size = in.get<std::uint32_t>();
    f.path.assign(in.take(path_size), path_size);
    if (!files.empty() && files.back().input >= f.input) in.corrupt("its files are out of order");
    f.mappings = {inputs.open_referenced(f)};
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace

std::uint32_t bucket_of(std::string_view key, std::uint32_t buckets) noexcept {
  return static_cast<std::uint32_t>(fnv1a(key) % buckets);
}

std::vector<saved_range> save_partial(const sharded_merge_table& table,
                                      const std::vector<std::string>& paths,
                                      std::uint64_t fingerprint, const partial_counts& counts,
                                      const input_set& inputs, const partial_format& format,
                                      const std::vector<position>* starts) {
  if (paths.empty()) throw error(errc::usage, "a partial merge needs at least one bucket file");
  auto file_of = [&](std::string_view key, const candidate& c) -> std::uint32_t {
    if (starts == nullptr) return bucket_of(key, static_cast<std::uint32_t>(paths.size()));
    auto after =
        std::upper_bound(starts->begin(), starts->end(), position{c.stamp.file, c.stamp.offset});
    return static_cast<std::uint32_t>(std::max<std::ptrdiff_t>(after - starts->begin() - 1, 0));
  };
  auto buckets = static_cast<std::uint32_t>(paths.size());
  const std::vector<referable_file> files =
      format.refer_to_inputs ? inputs.referable_files() : std::vector<referable_file>{};
  std::vector<std::string> bodies(buckets);
  std::vector<saved_range> saved(buckets);
  std::string rendered;
  // A record's minified text is at most as long as the record; a merged object's state is
  // measured by rendering it, so only saves by position, whose callers place the output by
  // these sizes, measure.
  auto written_size = [&](const candidate& c, bool merged) -> std::uint64_t {
    std::string_view text(c.data, c.size);
    if (!merged) return text.size();
    if (c.is_delete) return latest_delete_of(text).size();
    rendered.clear();
    render_state(text, rendered);
    return rendered.size();
  };
  for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) {
    const bool merged = table.shard(s).rule().merge_fields;
    table.shard(s).for_each([&](std::string_view key, const candidate& c, const char* tail) {
      const bool referred = referred_file(files, c) != nullptr;
      if (!referred && !c.stored && record_checksum(c.data, c.size) != c.checksum) [[unlikely]] {
        throw error(errc::io,
                    "changed while being read: a record's bytes differ from those validated",
                    inputs.locate_bytes(c.data));
      }
      std::uint32_t b = file_of(key, c);
      std::string& out = bodies[b];
      std::uint8_t flags = (c.stamp.has_timestamp ? has_timestamp_flag : 0) |
                           (c.is_delete ? delete_flag : 0) | (referred ? referred_flag : 0);
      put(out, flags);
      put(out, c.stamp.ts.seconds);
      put(out, c.stamp.ts.nanos);
      put(out, c.stamp.file);
      put(out, c.stamp.offset);
      put(out, static_cast<std::uint32_t>(key.size()));
      put(out, c.size);
      out.append(key);
      out.append(tail, table.shard(s).rule().tail_size);
      if (referred) {
        put(out, std::uint32_t{c.checksum});
      } else {
        out.append(c.data, c.size);
      }
      saved_range& range = saved[b];
      (c.is_delete ? range.deletes : range.records) += 1;
      if (starts != nullptr) {
        (c.is_delete ? range.delete_bytes : range.record_bytes) += written_size(c, merged) + 1;
      }
    });
  }
  for (std::uint32_t b = 0; b < buckets; ++b) {
    std::string head(magic);
    put(head, fingerprint);
    const partial_counts& carried = b == 0 ? counts : partial_counts{};
    put(head, carried.records);
    put(head, carried.bad_records);
    put(head, carried.bytes);
    put(head, carried.files);
    put_files(head, files);
    std::string tail(trailer_magic);
    put(tail, saved[b].records + saved[b].deletes);
    std::uint32_t crc = crc32c(head.data(), head.size());
    crc = crc32c(bodies[b].data(), bodies[b].size(), crc);
    crc = crc32c(tail.data(), tail.size(), crc);
    put(tail, crc);
    output_file file(paths[b], format.durable);
    file.write(head);
    file.write(bodies[b]);
    file.write(tail);
    file.commit();
  }
  return saved;
}

partial_counts load_partial(const input_source& file, std::uint64_t fingerprint,
                            const keep_rule& rule, sharded_merge_table* table, input_set& inputs) {
  reader in(file);
  std::string_view start(file.data(), std::min(file.size(), magic.size()));
  if (start != magic) {
    if (start.starts_with(magic_prefix)) {
      std::string_view version = start.substr(magic_prefix.size());
      version = version.substr(0, version.find('\n'));
      in.corrupt("it is of format " + std::string(version) +
                 ", and this mergepipe reads format 2: save it again");
    }
    in.corrupt("no header");
  }
  const std::uint64_t checked_size = file.size() - std::min<std::uint64_t>(file.size(), 4);
  std::uint32_t crc = 0;
  std::memcpy(&crc, file.data() + checked_size, std::min<std::size_t>(file.size(), 4));
  if (file.size() < magic.size() + 4 || crc32c(file.data(), checked_size) != crc) {
    in.corrupt("its checksum does not match (torn or damaged)");
  }
  in.take(magic.size());
  if (in.get<std::uint64_t>() != fingerprint) {
    throw error(errc::usage, "saved by a merge with other key, timestamp, delete or keep options",
                location{file.name()});
  }
  partial_counts counts;
  counts.records = in.get<std::uint64_t>();
  counts.bad_records = in.get<std::uint64_t>();
  counts.bytes = in.get<std::uint64_t>();
  counts.files = in.get<std::uint64_t>();
  const std::vector<referable_file> files = get_files(in, inputs);
  std::uint64_t entries = 0;
  const std::uint32_t tail_size = rule.tail_size;
  const bool merged_objects = rule.merge_fields;
  const std::uint64_t trailer_size = trailer_magic.size() + sizeof(std::uint64_t) + 4;
  while (in.left() > trailer_size) {
    auto flags = in.get<std::uint8_t>();
    candidate c;
    c.stamp.has_timestamp = (flags & has_timestamp_flag) != 0;
    c.is_delete = (flags & delete_flag) != 0;
    c.stamp.ts.seconds = in.get<std::int64_t>();
    c.stamp.ts.nanos = in.get<std::uint32_t>();
    c.stamp.file = in.get<std::uint32_t>();
    c.stamp.offset = in.get<std::uint64_t>();
    auto key_size = in.get<std::uint32_t>();
    c.size = in.get<std::uint32_t>();
    std::string_view key(in.take(key_size), key_size);
    const char* tail = in.take(tail_size);
    if ((flags & referred_flag) != 0) {
      const referable_file* found = file_of_input(files, c.stamp.file);
      if (found == nullptr) in.corrupt("an entry refers to an input not in its table of files");
      if (c.stamp.offset > found->size || c.size > found->size - c.stamp.offset) {
        in.corrupt("an entry refers to bytes past the end of " + found->path);
      }
      c.data = found->mappings[0] + c.stamp.offset;
      c.checksum = in.get<std::uint32_t>();
    } else {
      c.data = in.take(c.size);
      c.checksum = record_checksum(c.data, c.size);  // the partial file is mapped: it may change
    }
    if (merged_objects && !is_state({c.data, c.size}, stamp_bytes_size(tail_size))) {
      in.corrupt("a merged object is damaged");
    }
    if (table != nullptr) table->offer(key, c, tail);
    ++entries;
  }
  if (std::string_view(in.take(trailer_magic.size()), trailer_magic.size()) != trailer_magic ||
      in.get<std::uint64_t>() != entries) {
    in.corrupt("entry count does not match");
  }
  return counts;
}

}  // namespace mergepipe::detail
