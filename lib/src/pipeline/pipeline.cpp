#include "pipeline/pipeline.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <vector>

#include "chunk.h"
#include "decompress/decompress_step.h"
#include "merge/merge_step.h"
#include "order/guess_check.h"
#include "order/order_step.h"
#include "parse/parse_step.h"
#include "parse/stamp_step.h"
#include "pipeline/progress_reporter.h"
#include "pipeline/tsan_annotations.h"
#include "read/cut_step.h"
#include "read/read_step.h"

namespace mergepipe::detail {
namespace {

using clock_type = std::chrono::steady_clock;

// One filter of the pipeline: the steps it runs, and its busy time and chunks, added to
// from whichever threads run it.
struct filter {
  std::vector<pipeline_step> steps;
  bool serial = false;
  std::atomic<std::int64_t> busy_nanos{0};
  std::atomic<std::uint64_t> chunks{0};
};

// Read, decompress, cut and order see the chunks one at a time in input order; the others
// need not.
bool needs_input_order(const std::vector<pipeline_step>& steps) {
  for (pipeline_step step : steps) {
    if (step == pipeline_step::read || step == pipeline_step::decompress ||
        step == pipeline_step::cut || step == pipeline_step::order)
      return true;
  }
  return false;
}

class busy_scope {
 public:
  explicit busy_scope(filter& f) : filter_(f), start_(clock_type::now()) {}
  ~busy_scope() {
    filter_.busy_nanos.fetch_add((clock_type::now() - start_).count(), std::memory_order_relaxed);
  }
  busy_scope(const busy_scope&) = delete;
  busy_scope& operator=(const busy_scope&) = delete;

 private:
  filter& filter_;
  clock_type::time_point start_;
};

// One pass of the pipeline over some inputs: its step objects and its filters.
class pass {
 public:
  pass(merge_context& context, input_set& inputs, reject_sink* rejects)
      : context_(context),
        opts_(context.opts()),
        inputs_(inputs),
        read_(inputs, opts_.run.chunk_size, pool_),
        decompress_(inputs),
        cut_(inputs, opts_.run.chunk_size),
        order_(inputs, opts_.on_error, rejects, opts_.run.logger),
        merge_(*table_, inputs) {
    for (std::vector<pipeline_step>& steps : opts_.run.layout.filters()) {
      auto f = std::make_unique<filter>();
      f->serial = needs_input_order(steps);
      f->steps = std::move(steps);
      filters_.push_back(std::move(f));
    }
  }

  pass_result run() {
    if (opts_.run.logger) {
      opts_.run.logger->debug("merging {} input(s) with {} thread(s), chunk size {}, pipeline {}",
                              inputs_.size(), context_.threads(), opts_.run.chunk_size,
                              opts_.run.layout.to_string());
    }
    context_.execute([&] { run_pipeline(); });
    progress_.finish(read_.bytes_done());

    pass_result result;
    result.table = std::move(table_);
    report& counts = result.counts;
    counts.files = inputs_.size();
    counts.bytes = read_.bytes_read();
    counts.compressed_bytes = read_.compressed_bytes_read();
    counts.records = order_.records();
    counts.bad_records = order_.bad_records();
    counts.chunks = read_.chunks();
    counts.guessed_chunks = guesses_.guessed();
    counts.recut_chunks = guesses_.recut();
    counts.threads = context_.threads();
    for (const auto& f : filters_) {
      // As the layout prints itself: decompress that joined read goes unnamed.
      std::string steps;
      for (pipeline_step step : f->steps) {
        if (step == pipeline_step::decompress && f->steps.front() == pipeline_step::read) continue;
        if (!steps.empty()) steps += '+';
        steps += to_string(step);
      }
      counts.filters.push_back({std::move(steps), f->serial,
                                static_cast<double>(f->busy_nanos.load()) / 1e9, f->chunks.load()});
    }
    return result;
  }

