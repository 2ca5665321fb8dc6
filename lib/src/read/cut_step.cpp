#include "read/cut_step.h"

#include <cstring>

#include "read/guessed_cut.h"

namespace mergepipe::detail {

void cut_step::run(chunk& c) {
  if (stopped_) {
    c.begin = c.end = 0;
    return;
  }
  if (!started_ || c.file != file_) start(c);
  // The read step may hand out a chunk more than the records need: it stays empty.
  c.begin = c.end = position_;
  opened_input& input = inputs_[c.file];
  if (c.format == input_format::ndjson) {
    cut_ndjson(c, input);
  } else {
    cut_array(c, input);
  }
}

// A piece that starts inside the input continues from a record boundary: in an array, just
// after an element, with the splitter in the state it has there.
void cut_step::start(const chunk& c) {
  file_ = c.file;
  started_ = true;
  const opened_input& input = inputs_[c.file];
  bool inside = input.begin() > c.records_begin;
  position_ = inside ? input.begin() : c.records_begin;
  splitter_.reset();
  guessing_ = guess_decided_ = false;
  if (c.format == input_format::array) {
    std::uint64_t size = input.source().size();
    splitter_.emplace(position_, input.end() < size ? input.end() : SIZE_MAX, inside);
  }
}

// Data that could not be decoded ends the input early: the line it cut short is no record.
void cut_step::cut_ndjson(chunk& c, opened_input& input) {
  std::size_t target = position_ + chunk_size_;
  input_source::extent available = input.read_through(target);
  std::optional<std::size_t> cut;
  while (!(cut = ndjson_cut(c.data, available.size, target,
                            available.complete && !input.source().failure()))) {
    if (available.complete) {
      const char* last_newline =
          static_cast<const char*>(memrchr(c.data + position_, '\n', available.size - position_));
      if (last_newline != nullptr) position_ = static_cast<std::size_t>(last_newline - c.data) + 1;
      c.end = position_;
      stop_at_failure(c, input);
      return;
    }
    available = input.read_through(available.size + chunk_size_);
  }
  c.end = position_ = *cut;
}

// The whole input, not only the piece: an element is delimited by the byte after it. The
// splitter itself stops at the piece's end.
void cut_step::cut_array(chunk& c, opened_input& input) {
  if (guessing_) {
    cut_by_guess(c, input);
    return;
  }
  std::size_t target = splitter_->position() + chunk_size_;
  input_source::extent available = input.source().read_through(target);
  bool cut_short = false;  // by data that could not be decoded
  while (!splitter_->split(c.data, available.size, target,
                           available.complete && !input.source().failure(), c.items)) {
    if ((cut_short = available.complete)) break;
    available = input.source().read_through(available.size + chunk_size_);
  }
  c.end = position_ = splitter_->position();
  if (splitter_->fatal()) {
    c.fatal = splitter_->fatal();
    stopped_ = true;
  } else if (cut_short || (splitter_->done() && available.complete && input.source().failure())) {
    stop_at_failure(c, input);
  } else if (!guess_decided_) {
    guess_decided_ = true;
    guessing_ = may_guess(c, input, available);
  }
}

// Only a whole input in memory: a guess that fails is cut again from bytes past the chunk,
// which a stream may have given back, and a piece ends where its splitter says.
bool cut_step::may_guess(const chunk& c, const opened_input& input,
                         input_source::extent available) const {
  const input_source& source = input.source();
  return available.complete && !source.read_once() && !splitter_->done() &&
         input.begin() <= c.records_begin && input.end() >= source.size() &&
         one_element_per_line(c.data, c.items);
}

void cut_step::cut_by_guess(chunk& c, const opened_input& input) {
  const std::size_t size = input.source().size();
  if (position_ >= size) return;  // the read step's chunk past the records: it stays empty
  c.end = position_ = guess_chunk_end(c.data, position_, position_ + chunk_size_, size);
  c.guess = position_ == size ? cut_guess::to_end : cut_guess::to_comma;
}

// Nothing after the records cut so far can be read: the order step reports why, at the
// record the failure cut short.
void cut_step::stop_at_failure(chunk& c, const opened_input& input) {
  c.fatal = cut_failure{position_, *input.source().failure()};
  stopped_ = true;
}

}  // namespace mergepipe::detail
