#include "mergepipe/merger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "appender_feed.h"
#include "merge/table_combiner.h"
#include "mergepipe/error.h"
#include "mergepipe/merge.h"
#include "partial/partial_file.h"
#include "pipeline/pipeline.h"
#include "write/winner_writer.h"

namespace mergepipe {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void add_counts(report& total, const report& more) {
  total.files += more.files;
  total.bytes += more.bytes;
  total.compressed_bytes += more.compressed_bytes;
  total.records += more.records;
  total.bad_records += more.bad_records;
  total.chunks += more.chunks;
  total.guessed_chunks += more.guessed_chunks;
  total.recut_chunks += more.recut_chunks;
  // Every pass of a merge has the same layout: its filters add up one by one.
  if (total.filters.empty()) {
    total.filters = more.filters;
  } else {
    for (std::size_t i = 0; i < std::min(total.filters.size(), more.filters.size()); ++i) {
      total.filters[i].busy_seconds += more.filters[i].busy_seconds;
      total.filters[i].chunks += more.filters[i].chunks;
    }
  }
  total.finish_seconds += more.finish_seconds;
}

// Gives back memory behind the writer, called after each block of records written, from
// any of its threads: the inputs' pages behind the last winner (only in input order, where
// winners are written as their inputs are laid out; null otherwise), and every 8 blocks the
// pages of spilled records, which are read in no useful order. Only finding the pages takes
// the lock; giving them back runs in parallel. A class of this file rather than a lambda of
// merger::impl: the shared library exports nothing of its internals.
class pages_behind_writer {
 public:
  pages_behind_writer(detail::input_set* inputs, detail::spill_file& spill)
      : state_(std::make_shared<state>(inputs, &spill)) {}
  void operator()(const detail::winner& last) const {
    detail::input_source::page_run pages;
    bool drop_spilled = false;
    {
      std::lock_guard hold(state_->mutex);
      if (state_->inputs != nullptr) pages = state_->inputs->release_later_before(last.data);
      drop_spilled = ++state_->blocks % 8 == 0;
    }
    // A later block's call may come first: it gives back this block's pages too, which
    // were read when this block was framed, before that block reached the ordered step.
    pages.give_back();
    if (drop_spilled) state_->spill->drop_pages();
  }

 private:
  struct state {
    state(detail::input_set* in, detail::spill_file* sp) : inputs(in), spill(sp) {}
    detail::input_set* inputs;
    detail::spill_file* spill;
    std::mutex mutex;
    unsigned blocks = 0;
  };
  std::shared_ptr<state> state_;  // std::function copies the writer's callback
};

}  // namespace

