#include "read/read_step.h"

#include <algorithm>
#include <optional>

namespace mergepipe::detail {

chunk* read_step::next() {
  while (file_ < inputs_.size()) {
    opened_input& input = inputs_[file_];
    if (!started_) start(input);
    input_source::extent available = read_ahead(input);
    // An input's last chunk is handed out once all of it is available, so that the cut step
    // sees its end even when it has no records: an array that ends after its [, data that
    // could not be decoded.
    if (window_ >= available.size && available.complete && end_seen_) {
      std::uint64_t read = available.size - std::min<std::uint64_t>(input.begin(), available.size);
      finished_bytes_ += read;
      if (const input_source* compressed = input.source().compressed()) {
        compressed_bytes_ += compressed->size();
        progress_bytes_ += compressed->size();
      } else {
        progress_bytes_ += read;
      }
      window_ = 0;
      input_progress_ = 0;
      ++file_;
      started_ = false;
      continue;
    }
    end_seen_ = available.complete;
    window_ = available.complete ? std::min<std::uint64_t>(window_ + chunk_size_, available.size)
                                 : window_ + chunk_size_;
    input_progress_ = input.source().compressed() != nullptr
                          ? input.source().compressed_consumed()
                          : window_ - std::min<std::uint64_t>(input.begin(), window_);
    chunk* c = pool_.acquire();
    c->file = static_cast<std::uint32_t>(file_);
    c->format = format_;
    c->data = input.data();
    c->checksummed = !input.source().read_once();
    c->records_begin = records_begin_;
    c->through = window_;
    c->sequence = chunks_++;
    return c;
  }
  return nullptr;
}

// The next chunk's bytes, read; a compressed input's are decoded by the decompress step, so
// here only its compressed bytes are read, a chunk ahead of the decoder, and what it decoded
// so far is what is available.
input_source::extent read_step::read_ahead(opened_input& input) {
  input_source& source = input.source();
  if (input_source* compressed = source.compressed()) {
    compressed->read_through(source.compressed_consumed() + chunk_size_);
    std::size_t decoded = source.size();  // before `complete`: the decoder may add to both
    return {decoded, source.complete() && decoded == source.size()};
  }
  return input.read_through(window_ + chunk_size_);
}

// The format shows in the first non-blank byte; a stream may need more bytes to show it.
void read_step::start(opened_input& input) {
  input.decode_if_compressed();
  std::optional<format_probe> probe;
  input_source::extent available = input.source().read_through(1);
  while (!(probe = probe_format(input.data(), available.size, available.complete))) {
    available = input.source().read_through(available.size + chunk_size_);
  }
  started_ = true;
  end_seen_ = false;
  format_ = probe->format;
  records_begin_ = probe->records_begin;
  window_ = std::max<std::uint64_t>(input.begin(), records_begin_);
}

}  // namespace mergepipe::detail
