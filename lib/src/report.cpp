#include "mergepipe/report.h"

#include <fmt/format.h>

namespace mergepipe {

double report::megabytes_per_second() const noexcept {
  return wall_seconds > 0 ? static_cast<double>(bytes) / 1e6 / wall_seconds : 0.0;
}

std::string report::to_json() const {
  std::string filter_list;
  for (const filter_report& f : filters) {
    if (!filter_list.empty()) filter_list += ',';
    filter_list +=
        fmt::format("{{\"steps\":\"{}\",\"mode\":\"{}\",\"busy_seconds\":{:.6f},\"chunks\":{}}}",
                    f.steps, f.serial ? "serial" : "parallel", f.busy_seconds, f.chunks);
  }
  return fmt::format(
      "{{\"files\":{},\"bytes\":{},\"compressed_bytes\":{},\"spilled_bytes\":{},\"records\":{},"
      "\"bad_records\":{},\"distinct_keys\":{},\"superseded\":{},\"deleted\":{},\"output_records\":"
      "{},\"threads\":{},\"chunks\":{},\"guessed_chunks\":{},\"recut_chunks\":{},"
      "\"wall_seconds\":{:.6f},\"megabytes_per_second\":{:.3f},\"filters\":[{}],"
      "\"finish_seconds\":{:.6f}}}",
      files, bytes, compressed_bytes, spilled_bytes, records, bad_records, distinct_keys,
      superseded, deleted, output_records, threads, chunks, guessed_chunks, recut_chunks,
      wall_seconds, megabytes_per_second(), filter_list, finish_seconds);
}

std::string report::to_text() const {
  std::string text = fmt::format(
      "files          {}\n"
      "bytes          {}\n"
      "compressed     {}\n"
      "spilled        {}\n"
      "records        {}\n"
      "bad records    {}\n"
      "distinct keys  {}\n"
      "superseded     {}\n"
      "deleted        {}\n"
      "output records {}\n"
      "threads        {}\n"
      "chunks         {}\n"
      "guessed cuts   {} ({} cut again)\n"
      "wall time      {:.3f} s\n"
      "throughput     {:.1f} MB/s\n",
      files, bytes, compressed_bytes, spilled_bytes, records, bad_records, distinct_keys,
      superseded, deleted, output_records, threads, chunks, guessed_chunks, recut_chunks,
      wall_seconds, megabytes_per_second());
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const filter_report& f = filters[i];
    text += fmt::format("filter {}       {} ({}): {:.3f} s busy, {} chunks\n", i + 1, f.steps,
                        f.serial ? "serial" : "parallel", f.busy_seconds, f.chunks);
  }
  text += fmt::format("finish         {:.3f} s\n", finish_seconds);
  return text;
}

}  // namespace mergepipe
