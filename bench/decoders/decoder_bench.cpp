// decoder_bench: how fast the gzip decoders at hand decompress: ISA-L's igzip, which the
// decompress step reads gzip inputs with, against zlib and libdeflate; zstd on the same
// records for reference.
//
//   decoder_bench FILE.gz [FILE.zst] [--repeat N]
//
// Both files are read into memory first, so only decoding is timed. Each decoder decodes the
// whole file N times (default 7), the decoders taking turns run after run so that a noisy
// neighbour slows them alike:
//   isal        ISA-L's igzip, isal_inflate() with crc_flag = ISAL_GZIP (header and CRC checked)
//   zlib        inflate() with windowBits 15 + 16 (gzip only)
//   libdeflate  libdeflate_gzip_decompress_ex() over the whole file into one buffer
//   zstd        ZSTD_decompressStream() on FILE.zst
// The streaming decoders are fed the input in 1 MiB pieces and decode into one reusable
// 1 MiB output block, as a reader of a pipe would. libdeflate has no streaming interface: it
// needs all the input and an output buffer as large as the whole result. Every decoder goes
// on across concatenated gzip members (bgzip writes thousands) and zstd frames.
//
// An untimed pass per decoder first checks that all of them produce the same bytes (size and
// CRC-64), zlib's being the reference. Prints one tab-separated line per decoder: name,
// median and minimum seconds, MB/s of decompressed output at the median (1 MB = 1e6 bytes),
// and the speed relative to zlib (zlib's median over the decoder's; above 1 is faster).

#include <isa-l.h>  // ISAL_*_VERSION
#include <isa-l/crc64.h>
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bytes = std::span<const std::uint8_t>;

// 1 MiB: the input piece a reader would get from one read() and the output block it would
// hand on to the record scanner.
constexpr std::size_t kBlock = std::size_t{1} << 20;

// What one decode produced: bytes out and members (gzip) or frames (zstd) seen.
struct decoded {
  std::uint64_t size = 0;
  std::uint64_t members = 0;
};

// Size and CRC-64 of a decoder's output, built block by block. Only the untimed checking pass
// computes it: the timed runs leave the output unread, as a benchmark of the decoder alone.
struct digest {
  std::uint64_t size = 0;
  std::uint64_t crc = 0;

  void add(const std::uint8_t* data, std::size_t n) {
    crc = crc64_ecma_refl(crc, data, n);
    size += n;
  }
  bool operator==(const digest&) const = default;
};

// The output space, allocated and touched once so that page faults stay out of the timings.
struct buffers {
  std::vector<std::uint8_t> block = std::vector<std::uint8_t>(kBlock);
  std::vector<std::uint8_t> whole;  // libdeflate's: the size of the whole output
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// Hands out the input in kBlock pieces, as successive read() calls on a pipe would.
class pieces {
 public:
  explicit pieces(bytes in) : in_(in) {}
  [[nodiscard]] bool done() const { return pos_ == in_.size(); }
  bytes next() {
    const std::size_t n = std::min(kBlock, in_.size() - pos_);
    const bytes piece = in_.subspan(pos_, n);
    pos_ += n;
    return piece;
  }

 private:
  bytes in_;
  std::size_t pos_ = 0;
};

decoded decode_zlib(bytes in, buffers& out, digest* check) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) fail("zlib: inflateInit2 failed");
  // inflateEnd on every way out.
  const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  pieces input(in);
  decoded result;
  bool in_member = false;
  for (;;) {
    if (zs.avail_in == 0 && !input.done()) {
      const bytes piece = input.next();
      zs.next_in = const_cast<Bytef*>(piece.data());  // zlib's API is not const-correct
      zs.avail_in = static_cast<uInt>(piece.size());
    }
    if (!in_member) {
      if (zs.avail_in == 0) break;  // the input ends between members
      // Each gzip member is a stream of its own with its own header and trailer.
      if (result.members > 0 && inflateReset(&zs) != Z_OK) fail("zlib: inflateReset failed");
      in_member = true;
    }
    zs.next_out = out.block.data();
    zs.avail_out = static_cast<uInt>(out.block.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    const std::size_t produced = out.block.size() - zs.avail_out;
    if (check != nullptr) check->add(out.block.data(), produced);
    result.size += produced;
    if (rc == Z_STREAM_END) {
      ++result.members;
      in_member = false;
    } else if (rc == Z_BUF_ERROR && zs.avail_in == 0 && input.done()) {
      fail("zlib: the input ends inside a gzip member");
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      fail(std::string("zlib: ") + (zs.msg != nullptr ? zs.msg : "inflate failed"));
    }
  }
  return result;
}