class merger::impl {
 public:
  impl(options opts, reject_sink* rejects)
      : context_(std::make_unique<detail::merge_context>(std::move(opts))),
        rejects_(rejects),
        fingerprint_(context_->opts().rules.fingerprint()) {
    totals_.threads = context_->threads();
  }
  // The feed's thread uses this merger: it ends before anything here is destroyed.
  ~impl() {
    if (feed_) feed_->abandon(detail::appender_feed::abandoned_with_merger);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  [[nodiscard]] bool being_fed() const noexcept { return feed_ && feed_->open(); }

  std::shared_ptr<detail::appender_feed> start_feed(position at, std::string name) {
    feed_ = std::make_shared<detail::appender_feed>(
        std::move(name), [this, at](const source& from) { add({from}, {at}); });
    return feed_;
  }

  void add(const std::vector<source>& sources, const std::vector<position>& positions) {
    auto started = clock_type::now();
    if (std::count_if(sources.begin(), sources.end(), [](const source& s) {
          return s.type() == source::kind::file && s.path() == "-";
        }) > 1) {
      throw error(errc::usage, "standard input (-) given more than once");
    }
    // Every input is opened before any is read, so a missing file fails before work is done.
    detail::input_set inputs;
    for (std::size_t i = 0; i < sources.size(); ++i) inputs.open(sources[i], positions[i]);

    // The pass fills a table of its own: if it throws, nothing here has changed.
    detail::pass_result pass = detail::run_pass(*context_, inputs, rejects_);
    tables_.push_back(std::move(pass.table));
    inputs_.take(std::move(inputs));
    add_counts(totals_, pass.counts);
    busy_seconds_ += seconds_since(started);
    // Each pass, partial file and absorbed merger leaves a table: fold them now and then, so
    // that superseded records do not pile up across many small adds.
    if (tables_.size() > 4 * static_cast<std::size_t>(context_->threads())) fold();
  }

  void absorb(impl& other) {
    if (fingerprint_ != other.fingerprint_) {
      throw error(errc::usage,
                  "cannot absorb a merge with other key, timestamp, delete or keep options");
    }
    for (auto& table : other.tables_) tables_.push_back(std::move(table));
    inputs_.take(std::move(other.inputs_));
    add_counts(totals_, other.totals_);
    busy_seconds_ += other.busy_seconds_;
    other.clear();
  }

  std::vector<saved_range> save_partial(const std::vector<std::string>& paths,
                                        const partial_format& format,
                                        const std::vector<position>* starts) {
    if (tables_.empty()) tables_.push_back(new_table());
    fold();
    detail::partial_counts counts{totals_.records, totals_.bad_records, totals_.bytes,
                                  totals_.files};
    std::vector<saved_range> saved;
    inputs_.read_unchanged([&] {
      saved =
          detail::save_partial(*tables_[0], paths, fingerprint_, counts, inputs_, format, starts);
    });
    return saved;
  }

  void add_partial(const std::string& path) {
    auto file = std::make_unique<detail::input_source>(path, path);
    if (!file->complete())
      throw error(errc::usage, "a partial merge must be a file", location{path});
    // Checked whole first, so that a damaged file leaves the merge as it was; then its entries
    // go straight into the first table, each merged once.
    detail::partial_counts counts =
        detail::load_partial(*file, fingerprint_, context_->keep(), nullptr, inputs_);
    if (tables_.empty()) tables_.push_back(new_table());
    detail::load_partial(*file, fingerprint_, context_->keep(), tables_[0].get(), inputs_);
    inputs_.keep(std::move(file));
    totals_.records += counts.records;
    totals_.bad_records += counts.bad_records;
    totals_.bytes += counts.bytes;
    totals_.files += counts.files;
  }

  report write(record_sink& out, bool last) {
    auto started = clock_type::now();
    std::vector<detail::sharded_merge_table*> tables;
    for (auto& table : tables_) tables.push_back(table.get());
    detail::combined_winners winners;
    context_->execute([&] {
      const result_rules& rules = context_->opts().rules;
      winners = detail::combine_tables(tables, rules.order, rules.keep_deletes, context_->tokens());
    });
    tables_.resize(std::min<std::size_t>(tables_.size(), 1));  // the rest were folded in

    report result = totals_;
    result.distinct_keys = winners.distinct_keys;
    result.deleted = winners.deleted;
    result.superseded = result.records - result.distinct_keys;
    result.output_records = winners.live_count;
    result.spilled_bytes = spilled_since_clear();
    // Rejects first: if their file cannot be written, nothing has reached `out` yet.
    if (last && rejects_ != nullptr) rejects_->finish();
    // Winners are read from the inputs: an input that changed since it was read is named by
    // what changed (it shrank, it was written to) rather than by the first record it spoilt.
    inputs_.read_unchanged([&] {
      context_->execute([&] {
        detail::write_winners(winners.winners(), winners.order, out, context_->tokens(), inputs_,
                              release_behind());
      });
    });
    out.finish();
    result.finish_seconds += seconds_since(started);
    result.wall_seconds = busy_seconds_ + seconds_since(started);
    if (const auto& logger = context_->opts().run.logger) {
      logger->debug("{} records, {} distinct keys, {} written in {:.3f} s", result.records,
                    result.distinct_keys, result.output_records, result.wall_seconds);
    }
    if (last) clear();
    return result;
  }

  [[nodiscard]] report totals() const {
    report result = totals_;
    result.wall_seconds = busy_seconds_;
    result.spilled_bytes = spilled_since_clear();
    return result;
  }

 private:
  [[nodiscard]] std::unique_ptr<detail::sharded_merge_table> new_table() const {
    return std::make_unique<detail::sharded_merge_table>(context_->keep(), context_->spill());
  }

  void fold() {
    if (tables_.size() < 2) return;
    std::vector<detail::sharded_merge_table*> tables;
    for (auto& table : tables_) tables.push_back(table.get());
    context_->execute([&] { detail::fold_tables(tables, context_->tokens()); });
    tables_.resize(1);
  }

  std::function<void(const detail::winner&)> release_behind() {
    // Merged objects are read from the tables, not the inputs.
    const result_rules& rules = context_->opts().rules;
    if (rules.order != output_order::input || rules.merge_fields) {
      return pages_behind_writer(nullptr, *context_->spill());
    }
    inputs_.restart_release();
    return pages_behind_writer(&inputs_, *context_->spill());
  }

  // The spill file serves the merger's whole life; a report counts from the last clear.
  [[nodiscard]] std::uint64_t spilled_since_clear() const noexcept {
    return context_->spill()->spilled_bytes() - spilled_before_;
  }

  void clear() {
    tables_.clear();
    spilled_before_ = context_->spill()->spilled_bytes();
    inputs_ = detail::input_set{};
    totals_ = report{};
    totals_.threads = context_->threads();
    busy_seconds_ = 0;
  }

  std::unique_ptr<detail::merge_context> context_;  // pinned: scanners refer to its rules
  reject_sink* rejects_;
  std::uint64_t fingerprint_;  // of the options that decide keys, stamps and tombstones
  std::vector<std::unique_ptr<detail::sharded_merge_table>> tables_;
  detail::input_set inputs_;  // the winners point into them
  report totals_;
  double busy_seconds_ = 0;
  std::uint64_t spilled_before_ = 0;
  std::shared_ptr<detail::appender_feed> feed_;  // the last appender's, open or not
};

merger::merger(options opts, reject_sink* rejects)
    : impl_(std::make_unique<impl>(std::move(opts), rejects)) {}
merger::~merger() = default;
merger::merger(merger&&) noexcept = default;
merger& merger::operator=(merger&&) noexcept = default;

merger::impl& merger::live() const {
  if (!impl_) {
    throw error(errc::usage, "this merger was moved from: use the merger it was moved to");
  }
  if (impl_->being_fed()) {
    throw error(errc::usage, "this merger is being fed by an appender: close the appender first");
  }
  return *impl_;
}

void merger::add(const source& from, position at) { live().add({from}, {at}); }

void merger::add(const std::vector<source>& sources, std::uint32_t first_input) {
  std::vector<position> positions;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    positions.push_back({first_input + static_cast<std::uint32_t>(i), 0});
  }
  live().add(sources, positions);
}

