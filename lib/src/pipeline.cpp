#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>

#include "chunk.h"
#include "chunk_parser.h"
#include "chunk_reader.h"
#include "input_source.h"
#include "line_locator.h"
#include "merge_table.h"
#include "mergepipe/error.h"
#include "mergepipe/merge.h"
#include "record_rules.h"
#include "table_combiner.h"
#include "tsan_annotations.h"
#include "winner_writer.h"

namespace mergepipe {
namespace {

using detail::chunk;
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

void validate(const options& opts) {
  if (opts.chunk_size == 0) throw error(errc::usage, "chunk size must be positive");
  if (std::count(opts.inputs.begin(), opts.inputs.end(), "-") > 1) {
    throw error(errc::usage, "standard input (-) given more than once");
  }
}

// One merge run: its inputs, per-thread state and counters.
class merge_job {
 public:
  merge_job(const options& opts, reject_sink* rejects)
      : opts_(opts),
        rules_(detail::record_rules::compile(opts)),
        rejects_(rejects),
        threads_(opts.threads != 0 ? opts.threads
                                   : static_cast<unsigned>(tbb::info::default_concurrency())),
        scanners_([this] { return std::make_unique<detail::record_scanner>(rules_); }) {}

  report run(record_sink& out) {
    open_inputs();
    log("merging {} input(s) with {} thread(s), chunk size {}", sources_.size(), threads_,
        opts_.chunk_size);

    // About 4 chunks in flight per thread keep every thread busy while the serial stages
    // wait their turn; more only costs memory.
    unsigned tokens = opts_.tokens != 0 ? opts_.tokens : 4 * threads_;
    // More threads than cores is allowed (to study oversubscription): TBB caps its workers
    // at the core count unless told otherwise, and warns on stderr when an arena asks more.
    std::optional<tbb::global_control> allow_oversubscription;
    if (threads_ > static_cast<unsigned>(tbb::info::default_concurrency())) {
      allow_oversubscription.emplace(tbb::global_control::max_allowed_parallelism, threads_);
    }
    tbb::task_arena arena(static_cast<int>(threads_));
    arena.execute([&] { run_pipeline(tokens); });

    auto finish_start = clock_type::now();
    std::vector<detail::sharded_merge_table*> tables;
    for (detail::sharded_merge_table& local : tables_) tables.push_back(&local);
    detail::combined_winners winners;
    arena.execute([&] { winners = detail::combine_tables(tables, opts_.order, tokens); });
    report_.distinct_keys = winners.distinct_keys;
    report_.deleted = winners.deleted;
    report_.superseded = report_.records - report_.distinct_keys;
    report_.output_records = winners.live.size();
    // Rejects first: if their file cannot be written, nothing has reached `out` yet.
    if (rejects_ != nullptr) rejects_->finish();
    arena.execute([&] { detail::write_winners(winners.live, out, tokens); });
    out.finish();
    report_.stages.finish = seconds_since(finish_start);

    report_.files = sources_.size();
    report_.bytes = reader_.bytes_read();
    report_.chunks = reader_.chunks();
    report_.threads = threads_;
    report_.stages.read = read_clock_.seconds();
    report_.stages.parse = parse_clock_.seconds();
    report_.stages.order = order_clock_.seconds();
    report_.stages.merge = merge_clock_.seconds();
    report_.wall_seconds = seconds_since(start_time_);
    log("{} records, {} distinct keys, {} written in {:.3f} s", report_.records,
        report_.distinct_keys, report_.output_records, report_.wall_seconds);
    return report_;
  }

 private:
  template <typename... Args>
  void log(spdlog::format_string_t<Args...> fmt, Args&&... args) {
    if (opts_.logger) opts_.logger->debug(fmt, std::forward<Args>(args)...);
  }

  // Every input is opened before any is read, so a missing file fails before work is done.
  void open_inputs() {
    std::vector<std::string> paths =
        opts_.inputs.empty() ? std::vector<std::string>{"-"} : opts_.inputs;
    for (const std::string& path : paths) {
      sources_.push_back(
          std::make_unique<detail::input_source>(path, path == "-" ? "<stdin>" : path));
      locators_.emplace_back(sources_.back()->data());
      total_bytes_ += sources_.back()->known_size();
    }
  }