decoded decode_isal(bytes in, buffers& out, digest* check) {
  // 87 KB of state (Huffman tables, history): on the heap.
  const auto state = std::make_unique<inflate_state>();
  inflate_state& st = *state;
  isal_inflate_init(&st);
  st.crc_flag = ISAL_GZIP;  // parse the gzip header, verify CRC-32 and ISIZE
  pieces input(in);
  decoded result;
  bool in_member = false;
  for (;;) {
    if (st.avail_in == 0 && !input.done()) {
      const bytes piece = input.next();
      st.next_in = const_cast<std::uint8_t*>(piece.data());  // read only, but not declared so
      st.avail_in = static_cast<std::uint32_t>(piece.size());
    }
    if (!in_member) {
      if (st.avail_in == 0) break;
      // At ISAL_BLOCK_FINISH next_in is just past the member's trailer; the reset keeps
      // next_in, avail_in and crc_flag and clears the rest for the next member.
      if (result.members > 0) isal_inflate_reset(&st);
      in_member = true;
    }
    st.next_out = out.block.data();
    st.avail_out = static_cast<std::uint32_t>(out.block.size());
    const int rc = isal_inflate(&st);
    if (rc != ISAL_DECOMP_OK) fail("isal: isal_inflate failed with " + std::to_string(rc));
    const std::size_t produced = out.block.size() - st.avail_out;
    if (check != nullptr) check->add(out.block.data(), produced);
    result.size += produced;
    if (st.block_state == ISAL_BLOCK_FINISH) {
      ++result.members;
      in_member = false;
    } else if (produced == 0 && st.avail_in == 0 && input.done()) {
      fail("isal: the input ends inside a gzip member");
    }
  }
  return result;
}

decoded decode_libdeflate(bytes in, buffers& out, digest* check) {
  const std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (!d) fail("libdeflate: out of memory");
  decoded result;
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  // One call per member: actual_in_nbytes says where the next one starts. The output of each
  // goes after the previous one's, so the buffer must hold the sum of them all.
  while (in_pos < in.size()) {
    std::size_t used_in = 0;
    std::size_t used_out = 0;
    const libdeflate_result rc = libdeflate_gzip_decompress_ex(
        d.get(), in.data() + in_pos, in.size() - in_pos, out.whole.data() + out_pos,
        out.whole.size() - out_pos, &used_in, &used_out);
    if (rc != LIBDEFLATE_SUCCESS) {
      fail("libdeflate: libdeflate_gzip_decompress_ex failed with " +
           std::to_string(static_cast<int>(rc)));
    }
    in_pos += used_in;
    out_pos += used_out;
    ++result.members;
  }
  if (check != nullptr) check->add(out.whole.data(), out_pos);
  result.size = out_pos;
  return result;
}

decoded decode_zstd(bytes in, buffers& out, digest* check) {
  const std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(),
                                                                     ZSTD_freeDCtx);
  if (!dctx) fail("zstd: out of memory");
  pieces input(in);
  ZSTD_inBuffer zin{nullptr, 0, 0};
  decoded result;
  bool in_frame = false;
  for (;;) {
    if (zin.pos == zin.size && !input.done()) {
      const bytes piece = input.next();
      zin = ZSTD_inBuffer{piece.data(), piece.size(), 0};
    }
    if (!in_frame) {
      if (zin.pos == zin.size) break;
      in_frame = true;  // ZSTD_decompressStream starts the next frame by itself
    }
    ZSTD_outBuffer zout{out.block.data(), out.block.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(dctx.get(), &zout, &zin);
    if (ZSTD_isError(rc) != 0) fail(std::string("zstd: ") + ZSTD_getErrorName(rc));
    if (check != nullptr) check->add(out.block.data(), zout.pos);
    result.size += zout.pos;
    if (rc == 0) {  // the frame is decoded and flushed
      ++result.members;
      in_frame = false;
    } else if (zout.pos == 0 && zin.pos == zin.size && input.done()) {
      fail("zstd: the input ends inside a frame");
    }
  }
  return result;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(path + ": cannot open");
  std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(file)),
                                 std::istreambuf_iterator<char>());
  if (file.bad()) fail(path + ": read error");
  return data;
}

