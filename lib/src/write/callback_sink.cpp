#include "mergepipe/error.h"
#include "mergepipe/sink.h"

namespace mergepipe {

void callback_sink::write(std::string_view record) {
  if (!text_) throw error(errc::usage, "this callback_sink takes records as data, not as text");
  text_(record);
}

void callback_sink::write(const record_view& record) {
  if (data_) {
    data_(record);
  } else {
    text_(record.json());
  }
}

}  // namespace mergepipe
