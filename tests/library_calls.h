#pragma once

// Calls on the public API that many tests make: the error a call throws, and a merger's
// winners as NDJSON.

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>

#include "mergepipe/mergepipe.h"

namespace mergepipe::testing {

// Runs `call`, expects it to throw mergepipe::error, and returns that error.
inline mergepipe::error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const mergepipe::error& e) {
    return e;
  }
  ADD_FAILURE() << "no mergepipe::error thrown";
  return mergepipe::error(errc::ok, "none");
}

// Finishes `m` into NDJSON text.
inline std::string finished(merger& m) {
  std::ostringstream text;
  json_stream_sink out(text, output_format::ndjson);
  m.finish(out);
  return text.str();
}

}  // namespace mergepipe::testing
