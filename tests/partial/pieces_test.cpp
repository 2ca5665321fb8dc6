// Distributed building blocks: files cut into pieces, pieces merged anywhere, partial merges
// saved by key bucket and merged back all give the bytes of one merge of the whole input.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "mergepipe/mergepipe.h"
#include "partial/partial_file.h"
#include "record_generator.h"
#include "test_files.h"

namespace {

using mergepipe::merger;
using mergepipe::source;
using mergepipe::testing::generate_records;
using mergepipe::testing::temp_dir;

std::string as_ndjson(std::uint64_t seed, std::size_t count) {
  std::string text = "\xEF\xBB\xBF";  // a BOM, which only the first piece sees
  for (const auto& r : generate_records(seed, count, count / 3)) text += r.json + "\n";
  return text;
}

std::string as_array(std::uint64_t seed, std::size_t count, const char* separator) {
  std::string text = "[";
  for (const auto& r : generate_records(seed, count, count / 3)) {
    text += (text.size() > 1 ? separator : "") + r.json;
  }
  return text + "]\n";
}

mergepipe::options base_options() {
  mergepipe::options opts;
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  opts.run.threads = 2;
  opts.run.chunk_size = 2048;
  return opts;
}

std::string merged_text(merger& m) {
  std::string text;
  mergepipe::callback_sink out([&](std::string_view record) {
    text.append(record);
    text += '\n';
  });
  m.finish(out);
  return text;
}

class pieces_test : public ::testing::Test {
 protected:
  void SetUp() override {
    inputs_ = {dir_.write("a.ndjson", as_ndjson(1, 400)),
               dir_.write("b.json", as_array(2, 300, ",")),      // one line
               dir_.write("c.json", as_array(3, 300, ",\n  ")),  // a record per line
               dir_.write("empty.ndjson", "")};
    mergepipe::options opts = base_options();
    opts.inputs = inputs_;
    mergepipe::callback_sink out([&](std::string_view record) {
      expected_.append(record);
      expected_ += '\n';
    });
    mergepipe::merge(opts, out);
    ASSERT_GT(expected_.size(), 1000u);
  }

