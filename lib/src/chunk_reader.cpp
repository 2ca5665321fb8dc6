#include "chunk_reader.h"

namespace mergepipe::detail {

chunk* chunk_reader::next() {
  while (!stopped_ && file_ < sources_.size()) {
    input_source& source = *sources_[file_];
    if (!started_) start_file(source);
    chunk* c = format_ == input_format::ndjson ? cut_ndjson(source) : cut_array(source);
    if (c != nullptr) return c;
    finished_bytes_ += source.size();
    position_ = 0;
    ++file_;
    started_ = false;
  }
  return nullptr;
}

void chunk_reader::start_file(input_source& source) {
  std::optional<format_probe> probe;
  while (!(probe = probe_format(source.data(), source.size(), source.complete()))) {
    source.read_more(chunk_size_);
  }
  started_ = true;
  format_ = probe->format;
  position_ = probe->records_begin;
  splitter_.reset();
  if (format_ == input_format::array) splitter_.emplace(probe->records_begin);
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
  if (position_ >= source.size()) {
    source.read_more(chunk_size_);
    if (position_ >= source.size()) return nullptr;
  }
  std::size_t target = position_ + chunk_size_;
  std::optional<std::size_t> cut;
  while (!(cut = ndjson_cut(source.data(), source.size(), target, source.complete()))) {
    source.read_more(chunk_size_);
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
