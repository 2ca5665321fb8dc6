#pragma once

#include <memory>

#include "merge/merge_table.h"
#include "mergepipe/report.h"
#include "mergepipe/sink.h"
#include "pipeline/merge_context.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// What one pass read, found and spent.
struct pass_result {
  std::unique_ptr<sharded_merge_table> table;  ///< The latest record per key of the pass.
  report counts;  ///< files, bytes, records, bad_records, chunks, threads and filters.
};

/// Reads `inputs` in order through a pipeline of the steps read, cut, parse, stamp, order and
/// merge, grouped into filters as the options' layout says: cuts the inputs into chunks,
/// validates and stamps every record, reports bad records in input order (throwing the first
/// under `error_policy::fail`, else passing them to `rejects`) and keeps the latest record per
/// key. The table references records inside `inputs`.
pass_result run_pass(merge_context& context, input_set& inputs, reject_sink* rejects);

}  // namespace mergepipe::detail
