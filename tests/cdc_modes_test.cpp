// The change-data-capture modes (keep first, keep delete markers, several timestamp fields,
// merged fields), each alone and in every combination, against sequential references: over
// thread counts, chunk sizes and pipeline layouts, from a stream read once, split into
// pieces merged apart and absorbed, and through partial files.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <tuple>

#include "engine_inputs.h"
#include "mergepipe/mergepipe.h"
#include "partial_updates.h"
#include "record_checksum.h"
#include "record_generator.h"
#include "reference_merge.h"
#include "test_files.h"

namespace {

using mergepipe::testing::generate_records;
using mergepipe::testing::generated_record;
using mergepipe::testing::input_layout;
using mergepipe::testing::reference_merge;
using mergepipe::testing::reference_rules;
using mergepipe::testing::run_merge;
using mergepipe::testing::serialize;
using mergepipe::testing::temp_dir;

// keep first, keep deletes, order by version too.
using mode = std::tuple<bool, bool, bool>;

reference_rules reference_for(const mode& m) {
  return {std::get<0>(m), std::get<1>(m), std::get<2>(m)};
}

mergepipe::options options_for(const mode& m) {
  mergepipe::options opts;
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  if (std::get<0>(m)) opts.rules.keep = mergepipe::keep_record::first;
  opts.rules.keep_deletes = std::get<1>(m);
  if (std::get<2>(m)) opts.rules.timestamp_fields = {"updated_at", "version"};
  return opts;
}

std::string name_of(const ::testing::TestParamInfo<mode>& info) {
  auto [first, deletes, by_version] = info.param;
  return std::string(first ? "first" : "last") + (deletes ? "_with_deletes" : "") +
         (by_version ? "_by_version" : "");
}

// Collects records as NDJSON text.
class text_sink final : public mergepipe::record_sink {
 public:
  void write(std::string_view record) override {
    text.append(record);
    text += '\n';
  }
  void finish() override {}
  std::string text;
};

std::string finished(mergepipe::merger& m) {
  text_sink out;
  m.finish(out);
  return out.text;
}

// `text` merged from a stream, which is read once: the table keeps copies of the records
// (or states) that may still win.
std::string merged_from_stream(mergepipe::options opts, const std::string& text) {
  opts.run.threads = 2;
  opts.run.chunk_size = 4096;
  mergepipe::merger m(opts);
  std::istringstream pipe(text);
  m.add(mergepipe::source::stream(pipe), {0, 0});
  return finished(m);
}

// The file at `path` cut into pieces of about `piece_size` bytes on record boundaries.
std::vector<mergepipe::source> pieces_of(const std::string& path, std::uint64_t piece_size) {
  std::vector<mergepipe::source> pieces;
  for (const mergepipe::piece& p : mergepipe::cut_into_pieces({path}, piece_size)) {
    pieces.push_back(mergepipe::source::file_range(path, p.begin, p.end));
  }
  return pieces;
}

// Each piece merged apart, the later pieces first, and absorbed into one merger.
std::string merged_by_absorbing(const mergepipe::options& opts,
                                const std::vector<mergepipe::source>& pieces) {
  mergepipe::merger all(opts);
  for (std::size_t i = pieces.size(); i-- > 0;) {
    mergepipe::merger part(opts);
    part.add(pieces[i], {0, 0});
    all.absorb(std::move(part));
  }
  return finished(all);
}

// The pieces dealt to `savers` mergers (piece i to merger i % savers), each saving its merge
// into `buckets` partial files under `prefix`, read back by one merger in the order that
// `read_back` puts them in.
std::string merged_through_partials(
    const mergepipe::options& opts, const std::vector<mergepipe::source>& pieces,
    std::size_t savers, std::size_t buckets, const std::string& prefix,
    const std::function<void(std::vector<std::string>&)>& read_back) {
  std::vector<std::string> saved;
  for (std::size_t saver = 0; saver < savers; ++saver) {
    mergepipe::merger part(opts);
    for (std::size_t i = saver; i < pieces.size(); i += savers) part.add(pieces[i], {0, 0});
    std::vector<std::string> paths;
    for (std::size_t b = 0; b < buckets; ++b) {
      paths.push_back(prefix + std::to_string(saver) + "-" + std::to_string(b));
    }
    part.save_partial(paths);
    saved.insert(saved.end(), paths.begin(), paths.end());
  }
  read_back(saved);
  mergepipe::merger reader(opts);
  for (const std::string& path : saved) reader.add_partial(path);
  return finished(reader);
}

class cdc_modes_test : public ::testing::TestWithParam<mode> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir;
    records_ = new std::vector<generated_record>(generate_records(11, 5000, 700, true));
    ndjson_ = serialize(*records_, 0, records_->size(), input_layout::ndjson);
    ndjson_path_ = dir_->write("in.ndjson", ndjson_);
    array_path_ = dir_->write(
        "in.json", serialize(*records_, 0, records_->size(), input_layout::array_pretty));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete records_;
  }

  void SetUp() override {
    const reference_rules rules = reference_for(GetParam());
    expected_ = reference_merge(*records_, rules);
    ASSERT_GT(std::count(expected_.begin(), expected_.end(), '\n'), 300);
    // The records are such that each rule changes the result.
    for (bool reference_rules::*rule :
         {&reference_rules::keep_first, &reference_rules::keep_deletes,
          &reference_rules::by_version}) {
      reference_rules flipped = rules;
      flipped.*rule = !(rules.*rule);
      ASSERT_NE(reference_merge(*records_, flipped), expected_);
    }
  }

  static inline temp_dir* dir_ = nullptr;
  static inline std::vector<generated_record>* records_ = nullptr;
  static inline std::string ndjson_, ndjson_path_, array_path_;
  std::string expected_;
};