// The last member's ISIZE: the size of the whole output modulo 2^32 when the file is one
// member, which is all a whole-buffer decoder can learn of the output size before decoding.
std::uint32_t gzip_isize(bytes gz) {
  if (gz.size() < 18) fail("not a gzip file: too short");
  const std::uint8_t* p = gz.data() + gz.size() - 4;
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

struct decoder {
  const char* name;
  decoded (*decode)(bytes, buffers&, digest*);
  bytes input;
  std::vector<double> seconds;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

[[noreturn]] void usage() {
  std::fputs("usage: decoder_bench FILE.gz [FILE.zst] [--repeat N]\n", stderr);
  std::exit(2);
}

int run(int argc, char** argv) {
  std::vector<std::string> paths;
  int repeat = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
      if (repeat < 1) usage();
    } else if (arg.starts_with("-")) {
      usage();
    } else {
      paths.emplace_back(arg);
    }
  }
  if (paths.empty() || paths.size() > 2) usage();

  const std::vector<std::uint8_t> gz = read_file(paths[0]);
  if (gz.size() < 2 || gz[0] != 0x1f || gz[1] != 0x8b) fail(paths[0] + ": not a gzip file");
  std::vector<std::uint8_t> zst;
  if (paths.size() == 2) {
    zst = read_file(paths[1]);
    // The frame magic, 0xFD2FB528 little-endian (ZSTD_isFrame is in the static-only API).
    if (zst.size() < 4 || zst[0] != 0x28 || zst[1] != 0xb5 || zst[2] != 0x2f || zst[3] != 0xfd) {
      fail(paths[1] + ": not a zstd file");
    }
  }

  std::vector<decoder> decoders = {{"zlib", decode_zlib, gz, {}},
                                   {"isal", decode_isal, gz, {}},
                                   {"libdeflate", decode_libdeflate, gz, {}}};
  if (!zst.empty()) decoders.push_back({"zstd", decode_zstd, zst, {}});

  // zlib's pass gives the reference output and the size libdeflate's buffer needs.
  buffers out;
  digest reference;
  const decoded ref = decode_zlib(gz, out, &reference);
  const std::uint32_t isize = gzip_isize(gz);
  const bool isize_is_size = ref.members == 1 && isize == static_cast<std::uint32_t>(ref.size);
  // A single member under 4 GiB: its ISIZE is the buffer size a libdeflate reader would use.
  // Several members: no trailer gives the total, so the size found above stands in for it.
  out.whole.resize(isize_is_size ? isize : ref.size);

  std::printf("# %s: %zu bytes, %llu gzip member(s), %llu bytes decompressed; ISIZE %u (%s)\n",
              paths[0].c_str(), gz.size(), static_cast<unsigned long long>(ref.members),
              static_cast<unsigned long long>(ref.size), isize,
              isize_is_size ? "the output size" : "not the output size");
  std::printf("# zlib %s, ISA-L %d.%d.%d, libdeflate %s, zstd %s\n", zlibVersion(),
              ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION, LIBDEFLATE_VERSION_STRING,
              ZSTD_versionString());

  // The checking pass, untimed; it also warms the caches and libdeflate's buffer.
  for (decoder& d : decoders) {
    digest got;
    const decoded r = d.decode(d.input, out, &got);
    if (!(got == reference)) {
      fail(std::string(d.name) + ": output differs from zlib's (" + std::to_string(got.size) +
           " bytes against " + std::to_string(reference.size) + ")");
    }
    if (d.input.data() == gz.data() && r.members != ref.members) {
      fail(std::string(d.name) + ": " + std::to_string(r.members) + " members, zlib saw " +
           std::to_string(ref.members));
    }
    if (d.input.data() == zst.data()) {
      std::printf("# %s: %zu bytes, %llu zstd frame(s), same output as the gzip file\n",
                  paths[1].c_str(), zst.size(), static_cast<unsigned long long>(r.members));
    }
  }

  for (int run = 0; run < repeat; ++run) {
    for (decoder& d : decoders) {
      const auto start = std::chrono::steady_clock::now();
      const decoded r = d.decode(d.input, out, nullptr);
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (r.size != reference.size) fail(std::string(d.name) + ": output size changed");
      d.seconds.push_back(took.count());
    }
  }

  const double zlib_median = median(decoders[0].seconds);
  std::printf("# %d runs each, interleaved; vs_zlib = zlib's median / this median\n", repeat);
  std::printf("decoder\tmedian_s\tmin_s\tMB/s\tvs_zlib\n");
  for (const decoder& d : decoders) {
    const double m = median(d.seconds);
    const double lo = *std::min_element(d.seconds.begin(), d.seconds.end());
    std::printf("%s\t%.4f\t%.4f\t%.0f\t%.2f\n", d.name, m, lo,
                static_cast<double>(reference.size) / 1e6 / m, zlib_median / m);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "decoder_bench: %s\n", e.what());
    return 1;
  }
}