  temp_dir dir_;
  std::vector<std::string> inputs_;
  std::string expected_;
};

TEST_F(pieces_test, pieces_cover_every_byte_once_in_order) {
  for (std::uint64_t size : {1u, 777u, 1u << 30}) {
    std::vector<mergepipe::piece> pieces = mergepipe::cut_into_pieces(inputs_, size);
    for (std::uint32_t i = 0; i < inputs_.size(); ++i) {
      std::uint64_t expected_begin = 0;
      for (const mergepipe::piece& p : pieces) {
        if (p.input != i) continue;
        EXPECT_EQ(p.begin, expected_begin);
        EXPECT_GE(p.end, p.begin);
        expected_begin = p.end;
      }
      EXPECT_EQ(expected_begin, std::filesystem::file_size(inputs_[i])) << inputs_[i];
    }
  }
  EXPECT_GT(mergepipe::cut_into_pieces(inputs_, 777).size(), 20u);
}

TEST_F(pieces_test, pieces_merged_in_any_order_give_the_merge_result) {
  for (std::uint64_t size : {1u, 777u, 5000u}) {
    std::vector<mergepipe::piece> pieces = mergepipe::cut_into_pieces(inputs_, size);
    std::shuffle(pieces.begin(), pieces.end(), std::mt19937(static_cast<unsigned>(size)));
    merger m(base_options());
    for (const mergepipe::piece& p : pieces) {
      m.add(source::file_range(inputs_[p.input], p.begin, p.end), {.input = p.input});
    }
    EXPECT_EQ(merged_text(m), expected_) << "pieces of " << size << " bytes";
  }
}

// What distributed workers do: map each piece and save it by key bucket, reduce each
// bucket over all pieces, then collect the buckets into the output. Returns the output and
// the bytes of all partial files.
std::pair<std::string, std::uint64_t> map_reduce_collect(const std::vector<std::string>& inputs,
                                                         const temp_dir& dir,
                                                         mergepipe::partial_format format) {
  constexpr std::uint32_t buckets = 3;
  std::vector<mergepipe::piece> pieces = mergepipe::cut_into_pieces(inputs, 3000);
  std::uint64_t records = 0;
  std::uint64_t partial_bytes = 0;
  auto saved = [&](const std::string& name) {
    partial_bytes += std::filesystem::file_size(dir.file(name));
    return dir.file(name);
  };
  for (std::size_t t = 0; t < pieces.size(); ++t) {
    merger map(base_options());
    const mergepipe::piece& p = pieces[t];
    map.add(source::file_range(inputs[p.input], p.begin, p.end), {.input = p.input});
    records += map.progress_report().records;
    std::vector<std::string> paths;
    for (std::uint32_t b = 0; b < buckets; ++b) {
      paths.push_back(dir.file("map-" + std::to_string(t) + "-" + std::to_string(b)));
    }
    map.save_partial(paths, format);
  }
  std::vector<std::string> reduced;
  for (std::uint32_t b = 0; b < buckets; ++b) {
    merger reduce(base_options());
    for (std::size_t t = pieces.size(); t-- > 0;) {
      reduce.add_partial(saved("map-" + std::to_string(t) + "-" + std::to_string(b)));
    }
    reduced.push_back(dir.file("reduce-" + std::to_string(b)));
    reduce.save_partial({reduced.back()}, format);
  }
  merger collect(base_options());
  for (std::uint32_t b = 0; b < buckets; ++b)
    collect.add_partial(saved("reduce-" + std::to_string(b)));
  EXPECT_EQ(collect.progress_report().records, records);
  return {merged_text(collect), partial_bytes};
}

TEST_F(pieces_test, saved_partials_mapped_reduced_and_collected_give_the_merge_result) {
  auto [copied, copied_bytes] = map_reduce_collect(inputs_, dir_, {});
  EXPECT_EQ(copied, expected_);
  // Records referred to in the inputs instead of copied: the same result from a fraction of
  // the bytes (keys and stamps remain).
  auto [referred, referred_bytes] =
      map_reduce_collect(inputs_, dir_, {.refer_to_inputs = true, .durable = false});
  EXPECT_EQ(referred, expected_);
  EXPECT_LT(referred_bytes * 2, copied_bytes);
}

// Reduced buckets saved by ranges of positions, each range written apart from the files of
// every bucket: the ranges' outputs, joined, are the output (how workers write it side by side),
// and each range's size is known before it is written.
TEST_F(pieces_test, ranges_of_reduced_buckets_written_apart_join_into_the_merge_result) {
  constexpr std::uint32_t buckets = 3;
  std::vector<mergepipe::piece> pieces = mergepipe::cut_into_pieces(inputs_, 3000);
  ASSERT_GT(pieces.size(), 5u);
  std::vector<mergepipe::position> starts;
  for (std::size_t p = 0; p < pieces.size(); p += 2) {
    starts.push_back({pieces[p].input, pieces[p].begin});
  }
  auto name = [](const std::string& what, std::size_t a, std::size_t b) {
    return what + std::to_string(a) + "-" + std::to_string(b);
  };
  for (std::size_t t = 0; t < pieces.size(); ++t) {
    merger map(base_options());
    map.add(source::file_range(inputs_[pieces[t].input], pieces[t].begin, pieces[t].end),
            {.input = pieces[t].input});
    std::vector<std::string> paths;
    for (std::uint32_t b = 0; b < buckets; ++b) paths.push_back(dir_.file(name("map", t, b)));
    map.save_partial(paths, {.refer_to_inputs = true});
  }
  std::vector<mergepipe::saved_range> measured(starts.size());
  for (std::uint32_t b = 0; b < buckets; ++b) {
    merger reduce(base_options());
    for (std::size_t t = 0; t < pieces.size(); ++t)
      reduce.add_partial(dir_.file(name("map", t, b)));
    std::vector<std::string> ranges;
    for (std::size_t r = 0; r < starts.size(); ++r)
      ranges.push_back(dir_.file(name("range", b, r)));
    std::vector<mergepipe::saved_range> saved =
        reduce.save_partial_by_position(ranges, starts, {.refer_to_inputs = true});
    ASSERT_EQ(saved.size(), starts.size());
    for (std::size_t r = 0; r < starts.size(); ++r) {
      measured[r].records += saved[r].records;
      measured[r].deletes += saved[r].deletes;
      measured[r].record_bytes += saved[r].record_bytes;
      measured[r].delete_bytes += saved[r].delete_bytes;
    }
  }
  std::string joined;
  std::uint64_t deletes = 0;
  for (std::size_t r = 0; r < starts.size(); ++r) {
    merger write(base_options());
    for (std::uint32_t b = 0; b < buckets; ++b) write.add_partial(dir_.file(name("range", b, r)));
    const std::string text = merged_text(write);
    joined += text;
    // What the reduce measured is what the range writes: its records are already minified.
    EXPECT_EQ(measured[r].records,
              static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')));
    EXPECT_EQ(measured[r].record_bytes, text.size());
    EXPECT_EQ(measured[r].deletes == 0, measured[r].delete_bytes == 0);
    deletes += measured[r].deletes;
  }
  EXPECT_EQ(joined, expected_);
  EXPECT_GT(deletes, 0u);

  merger m(base_options());
  EXPECT_THROW(m.save_partial_by_position({"a", "b"}, {{1, 0}, {0, 5}}), mergepipe::error);
  EXPECT_THROW(m.save_partial_by_position({"a", "b"}, {{0, 0}}), mergepipe::error);
}

TEST_F(pieces_test, a_partial_added_twice_changes_nothing) {
  merger m(base_options());
  m.add({source::file(inputs_[0]), source::file(inputs_[1]), source::file(inputs_[2])});
  m.save_partial({dir_.file("all")});
  merger twice(base_options());
  twice.add_partial(dir_.file("all"));
  twice.add_partial(dir_.file("all"));
  EXPECT_EQ(merged_text(twice), expected_);
}

TEST_F(pieces_test, a_damaged_partial_is_bad_input) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {});
  m.save_partial({dir_.file("part")});
  std::string bytes = mergepipe::testing::read_file(dir_.file("part"));
  for (std::string damaged : {bytes.substr(0, bytes.size() - 1), bytes.substr(0, bytes.size() / 2),
                              "x" + bytes.substr(1), std::string()}) {
    std::string path = dir_.write("damaged", damaged);
    merger reader(base_options());
    try {
      reader.add_partial(path);
      FAIL() << "a damaged partial of " << damaged.size() << " bytes was read";
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::bad_input) << e.what();
    }
  }
}