TEST_P(cdc_modes_test, every_thread_count_chunk_size_and_layout_gives_the_reference) {
  const auto layouts = mergepipe::pipeline_layout::all();
  std::size_t run = 0;
  for (const std::string& input : {ndjson_path_, array_path_}) {
    for (unsigned threads : {1u, 2u, 4u}) {
      for (std::size_t chunk_size : {std::size_t{700}, std::size_t{64} << 10}) {
        mergepipe::options opts = options_for(GetParam());
        opts.inputs = {input};
        opts.run.threads = threads;
        opts.run.chunk_size = chunk_size;
        opts.run.layout = layouts[run++ * 7 % layouts.size()];
        EXPECT_EQ(run_merge(opts), expected_) << input << ", " << threads << " threads, chunks of "
                                              << chunk_size << ", " << opts.run.layout.to_string();
      }
    }
  }
}

TEST_P(cdc_modes_test, a_stream_read_once_gives_the_reference) {
  EXPECT_EQ(merged_from_stream(options_for(GetParam()), ndjson_), expected_);
}

TEST_P(cdc_modes_test, pieces_merged_apart_then_absorbed_or_saved_give_the_reference) {
  mergepipe::options opts = options_for(GetParam());
  opts.run.threads = 2;
  opts.run.chunk_size = 2048;
  const std::vector<mergepipe::source> pieces = pieces_of(ndjson_path_, ndjson_.size() / 5);
  ASSERT_GE(pieces.size(), 5u);
  EXPECT_EQ(merged_by_absorbing(opts, pieces), expected_);
  // Saved into three buckets by two mergers, read back by a third.
  EXPECT_EQ(merged_through_partials(opts, pieces, 2, 3, dir_->path() + "/part",
                                    [](std::vector<std::string>&) {}),
            expected_);
}

INSTANTIATE_TEST_SUITE_P(modes, cdc_modes_test,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool(),
                                            ::testing::Bool()),
                         name_of);

// --merge-fields, with and without delete markers kept and a second timestamp field.
using fields_mode = std::tuple<bool, bool>;

mergepipe::options merge_fields_options(const fields_mode& m) {
  mergepipe::options opts = options_for({false, std::get<0>(m), std::get<1>(m)});
  opts.rules.merge_fields = true;
  return opts;
}

