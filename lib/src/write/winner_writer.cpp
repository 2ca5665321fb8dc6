#include "write/winner_writer.h"

#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>
#include <optional>
#include <string>

#include "merge/merged_object.h"
#include "mergepipe/error.h"
#include "object_pool.h"
#include "pipeline/tsan_annotations.h"
#include "read/input_source.h"
#include "record_checksum.h"
#include "write/block_output.h"
#include "write/json_minifier.h"
#include "write/record_framing.h"

namespace mergepipe::detail {
namespace {

// Records minified per block: enough to amortise a pipeline step, small enough to stay in cache.
constexpr std::size_t records_per_block = 1024;

struct minified_block {
  std::size_t first = 0;
  std::size_t count = 0;
  std::string bytes;
  std::vector<std::size_t> ends;
  // Made in the parallel step: reading a winner's stamp misses the cache, which the serial
  // step that writes the views would otherwise pay once per record.
  std::vector<record_view> views;
  std::uint64_t offset = 0;  // in a block output: where `bytes` go in the file
};

record_view view_of(const winner& w, std::string_view json) {
  const order_stamp& stamp = w.held->stamp;
  std::optional<instant> time;
  if (stamp.has_timestamp) time = instant{stamp.ts.seconds, stamp.ts.nanos};
  return {json, w.key(), time, w.held->is_delete == 1, position{w.file, w.offset}};
}

// Appends the winner's record to `out`, minified (a merged object rendered first).
void append_minified(const winner& w, const input_set& inputs, std::string& out) {
  thread_local std::string rendered;
  std::string_view text(w.data, w.size);
  if (w.merged) {
    rendered.clear();
    render_state(text, rendered);
    text = rendered;
  }
  const std::size_t start = out.size();
  out.resize(start + text.size() + minify_room);
  const std::size_t length = minify_json(text.data(), text.size(), out.data() + start);
  // Checked after minifying: bytes changed before it were either seen here or changed back.
  if (w.checked && record_checksum(w.data, w.size) != w.checksum) [[unlikely]] {
    throw error(errc::io, "changed while being read: a record's bytes differ from those validated",
                inputs.locate_bytes(w.data));
  }
  out.resize(start + length);
}

void minify_block(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                  const input_set& inputs, minified_block& block) {
  block.bytes.clear();
  block.ends.clear();
  for (std::size_t i = block.first; i < block.first + block.count; ++i) {
    append_minified(winners[order[i]], inputs, block.bytes);
    block.ends.push_back(block.bytes.size());
  }
  // Room for a sink to parse the last record in place, too (record_view::padding).
  block.bytes.append(input_padding, ' ');
  block.views.clear();
  std::size_t start = 0;
  for (std::size_t k = 0; k < block.count; ++k) {
    const std::size_t end = block.ends[k];
    block.views.push_back(view_of(winners[order[block.first + k]],
                                  std::string_view(block.bytes).substr(start, end - start)));
    start = end;
  }
}

// The block's records as the output file holds them: framed in its format, record `first`
// being the output's record number `first` too.
void frame_block(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                 const input_set& inputs, output_format format, minified_block& block) {
  block.bytes.clear();
  for (std::size_t i = block.first; i < block.first + block.count; ++i) {
    block.bytes.append(bytes_before_record(format, i));
    append_minified(winners[order[i]], inputs, block.bytes);
    block.bytes.append(bytes_after_record(format));
  }
}

// Hands out the records in blocks of `records_per_block`, in order.
class block_source {
 public:
  explicit block_source(std::size_t records) : records_(records) {}
  // False once every record has been handed out.
  bool next(minified_block& block) {
    if (next_ >= records_) return false;
    block.first = next_;
    block.count = std::min(records_per_block, records_ - next_);
    next_ += block.count;
    return true;
  }

