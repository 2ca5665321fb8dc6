// An ETL step: the latest record per user as CSV for a database load, without a second
// parse of every record: the merge hands each winner over as data (its key and time as it
// read them), and simdjson reads the other columns straight from the record's bytes.
//
//   export_csv OUT.csv INPUT...
//
// Columns: id, updated_at (UTC, as the merge understood it), email, city. Load it with, for
// example, `duckdb users.db "CREATE TABLE users AS FROM 'OUT.csv'"`.
#include <mergepipe/mergepipe.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + '"';
}

std::string iso_utc(const mergepipe::instant& t) {
  using namespace std::chrono;
  const sys_seconds at{seconds{t.seconds}};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%09u",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long>(time.hours().count()),
                static_cast<long>(time.minutes().count()),
                static_cast<long>(time.seconds().count()), t.nanos);
  std::string iso = text;
  iso.erase(iso.find_last_not_of('0') + 1);  // 12:00:00.500000000 reads 12:00:00.5
  if (iso.back() == '.') iso.pop_back();
  return iso + 'Z';
}

// The text of a string field, or "" when it is absent or not a string.
template <typename Value>
std::string_view text_of(Value&& value) {
  std::string_view text;
  return std::forward<Value>(value).get_string().get(text) == simdjson::SUCCESS ? text : "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: export_csv OUT.csv INPUT...\n";
    return 2;
  }
  mergepipe::options opts;
  opts.inputs.assign(argv + 2, argv + argc);
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  std::ofstream out(argv[1]);
  out << "id,updated_at,email,city\n";
  simdjson::ondemand::parser parser;
  mergepipe::callback_sink rows([&](const mergepipe::record_view& record) {
    // The record's bytes are followed by `padding` readable bytes: parsed where they lie.
    std::string_view json = record.json();
    simdjson::ondemand::document doc =
        parser.iterate(json.data(), json.size(), json.size() + mergepipe::record_view::padding);
    std::string email(text_of(doc["email"]));
    std::string city(text_of(doc.at_pointer("/address/city")));
    auto time = record.time();
    out << csv(record.key()) << ',' << (time ? iso_utc(*time) : "") << ',' << csv(email) << ','
        << csv(city) << '\n';
  });
  try {
    mergepipe::report r = mergepipe::merge(opts, rows);
    out.close();
    if (!out) throw mergepipe::error(mergepipe::errc::io, std::string(argv[1]) + ": write failed");
    std::cout << r.output_records << " rows\n";
  } catch (const std::exception& e) {
    std::cerr << "export_csv: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