class merge_fields_test : public ::testing::TestWithParam<fields_mode> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir;
    auto updates = mergepipe::testing::generate_partial_updates(5, 4000, 300);
    references_ = new std::map<fields_mode, std::string>;
    for (bool deletes : {false, true}) {
      for (bool by_version : {false, true}) {
        (*references_)[{deletes, by_version}] =
            mergepipe::testing::reference_merge_fields(updates, deletes, by_version);
      }
    }
    for (const auto& u : updates) ndjson_ += u.json + "\n";
    ndjson_path_ = dir_->write("updates.ndjson", ndjson_);
    std::string array = "[\n";
    for (std::size_t i = 0; i < updates.size(); ++i) {
      array += (i > 0 ? ",\n  " : "  ") + mergepipe::testing::pretty(updates[i].json);
    }
    array_path_ = dir_->write("updates.json", array + "\n]\n");
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete references_;
  }

  [[nodiscard]] const std::string& expected() const { return references_->at(GetParam()); }

  static inline temp_dir* dir_ = nullptr;
  static inline std::map<fields_mode, std::string>* references_ = nullptr;
  static inline std::string ndjson_, ndjson_path_, array_path_;
};

TEST_P(merge_fields_test, the_data_exercises_every_rule) {
  // Each option changes the result, and so does merging the fields at all.
  auto [deletes, by_version] = GetParam();
  EXPECT_NE(expected(), references_->at({!deletes, by_version}));
  EXPECT_NE(expected(), references_->at({deletes, !by_version}));
  mergepipe::options latest = options_for({false, deletes, by_version});
  latest.inputs = {ndjson_path_};
  EXPECT_NE(expected(), run_merge(latest));
  EXPECT_GT(std::count(expected().begin(), expected().end(), '\n'), 150);
}

TEST_P(merge_fields_test, every_thread_count_chunk_size_and_layout_gives_the_reference) {
  const auto layouts = mergepipe::pipeline_layout::all();
  std::size_t run = 0;
  for (const std::string& input : {ndjson_path_, array_path_}) {
    for (unsigned threads : {1u, 2u, 4u}) {
      for (std::size_t chunk_size : {std::size_t{500}, std::size_t{64} << 10}) {
        mergepipe::options opts = merge_fields_options(GetParam());
        opts.inputs = {input};
        opts.run.threads = threads;
        opts.run.chunk_size = chunk_size;
        opts.run.layout = layouts[run++ * 5 % layouts.size()];
        EXPECT_EQ(run_merge(opts), expected()) << input << ", " << threads << " threads, chunks of "
                                               << chunk_size << ", " << opts.run.layout.to_string();
      }
    }
  }
}

TEST_P(merge_fields_test, a_stream_read_once_gives_the_reference) {
  EXPECT_EQ(merged_from_stream(merge_fields_options(GetParam()), ndjson_), expected());
}

TEST_P(merge_fields_test, pieces_merged_apart_then_absorbed_or_saved_give_the_reference) {
  mergepipe::options opts = merge_fields_options(GetParam());
  opts.run.threads = 2;
  opts.run.chunk_size = 1024;
  const std::vector<mergepipe::source> pieces = pieces_of(ndjson_path_, ndjson_.size() / 6);
  ASSERT_GE(pieces.size(), 6u);
  EXPECT_EQ(merged_by_absorbing(opts, pieces), expected());
  // Saved into two buckets by three mergers, read back last file first.
  EXPECT_EQ(merged_through_partials(
                opts, pieces, 3, 2, dir_->path() + "/fields",
                [](std::vector<std::string>& saved) { std::reverse(saved.begin(), saved.end()); }),
            expected());
}

INSTANTIATE_TEST_SUITE_P(modes, merge_fields_test,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<fields_mode>& info) {
                           return std::string(std::get<0>(info.param) ? "with_deletes"
                                                                      : "without_deletes") +
                                  (std::get<1>(info.param) ? "_by_version" : "");
                         });

// The cases the issue of each mode is about, spelt out.
std::string merged(const std::string& input, const mergepipe::options& rules_from) {
  temp_dir dir;
  mergepipe::options opts = rules_from;
  opts.inputs = {dir.write("in.ndjson", input)};
  return run_merge(opts);
}

