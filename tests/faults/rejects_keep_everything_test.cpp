// Under `--on-error skip --rejects FILE` nothing is lost: on corrupted copies of generated
// input (bytes flipped or deleted, garbage lines or elements inserted; fixed seeds), every
// record of the input is either in the output, superseded by a record that is, or in the
// rejects file verbatim, at its offset.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli_runner.h"
#include "record_generator.h"

namespace {

using mergepipe::cli_testing::cli_result;
using mergepipe::cli_testing::lines_of;
using mergepipe::cli_testing::read_file;
using mergepipe::cli_testing::run_mergepipe;
using mergepipe::cli_testing::temp_dir;

// A record of the input: its bytes (without surrounding whitespace) and where they start.
struct record_text {
  std::uint64_t offset = 0;
  std::string bytes;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `bytes`, found at `offset`, without the whitespace around them.
record_text trimmed(std::uint64_t offset, const std::string& bytes) {
  std::size_t first = 0;
  std::size_t last = bytes.size();
  while (first < last && is_json_space(bytes[first])) ++first;
  while (last > first && is_json_space(bytes[last - 1])) --last;
  return {offset + first, bytes.substr(first, last - first)};
}

// The records of an NDJSON text: each line that is not blank, trimmed.
std::vector<record_text> ndjson_records(const std::string& text) {
  std::vector<record_text> records;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    record_text line = trimmed(start, text.substr(start, end - start));
    if (!line.bytes.empty()) records.push_back(line);
    start = end + 1;
  }
  return records;
}

std::string base64_decode(std::string_view text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    std::size_t value = alphabet.find(c);
    if (value == std::string::npos) break;  // '=' padding
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// The rejects file, by offset: the raw bytes of each rejected record.
std::map<std::uint64_t, std::string> read_rejects(const std::string& text) {
  std::map<std::uint64_t, std::string> rejects;
  simdjson::dom::parser parser;
  for (const std::string& line : lines_of(text)) {
    simdjson::padded_string json(line);
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << line;
    std::uint64_t offset = 0;
    EXPECT_EQ(doc["offset"].get(offset), simdjson::SUCCESS) << line;
    std::string_view raw;
    if (doc["raw"].get(raw) == simdjson::SUCCESS) {
      rejects[offset] = std::string(raw);
    } else {
      EXPECT_EQ(doc["raw_base64"].get(raw), simdjson::SUCCESS) << line;
      rejects[offset] = base64_decode(raw);
    }
  }
  return rejects;
}

std::string minified(const std::string& json) {
  std::string out(json.size(), '\0');
  std::size_t size = 0;
  EXPECT_EQ(simdjson::minify(json.data(), json.size(), out.data(), size), simdjson::SUCCESS);
  out.resize(size);
  return out;
}

// The key `n` of a valid record, spelled so that equal keys are equal strings; empty if the
// record cannot be read.
std::string key_of(const std::string& record) {
  simdjson::dom::parser parser;
  simdjson::padded_string json(record);
  simdjson::dom::element doc;
  simdjson::dom::element key;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS || doc["n"].get(key) != simdjson::SUCCESS)
    return {};
  if (key.is_number()) return "number " + std::to_string(double(key));
  if (key.is_string()) return "string " + std::string(std::string_view(key));
  if (key.is_bool()) return bool(key) ? "true" : "false";
  return {};
}

// Every record of `records` is rejected verbatim, or is in the output (minified), or lost to
// a record with the same key that is; every reject and every output record is accounted for.
void expect_nothing_lost(const std::vector<record_text>& records, const cli_result& run,
                         const std::string& rejects_text) {
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::uint64_t, std::string> rejects = read_rejects(rejects_text);
  std::multiset<std::string> output;
  std::set<std::string> output_keys;
  for (const std::string& line : lines_of(run.out)) {
    output.insert(line);
    output_keys.insert(key_of(line));
  }
  std::size_t rejected = 0;
  std::size_t superseded = 0;
  for (const record_text& r : records) {
    if (auto reject = rejects.find(r.offset); reject != rejects.end()) {
      EXPECT_EQ(reject->second, r.bytes) << "at " << r.offset;
      ++rejected;
    } else if (auto out = output.find(minified(r.bytes)); out != output.end()) {
      output.erase(out);
    } else {
      std::string key = key_of(r.bytes);
      EXPECT_TRUE(!key.empty() && output_keys.count(key) == 1)
          << "record at " << r.offset << " is lost: " << r.bytes;
      ++superseded;
    }
  }
  EXPECT_EQ(rejected, rejects.size()) << "rejects at offsets that start no record";
  EXPECT_TRUE(output.empty()) << "output records that are in no input: " << *output.begin();
  EXPECT_GT(rejected, 0u);
  EXPECT_LT(superseded, records.size() / 100);
}

// Generated records, each with a distinct key `n` (so that every good record is output).
std::vector<std::string> generated(std::uint64_t seed) {
  std::vector<std::string> records;
  for (const auto& r : mergepipe::testing::generate_records(seed, 2000, 200))
    records.push_back(r.json);
  return records;
}

enum class corruption { flip, erase, insert_garbage };

bool is_structural(char c) {
  return std::string_view("\"\\[]{},").find(c) != std::string_view::npos;
}

// Random bytes, or a fragment of JSON, as garbage; when `delimitable`, garbage that an array
// can still be cut around: no quotes, backslashes, brackets, braces or commas, but balanced.
std::string garbage(std::mt19937_64& rng, bool delimitable) {
  static const char* fragments[] = {R"({"n":})",    "{}",       "null",     "12",
                                    R"("s")",       "[]",       "nul",      R"({"n":[1]})",
                                    "\xef\xbb\xbf", "\xff\xfe", "{\"n\":1", "}{"};
  if (rng() % 2 == 0) return fragments[rng() % (std::size(fragments) - (delimitable ? 2 : 0))];
  std::string bytes;
  for (std::size_t i = rng() % 20 + 1; i > 0; --i) {
    auto c = static_cast<char>(rng() % 256);
    if (!delimitable || !is_structural(c)) bytes += c;
  }
  return bytes;
}

// Corrupts an NDJSON text after its first line (which decides the format).
std::string corrupt_ndjson(std::string text, corruption how, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t first_line = text.find('\n') + 1;
  for (int i = 0; i < 200; ++i) {
    std::size_t at = first_line + rng() % (text.size() - first_line);
    switch (how) {
      case corruption::flip:
        text[at] = static_cast<char>(rng() % 256);
        break;
      case corruption::erase:
        text.erase(at, 1);
        break;
      case corruption::insert_garbage:
        at = text.find('\n', at) + 1;
        text.insert(at, garbage(rng, false) + "\n");
        break;
    }
  }
  return text;
}

class rejects_keep_everything_test : public ::testing::TestWithParam<corruption> {
 protected:
  cli_result run(const std::string& name) {
    return run_mergepipe({"--on-error", "skip", "--rejects", "rejects.jsonl", "--key", "n",
                          "--threads", "2", "--chunk-size", "16K", name},
                         std::nullopt, dir_.path().string());
  }

