#include "decompress/gzip_decoder.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstdint>

namespace mergepipe::detail {
namespace {

// ISA-L counts in 32 bits.
constexpr std::size_t most_per_call = std::size_t{1} << 30;

const char* reason_of(int status) {
  switch (status) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate code";
    case ISAL_INVALID_LOOKBACK:
      return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported gzip compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "CRC or length mismatch";
    case ISAL_NEED_DICT:
      return "needs a preset dictionary";
    default:
      return "undecodable data";
  }
}

bool starts_member(const char* in) {
  return static_cast<unsigned char>(in[0]) == 0x1f && static_cast<unsigned char>(in[1]) == 0x8b;
}

}  // namespace

gzip_decoder::gzip_decoder() : state_(std::make_unique<inflate_state>()) {}

gzip_decoder::~gzip_decoder() = default;

stream_decoder::progress gzip_decoder::decode(const char* in, std::size_t in_size, bool last,
                                              char* out, std::size_t room) {
  if (!in_member_) {
    if (in_size == 0) return {};
    if (in_size < 2 && !last) return {};  // the next member's magic number is not all here
    if (in_size < 2 || !starts_member(in)) {
      throw decode_error{"unexpected bytes after the end of the data", 0};
    }
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
    in_member_ = true;
  }
  state_->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in));
  state_->avail_in = static_cast<std::uint32_t>(std::min(in_size, most_per_call));
  state_->next_out = reinterpret_cast<std::uint8_t*>(out);
  state_->avail_out = static_cast<std::uint32_t>(std::min(room, most_per_call));
  const std::uint32_t given_in = state_->avail_in;
  const std::uint32_t given_out = state_->avail_out;
  int status = isal_inflate(state_.get());
  progress done{given_in - state_->avail_in, given_out - state_->avail_out};
  if (status != ISAL_DECOMP_OK) throw decode_error{reason_of(status), done.consumed};
  if (state_->block_state == ISAL_BLOCK_FINISH) {
    in_member_ = false;
  } else if (last && done.consumed == in_size && done.produced == 0) {
    throw decode_error{"truncated", done.consumed};
  }
  return done;
}

}  // namespace mergepipe::detail
