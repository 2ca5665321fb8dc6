#include <ostream>

#include "mergepipe/error.h"
#include "mergepipe/sink.h"
#include "write/record_framing.h"

namespace mergepipe {
namespace {

void put(std::ostream& out, std::string_view bytes) {
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw error(errc::io, "writing the output stream failed");
}

}  // namespace

void json_stream_sink::write(std::string_view record) {
  put(out_, detail::bytes_before_record(format_, count_));
  put(out_, record);
  put(out_, detail::bytes_after_record(format_));
  ++count_;
}

void json_stream_sink::finish() {
  put(out_, detail::bytes_after_last(format_, count_));
  out_.flush();
  if (!out_) throw error(errc::io, "writing the output stream failed");
  count_ = 0;  // the next snapshot writes a document of its own
}

}  // namespace mergepipe