  void run_pipeline(unsigned tokens) {
    auto serial = tbb::filter_mode::serial_in_order;
    auto parallel = tbb::filter_mode::parallel;
    auto filters = detail::build_filters([&] {
      return tbb::make_filter<void, chunk*>(serial,
                                            [this](tbb::flow_control& fc) {
                                              detail::stage_scope edges(nullptr, &read_clock_,
                                                                        &pipeline_done_);
                                              chunk* c = read_chunk(fc);
                                              detail::happens_before(c);
                                              return c;
                                            }) &
             tbb::make_filter<chunk*, chunk*>(parallel,
                                              [this](chunk* c) {
                                                detail::stage_scope edges(c, nullptr,
                                                                          &pipeline_done_);
                                                parse_chunk(c);
                                                return c;
                                              }) &
             tbb::make_filter<chunk*, chunk*>(serial,
                                              [this](chunk* c) {
                                                detail::stage_scope edges(c, &order_clock_,
                                                                          &pipeline_done_);
                                                order_chunk(c);
                                                return c;
                                              }) &
             tbb::make_filter<chunk*, void>(parallel, [this](chunk* c) {
               detail::stage_scope edges(c, nullptr, &pipeline_done_);
               merge_chunk(c);
             });
    });
    detail::pipeline_scope edges(&pipeline_done_);
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
    detail::parse_chunk(*c, *scanners_.local());
  }

  // --- Stage 3 (serial, in input order): errors and rejects in input order. ---

  void order_chunk(chunk* c) {
    stage_clock::scope timing(order_clock_);
    report_.records += c->records.size();
    for (const detail::bad_record& bad : c->bad) handle_bad(*c, bad);
    if (c->fatal) {
      throw error(errc::bad_input, c->fatal->reason, locate(c->file, c->fatal->offset));
    }
  }

  location locate(std::uint32_t file, std::uint64_t offset) {
    auto [line, column] = locators_[file].locate(offset);
    return location{sources_[file]->name(), line, column, offset};
  }

  void handle_bad(const chunk& c, const detail::bad_record& bad) {
    location where = locate(c.file, bad.offset);
    if (opts_.on_error == error_policy::fail) throw error(errc::bad_input, bad.reason, where);
    ++report_.bad_records;
    if (rejects_ == nullptr) return;
    rejects_->write(rejected_record{where.file, where.line, where.column, where.offset, bad.reason,
                                    std::string_view(c.data + bad.offset, bad.size)});
  }

  // --- Stage 4 (parallel): latest per key, in per-thread tables. ---

  void merge_chunk(chunk* c) {
    {
      stage_clock::scope timing(merge_clock_);
      detail::sharded_merge_table& table = tables_.local();
      const std::vector<detail::parsed_record>& records = c->records;
      auto key_of = [c](const detail::parsed_record& r) {
        return std::string_view(c->keys).substr(r.key_begin, r.key_size);
      };
      // Most offers miss the cache (the tables outgrow it): ask for the slot a few records
      // ahead so that the memory is on its way when that record's turn comes.
      constexpr std::size_t prefetch_distance = 4;
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (i + prefetch_distance < records.size())
          table.prefetch(key_of(records[i + prefetch_distance]));
        const detail::parsed_record& r = records[i];
        detail::order_stamp stamp{r.fields.has_timestamp, r.fields.ts, c->file, r.offset};
        table.offer(key_of(r),
                    detail::candidate{stamp, c->data + r.offset, r.size, r.fields.is_delete});
      }
    }
    pool_.release(c);
  }

  const options& opts_;
  detail::record_rules rules_;
  reject_sink* rejects_;
  unsigned threads_;
  std::vector<std::unique_ptr<detail::input_source>> sources_;
  std::vector<detail::line_locator> locators_;
  std::uint64_t total_bytes_ = 0;
  detail::chunk_pool pool_;
  detail::chunk_reader reader_{sources_, opts_.chunk_size, pool_};
  tbb::enumerable_thread_specific<std::unique_ptr<detail::record_scanner>> scanners_;
  tbb::enumerable_thread_specific<detail::sharded_merge_table> tables_;
  report report_;
  stage_clock read_clock_, parse_clock_, order_clock_, merge_clock_;
  clock_type::time_point start_time_ = clock_type::now();
  double last_progress_ = 0;
  char pipeline_done_ = 0;  // address of the ThreadSanitizer "pipeline finished" edge
};

}  // namespace

report merge(const options& opts, record_sink& out, reject_sink* rejects) {
  validate(opts);
  merge_job job(opts, rejects);
  return job.run(out);
}

}  // namespace mergepipe
