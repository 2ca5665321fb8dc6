#pragma once

#include <string>
#include <string_view>

namespace mergepipe::detail {

/// Appends `text`, valid UTF-8, as a JSON string: quoted, with the quote, the backslash and
/// control characters escaped (the short escapes where JSON has them, else `\u00XX`).
void append_json_string(std::string& out, std::string_view text);

}  // namespace mergepipe::detail
