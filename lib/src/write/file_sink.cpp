#include <simdjson.h>

#include "json_string.h"
#include "mergepipe/sink.h"
#include "write/block_output.h"
#include "write/output_file.h"
#include "write/record_framing.h"

namespace mergepipe {

class json_file_sink::impl {
 public:
  impl(std::string path, bool durable) : file(std::move(path), durable) {}
  detail::output_file file;
};

json_file_sink::json_file_sink(std::string path, output_format format, bool durable)
    : impl_(std::make_unique<impl>(std::move(path), durable)), format_(format) {}

json_file_sink::~json_file_sink() = default;

void json_file_sink::write(std::string_view record) {
  impl_->file.write(detail::bytes_before_record(format_, count_));
  impl_->file.write(record);
  impl_->file.write(detail::bytes_after_record(format_));
  ++count_;
}

void json_file_sink::finish() {
  impl_->file.write(detail::bytes_after_last(format_, count_));
  impl_->file.commit();
}

std::optional<detail::block_output> detail::sink_access::blocks_of(record_sink& sink) {
  auto* file_sink = dynamic_cast<json_file_sink*>(&sink);
  if (file_sink == nullptr || file_sink->count_ != 0) return std::nullopt;
  detail::output_file& file = file_sink->impl_->file;
  return block_output{file_sink->format_, file, file_sink->count_, file.takes_blocks()};
}

namespace {

using detail::append_json_string;

// File names and option values come from the command line and need not be UTF-8, but the
// rejects file must stay valid JSON: each byte that starts no valid sequence becomes U+FFFD.
void append_json_text(std::string& out, std::string_view text) {
  if (simdjson::validate_utf8(text.data(), text.size())) {
    append_json_string(out, text);
    return;
  }
  std::string valid;
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t n = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (n <= text.size() - i && simdjson::validate_utf8(text.data() + i, n)) {
      valid.append(text, i, n);
      i += n;
    } else {
      valid += "\xEF\xBF\xBD";
      ++i;
    }
  }
  append_json_string(out, valid);
}

void append_base64(std::string& out, std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
}

}  // namespace

std::string reject_to_json(const rejected_record& rejected) {
  std::string line;
  line.reserve(rejected.raw.size() + 128);
  line += "{\"file\":";
  append_json_text(line, rejected.file);
  line += ",\"line\":" + std::to_string(rejected.line);
  line += ",\"column\":" + std::to_string(rejected.column);
  line += ",\"offset\":" + std::to_string(rejected.offset);
  line += ",\"error\":";
  append_json_text(line, rejected.reason);
  if (simdjson::validate_utf8(rejected.raw.data(), rejected.raw.size())) {
    line += ",\"raw\":";
    append_json_string(line, rejected.raw);
  } else {
    line += ",\"raw_base64\":\"";
    append_base64(line, rejected.raw);
    line += '"';
  }
  line += '}';
  return line;
}

rejects_file_sink::rejects_file_sink(std::string path)
    : lines_(std::make_unique<json_file_sink>(std::move(path), output_format::ndjson)) {}

rejects_file_sink::~rejects_file_sink() = default;

void rejects_file_sink::write(const rejected_record& rejected) {
  lines_->write(reject_to_json(rejected));
}

void rejects_file_sink::finish() { lines_->finish(); }

}  // namespace mergepipe
