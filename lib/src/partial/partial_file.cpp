#include "partial/partial_file.h"

#include <bit>
#include <cstring>

#include "merge/merged_object.h"
#include "mergepipe/error.h"
#include "record_checksum.h"
#include "stable_hash.h"
#include "write/output_file.h"

// A partial file: a magic line, a header of fixed-width fields, the entries, and a trailer
// that repeats the entry count, so that a truncated file is told from a complete one. An
// entry's stamp tail (further timestamp fields) follows its key; its size comes from the
// rules, which the fingerprint pins.
// Integers are little-endian, as on every machine this runs on.
static_assert(std::endian::native == std::endian::little, "partial files are little-endian");

namespace mergepipe::detail {
namespace {

constexpr std::string_view magic = "mergepipe partial 1\n";
constexpr std::string_view trailer_magic = "end\n";
constexpr std::uint8_t has_timestamp_flag = 1;
constexpr std::uint8_t delete_flag = 2;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// Reads fixed-width fields and byte runs from a file, failing on any overrun.
class reader {
 public:
  reader(const input_source& file) : file_(file) {}

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

  [[noreturn]] void corrupt(const std::string& why) const {
    throw error(errc::bad_input, "not a complete mergepipe partial file: " + why,
                location{file_.name(), 0, 0, pos_});
  }

 private:
  const input_source& file_;
  std::uint64_t pos_ = 0;
};

}  // namespace

std::uint32_t bucket_of(std::string_view key, std::uint32_t buckets) noexcept {
  return static_cast<std::uint32_t>(fnv1a(key) % buckets);
}

void save_partial(const sharded_merge_table& table, const std::vector<std::string>& paths,
                  std::uint64_t fingerprint, const partial_counts& counts,
                  const input_set& inputs) {
  if (paths.empty()) throw error(errc::usage, "a partial merge needs at least one bucket file");
  auto buckets = static_cast<std::uint32_t>(paths.size());
  std::vector<std::string> bodies(buckets);
  std::vector<std::uint64_t> entries(buckets, 0);
  for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) {
    table.shard(s).for_each([&](std::string_view key, const candidate& c, const char* tail) {
      if (!c.stored && record_checksum(c.data, c.size) != c.checksum) [[unlikely]] {
        throw error(errc::io,
                    "changed while being read: a record's bytes differ from those validated",
                    inputs.locate_bytes(c.data));
      }
      std::uint32_t b = bucket_of(key, buckets);
      std::string& out = bodies[b];
      std::uint8_t flags =
          (c.stamp.has_timestamp ? has_timestamp_flag : 0) | (c.is_delete ? delete_flag : 0);
      put(out, flags);
      put(out, c.stamp.ts.seconds);
      put(out, c.stamp.ts.nanos);
      put(out, c.stamp.file);
      put(out, c.stamp.offset);
      put(out, static_cast<std::uint64_t>(key.size()));
      put(out, std::uint64_t{c.size});
      out.append(key);
      out.append(tail, table.shard(s).rule().tail_size);
      out.append(c.data, c.size);
      ++entries[b];
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
    std::string tail(trailer_magic);
    put(tail, entries[b]);
    output_file file(paths[b]);
    file.write(head);
    file.write(bodies[b]);
    file.write(tail);
    file.commit();
  }
}

partial_counts load_partial(const input_source& file, std::uint64_t fingerprint,
                            sharded_merge_table& table) {
  reader in(file);
  if (std::string_view(in.take(magic.size()), magic.size()) != magic) in.corrupt("no header");
  if (in.get<std::uint64_t>() != fingerprint) {
    throw error(errc::usage, "saved by a merge with other key, timestamp, delete or keep options",
                location{file.name()});
  }
  partial_counts counts;
  counts.records = in.get<std::uint64_t>();
  counts.bad_records = in.get<std::uint64_t>();
  counts.bytes = in.get<std::uint64_t>();
  counts.files = in.get<std::uint64_t>();
  std::uint64_t entries = 0;
  const std::uint32_t tail_size = table.shard(0).rule().tail_size;
  const bool merged_objects = table.shard(0).rule().merge_fields;
  const std::uint64_t trailer_size = trailer_magic.size() + sizeof(std::uint64_t);
  while (file.size() - in.position() > trailer_size) {
    auto flags = in.get<std::uint8_t>();
    candidate c;
    c.stamp.has_timestamp = (flags & has_timestamp_flag) != 0;
    c.is_delete = (flags & delete_flag) != 0;
    c.stamp.ts.seconds = in.get<std::int64_t>();
    c.stamp.ts.nanos = in.get<std::uint32_t>();
    c.stamp.file = in.get<std::uint32_t>();
    c.stamp.offset = in.get<std::uint64_t>();
    auto key_size = in.get<std::uint64_t>();
    auto size = in.get<std::uint64_t>();
    if (size > UINT32_MAX) in.corrupt("a record is longer than 4 GiB");
    c.size = static_cast<std::uint32_t>(size);
    std::string_view key(in.take(key_size), key_size);
    const char* tail = in.take(tail_size);
    c.data = in.take(c.size);
    c.checksum = record_checksum(c.data, c.size);  // the partial file is mapped: it may change
    if (merged_objects && !is_state({c.data, c.size}, stamp_bytes_size(tail_size))) {
      in.corrupt("a merged object is damaged");
    }
    table.offer(key, c, tail);
    ++entries;
  }
  if (std::string_view(in.take(trailer_magic.size()), trailer_magic.size()) != trailer_magic ||
      in.get<std::uint64_t>() != entries) {
    in.corrupt("entry count does not match");
  }
  return counts;
}

}  // namespace mergepipe::detail
