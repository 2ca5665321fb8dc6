#include "read/read_step.h"

#include <algorithm>
#include <optional>

namespace mergepipe::detail {

chunk* read_step::next() {
  while (file_ < inputs_.size()) {
    opened_input& input = inputs_[file_];
    if (!started_) start(input);
    input_source::extent available = input.read_through(window_ + chunk_size_);
    // An array gets a chunk even when nothing follows its [: the cut step reports the
    // missing ].
    bool array_seen = format_ != input_format::array || chunks_of_input_ > 0;
    if (window_ >= available.size && available.complete && array_seen) {
      finished_bytes_ += available.size - std::min<std::uint64_t>(input.begin(), available.size);
      window_ = 0;
      ++file_;
      started_ = false;
      continue;
    }
    window_ = std::min<std::uint64_t>(window_ + chunk_size_, available.size);
    chunk* c = pool_.acquire();
    c->file = static_cast<std::uint32_t>(file_);
    c->format = format_;
    c->data = input.data();
    c->records_begin = records_begin_;
    ++chunks_;
    ++chunks_of_input_;
    return c;
  }
  return nullptr;
}

// The format shows in the first non-blank byte; a stream may need more bytes to show it.
void read_step::start(opened_input& input) {
  std::optional<format_probe> probe;
  input_source::extent available = input.source().read_through(1);
  while (!(probe = probe_format(input.data(), available.size, available.complete))) {
    available = input.source().read_through(available.size + chunk_size_);
  }
  started_ = true;
  chunks_of_input_ = 0;
  format_ = probe->format;
  records_begin_ = probe->records_begin;
  window_ = std::max<std::uint64_t>(input.begin(), records_begin_);
}

}  // namespace mergepipe::detail
