// Compressed inputs: told by their first bytes, decoded member by member and frame by frame
// however the bytes arrive, and refused with the compressed byte offset when they are
// corrupt, truncated or followed by other bytes.

#include <gtest/gtest.h>

#include <sstream>

#include "compressed_data.h"
#include "decompress/compression.h"
#include "decompress/independent_frames.h"
#include "mergepipe/mergepipe.h"

namespace {

using mergepipe::detail::compression;
using mergepipe::detail::decode_error;
using mergepipe::detail::decode_frame;
using mergepipe::detail::detect_compression;
using mergepipe::detail::find_independent_frame;
using mergepipe::detail::independent_frame;
using mergepipe::detail::make_decoder;
using mergepipe::detail::stream_decoder;
using mergepipe::testing::codec;
using mergepipe::testing::compressed;

std::string lines(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i) text += "{\"id\":" + std::to_string(i % 7) + ",\"n\":" + std::to_string(i) + "}\n";
  return text;
}

compression compression_of(codec c) {
  return c == codec::zstd ? compression::zstd : compression::gzip;
}

TEST(decompress_test, compression_is_told_by_the_first_bytes) {
  EXPECT_EQ(detect_compression("\x1f\x8b\x08", 3), compression::gzip);
  EXPECT_EQ(detect_compression("\x28\xb5\x2f\xfd", 4), compression::zstd);
  EXPECT_EQ(detect_compression("\x50\x2a\x4d\x18", 4), compression::zstd);  // skippable
  EXPECT_EQ(detect_compression("\x5f\x2a\x4d\x18", 4), compression::zstd);
  EXPECT_EQ(detect_compression("\x60\x2a\x4d\x18", 4), compression::none);
  EXPECT_EQ(detect_compression("\x28\xb5\x2f", 3), compression::none);  // too short
  EXPECT_EQ(detect_compression("\x1f", 1), compression::none);
  EXPECT_EQ(detect_compression("{\"id\":1}", 8), compression::none);
  EXPECT_EQ(detect_compression("\xef\xbb\xbf[", 4), compression::none);  // a UTF-8 BOM
  EXPECT_EQ(detect_compression("", 0), compression::none);
}

// Decodes `packed` giving the decoder `in_step` bytes and `out_step` bytes of room at a time.
std::string decode_in_steps(const std::string& packed, codec c, std::size_t in_step,
                            std::size_t out_step) {
  auto decoder = make_decoder(compression_of(c));
  std::string out;
  std::size_t given = 0, consumed = 0;
  for (;;) {
    given = std::max(given, std::min(packed.size(), consumed + in_step));
    bool last = given == packed.size();
    std::string room(out_step, '\0');
    stream_decoder::progress p =
        decoder->decode(packed.data() + consumed, given - consumed, last, room.data(), out_step);
    consumed += p.consumed;
    out.append(room, 0, p.produced);
    if (p.consumed == 0 && p.produced == 0) {
      if (last) return out;
      given += in_step;
    }
  }
}

TEST(decompress_test, members_and_frames_decode_however_the_bytes_arrive) {
  const std::string text = lines(0, 3000);
  for (codec c : {codec::gzip, codec::zstd}) {
    for (std::size_t parts : {1, 2, 7}) {
      std::string packed = compressed(text, c, parts);
      for (auto [in_step, out_step] : {std::pair<std::size_t, std::size_t>{1, 7}, {13, 1},
                                       {4096, 65536}, {packed.size(), text.size() + 1}}) {
        EXPECT_EQ(decode_in_steps(packed, c, in_step, out_step), text)
            << name_of(c) << ", " << parts << " parts, in " << in_step << ", out " << out_step;
      }
    }
  }
}

