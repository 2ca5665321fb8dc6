#include "path_roots.h"

#include <filesystem>
#include <system_error>

#include "mergepipe/error.h"

namespace mergepipe::cluster {
namespace fs = std::filesystem;

path_roots::path_roots(const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    std::error_code failed;
    fs::path resolved = fs::canonical(dir, failed);
    if (failed || !fs::is_directory(resolved)) {
      throw error(errc::usage, "--allow-root " + dir + ": not a directory");
    }
    roots_.push_back(resolved.string());
  }
}

std::string path_roots::refusal(const std::string& path) const {
  if (roots_.empty()) return {};
  // Links are resolved as far as the path exists (an output need not exist yet).
  std::error_code failed;
  fs::path resolved = fs::weakly_canonical(path, failed);
  if (failed) return path + " (its links cannot be resolved: " + failed.message() + ")";
  for (const std::string& root : roots_) {
    fs::path relative = resolved.lexically_relative(root);
    if (!relative.empty() && *relative.begin() != "..") return {};
  }
  if (resolved == fs::path(path)) return path;
  return path + " (which resolves to " + resolved.string() + ")";
}

std::optional<std::string> path_roots::outside(const job_spec& spec) const {
  std::vector<std::string> paths = spec.inputs;
  paths.push_back(spec.output);
  paths.push_back(spec.storage);
  if (!spec.rejects.empty()) paths.push_back(spec.rejects);
  for (const std::string& path : paths) {
    if (std::string refused = refusal(path); !refused.empty()) return refused;
  }
  return std::nullopt;
}

std::string path_roots::describe() const {
  std::string text;
  for (const std::string& root : roots_) text += (text.empty() ? "" : ", ") + root;
  return text;
}

}  // namespace mergepipe::cluster
