#include "read/chunk_reader.h"

#include <algorithm>

namespace mergepipe::detail {

chunk* chunk_reader::next() {
  while (!stopped_ && file_ < inputs_.size()) {
    const reader_input& input = inputs_[file_];
    input_source& source = *input.source;
    if (!started_) start_file(source, input.begin);
    chunk* c = format_ == input_format::ndjson ? cut_ndjson(source) : cut_array(source);
    if (c != nullptr) return c;
    finished_bytes_ += available(source).size - std::min<std::uint64_t>(input.begin, source.size());
    position_ = 0;
    ++file_;
    started_ = false;
  }
  return nullptr;
}

// A piece that starts inside the input continues from a record boundary: in an array, just
// after an element, with the splitter in the state it has there.
void chunk_reader::start_file(input_source& source, std::uint64_t begin) {
  std::optional<format_probe> probe;
  while (!(probe = probe_format(source.data(), source.size(), source.complete()))) {
    source.read_more(chunk_size_);
  }
  started_ = true;
  format_ = probe->format;
  bool inside = begin > probe->records_begin;
  position_ = inside ? begin : probe->records_begin;
  splitter_.reset();
  if (format_ == input_format::array) {
    std::uint64_t end = inputs_[file_].end;
    splitter_.emplace(position_, end < source.size() ? end : SIZE_MAX, inside);
  }
}

// The bytes the current input offers: up to the end of its piece, or all read so far.
chunk_reader::window chunk_reader::available(const input_source& source) const {
  std::uint64_t end = inputs_[file_].end;
  if (end < source.size()) return {static_cast<std::size_t>(end), true};
  return {source.size(), source.complete()};
}

chunk* chunk_reader::new_chunk(const input_source& source) {
  chunk* c = pool_.acquire();
  c->file = static_cast<std::uint32_t>(file_);
  c->format = format_;
  c->data = source.data();
  c->begin = position_;
  ++chunks_;
  return c;
}

chunk* chunk_reader::cut_ndjson(input_source& source) {
  window w = available(source);
  while (position_ >= w.size && !w.complete) {
    source.read_more(chunk_size_);
    w = available(source);
  }
  if (position_ >= w.size) return nullptr;
  std::size_t target = position_ + chunk_size_;
  std::optional<std::size_t> cut;
  while (!(cut = ndjson_cut(source.data(), w.size, target, w.complete))) {
    source.read_more(chunk_size_);
    w = available(source);
  }
  chunk* c = new_chunk(source);
  c->end = *cut;
  position_ = *cut;
  return c;
}

chunk* chunk_reader::cut_array(input_source& source) {
  if (splitter_->done()) return nullptr;
  std::size_t target = splitter_->position() + chunk_size_;
  chunk* c = new_chunk(source);
  // The whole input, not only the piece: an element is delimited by the byte after it. The
  // splitter itself stops at the piece's end.
  while (!splitter_->split(source.data(), source.size(), target, source.complete(), c->items)) {
    source.read_more(chunk_size_);
  }
  c->end = splitter_->position();
  position_ = c->end;
  if (splitter_->fatal()) {
    c->fatal = splitter_->fatal();
    stopped_ = true;
  }
  return c;
}

}  // namespace mergepipe::detail
