// Merges the file named on the command line and prints the winners, through the public API.
#include <mergepipe/mergepipe.h>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  mergepipe::options opts;
  opts.inputs = {argv[1]};
  mergepipe::callback_sink out([](std::string_view record) { std::cout << record << '\n'; });
  try {
    mergepipe::report report = mergepipe::merge(opts, out);
    std::cout << report.output_records << " records\n";
  } catch (const mergepipe::error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  return 0;
}
