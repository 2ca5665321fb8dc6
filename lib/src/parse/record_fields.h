#pragma once

#include "parse/timestamp.h"

namespace mergepipe::detail {

/// What the merge needs from one good record besides its key.
struct record_fields {
  bool has_timestamp = false;  ///< False when the field is absent or null (oldest).
  timestamp ts;
  bool is_delete = false;
};

}  // namespace mergepipe::detail
