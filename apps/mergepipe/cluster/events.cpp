#include "events.h"

#include "keys.h"

namespace mergepipe::cluster {

std::string newest_event(connection& redis) {
  reply newest = redis.command({"XREVRANGE", events, "+", "-", "COUNT", "1"});
  return newest.elements.empty() ? "0-0" : newest.at(0).at(0).str();
}

void wait_for_event(connection& redis, const std::string& after, std::chrono::milliseconds limit) {
  redis.command(
      {"XREAD", "COUNT", "1", "BLOCK", std::to_string(limit.count()), "STREAMS", events, after});
}

}  // namespace mergepipe::cluster
