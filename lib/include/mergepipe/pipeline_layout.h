#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mergepipe/export.h"

namespace mergepipe {

/// The engine's steps, always run in this order on every chunk of input.
enum class pipeline_step : std::uint8_t {
  read,        ///< Opens the next input, detects its format, makes the next bytes available.
  decompress,  ///< Decodes a compressed input (gzip, zstd) into the bytes the cut step reads.
  cut,    ///< Finds record boundaries: newlines, or array elements.
  parse,  ///< Validates each record in full and captures its key, timestamp and delete fields.
  stamp,  ///< Encodes the key canonically and the timestamp as an instant.
  order,  ///< In input order: the first bad record, rejects, the pages read for the last time.
  merge,  ///< Keeps the latest record per key in the table.
};

/// The step's name as a layout writes it ("read", "cut", ...).
MERGEPIPE_API std::string_view to_string(pipeline_step step) noexcept;

/// How the steps are grouped into the filters of the pipeline: the step names in order, `|`
/// between two filters, `+` joining steps into one filter. `decompress` may be left out: it
/// then joins `read`, and a layout is written without it when it does. A filter that holds
/// read, decompress, cut or order runs one chunk at a time in input order; any other runs in
/// parallel. Every one of the 64 layouts gives the same result; they differ only in speed.
///
/// @code
///   opts.layout = mergepipe::pipeline_layout::parse("read|cut|parse|stamp|order|merge");
/// @endcode
class MERGEPIPE_API pipeline_layout {
 public:
  static constexpr std::size_t step_count = 7;
  static constexpr std::array<pipeline_step, step_count> steps = {
      pipeline_step::read,  pipeline_step::decompress, pipeline_step::cut,
      pipeline_step::parse, pipeline_step::stamp,      pipeline_step::order,
      pipeline_step::merge};

  /// The default, `read+cut|parse+stamp|order|merge`.
  pipeline_layout() noexcept = default;

  /// Parses a layout such as `read+cut|parse+stamp|order|merge`; throws `mergepipe::error`
  /// (usage) naming the expected form when a step is unknown, out of order, missing or twice.
  static pipeline_layout parse(std::string_view text);

  /// Every layout, from one filter to seven.
  static std::vector<pipeline_layout> all();

  /// The layout as `parse` reads it.
  [[nodiscard]] std::string to_string() const;

  /// The filters in order, each the steps it runs.
  [[nodiscard]] std::vector<std::vector<pipeline_step>> filters() const;

  /// True when a new filter starts after `step` (never after merge, the last).
  [[nodiscard]] bool splits_after(pipeline_step step) const noexcept {
    return (splits_ >> static_cast<unsigned>(step)) & 1u;
  }

  friend bool operator==(const pipeline_layout&, const pipeline_layout&) = default;

 private:
  explicit pipeline_layout(std::uint8_t splits) noexcept : splits_(splits) {}

  // Bit i: a filter ends after step i. The default splits after cut, stamp and order.
  std::uint8_t splits_ = 1u << 2 | 1u << 4 | 1u << 5;
};

}  // namespace mergepipe
