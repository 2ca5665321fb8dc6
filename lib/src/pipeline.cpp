#include "pipeline.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "chunk.h"
#include "parse/chunk_parser.h"
#include "read/chunk_reader.h"
#include "order/line_locator.h"
#include "mergepipe/error.h"
#include "tsan_annotations.h"
#include "read/unchanged_inputs.h"

namespace mergepipe::detail {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Busy time of one pipeline stage, added to from whichever thread runs it.
class stage_clock {
 public:
  class scope {
   public:
    explicit scope(stage_clock& clock) : clock_(clock), start_(clock_type::now()) {}
    ~scope() {
      clock_.nanos_.fetch_add((clock_type::now() - start_).count(), std::memory_order_relaxed);
    }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    stage_clock& clock_;
    clock_type::time_point start_;
  };
  [[nodiscard]] double seconds() const { return static_cast<double>(nanos_.load()) / 1e9; }

 private:
  std::atomic<std::int64_t> nanos_{0};
};

}  // namespace

merge_context::merge_context(options opts)
    : opts_(std::move(opts)),
      rules_(record_rules::compile(opts_)),
      threads_(opts_.threads != 0 ? opts_.threads
                                  : static_cast<unsigned>(tbb::info::default_concurrency())),
      tokens_(opts_.tokens != 0 ? opts_.tokens : 4 * threads_),
      scanners_([this] { return std::make_unique<record_scanner>(rules_); }) {
  if (opts_.chunk_size == 0) throw error(errc::usage, "chunk size must be positive");
}

record_scanner& merge_context::local_scanner() { return *scanners_.local(); }

namespace {

// One pass of the pipeline over some sources: its per-thread state and counters.
class pass {
 public:
  pass(merge_context& context, const std::vector<placed_source>& sources, reject_sink* rejects)
      : context_(context), opts_(context.opts()), sources_(sources), rejects_(rejects) {
    for (const placed_source& s : sources_) {
      inputs_.push_back({s.source.get(), s.begin, s.end});
      released_.push_back(s.begin);
      locators_.emplace_back(s.source->data());
      std::uint64_t size = s.source->known_size();
      total_bytes_ += std::min(size, s.end) - std::min(size, s.begin);
    }
  }

  pass_result run() {
    log("merging {} input(s) with {} thread(s), chunk size {}", sources_.size(),
        context_.threads(), opts_.chunk_size);
    context_.execute([&] { run_pipeline(context_.tokens()); });

    pass_result result;
    result.tables.push_back(std::move(table_));
    report& counts = result.counts;
    counts.files = sources_.size();
    counts.bytes = reader_.bytes_read();
    counts.records = records_;
    counts.bad_records = bad_records_;
    counts.chunks = reader_.chunks();
    counts.threads = context_.threads();
    counts.stages.read = read_clock_.seconds();
    counts.stages.parse = parse_clock_.seconds();
    counts.stages.order = order_clock_.seconds();
    counts.stages.merge = merge_clock_.seconds();
    return result;
  }

 private:
  template <typename... Args>
  void log(spdlog::format_string_t<Args...> fmt, Args&&... args) {
    if (opts_.logger) opts_.logger->debug(fmt, std::forward<Args>(args)...);
  }

  void run_pipeline(unsigned tokens) {
    auto serial = tbb::filter_mode::serial_in_order;
    auto parallel = tbb::filter_mode::parallel;
    auto filters = build_filters([&] {
      return tbb::make_filter<void, chunk*>(serial,
                                            [this](tbb::flow_control& fc) {
                                              stage_scope edges(nullptr, &read_clock_,
                                                                        &pipeline_done_);
                                              chunk* c = read_chunk(fc);
                                              happens_before(c);
                                              return c;
                                            }) &
             tbb::make_filter<chunk*, chunk*>(parallel,
                                              [this](chunk* c) {
                                                stage_scope edges(c, nullptr,
                                                                          &pipeline_done_);
                                                parse_chunk(c);
                                                return c;
                                              }) &
             tbb::make_filter<chunk*, chunk*>(serial,
                                              [this](chunk* c) {
                                                stage_scope edges(c, &order_clock_,
                                                                          &pipeline_done_);
                                                order_chunk(c);
                                                return c;
                                              }) &
             tbb::make_filter<chunk*, void>(parallel, [this](chunk* c) {
               stage_scope edges(c, nullptr, &pipeline_done_);
               merge_chunk(c);
             });
    });
    pipeline_scope edges(&pipeline_done_);
    tbb::parallel_pipeline(tokens, filters);
  }

  // --- Stage 1 (serial): cut the inputs into chunks of whole records. ---

  chunk* read_chunk(tbb::flow_control& fc) {
    stage_clock::scope timing(read_clock_);
    chunk* c = reader_.next();
    if (c == nullptr) {
      fc.stop();
      return nullptr;
    }
    report_progress();
    return c;
  }

  void report_progress() {
    if (!opts_.on_progress) return;
    double now = seconds_since(start_time_);
    if (now - last_progress_ < opts_.progress_interval_seconds) return;
    last_progress_ = now;
    opts_.on_progress(progress{reader_.bytes_done(), total_bytes_, now});
  }

