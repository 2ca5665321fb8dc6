#include "mergepipe/error.h"

#include <string>

namespace mergepipe {
namespace {

std::string describe(const std::string& reason, const location& where) {
  if (where.file.empty()) return reason;
  if (where.line == 0 && where.offset == 0) return where.file + ": " + reason;  // the whole file
  std::string text = where.file;
  if (where.line != 0) {
    text += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  text += " (byte " + std::to_string(where.offset) + "): " + reason;
  return text;
}

}  // namespace

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::bad_input:
      return "bad input";
    case errc::io:
      return "I/O error";
    case errc::usage:
      return "usage error";
  }
  return "unknown error";
}

error::error(errc code, const std::string& reason, location where)
    : std::runtime_error(describe(reason, where)),
      code_(code),
      where_(std::move(where)),
      reason_(reason) {}

error::error(errc code, const std::string& reason)
    : std::runtime_error(reason), code_(code), reason_(reason) {}

}  // namespace mergepipe