TEST_F(pieces_test, a_torn_partial_fails_its_checksum) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {});
  m.save_partial({dir_.file("part")}, {.refer_to_inputs = true, .durable = false});
  std::string bytes = mergepipe::testing::read_file(dir_.file("part"));
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x20;
  std::string zeroed = bytes;  // a crash can leave a block of zeros where data was not written
  std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 3),
            zeroed.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2), '\0');
  for (const std::string& torn : {bytes.substr(0, bytes.size() - 5), flipped, zeroed}) {
    merger reader(base_options());
    try {
      reader.add_partial(dir_.write("torn", torn));
      FAIL() << "a torn partial was read";
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
      EXPECT_NE(e.reason().find("its checksum does not match"), std::string::npos) << e.what();
      EXPECT_EQ(e.where().file, dir_.file("torn"));
    }
  }
}

TEST_F(pieces_test, a_partial_of_another_format_is_refused_by_its_number) {
  merger reader(base_options());
  try {
    reader.add_partial(
        dir_.write("old", std::string("mergepipe partial 1\n") + std::string(80, '\0')));
    FAIL() << "a partial of format 1 was read";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
    EXPECT_NE(e.reason().find("it is of format 1, and this mergepipe reads format 2"),
              std::string::npos)
        << e.what();
  }
}

