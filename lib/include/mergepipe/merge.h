#pragma once

#include "mergepipe/export.h"
#include "mergepipe/options.h"
#include "mergepipe/report.h"
#include "mergepipe/sink.h"

namespace mergepipe {

/// Merges the inputs named in `opts`, keeping the latest record per key, and writes the
/// winners to `out`, then calls `out.finish()`.
///
/// Throws `mergepipe::error`: `errc::usage` for invalid options, `errc::io` when an input
/// cannot be read, `errc::bad_input` for the first bad record in input order under
/// `error_policy::fail` or for input that cannot be cut into records under either policy.
/// Nothing reaches `out` before every input has been read and validated.
///
/// @code
///   mergepipe::options opts;
///   opts.inputs = {"users.ndjson"};
///   mergepipe::json_file_sink out("latest.ndjson", mergepipe::output_format::ndjson);
///   mergepipe::report r = mergepipe::merge(opts, out);
/// @endcode
MERGEPIPE_API report merge(const options& opts, record_sink& out, reject_sink* rejects = nullptr);

}  // namespace mergepipe
