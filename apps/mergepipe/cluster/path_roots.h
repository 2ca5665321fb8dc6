#pragma once

#include <optional>
#include <string>
#include <vector>

#include "job_spec.h"

namespace mergepipe::cluster {

/// The directories a worker may read and write under (`worker --allow-root`): a second fence
/// behind Redis, since whoever can write to Redis names the files a job reads and writes.
/// Paths are compared after resolving symbolic links, so a link inside a root that points out
/// of it is outside. No roots: every path is allowed.
class path_roots {
 public:
  /// Resolves each of `dirs`. Throws `mergepipe::error` (usage) for one that is not a
  /// directory.
  explicit path_roots(const std::vector<std::string>& dirs);

  /// The first of the job's inputs, output, rejects file and storage directory that lies
  /// outside every root, as the job names it and, where links lead elsewhere, where it
  /// resolves to; or nothing. Looks only at the paths' names and links, never opens a file.
  [[nodiscard]] std::optional<std::string> outside(const job_spec& spec) const;

  /// The roots, resolved, for messages: "/data, /srv/exports".
  [[nodiscard]] std::string describe() const;

 private:
  // Empty when `path` lies under a root, else how to name it.
  [[nodiscard]] std::string refusal(const std::string& path) const;

  std::vector<std::string> roots_;
};

}  // namespace mergepipe::cluster
