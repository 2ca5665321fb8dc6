// ceiling: how fast this machine can walk a record file at all, as a yardstick for mergepipe.
//
//   ceiling FILE [RUNS]
//
// Each run memory-maps FILE (with simdjson's padding after it) and then:
//   newlines  counts the line feeds: the cost of touching every page, no parsing;
//   walk      simdjson On-Demand over every record (iterate_many for NDJSON, the elements of
//             the array otherwise), extracting only `id` (an unsigned integer) and
//             `updated_at` (its raw token) into a hash map that keeps the latest per id.
//             On-Demand checks only what it visits: this walk does NOT validate the records.
//   validate  simdjson DOM over every record (parse_many for NDJSON, one parse of the array
//             otherwise), which checks every value onto its tape, then reads `id` and
//             `updated_at` of each record; no map, no output. The full-validation ceiling.
//   validate-lines  the same DOM, one parse per line (NDJSON only): the cost of parsing
//             record by record instead of a batch at a time.
// The NDJSON walk also runs on 2 threads: the file is cut at the first newline after its
// middle and each half is walked by its own parser into its own map (the maps are not
// combined). Prints one tab-separated line per measurement: mode, threads, median seconds of
// RUNS runs (default 5), MB/s (1 MB = 1e6 bytes) and the distinct ids the walk found.

#include <absl/container/flat_hash_map.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tbb/parallel_invoke.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

// The file mapped read-only over the start of an anonymous reservation, so that the
// SIMDJSON_PADDING bytes after it are readable (zeros).
class mapped_file {
 public:
  explicit mapped_file(const char* path) {
    const int fd = ::open(path, O_RDONLY);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), path);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size == 0) {
      ::close(fd);
      throw std::runtime_error(std::string(path) + ": cannot map an empty or unreadable file");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    void* base = ::mmap(nullptr, size_ + simdjson::SIMDJSON_PADDING, PROT_READ,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void* file = base == MAP_FAILED
                     ? MAP_FAILED
                     : ::mmap(base, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
    const int error = errno;
    ::close(fd);
    if (file == MAP_FAILED) throw std::system_error(error, std::generic_category(), path);
    data_ = static_cast<const char*>(base);
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  ~mapped_file() { ::munmap(const_cast<char*>(data_), size_ + simdjson::SIMDJSON_PADDING); }

  [[nodiscard]] std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

struct latest {
  std::string_view ts;  // the raw token, quotes included: text order is time order here
  std::size_t position;
};

using latest_map = absl::flat_hash_map<std::uint64_t, latest>;

void keep(latest_map& map, std::uint64_t id, std::string_view ts, std::size_t position) {
  auto [it, inserted] = map.try_emplace(id, latest{ts, position});
  if (!inserted && ts >= it->second.ts) it->second = {ts, position};
}

// `text` must have SIMDJSON_PADDING readable bytes after it.
std::size_t walk_ndjson(std::string_view text) {
  simdjson::ondemand::parser parser;
  parser.threaded = false;
  constexpr std::size_t batch_size = 1'000'000;  // simdjson's default: many records a batch
  simdjson::ondemand::document_stream stream =
      parser.iterate_many(text.data(), text.size(), batch_size);
  latest_map map;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    auto doc = *it;
    simdjson::ondemand::object record = doc.get_object();
    const std::uint64_t id = record.find_field("id").get_uint64();
    const std::string_view ts = record.find_field("updated_at").raw_json_token();
    keep(map, id, ts, it.current_index());
  }
  if (stream.truncated_bytes() != 0) throw std::runtime_error("truncated NDJSON");
  return map.size();
}

std::size_t walk_array(std::string_view text) {
  simdjson::ondemand::parser parser;
  parser.threaded = false;
  simdjson::ondemand::document doc =
      parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING);
  latest_map map;
  std::size_t position = 0;
  for (simdjson::ondemand::object record : doc.get_array()) {
    const std::uint64_t id = record.find_field("id").get_uint64();
    const std::string_view ts = record.find_field("updated_at").raw_json_token();
    keep(map, id, ts, position++);
  }
  return map.size();
}

// The DOM validates every value while it builds the tape; the sum keeps the reads alive.
std::size_t validate_ndjson(std::string_view text) {
  simdjson::dom::parser parser;
  parser.threaded = false;
  simdjson::dom::document_stream stream;
  if (auto code = parser.parse_many(text.data(), text.size(), 1'000'000).get(stream))
    throw std::runtime_error(simdjson::error_message(code));
  std::size_t records = 0;
  std::uint64_t sum = 0;
  for (auto record : stream) {
    simdjson::dom::object object;
    if (auto code = record.get_object().get(object))
      throw std::runtime_error(simdjson::error_message(code));
    sum += object["id"].get_uint64().value() + (object["updated_at"].error() == simdjson::SUCCESS);
    ++records;
  }
  if (stream.truncated_bytes() != 0) throw std::runtime_error("truncated NDJSON");
  return sum == 0 ? 0 : records;
}

// The same DOM, one parse per line: what mergepipe's parse step did record by record.
std::size_t validate_lines(std::string_view text) {
  simdjson::dom::parser parser;
  std::size_t records = 0;
  std::uint64_t sum = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end > pos) {
      simdjson::dom::object object;
      if (auto code = parser.parse(text.data() + pos, end - pos, false).get_object().get(object))
        throw std::runtime_error(simdjson::error_message(code));
      sum +=
          object["id"].get_uint64().value() + (object["updated_at"].error() == simdjson::SUCCESS);
      ++records;
    }
    pos = end + 1;
  }
  return sum == 0 ? 0 : records;
}

