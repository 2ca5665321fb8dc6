#include "mergepipe/report.h"

#include <fmt/format.h>

namespace mergepipe {

double report::megabytes_per_second() const noexcept {
  return wall_seconds > 0 ? static_cast<double>(bytes) / 1e6 / wall_seconds : 0.0;
}

std::string report::to_json() const {
  return fmt::format(
      "{{\"files\":{},\"bytes\":{},\"records\":{},\"bad_records\":{},\"distinct_keys\":{},"
      "\"superseded\":{},\"deleted\":{},\"output_records\":{},\"threads\":{},\"chunks\":{},"
      "\"wall_seconds\":{:.6f},\"megabytes_per_second\":{:.3f},\"stage_seconds\":{{\"read\":{:.6f},"
      "\"parse\":{:.6f},\"order\":{:.6f},\"merge\":{:.6f},\"finish\":{:.6f}}}}}",
      files, bytes, records, bad_records, distinct_keys, superseded, deleted, output_records,
      threads, chunks, wall_seconds, megabytes_per_second(), stages.read, stages.parse,
      stages.order, stages.merge, stages.finish);
}

std::string report::to_text() const {
  return fmt::format(
      "files          {}\n"
      "bytes          {}\n"
      "records        {}\n"
      "bad records    {}\n"
      "distinct keys  {}\n"
      "superseded     {}\n"
      "deleted        {}\n"
      "output records {}\n"
      "threads        {}\n"
      "chunks         {}\n"
      "wall time      {:.3f} s\n"
      "throughput     {:.1f} MB/s\n"
      "stage busy     read {:.3f} s, parse {:.3f} s, order {:.3f} s, merge {:.3f} s, finish {:.3f} "
      "s\n",
      files, bytes, records, bad_records, distinct_keys, superseded, deleted, output_records,
      threads, chunks, wall_seconds, megabytes_per_second(), stages.read, stages.parse,
      stages.order, stages.merge, stages.finish);
}

}  // namespace mergepipe
