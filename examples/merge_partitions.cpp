// An ETL step: yesterday's export arrived as partitions, each merged by a job of its own;
// combine the partial results and write the latest record per key as NDJSON.
//
//   merge_partitions OUT.ndjson PARTITION...
//
// The partitions keep their command-line order as their position, so the result is the
// bytes `mergepipe --delete-when op=d PARTITION... -o OUT.ndjson` writes.
#include <mergepipe/mergepipe.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: merge_partitions OUT.ndjson PARTITION...\n";
    return 2;
  }
  mergepipe::options opts;
  opts.rules.key = {"id"};
  opts.rules.timestamp_fields = {"updated_at"};
  opts.rules.delete_rules = {mergepipe::parse_delete_rule("op=d")};
  try {
    // One partial merge per partition, as separate jobs would make them...
    std::vector<mergepipe::merger> partials;
    for (int i = 2; i < argc; ++i) {
      mergepipe::merger& partial = partials.emplace_back(opts);
      partial.add(mergepipe::source::file(argv[i]), {.input = static_cast<std::uint32_t>(i - 2)});
    }
    // ...then combined: the order of the partials does not matter, their positions do.
    mergepipe::merger total(opts);
    for (auto it = partials.rbegin(); it != partials.rend(); ++it) total.absorb(std::move(*it));

    mergepipe::json_file_sink out(argv[1], mergepipe::output_format::ndjson);
    mergepipe::report report = total.finish(out);
    std::cout << report.output_records << " records from " << report.records << " in "
              << report.files << " partitions\n";
  } catch (const mergepipe::error& e) {
    std::cerr << "merge_partitions: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
