#include "pipeline/merge_context.h"

#include "mergepipe/error.h"

namespace mergepipe::detail {

merge_context::merge_context(options opts)
    : opts_(std::move(opts)),
      rules_(record_rules::compile(opts_.rules)),
      threads_(opts_.run.threads != 0 ? opts_.run.threads
                                      : static_cast<unsigned>(tbb::info::default_concurrency())),
      tokens_(opts_.run.tokens != 0 ? opts_.run.tokens : 4 * threads_),
      scanners_([this] { return std::make_unique<record_scanner>(rules_); }) {
  if (opts_.run.chunk_size == 0) throw error(errc::usage, "chunk size must be positive");
}

record_scanner& merge_context::local_scanner() { return *scanners_.local(); }

}  // namespace mergepipe::detail