 private:
  // The filters in a chain: the first reads (and gets no chunk), the last gives the chunk
  // back to the pool. One filter does both. Each body is handed its filter and the edge of
  // its serial turn: it must read nothing before `stage_scope` has ordered it after the start.
  void run_pipeline() {
    auto chain = build_filters([&] {
      filter& first = *filters_.front();
      if (filters_.size() == 1) {
        return tbb::make_filter<void, void>(
            mode(first), [this, &first](tbb::flow_control& fc) { first_filter(first, fc, true); });
      }
      auto head = tbb::make_filter<void, chunk*>(
          mode(first),
          [this, &first](tbb::flow_control& fc) { return first_filter(first, fc, false); });
      for (std::size_t i = 1; i + 1 < filters_.size(); ++i) {
        filter& f = *filters_[i];
        head = head & tbb::make_filter<chunk*, chunk*>(mode(f),
                                                       [this, &f, edge = serial_edge(f)](chunk* c) {
                                                         return later_filter(f, edge, c, false);
                                                       });
      }
      filter& last = *filters_.back();
      return head & tbb::make_filter<chunk*, void>(
                        mode(last), [this, &last, edge = serial_edge(last)](chunk* c) {
                          later_filter(last, edge, c, true);
                        });
    });
    pipeline_scope edges(&pipeline_done_);
    tbb::parallel_pipeline(context_.tokens(), chain);
  }

  static tbb::filter_mode mode(const filter& f) {
    return f.serial ? tbb::filter_mode::serial_in_order : tbb::filter_mode::parallel;
  }

  // A serial filter's calls are ordered one after the other through its address.
  static const void* serial_edge(const filter& f) { return f.serial ? &f : nullptr; }

  // The first filter holds read, so it is serial. The last filter gives the chunk back, inside
  // its stage scope so that the pool's use is ordered before the pipeline's end.
  chunk* first_filter(filter& f, tbb::flow_control& fc, bool last) {
    stage_scope edges(nullptr, &f, &pipeline_done_);
    busy_scope busy(f);
    chunk* c = read_.next();
    if (c == nullptr) {
      fc.stop();
      return nullptr;
    }
    progress_.record(read_.bytes_done());
    progress_.deliver_if_due();
    run_steps(f, *c);
    happens_before(c);
    return last ? give_back(c) : c;
  }

  chunk* later_filter(filter& f, const void* edge, chunk* c, bool last) {
    stage_scope edges(c, edge, &pipeline_done_);
    busy_scope busy(f);
    progress_.deliver_if_due();
    run_steps(f, *c);
    return last ? give_back(c) : c;
  }

  chunk* give_back(chunk* c) {
    pool_.release(c);
    return nullptr;
  }

  // The filter's steps after read, which only the first filter has and which made `c`.
  void run_steps(filter& f, chunk& c) {
    f.chunks.fetch_add(1, std::memory_order_relaxed);
    const std::vector<pipeline_step>& steps = f.steps;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      switch (steps[i]) {
        case pipeline_step::read:
          break;
        case pipeline_step::decompress:
          decompress_.run(c);
          break;
        case pipeline_step::cut:
          cut_.run(c);
          break;
        case pipeline_step::parse: {
          bool stamp_too = i + 1 < steps.size() && steps[i + 1] == pipeline_step::stamp;
          parse_chunk(c, context_.local_scanner(), stamp_too);
          if (stamp_too) ++i;
          break;
        }
        case pipeline_step::stamp:
          stamp_chunk(c, context_.local_scanner().stamper());
          break;
        case pipeline_step::order:
          guesses_.run(c, context_.local_scanner());
          order_.run(c);
          break;
        case pipeline_step::merge:
          merge_.run(c);
          break;
      }
    }
  }

  merge_context& context_;
  const options& opts_;
  input_set& inputs_;
  chunk_pool pool_;
  std::unique_ptr<sharded_merge_table> table_ =
      std::make_unique<sharded_merge_table>(context_.keep(), context_.spill());
  read_step read_;
  decompress_step decompress_;
  cut_step cut_;
  guess_check guesses_{inputs_};
  order_step order_;
  merge_step merge_;
  std::vector<std::unique_ptr<filter>> filters_;
  progress_reporter progress_{opts_.run, inputs_.known_bytes()};
  char pipeline_done_ = 0;  // address of the ThreadSanitizer "pipeline finished" edge
};

}  // namespace

pass_result run_pass(merge_context& context, input_set& inputs, reject_sink* rejects) {
  return inputs.read_unchanged([&] { return pass(context, inputs, rejects).run(); });
}

}  // namespace mergepipe::detail