TEST(cdc_modes, keep_first_keeps_the_earliest_and_a_first_delete_removes_the_key) {
  mergepipe::options opts = options_for({true, false, false});
  EXPECT_EQ(merged("{\"id\":1,\"updated_at\":2,\"v\":\"b\"}\n"
                   "{\"id\":1,\"updated_at\":1,\"v\":\"a\"}\n"
                   "{\"id\":1,\"updated_at\":1,\"v\":\"a, later\"}\n"
                   "{\"id\":2,\"updated_at\":1,\"op\":\"d\"}\n"
                   "{\"id\":2,\"updated_at\":3}\n",
                   opts),
            "{\"id\":1,\"updated_at\":1,\"v\":\"a\"}\n");
}

TEST(cdc_modes, keep_deletes_writes_the_winning_marker_minified_with_counts) {
  temp_dir dir;
  mergepipe::options opts = options_for({false, true, false});
  opts.inputs = {dir.write("in.ndjson",
                           "{\"id\":1,\"updated_at\":1}\n"
                           "{ \"id\" : 1 , \"updated_at\" : 2 , \"op\" : \"d\" }\n"
                           "{\"id\":2,\"updated_at\":1}\n")};
  text_sink out;
  mergepipe::report report = mergepipe::merge(opts, out);
  EXPECT_EQ(out.text, "{\"id\":1,\"updated_at\":2,\"op\":\"d\"}\n{\"id\":2,\"updated_at\":1}\n");
  EXPECT_EQ(report.deleted, 1u);
  EXPECT_EQ(report.output_records, 2u);
}

TEST(cdc_modes, later_timestamp_fields_break_ties_of_earlier_ones_and_absent_sorts_first) {
  mergepipe::options opts = options_for({false, false, false});
  opts.rules.timestamp_fields = {"/source/ts_ms", "/source/lsn"};
  opts.rules.ts_unit = mergepipe::timestamp_unit::ms;
  EXPECT_EQ(merged("{\"id\":1,\"source\":{\"ts_ms\":5,\"lsn\":9},\"v\":\"b\"}\n"
                   "{\"id\":1,\"source\":{\"ts_ms\":5,\"lsn\":10},\"v\":\"c\"}\n"
                   "{\"id\":1,\"source\":{\"ts_ms\":5,\"lsn\":8},\"v\":\"a\"}\n"
                   "{\"id\":2,\"source\":{\"ts_ms\":5,\"lsn\":1},\"v\":\"x\"}\n"
                   "{\"id\":2,\"source\":{\"ts_ms\":5},\"v\":\"y\"}\n"
                   "{\"id\":2,\"source\":{\"ts_ms\":4,\"lsn\":7},\"v\":\"z\"}\n",
                   opts),
            "{\"id\":1,\"source\":{\"ts_ms\":5,\"lsn\":10},\"v\":\"c\"}\n"
            "{\"id\":2,\"source\":{\"ts_ms\":5,\"lsn\":1},\"v\":\"x\"}\n");
}

TEST(cdc_modes, a_bad_later_timestamp_field_is_a_bad_record_naming_it) {
  temp_dir dir;
  mergepipe::options opts = options_for({false, false, true});
  opts.inputs = {dir.write("in.ndjson",
                           "{\"id\":1,\"updated_at\":1,\"version\":2}\n"
                           "{\"id\":1,\"updated_at\":1,\"version\":\"soon\"}\n")};
  try {
    run_merge(opts);
    FAIL() << "accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
    EXPECT_EQ(e.where().line, 2u);
    EXPECT_EQ(e.reason(), "invalid timestamp \"soon\" in field \"version\"");
  }
}