  // --- Stage 2 (parallel): validate records, extract key and stamp. ---

  void parse_chunk(chunk* c) {
    stage_clock::scope timing(parse_clock_);
    detail::parse_chunk(*c, context_.local_scanner());
  }

  // --- Stage 3 (serial, in input order): errors and rejects in input order. ---

  void order_chunk(chunk* c) {
    stage_clock::scope timing(order_clock_);
    records_ += c->records.size();
    for (const bad_record& bad : c->bad) handle_bad(*c, bad);
    if (c->fatal) {
      throw error(errc::bad_input, c->fatal->reason, locate(c->file, c->fatal->offset));
    }
    // This chunk and all before it are parsed: their pages are read no more until the
    // winners are written, so the mapped input does not stay resident all at once.
    if (inputs_[c->file].source->release(released_[c->file], c->end)) released_[c->file] = c->end;
  }

  // Lines and columns count within the source; the offset is the input's.
  location locate(std::uint32_t file, std::uint64_t offset) {
    auto [line, column] = locators_[file].locate(offset);
    return location{inputs_[file].source->name(), line, column, sources_[file].at.offset + offset};
  }

  void handle_bad(const chunk& c, const bad_record& bad) {
    location where = locate(c.file, bad.offset);
    if (opts_.on_error == error_policy::fail) throw error(errc::bad_input, bad.reason, where);
    ++bad_records_;
    if (rejects_ == nullptr) return;
    rejects_->write(rejected_record{where.file, where.line, where.column, where.offset, bad.reason,
                                    std::string_view(c.data + bad.offset, bad.size)});
  }

  // --- Stage 4 (parallel): latest per key, in one table shared by all threads. ---

  void merge_chunk(chunk* c) {
    {
      stage_clock::scope timing(merge_clock_);
      const std::vector<parsed_record>& records = c->records;
      auto key_of = [c](const parsed_record& r) {
        return std::string_view(c->keys).substr(r.key_begin, r.key_size);
      };
      // The chunk's records, grouped by shard, so that each shard's lock is taken once.
      std::vector<std::uint32_t>& by_shard = c->by_shard;
      std::array<std::uint32_t, sharded_merge_table::shard_count + 1> starts{};
      c->shards.resize(records.size());
      for (std::size_t i = 0; i < records.size(); ++i) {
        c->shards[i] = static_cast<std::uint8_t>(sharded_merge_table::shard_of(key_of(records[i])));
        ++starts[c->shards[i] + 1];
      }
      for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) starts[s + 1] += starts[s];
      by_shard.resize(records.size());
      std::array<std::uint32_t, sharded_merge_table::shard_count> next{};
      std::copy(starts.begin(), starts.end() - 1, next.begin());
      for (std::size_t i = 0; i < records.size(); ++i) {
        by_shard[next[c->shards[i]]++] = static_cast<std::uint32_t>(i);
      }

      const position at = sources_[c->file].at;
      for (std::size_t s = 0; s < sharded_merge_table::shard_count; ++s) {
        if (starts[s] == starts[s + 1]) continue;
        merge_table& shard = table_->shard(s);
        std::lock_guard hold(table_->lock(s));
        // Most offers miss the cache (the tables outgrow it): ask for the slot a few
        // records ahead so that the memory is on its way when that record's turn comes.
        constexpr std::size_t prefetch_distance = 4;
        for (std::uint32_t k = starts[s]; k < starts[s + 1]; ++k) {
          if (k + prefetch_distance < starts[s + 1])
            shard.prefetch(key_of(records[by_shard[k + prefetch_distance]]));
          const parsed_record& r = records[by_shard[k]];
          order_stamp stamp{.ts = r.fields.ts,
                            .offset = at.offset + r.offset,
                            .file = at.input,
                            .has_timestamp = r.fields.has_timestamp};
          shard.offer(key_of(r), candidate{stamp, c->data + r.offset, r.size, r.fields.is_delete});
        }
      }
    }
    pool_.release(c);
  }

  merge_context& context_;
  const options& opts_;
  const std::vector<placed_source>& sources_;
  reject_sink* rejects_;
  std::vector<reader_input> inputs_;
  std::vector<line_locator> locators_;
  std::vector<std::uint64_t> released_;  // per input: memory given back up to here
  std::uint64_t total_bytes_ = 0;
  chunk_pool pool_;
  chunk_reader reader_{inputs_, opts_.chunk_size, pool_};
  std::unique_ptr<sharded_merge_table> table_ = std::make_unique<sharded_merge_table>();
  std::uint64_t records_ = 0;
  std::uint64_t bad_records_ = 0;
  stage_clock read_clock_, parse_clock_, order_clock_, merge_clock_;
  clock_type::time_point start_time_ = clock_type::now();
  double last_progress_ = 0;
  char pipeline_done_ = 0;  // address of the ThreadSanitizer "pipeline finished" edge
};

}  // namespace

pass_result run_pass(merge_context& context, const std::vector<placed_source>& sources,
                     reject_sink* rejects) {
  return read_unchanged(sources, [&] { return pass(context, sources, rejects).run(); });
}

}  // namespace mergepipe::detail
