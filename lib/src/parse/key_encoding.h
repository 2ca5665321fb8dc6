#pragma once

#include <string>
#include <string_view>

namespace mergepipe::detail {

/// Keys (and delete-rule values) are encoded into bytes so that two keys are equal exactly
/// when their encodings are byte-equal, and hashing the bytes hashes the key. Each part is
/// self-delimiting, so a composite key is the concatenation of its parts.
///
/// Part layout: one tag byte, then the payload length as a LEB128 varint, then the payload.
///   null    tag 0, empty payload (only used by delete rules)
///   boolean tag 1, payload "\0" or "\1"
///   number  tag 2, payload: canonical exact decimal (see append_number)
///   string  tag 3, payload: the unescaped UTF-8 bytes
enum class key_tag : unsigned char { null = 0, boolean = 1, number = 2, string = 3 };

/// Appends a null part.
void append_null(std::string& out);
/// Appends a boolean part.
void append_bool(std::string& out, bool value);
/// Appends a string part; `unescaped` is the string's value (escapes already resolved).
void append_string(std::string& out, std::string_view unescaped);
/// Appends a number part from the raw text of a JSON number (`-12.50e+3`). The payload is
/// canonical: `1`, `1.0`, `1e0` and `10e-1` encode the same; `-0` equals `0`; no rounding
/// through a double, so `12345678901234567890` and `12345678901234567891` differ. Any
/// magnitude is accepted. Returns false (appending nothing) if the text is not a JSON number.
[[nodiscard]] bool append_number(std::string& out, std::string_view json_number);

/// The encoded key as canonical JSON, for `record_view::key`: a one-part key as its value
/// (`17`, `"u-17"`, `true`), several parts as an array (`[17,"eu"]`). A number reads in its
/// shortest exact decimal form: plain when its exponent E (of d.ddd × 10^E) is in [-6, 21),
/// as JavaScript writes numbers, else `d.ddde+E` (`1.5e+30`, `2e-9`).
std::string key_to_json(std::string_view encoded);

/// Orders two encoded keys for `--order key`: part by part; within a part booleans < numbers
/// < strings (null first); false < true; numbers by exact value; strings by bytes.
/// Returns <0, 0 or >0.
int compare_keys(std::string_view a, std::string_view b) noexcept;

}  // namespace mergepipe::detail