// A partial that refers to an input is only as good as the input: one that changed after the
// save is named, and one rewritten in place is caught by its records' checksums.
TEST_F(pieces_test, a_referred_input_that_changed_is_an_io_error_naming_it) {
  const std::string input = dir_.write("in.ndjson", mergepipe::testing::read_file(inputs_[0]));
  auto save = [&] {
    merger m(base_options());
    m.add(source::file(input), {});
    m.save_partial({dir_.file("part")}, {.refer_to_inputs = true});
  };
  auto io_error = [&](const std::function<void()>& read) {
    try {
      read();
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::io) << e.what();
      return std::string(e.what());
    }
    return std::string("no error");
  };
  save();
  std::ofstream(input, std::ios::app) << "{\"id\":\"late\"}\n";
  EXPECT_NE(io_error([&] {
              merger(base_options()).add_partial(dir_.file("part"));
            }).find(std::filesystem::canonical(input).string() + ": changed since a partial"),
            std::string::npos);

  save();
  std::filesystem::remove(input);
  EXPECT_NE(
      io_error([&] { merger(base_options()).add_partial(dir_.file("part")); }).find("cannot open"),
      std::string::npos);

  // Rewritten with the same size and modification time: the records' checksums tell.
  dir_.write("in.ndjson", mergepipe::testing::read_file(inputs_[0]));
  save();
  struct stat before {};
  ASSERT_EQ(::stat(input.c_str(), &before), 0);
  std::string text = mergepipe::testing::read_file(input);
  std::replace(text.begin(), text.end(), 'k', 'q');  // keys "k…" become "q…", same sizes
  dir_.write("in.ndjson", text);
  timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, input.c_str(), times, 0), 0);
  merger reader(base_options());
  reader.add_partial(dir_.file("part"));
  EXPECT_NE(io_error([&] { merged_text(reader); }).find("changed while being read"),
            std::string::npos);
}

// Records of buffers, streams and inputs at a position of another offset are copied: the
// partial stands on its own once they are gone.
TEST_F(pieces_test, records_that_cannot_be_referred_to_are_copied) {
  const std::string moved = dir_.write("moved.ndjson", mergepipe::testing::read_file(inputs_[0]));
  merger m(base_options());
  m.add(source::buffer(mergepipe::testing::read_file(inputs_[1]), "b"), {.input = 1});
  m.add(source::file(moved), {.input = 0, .offset = 1});
  m.save_partial({dir_.file("part")}, {.refer_to_inputs = true});
  std::string direct = merged_text(m);
  std::filesystem::remove(moved);
  merger reader(base_options());
  reader.add_partial(dir_.file("part"));
  EXPECT_EQ(merged_text(reader), direct);
}

TEST_F(pieces_test, a_partial_of_other_options_is_refused) {
  merger m(base_options());
  m.add(source::file(inputs_[0]), {});
  m.save_partial({dir_.file("part")});
  mergepipe::options other = base_options();
  other.rules.timestamp_fields = {"created_at"};
  merger reader(other);
  try {
    reader.add_partial(dir_.file("part"));
    FAIL() << "a partial with another timestamp field was merged";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
  }
}

TEST_F(pieces_test, a_range_outside_the_file_is_refused) {
  merger m(base_options());
  auto size = std::filesystem::file_size(inputs_[0]);
  for (auto [begin, end] : {std::pair<std::uint64_t, std::uint64_t>{0, size + 1}, {10, 5}}) {
    try {
      m.add(source::file_range(inputs_[0], begin, end), {});
      FAIL() << "range [" << begin << ", " << end << ") was read";
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::usage);
    }
  }
}

TEST(cut_into_pieces, an_array_that_cannot_be_delimited_is_located) {
  temp_dir dir;
  std::string path = dir.write("bad.json", "[\n{\"id\":1},\n{\"id\":\"2}\n");
  try {
    mergepipe::cut_into_pieces({path}, 4);
    FAIL() << "an unterminated string was cut";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
    EXPECT_EQ(e.where().file, path);
    EXPECT_EQ(e.where().line, 3u);
    EXPECT_EQ(e.where().offset, 12u);
  }
}

TEST(cut_into_pieces, standard_input_and_zero_size_are_usage_errors) {
  for (auto [paths, size] : {std::pair{std::vector<std::string>{"-"}, std::uint64_t{10}},
                             std::pair{std::vector<std::string>{}, std::uint64_t{0}}}) {
    try {
      mergepipe::cut_into_pieces(paths, size);
      FAIL() << "accepted";
    } catch (const mergepipe::error& e) {
      EXPECT_EQ(e.code(), mergepipe::errc::usage);
    }
  }
}

TEST(bucket_of, is_fixed_for_every_machine_and_process) {
  // FNV-1a 64 of the encoded key, modulo the bucket count: pinned, since workers on
  // different machines must agree.
  EXPECT_EQ(mergepipe::detail::bucket_of("", 1000), 14695981039346656037ull % 1000);
  EXPECT_EQ(mergepipe::detail::bucket_of("a", 1u << 31), 0xaf63dc4c8601ec8cull % (1u << 31));
}

}  // namespace
