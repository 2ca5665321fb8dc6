#include "pipeline/merge_context.h"

#include <sys/stat.h>

#include <cstdlib>

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
  std::string directory = opts_.run.temp_dir;
  if (!directory.empty()) {
    // Said now, not when the memory runs out hours later.
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      throw error(errc::usage, "the temporary directory " + directory + " is not a directory");
  } else {
    const char* tmpdir = std::getenv("TMPDIR");
    directory = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  const std::uint64_t budget =
      opts_.run.memory_limit != 0 ? opts_.run.memory_limit : spill_file::default_budget();
  spill_ = std::make_shared<spill_file>(budget, std::move(directory));
}

record_scanner& merge_context::local_scanner() { return *scanners_.local(); }

}  // namespace mergepipe::detail