// bgzip blocks and zstd frames that declare their sizes are found one by one and decode alone
// to the text; anything else (a plain gzip member, a frame without its size, a frame not all
// there) is left to the stream decoder.
TEST(decompress_test, independent_frames_are_found_and_decode_alone) {
  const std::string text = lines(0, 3000);
  for (codec c : {codec::bgzip, codec::zstd}) {
    SCOPED_TRACE(static_cast<int>(c));
    const std::string packed = compressed(text, c, 5);
    std::string decoded;
    std::size_t frames = 0;
    for (std::size_t at = 0; at < packed.size(); ++frames) {
      std::optional<independent_frame> frame =
          find_independent_frame(compression_of(c), packed.data() + at, packed.size() - at);
      ASSERT_TRUE(frame.has_value()) << "at byte " << at;
      EXPECT_EQ(find_independent_frame(compression_of(c), packed.data() + at,
                                       frame->compressed_size - 1),
                std::nullopt);
      std::string out(frame->decoded_size, '\0');
      decode_frame(compression_of(c), packed.data() + at, *frame, out.data());
      decoded += out;
      at += frame->compressed_size;
    }
    EXPECT_EQ(decoded, text);
    EXPECT_EQ(frames, c == codec::bgzip ? 6u : 5u);  // bgzip's empty block at the end
  }
  const std::string gz = compressed(text, codec::gzip, 2);
  EXPECT_EQ(find_independent_frame(compression::gzip, gz.data(), gz.size()), std::nullopt);
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0);
  std::string unsized(ZSTD_compressBound(text.size()), '\0');
  unsized.resize(
      ZSTD_compress2(context, unsized.data(), unsized.size(), text.data(), text.size()));
  ZSTD_freeCCtx(context);
  EXPECT_EQ(find_independent_frame(compression::zstd, unsized.data(), unsized.size()),
            std::nullopt);
  // A skippable frame decodes to nothing.
  const std::string skippable("\x50\x2a\x4d\x18\x03\0\0\0abc", 11);
  std::optional<independent_frame> skip =
      find_independent_frame(compression::zstd, skippable.data(), skippable.size());
  ASSERT_TRUE(skip.has_value());
  EXPECT_EQ(skip->compressed_size, 11u);
  EXPECT_EQ(skip->decoded_size, 0u);
}

// A frame whose stated length is wrong, or whose bytes are damaged, is refused by itself.
TEST(decompress_test, an_independent_frame_that_lies_is_refused) {
  const std::string text = lines(0, 500);
  std::string block = mergepipe::testing::gzip_member(text, true);
  block[block.size() - 4] ^= 1;  // the stated length
  std::optional<independent_frame> frame =
      find_independent_frame(compression::gzip, block.data(), block.size());
  ASSERT_TRUE(frame.has_value());
  std::string out(frame->decoded_size, '\0');
  EXPECT_THROW(decode_frame(compression::gzip, block.data(), *frame, out.data()), decode_error);
  std::string frame_bytes = mergepipe::testing::zstd_frame(text);
  frame_bytes[frame_bytes.size() / 2] ^= 0x40;
  frame = find_independent_frame(compression::zstd, frame_bytes.data(), frame_bytes.size());
  if (frame) {  // the damage may have hit the header's sizes
    out.assign(frame->decoded_size, '\0');
    EXPECT_THROW(decode_frame(compression::zstd, frame_bytes.data(), *frame, out.data()),
                 decode_error);
  }
}

std::string decode_error_of(const std::string& packed, codec c) {
  try {
    decode_in_steps(packed, c, 1000, 1000);
  } catch (const decode_error& e) {
    return e.reason;
  }
  return "decoded";
}

TEST(decompress_test, truncated_corrupt_and_trailing_data_is_refused) {
  const std::string text = lines(0, 2000);
  for (codec c : {codec::gzip, codec::zstd}) {
    SCOPED_TRACE(name_of(c));
    const std::string packed = compressed(text, c, 2);
    EXPECT_EQ(decode_error_of(packed.substr(0, packed.size() - 3), c), "truncated");
    EXPECT_EQ(decode_error_of(packed.substr(0, packed.size() / 2), c), "truncated");
    // The checksum at the end of the last member or frame.
    std::string bad_sum = packed;
    bad_sum[bad_sum.size() - (c == codec::gzip ? 6 : 2)] ^= 0x55;
    EXPECT_NE(decode_error_of(bad_sum, c), "decoded");
    EXPECT_NE(decode_error_of(packed + "x", c), "decoded");
    EXPECT_NE(decode_error_of(packed + "garbage after the data", c), "decoded");
  }
  const std::string gz = compressed(text, codec::gzip);
  EXPECT_EQ(decode_error_of(gz + "x", codec::gzip), "unexpected bytes after the end of the data");
  EXPECT_EQ(decode_error_of(gz.substr(0, gz.size() - 8) + std::string(8, '\0'), codec::gzip),
            "CRC or length mismatch");
}

struct merged {
  std::string output;
  std::vector<std::string> rejects;
  std::string error;
};

merged merge(const std::string& bytes, mergepipe::error_policy policy, bool as_stream,
              unsigned threads = 0) {
  mergepipe::options opts;
  opts.on_error = policy;
  opts.run.chunk_size = 512;
  opts.run.threads = threads;
  merged result;
  struct collect final : mergepipe::reject_sink {
    std::vector<std::string>* lines;
    void write(const mergepipe::rejected_record& r) override {
      lines->push_back(std::to_string(r.line) + ":" + std::string(r.reason));
    }
  } rejects;
  rejects.lines = &result.rejects;
  mergepipe::callback_sink sink([&](std::string_view record) {
    result.output.append(record);
    result.output += '\n';
  });
  std::istringstream stream(bytes);
  try {
    mergepipe::merger m(opts, &rejects);
    m.add(as_stream ? mergepipe::source::stream(stream, "in.gz")
                    : mergepipe::source::buffer(bytes, "in.gz"),
          {});
    m.finish(sink);
  } catch (const mergepipe::error& e) {
    EXPECT_EQ(e.code(), mergepipe::errc::bad_input) << e.what();
    result.error = e.what();
  }
  return result;
}

