#include "write/winner_writer.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <simdjson.h>

#include <algorithm>
#include <string>

#include "merge/merged_object.h"
#include "mergepipe/error.h"
#include "pipeline/tsan_annotations.h"
#include "read/input_source.h"
#include "record_checksum.h"

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
};

record_view view_of(const winner& w, std::string_view json) {
  const order_stamp& stamp = w.held->stamp;
  std::optional<instant> time;
  if (stamp.has_timestamp) time = instant{stamp.ts.seconds, stamp.ts.nanos};
  return {json, w.key, time, w.held->is_delete == 1, position{w.file, w.offset}};
}

void minify_block(const std::vector<winner>& winners, const std::vector<std::uint32_t>& order,
                  const input_set& inputs, minified_block& block) {
  block.bytes.clear();
  block.ends.clear();
  thread_local std::string rendered;
  for (std::size_t i = block.first; i < block.first + block.count; ++i) {
    const winner& w = winners[order[i]];
    std::string_view text(w.data, w.size);
    if (w.merged) {
      rendered.clear();
      render_state(text, rendered);
      const std::size_t size = rendered.size();
      rendered.append(input_padding, ' ');  // minify reads whole SIMD blocks too
      text = std::string_view(rendered.data(), size);
    }
    std::size_t start = block.bytes.size();
    // simdjson's minify writes whole SIMD blocks: leave it room past the record.
    block.bytes.resize(start + text.size() + input_padding);
    std::size_t length = 0;
    if (simdjson::minify(text.data(), text.size(), block.bytes.data() + start, length) !=
        simdjson::SUCCESS) {
      throw error(errc::bad_input, "a validated record could not be minified");
    }
    // Checked after minifying: bytes changed before it were either seen here or changed back.
    if (w.checked && record_checksum(w.data, w.size) != w.checksum) [[unlikely]] {
      throw error(errc::io,
                  "changed while being read: a record's bytes differ from those validated",
                  inputs.locate_bytes(w.data));
    }
    block.bytes.resize(start + length);
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

}  // namespace

void write_winners(const std::vector<winner>& winners, const std::vector<std::uint32_t>& order,
                   record_sink& out, unsigned tokens, const input_set& inputs,
                   const std::function<void(const winner&)>& written) {
  // A ring of `tokens` blocks suffices: the last stage is serial in order, so block i is
  // written before block i + tokens can be started.
  std::vector<minified_block> ring(tokens);
  std::size_t next = 0;
  char done = 0;
  auto filters = build_filters([&] {
    return tbb::make_filter<void, minified_block*>(
               tbb::filter_mode::serial_in_order,
               [&](tbb::flow_control& fc) -> minified_block* {
                 stage_scope scope(nullptr, &next, &done);
                 if (next >= order.size()) {
                   fc.stop();
                   return nullptr;
                 }
                 minified_block& block = ring[next / records_per_block % tokens];
                 // The slot's previous block has left the last stage: the pipeline lets no
                 // more than `tokens` blocks be in flight.
                 happens_after(&block);
                 block.first = next;
                 block.count = std::min(records_per_block, order.size() - next);
                 next += block.count;
                 happens_before(&block);
                 return &block;
               }) &
           tbb::make_filter<minified_block*, minified_block*>(
               tbb::filter_mode::parallel,
               [&](minified_block* block) {
                 stage_scope scope(block, nullptr, &done);
                 minify_block(winners, order, inputs, *block);
                 return block;
               }) &
           tbb::make_filter<minified_block*, void>(
               tbb::filter_mode::serial_in_order, [&](minified_block* block) {
                 stage_scope scope(block, &out, &done);
                 for (const record_view& view : block->views) out.write(view);
                 if (written) written(winners[order[block->first + block->count - 1]]);
               });
  });
  pipeline_scope edges(&done);
  tbb::parallel_pipeline(tokens, filters);
}

}  // namespace mergepipe::detail
