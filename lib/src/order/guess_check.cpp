#include "order/guess_check.h"

#include <cstdint>

#include "parse/parse_step.h"
#include "read/chunker.h"

namespace mergepipe::detail {

void guess_check::run(chunk& c, record_scanner& scanner) {
  if (c.format != input_format::array) return;
  if (c.guess == cut_guess::none) {
    file_ = c.file;
    cut_through_ = c.end;
    return;
  }
  ++guessed_;
  if (c.guess_held && c.file == file_ && c.begin == cut_through_) {
    cut_through_ = c.end;
    return;
  }
  ++recut_;
  c.items.clear();
  c.clear_records();
  c.guess = cut_guess::none;
  if (cut_through_ >= c.end) return;  // the chunks before took all its bytes
  array_splitter splitter(cut_through_, SIZE_MAX, /*after_element=*/true);
  splitter.split(c.data, inputs_[c.file].source().size(), c.end, /*complete=*/true, c.items);
  c.fatal = splitter.fatal();
  cut_through_ = splitter.position();
  parse_chunk(c, scanner, /*stamp_too=*/true);
}

}  // namespace mergepipe::detail
