#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "mergepipe/export.h"

namespace mergepipe {

/// What went wrong, in the categories a caller acts on differently.
enum class errc {
  ok = 0,
  bad_input,  ///< The input is not valid: quarantine it, retrying will not help.
  io,         ///< Reading or writing failed (missing file, permissions, disk full): may be retried.
  usage,      ///< The options are invalid: a bug in the caller.
};

/// A short English name for an error code ("bad input", "I/O error", ...).
MERGEPIPE_API const char* to_string(errc code) noexcept;

/// Where in the input an error was found. Lines and columns count from 1, the byte offset from 0.
/// An error about an input as a whole (it cannot be opened, it changed) names the file with
/// line and offset 0.
struct location {
  std::string
      file;  ///< Input name as given ("<stdin>" for standard input); empty when not about input.
  std::uint64_t line = 0;    ///< 0 when unknown.
  std::uint64_t column = 0;  ///< Byte column; 0 when unknown.
  std::uint64_t offset = 0;  ///< Byte offset in the file.
};

/// The one exception type of the library: a code, a location and a reason.
/// `what()` reads like `data.json:1042:17 (byte 301223): missing key field "id"`.
class MERGEPIPE_API error : public std::runtime_error {
 public:
  /// An error about the input at `where`.
  error(errc code, const std::string& reason, location where);
  /// An error with no input location (usage, output).
  error(errc code, const std::string& reason);

  /// The category of the failure.
  [[nodiscard]] errc code() const noexcept { return code_; }
  /// Where in the input it happened; `file` names the input for every error about one, and
  /// is empty for errors about no input (options, output).
  [[nodiscard]] const location& where() const noexcept { return where_; }
  /// The reason alone, without the location.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  errc code_;
  location where_;
  std::string reason_;
};

}  // namespace mergepipe
