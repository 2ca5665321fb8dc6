#include "read/input_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace mergepipe::detail {
namespace {

std::unique_ptr<input_source> open_source(const source& from) {
  switch (from.type()) {
    case source::kind::file:
      return std::make_unique<input_source>(from.path(), from.name());
    case source::kind::buffer:
      if (from.owned_bytes()) {
        return std::make_unique<input_source>(from.owned_bytes(), from.bytes().size(), from.name());
      }
      return std::make_unique<input_source>(from.bytes(), from.name());
    case source::kind::stream:
      break;
  }
  return std::make_unique<input_source>(*from.stream(), from.name());
}

// How a partial file names an input file: absolute, normalised.
std::string absolute_path(const input_source& in) {
  return std::filesystem::absolute(in.path()).lexically_normal().string();
}

}  // namespace

void input_set::open(const source& from, position at) {
  std::unique_ptr<input_source> in = open_source(from);
  std::uint64_t begin = from.range_begin();
  std::uint64_t end = from.range_end();
  bool whole = begin == 0 && end == UINT64_MAX;
  if (!whole && (begin > end || end > in->known_size() || !in->complete())) {
    throw error(errc::usage,
                fmt::format("byte range [{}, {}) is not inside the file ({} bytes)", begin, end,
                            in->known_size()),
                location{from.name()});
  }
  // A compressed file is one piece (cut_into_pieces makes it so): it is decoded from its start.
  if (!whole && detect_compression(in->data(), in->size()) != compression::none) {
    if (begin != 0 || end != in->size()) {
      throw error(errc::usage,
                  fmt::format("byte range [{}, {}) of a compressed file: it can only be read whole",
                              begin, end),
                  location{from.name()});
    }
    end = UINT64_MAX;
  }
  bool by_path = from.type() == source::kind::file;
  inputs_.push_back(std::make_unique<opened_input>(std::move(in), at, begin, end, by_path));
}

void input_set::keep(std::unique_ptr<input_source> file) {
  inputs_.push_back(std::make_unique<opened_input>(std::move(file), position{}, 0, UINT64_MAX));
}

std::vector<referable_file> input_set::referable_files() const {
  std::vector<referable_file> files;
  for (const auto& input : inputs_) {
    if (!input->referable()) continue;
    const input_source& in = input->source();
    referable_file file{
        input->at().input, absolute_path(in), in.size(), in.modified(), {in.data()}};
    auto same_index = std::find_if(files.begin(), files.end(),
                                   [&](const referable_file& f) { return f.input == file.input; });
    if (same_index == files.end()) {
      files.push_back(std::move(file));
    } else if (same_index->path == file.path && same_index->size == file.size) {
      same_index->mappings.push_back(in.data());  // another piece of the file
    } else {                                      // two files at one index: neither is referred to
      same_index->path.clear();
      same_index->mappings.clear();
    }
  }
  std::erase_if(files, [](const referable_file& f) { return f.mappings.empty(); });
  std::sort(files.begin(), files.end(),
            [](const referable_file& a, const referable_file& b) { return a.input < b.input; });
  return files;
}

const char* input_set::open_referenced(const referable_file& file) {
  for (const auto& input : inputs_) {
    if (input->referable() && input->at().input == file.input &&
        absolute_path(input->source()) == file.path && input->source().size() == file.size) {
      return input->data();
    }
  }
  auto in = std::make_unique<input_source>(file.path, file.path);
  timespec modified = in->modified();
  if (in->size() != file.size || modified.tv_sec != file.modified.tv_sec ||
      modified.tv_nsec != file.modified.tv_nsec) {
    throw error(errc::io,
                "changed since a partial merge that refers to its records was saved (its size or "
                "modification time differ)",
                location{file.path});
  }
  const char* data = in->data();
  inputs_.push_back(
      std::make_unique<opened_input>(std::move(in), position{file.input, 0}, 0, UINT64_MAX, true));
  return data;
}

void input_set::take(input_set&& other) {
  for (auto& input : other.inputs_) inputs_.push_back(std::move(input));
  other.inputs_.clear();
}

std::uint64_t input_set::known_bytes() const noexcept {
  std::uint64_t total = 0;
  for (const auto& input : inputs_) {
    std::uint64_t size = input->source().known_size();
    total += std::min(size, input->end()) - std::min(size, input->begin());
  }
  return total;
}

input_source::page_run input_set::release_later_before(const char* record) noexcept {
  for (const auto& input : inputs_) {
    const input_source& in = input->source();
    if (record < in.data() || record >= in.data() + in.size()) continue;
    return input->release_later_before(static_cast<std::uint64_t>(record - in.data()));
  }
  return {};
}

location input_set::locate_bytes(const char* bytes) const {
  for (const auto& input : inputs_) {
    const input_source& in = input->source();
    if (bytes < in.data() || bytes >= in.data() + in.size()) continue;
    return location{in.name(), 0, 0,
                    input->at().offset + static_cast<std::uint64_t>(bytes - in.data())};
  }
  return location{};
}

void input_set::restart_release() noexcept {
  for (const auto& input : inputs_) input->restart_release();
}

void input_set::check_unchanged() const {
  for (const auto& input : inputs_) input->source().check_unchanged();
}

}  // namespace mergepipe::detail