// The records before data that cannot be decoded are read as the contract says (their bad
// records are rejects under skip), then the run fails at the record it cut short, naming the
// compressed byte; nothing is written.
TEST(decompress_test, undecodable_data_fails_the_run_where_it_starts) {
  const std::string first = lines(0, 40) + "{\"id\":\n" + lines(40, 50);
  std::string second = mergepipe::testing::gzip_member(lines(50, 90));
  second[2] = 7;  // a compression method that is not deflate
  const std::string packed = mergepipe::testing::gzip_member(first) + second;
  const std::string at =
      "in.gz:52:1 (byte " + std::to_string(first.size()) + "): bad gzip data at byte ";
  const std::string why = " of the compressed file: unsupported gzip compression method";
  const std::size_t header_begin = packed.size() - second.size();
  for (bool as_stream : {false, true}) {
    merged failed = merge(packed, mergepipe::error_policy::fail, as_stream);
    EXPECT_NE(failed.error.find("in.gz:41:"), std::string::npos) << failed.error;
    EXPECT_TRUE(failed.output.empty());
    merged skipped = merge(packed, mergepipe::error_policy::skip, as_stream);
    ASSERT_EQ(skipped.error.substr(0, at.size()), at);
    ASSERT_GT(skipped.error.size(), at.size() + why.size());
    EXPECT_EQ(skipped.error.substr(skipped.error.size() - why.size()), why);
    // The decoder reads the 10 bytes of the member's header before it judges them.
    std::size_t compressed_at = std::stoul(skipped.error.substr(at.size()));
    EXPECT_GE(compressed_at, header_begin);
    EXPECT_LE(compressed_at, header_begin + 10);
    EXPECT_EQ(skipped.rejects.size(), 1u);
    EXPECT_TRUE(skipped.output.empty());
  }
}

// A line that the failure cut in two is no record: the run fails at its start.
TEST(decompress_test, a_line_cut_short_by_truncation_is_where_the_run_fails) {
  const std::string text = lines(0, 500);
  for (codec c : {codec::gzip, codec::zstd}) {
    std::string packed = compressed(text, c);
    packed.resize(packed.size() - 20);
    merged result = merge(packed, mergepipe::error_policy::skip, false);
    EXPECT_NE(result.error.find(std::string("bad ") + std::string(name_of(c)) + " data at byte "),
              std::string::npos)
        << result.error;
    EXPECT_NE(result.error.find("truncated"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find(":1 (byte "), std::string::npos) << "column 1: " << result.error;
    EXPECT_TRUE(result.rejects.empty());
  }
}

// Many frames decode side by side into the input: the same records as the text, as a buffer
// and as a stream, at every thread count; a damaged frame among them fails the run where the
// stream decoder finds it, inside that frame.
TEST(decompress_test, runs_of_frames_decoded_side_by_side_give_the_same_records) {
  const std::string text = lines(0, 40000);
  for (codec c : {codec::bgzip, codec::zstd}) {
    SCOPED_TRACE(static_cast<int>(c));
    const std::string packed = compressed(text, c, 40);
    for (unsigned threads : {1u, 2u, 4u}) {
      for (bool as_stream : {false, true}) {
        merged plain = merge(text, mergepipe::error_policy::fail, false, threads);
        merged decoded = merge(packed, mergepipe::error_policy::fail, as_stream, threads);
        EXPECT_EQ(decoded.error, "");
        EXPECT_EQ(decoded.output, plain.output);
      }
    }
    // Damage in the middle of frame 21 of 40.
    std::size_t at = 0;
    for (int i = 0; i < 20; ++i) {
      at += find_independent_frame(compression_of(c), packed.data() + at, packed.size() - at)
                ->compressed_size;
    }
    const std::size_t frame_size =
        find_independent_frame(compression_of(c), packed.data() + at, packed.size() - at)
            ->compressed_size;
    std::string damaged = packed;
    damaged[at + frame_size / 2] ^= 0x40;
    merged failed = merge(damaged, mergepipe::error_policy::fail, false, 2);
    const std::string marker = " data at byte ";
    const std::size_t where = failed.error.find(marker);
    ASSERT_NE(where, std::string::npos) << failed.error;
    const std::size_t byte = std::stoul(failed.error.substr(where + marker.size()));
    EXPECT_GE(byte, at) << failed.error;
    EXPECT_LE(byte, at + frame_size) << failed.error;
    EXPECT_TRUE(failed.output.empty());
  }
}

}  // namespace