std::size_t validate_array(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (auto code = parser.parse(text.data(), text.size(), false).get_array().get(array))
    throw std::runtime_error(simdjson::error_message(code));
  std::size_t records = 0;
  std::uint64_t sum = 0;
  for (simdjson::dom::object object : array) {
    sum += object["id"].get_uint64().value() + (object["updated_at"].error() == simdjson::SUCCESS);
    ++records;
  }
  return sum == 0 ? 0 : records;
}

std::size_t walk_ndjson_2(std::string_view text) {
  const std::size_t newline = text.find('\n', text.size() / 2);
  const std::size_t cut = newline == std::string_view::npos ? text.size() : newline + 1;
  std::size_t first = 0;
  std::size_t second = 0;
  // The first half is followed by the second, so its padding bytes are readable too.
  tbb::parallel_invoke([&] { first = walk_ndjson(text.substr(0, cut)); },
                       [&] { second = cut < text.size() ? walk_ndjson(text.substr(cut)) : 0; });
  return first + second;
}

std::size_t count_newlines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool is_array(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[';
}

// Maps the file afresh for every run, so that each pays for its page faults as mergepipe does.
void measure(const char* path, const char* mode, int threads, int runs,
             const std::function<std::size_t(std::string_view)>& body) {
  std::vector<double> seconds;
  std::size_t bytes = 0;
  std::size_t result = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const mapped_file file(path);
    result = body(file.text());
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    bytes = file.text().size();
  }
  std::sort(seconds.begin(), seconds.end());
  const std::size_t n = seconds.size();
  const double median = n % 2 != 0 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
  std::printf("%s\t%d\t%.4f\t%.0f\t%zu\n", mode, threads, median,
              static_cast<double>(bytes) / 1e6 / median, result);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: ceiling FILE [RUNS]\n");
    return 2;
  }
  const char* path = argv[1];
  const int runs = argc == 3 ? std::atoi(argv[2]) : 5;
  if (runs < 1) {
    std::fprintf(stderr, "ceiling: RUNS must be a positive number\n");
    return 2;
  }
  try {
    const bool array = is_array(mapped_file(path).text());
    std::printf("mode\tthreads\tmedian_s\tMB/s\tresult\n");
    measure(path, "newlines", 1, runs, count_newlines);
    if (array) {
      measure(path, "walk", 1, runs, walk_array);
      measure(path, "validate", 1, runs, validate_array);
    } else {
      measure(path, "walk", 1, runs, walk_ndjson);
      measure(path, "walk", 2, runs, walk_ndjson_2);
      measure(path, "validate", 1, runs, validate_ndjson);
      measure(path, "validate-lines", 1, runs, validate_lines);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ceiling: %s: %s\n", path, e.what());
    return 1;
  }
  return 0;
}
