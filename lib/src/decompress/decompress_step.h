#pragma once

#include "chunk.h"
#include "read/input_set.h"

namespace mergepipe::detail {

/// The decompress step: decodes a compressed input up to the end of the bytes the chunk may
/// need (`chunk::through`), so that the cut step finds them there. Other inputs need
/// nothing: the read step made their bytes available. Chunks come one at a time, in order.
class decompress_step {
 public:
  explicit decompress_step(input_set& inputs) : inputs_(inputs) {}

  void run(const chunk& c) { inputs_[c.file].read_through(c.through); }

 private:
  input_set& inputs_;
};

}  // namespace mergepipe::detail