appender merger::append(position at, std::string name) {
  appender feed;
  feed.feed_ = live().start_feed(at, std::move(name));
  return feed;
}

void merger::absorb(merger&& other) {
  if (&other != this) live().absorb(other.live());
}

void merger::save_partial(const std::vector<std::string>& bucket_paths, partial_format format) {
  live().save_partial(bucket_paths, format, nullptr);
}

std::vector<saved_range> merger::save_partial_by_position(const std::vector<std::string>& paths,
                                                          const std::vector<position>& starts,
                                                          partial_format format) {
  if (starts.size() != paths.size() || !std::is_sorted(starts.begin(), starts.end())) {
    throw error(errc::usage, "save_partial_by_position needs one start per file, ascending");
  }
  return live().save_partial(paths, format, &starts);
}

void merger::add_partial(const std::string& path) { live().add_partial(path); }

report merger::snapshot(record_sink& out) { return live().write(out, false); }

report merger::finish(record_sink& out) { return live().write(out, true); }

report merger::progress_report() const { return live().totals(); }

report merge(const options& opts, record_sink& out, reject_sink* rejects) {
  auto started = clock_type::now();
  merger m(opts, rejects);
  std::vector<source> sources;
  for (const std::string& path :
       opts.inputs.empty() ? std::vector<std::string>{"-"} : opts.inputs) {
    sources.push_back(source::file(path));
  }
  m.add(sources);
  report result = m.finish(out);
  result.wall_seconds = seconds_since(started);
  return result;
}

}  // namespace mergepipe
