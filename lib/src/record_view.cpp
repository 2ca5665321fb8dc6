#include "mergepipe/record_view.h"

#include "parse/key_encoding.h"

namespace mergepipe {

std::string record_view::key() const { return detail::key_to_json(encoded_key_); }

}  // namespace mergepipe
