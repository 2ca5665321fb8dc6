#pragma once
// The failures sumbench reports, each with its exit code (see main.cpp).

#include <stdexcept>

namespace sumbench {

/// A bad command line: exit code 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file that cannot be written, or gnuplot missing or failing: exit code 3.
class io_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sumbench