TEST(cdc_modes, merge_fields_keeps_the_latest_value_of_each_field_since_the_last_delete) {
  mergepipe::options opts = options_for({false, false, false});
  opts.rules.merge_fields = true;
  const std::string input =
      "{\"id\":1,\"name\":\"Ada\",\"email\":\"a@x\",\"updated_at\":1}\n"
      "{\"id\":1,\"email\":\"ada@x\",\"updated_at\":3}\n"
      "{\"id\":1, \"phone\" : [1, 2], \"updated_at\":2}\n"
      "{\"id\":1,\"name\":null,\"updated_at\":4}\n"
      "{\"id\":2,\"name\":\"Bob\",\"updated_at\":1}\n"
      "{\"id\":2,\"op\":\"d\",\"updated_at\":2}\n"
      "{\"id\":2,\"city\":\"Oslo\",\"updated_at\":3}\n"
      "{\"id\":3,\"x\":1,\"updated_at\":1}\n"
      "{\"id\":3,\"op\":\"d\",\"updated_at\":5}\n";
  // id 2's name is hidden by its delete marker; id 3 ends deleted. Values keep their bytes,
  // minified; a field keeps the place the key first gave it.
  EXPECT_EQ(merged(input, opts),
            "{\"id\":1,\"name\":null,\"email\":\"ada@x\",\"updated_at\":4,\"phone\":[1,2]}\n"
            "{\"id\":2,\"updated_at\":3,\"city\":\"Oslo\"}\n");
  opts.rules.keep_deletes = true;
  EXPECT_EQ(merged(input, opts),
            "{\"id\":1,\"name\":null,\"email\":\"ada@x\",\"updated_at\":4,\"phone\":[1,2]}\n"
            "{\"id\":2,\"updated_at\":3,\"city\":\"Oslo\"}\n"
            "{\"id\":3,\"op\":\"d\",\"updated_at\":5}\n");
}

TEST(cdc_modes, a_damaged_merged_object_in_a_partial_file_is_bad_input) {
  temp_dir dir;
  mergepipe::options opts = options_for({false, false, false});
  opts.rules.merge_fields = true;
  mergepipe::merger saved(opts);
  saved.add(mergepipe::source::buffer("{\"id\":1,\"a\":2}\n"), {0, 0});
  const std::string path = dir.path() + "/partial";
  saved.save_partial({path});
  // One entry after a 64-byte header (with an empty table of files): flags, stamp (24 bytes),
  // key size, state size, key, state. The state's bytes are overwritten, its sizes and all,
  // and the file's checksum made again, as a crafted file would.
  std::string bytes = mergepipe::testing::read_file(path);
  std::uint32_t key_size = 0;
  std::uint32_t state_size = 0;
  std::memcpy(&key_size, bytes.data() + 64 + 25, 4);
  std::memcpy(&state_size, bytes.data() + 64 + 29, 4);
  ASSERT_GT(state_size, 8u);
  std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(64 + 33 + key_size), state_size, '\xff');
  std::uint32_t crc = mergepipe::detail::crc32c(bytes.data(), bytes.size() - 4);
  std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  dir.write("damaged", bytes);
  mergepipe::merger reader(opts);
  try {
    reader.add_partial(dir.path() + "/damaged");
    FAIL() << "accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input);
    EXPECT_NE(e.reason().find("a merged object is damaged"), std::string::npos) << e.reason();
  }
}

TEST(cdc_modes, merge_fields_with_keep_first_is_a_usage_error) {
  mergepipe::options opts;
  opts.rules.merge_fields = true;
  opts.rules.keep = mergepipe::keep_record::first;
  try {
    opts.rules.validate();
    FAIL() << "accepted";
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::usage);
    EXPECT_EQ(e.reason(), "--merge-fields cannot be combined with --keep first");
  }
}

TEST(cdc_modes, partial_merges_of_other_keep_rules_or_timestamp_fields_do_not_combine) {
  temp_dir dir;
  mergepipe::options last = options_for({false, false, false});
  mergepipe::merger saved(last);
  saved.add(mergepipe::source::buffer("{\"id\":1}\n"), {0, 0});
  std::string path = dir.path() + "/partial";
  saved.save_partial({path});
  mergepipe::options fields = last;
  fields.rules.merge_fields = true;
  for (const mergepipe::options& other :
       {options_for({true, false, false}), options_for({false, false, true}), fields}) {
    mergepipe::merger reader(other);
    EXPECT_THROW(reader.add_partial(path), mergepipe::error);
    mergepipe::merger absorbing(other);
    EXPECT_THROW(absorbing.absorb(mergepipe::merger(last)), mergepipe::error);
  }
  // Whether delete markers are written is decided when the result is, not before.
  mergepipe::merger with_deletes(options_for({false, true, false}));
  EXPECT_NO_THROW(with_deletes.add_partial(path));
}

}  // namespace