  temp_dir dir_;
};

TEST_P(rejects_keep_everything_test, ndjson) {
  std::string text;
  for (const std::string& r : generated(1)) text += r + "\n";
  for (std::uint64_t seed : {11, 12, 13}) {
    SCOPED_TRACE(seed);
    const std::string corrupted = corrupt_ndjson(text, GetParam(), seed);
    dir_.write("in.ndjson", corrupted);
    cli_result r = run("in.ndjson");
    expect_nothing_lost(ndjson_records(corrupted), r, read_file(dir_.file("rejects.jsonl")));
  }
}

// Corrupts one array element without touching what delimits it: quotes, backslashes,
// brackets, braces and commas are neither changed nor made, and escapes stay escapes.
std::string corrupt_element(std::string element, corruption how, std::mt19937_64& rng) {
  std::size_t at = rng() % element.size();
  // Nor is an escaped character changed: the backslash would escape the next one.
  if (is_structural(element[at]) || (at > 0 && element[at - 1] == '\\')) return element;
  if (how == corruption::erase) return element.erase(at, 1);
  char replacement = static_cast<char>(rng() % 256);
  if (!is_structural(replacement)) element[at] = replacement;
  return element;
}

TEST_P(rejects_keep_everything_test, array) {
  const std::vector<std::string> records = generated(2);
  for (std::uint64_t seed : {21, 22, 23}) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    std::vector<std::string> elements;
    for (const std::string& r : records) {
      if (GetParam() == corruption::insert_garbage && rng() % 10 == 0) {
        elements.push_back(rng() % 4 == 0 ? "" : garbage(rng, true));  // "": `,,`
      }
      elements.push_back(rng() % 10 == 0 && GetParam() != corruption::insert_garbage
                             ? corrupt_element(r, GetParam(), rng)
                             : r);
    }
    std::string text = "[\n";
    std::vector<record_text> expected;
    for (std::size_t i = 0; i < elements.size(); ++i) {
      if (i > 0) text += ",\n";
      expected.push_back(trimmed(text.size(), elements[i]));
      text += elements[i];
    }
    text += "\n]\n";
    dir_.write("in.json", text);
    cli_result r = run("in.json");
    // An element of no bytes is rejected at the delimiter after it.
    for (record_text& e : expected) {
      if (e.bytes.empty()) e.offset = text.find_first_not_of(" \t\r\n", e.offset);
    }
    expect_nothing_lost(expected, r, read_file(dir_.file("rejects.jsonl")));
  }
}

INSTANTIATE_TEST_SUITE_P(corruptions, rejects_keep_everything_test,
                         ::testing::Values(corruption::flip, corruption::erase,
                                           corruption::insert_garbage),
                         [](const auto& info) {
                           switch (info.param) {
                             case corruption::flip:
                               return "flipped_bytes";
                             case corruption::erase:
                               return "deleted_bytes";
                             case corruption::insert_garbage:
                               return "inserted_garbage";
                           }
                           return "";
                         });

}  // namespace
