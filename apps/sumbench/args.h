#pragma once
// Command-line values of sumbench: parsing and checks. A bad value throws usage_error, which the
// driver turns into one line on stderr and exit code 2.

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "errors.h"
#include "generator.h"
#include "methods/methods.h"

namespace sumbench {

/// Largest accepted size: beyond it n * 8 bytes is no longer a memory size anyone has.
inline constexpr std::uint64_t max_n = std::uint64_t{1} << 40;
/// Largest accepted thread count.
inline constexpr int max_threads = 1024;

/// Parses a size: `1000000`, `1e6`, `2.5e6`, `10k`, `4M`, `1G` (decimal multipliers); the value
/// must be a whole number from 1 to max_n.
inline std::uint64_t parse_size(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return usage_error(
        fmt::format("--n: '{}' {} (sizes look like 1000000, 1e6, 2.5e6 or 10M)", text, why));
  };
  std::string digits;  // all mantissa digits, without the point
  int exponent = 0;    // value = digits * 10^exponent
  std::size_t i = 0;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  for (; i < text.size() && is_digit(text[i]); ++i) digits += text[i];
  if (digits.empty()) throw bad("is not a size");
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i, --exponent) digits += text[i];
  }
  if (i < text.size()) {
    const char c = text[i++];
    if (c == 'e' || c == 'E') {
      if (i == text.size()) throw bad("is not a size");
      int e = 0;
      for (; i < text.size() && is_digit(text[i]); ++i) {
        e = std::min(e * 10 + (text[i] - '0'), 1000);  // 1000 is already far too large
      }
      exponent += e;
    } else if (c == 'k' || c == 'K') {
      exponent += 3;
    } else if (c == 'M') {
      exponent += 6;
    } else if (c == 'G') {
      exponent += 9;
    } else {
      throw bad("is not a size");
    }
    if (i != text.size()) throw bad("is not a size");
  }
  // Drop zeros that the exponent cannot absorb as trailing zeros of a whole number.
  while (exponent < 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0) throw bad("is not a whole number");
  std::uint64_t n = 0;
  for (const char d : digits) {
    n = n * 10 + static_cast<std::uint64_t>(d - '0');
    if (n > max_n) throw bad(fmt::format("is too large (at most {})", max_n));
  }
  for (int e = 0; e < exponent && n != 0; ++e) {
    n *= 10;
    if (n > max_n) throw bad(fmt::format("is too large (at most {})", max_n));
  }
  if (n == 0) throw bad("is zero; a size must be at least 1");
  return n;
}

/// A size the way a person writes it: 1e6, 25e3, 1234.
inline std::string format_size(std::uint64_t n) {
  int zeros = 0;
  std::uint64_t m = n;
  while (m != 0 && m % 10 == 0) {
    m /= 10;
    ++zeros;
  }
  return zeros >= 3 ? fmt::format("{}e{}", m, zeros) : fmt::format("{}", n);
}

/// The element type summed.
enum class value_type { f64, i64 };

/// "double" or "int64".
inline std::string_view type_name(value_type t) {
  return t == value_type::f64 ? "double" : "int64";
}

/// Bytes per value, for both types.
inline constexpr std::size_t value_bytes = 8;

/// Parses --type.
inline value_type parse_type(std::string_view text) {
  if (text == "double") return value_type::f64;
  if (text == "int64") return value_type::i64;
  throw usage_error(fmt::format("--type: unknown type '{}' (expected double or int64)", text));
}

/// Parses --method names ("all" means every method). `serial` is always included, first: it is
/// the baseline of every speedup. Returns methods in report order, each once.
inline std::vector<const method_info*> parse_methods(const std::vector<std::string>& names) {
  std::vector<bool> chosen(all_methods.size(), false);
  chosen[0] = true;  // serial
  for (const auto& name : names) {
    if (name == "all") {
      std::fill(chosen.begin(), chosen.end(), true);
      continue;
    }
    const method_info* m = find_method(name);
    if (m == nullptr) {
      std::string known;
      for (const auto& k : all_methods) known += fmt::format("{}, ", k.name);
      throw usage_error(
          fmt::format("--method: unknown method '{}' (expected {}or all)", name, known));
    }
    chosen[static_cast<std::size_t>(m - all_methods.data())] = true;
  }
  std::vector<const method_info*> out;
  for (std::size_t k = 0; k < all_methods.size(); ++k) {
    if (chosen[k]) out.push_back(&all_methods[k]);
  }
  return out;
}

/// Checks --threads and returns it sorted, each count once.
inline std::vector<int> check_threads(std::vector<int> threads) {
  if (threads.empty()) throw usage_error("--threads: give at least one thread count");
  for (const int t : threads) {
    if (t < 1 || t > max_threads) {
      throw usage_error(
          fmt::format("--threads: thread count must be from 1 to {}, got {}", max_threads, t));
    }
  }
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  return threads;
}

/// Parses the --n list, sorted, each size once; int64 sizes must keep the sum exact.
inline std::vector<std::uint64_t> parse_sizes(const std::vector<std::string>& texts,
                                              value_type type) {
  if (texts.empty()) throw usage_error("--n: give at least one size");
  std::vector<std::uint64_t> sizes;
  for (const auto& t : texts) {
    const std::uint64_t n = parse_size(t);
    if (type == value_type::i64 && n > max_int64_n) {
      throw usage_error(
          fmt::format("--n: {} int64 values could overflow the sum (at most {} for --type int64)",
                      t, max_int64_n));
    }
    sizes.push_back(n);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

/// Checks that --plot names an .svg or .png file.
inline void check_plot_path(std::string_view path) {
  const auto ends_with = [&](std::string_view s) {
    return path.size() > s.size() && path.substr(path.size() - s.size()) == s;
  };
  if (!ends_with(".svg") && !ends_with(".png")) {
    throw usage_error(fmt::format("--plot: '{}' must end in .svg or .png", path));
  }
}

}  // namespace sumbench