 private:
  std::size_t records_;
  std::size_t next_ = 0;
};

// The first step of both pipelines: the next block of records, in order. Blocks come from a
// pool: when the last step runs in parallel, one may come back before one started earlier.
auto start_blocks(block_source& source, object_pool<minified_block>& pool, const char& done) {
  return tbb::make_filter<void, minified_block*>(tbb::filter_mode::serial_in_order,
                                                 [&](tbb::flow_control& fc) -> minified_block* {
                                                   stage_scope scope(nullptr, &source, &done);
                                                   minified_block* block = pool.acquire();
                                                   if (!source.next(*block)) {
                                                     pool.release(block);
                                                     fc.stop();
                                                     return nullptr;
                                                   }
                                                   return block;
                                                 });
}

// A serial step that runs `step(block)` on the blocks in order; its calls are ordered
// through `edge` (see stage_scope).
template <typename Step>
auto in_order(const void* edge, const char& done, Step step) {
  return tbb::make_filter<minified_block*, minified_block*>(
      tbb::filter_mode::serial_in_order, [edge, &done, step](minified_block* block) {
        stage_scope scope(block, edge, &done);
        step(*block);
        return block;
      });
}

// A block's records are written: tells `written` (see write_winners) and gives the block back.
void end_block(minified_block* block, std::span<const winner> winners,
               const std::vector<std::uint32_t>& order, object_pool<minified_block>& pool,
               const std::function<void(const winner&)>& written) {
  if (written) written(winners[order[block->first + block->count - 1]]);
  pool.release(block);
}

// The last step of the pipelines that write in order: `end_block`, in parallel, so that what
// `written` does (giving back the input's pages) is not a serial step's work.
auto end_blocks(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                object_pool<minified_block>& pool,
                const std::function<void(const winner&)>& written, const char& done) {
  return tbb::make_filter<minified_block*, void>(
      tbb::filter_mode::parallel, [winners, &order, &pool, &written, &done](minified_block* block) {
        stage_scope scope(block, nullptr, &done);
        end_block(block, winners, order, pool, written);
      });
}

// The second step of the pipelines of an output file: blocks framed in its format, in
// parallel.
auto frame_blocks(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                  const input_set& inputs, output_format format, const char& done) {
  return tbb::make_filter<minified_block*, minified_block*>(
      tbb::filter_mode::parallel, [winners, &order, &inputs, format, &done](minified_block* block) {
        stage_scope scope(block, nullptr, &done);
        frame_block(winners, order, inputs, format, *block);
        return block;
      });
}

// Blocks framed and written at their offsets of the output file, from several threads: only
// the offsets are given out in order.
void write_blocks(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                  const block_output& out, unsigned tokens, const input_set& inputs,
                  const std::function<void(const winner&)>& written) {
  block_source source(order.size());
  object_pool<minified_block> pool;
  std::uint64_t offset = 0;
  char done = 0;
  auto filters = build_filters([&] {
    return start_blocks(source, pool, done) &
           frame_blocks(winners, order, inputs, out.format, done) &
           in_order(&offset, done,
                    [&](minified_block& block) {
                      block.offset = offset;
                      offset += block.bytes.size();
                    }) &
           tbb::make_filter<minified_block*, void>(
               tbb::filter_mode::parallel, [&](minified_block* block) {
                 stage_scope scope(block, nullptr, &done);
                 out.file.write_at(block->offset, block->bytes);
                 end_block(block, winners, order, pool, written);
               });
  });
  {
    pipeline_scope edges(&done);
    tbb::parallel_pipeline(tokens, filters);
  }
  out.file.end_blocks(offset);
  out.records += order.size();
}

// Blocks framed in parallel and written in order, each in one piece: no copy into the sink's
// buffer record by record.
void write_blocks_in_order(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                           const block_output& out, unsigned tokens, const input_set& inputs,
                           const std::function<void(const winner&)>& written) {
  block_source source(order.size());
  object_pool<minified_block> pool;
  char done = 0;
  auto filters = build_filters([&] {
    return start_blocks(source, pool, done) &
           frame_blocks(winners, order, inputs, out.format, done) &
           in_order(&out.file, done,
                    [&](minified_block& block) { out.file.write_whole(block.bytes); }) &
           end_blocks(winners, order, pool, written, done);
  });
  {
    pipeline_scope edges(&done);
    tbb::parallel_pipeline(tokens, filters);
  }
  out.records += order.size();
}

}  // namespace

void write_winners(std::span<const winner> winners, const std::vector<std::uint32_t>& order,
                   record_sink& out, unsigned tokens, const input_set& inputs,
                   const std::function<void(const winner&)>& written) {
  if (std::optional<block_output> blocks = sink_access::blocks_of(out)) {
    if (blocks->at_offsets) {
      write_blocks(winners, order, *blocks, tokens, inputs, written);
    } else {
      write_blocks_in_order(winners, order, *blocks, tokens, inputs, written);
    }
    return;
  }
  block_source source(order.size());
  object_pool<minified_block> pool;
  char done = 0;
  auto filters = build_filters([&] {
    return start_blocks(source, pool, done) &
           tbb::make_filter<minified_block*, minified_block*>(
               tbb::filter_mode::parallel,
               [&](minified_block* block) {
                 stage_scope scope(block, nullptr, &done);
                 minify_block(winners, order, inputs, *block);
                 return block;
               }) &
           in_order(&out, done,
                    [&](minified_block& block) {
                      for (const record_view& view : block.views) out.write(view);
                    }) &
           end_blocks(winners, order, pool, written, done);
  });
  pipeline_scope edges(&done);
  tbb::parallel_pipeline(tokens, filters);
}

}  // namespace mergepipe::detail
