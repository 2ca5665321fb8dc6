#pragma once

#include <chrono>
#include <string>

#include "redis_client.h"

namespace mergepipe::cluster {

// Waiting for a job to change without polling: the scripts that create a job, begin a phase
// or end a job add an entry to the `events` stream. A waiter reads the newest entry's id
// first, then looks at what it waits for, then blocks for any entry after that id: a change
// made in between is never missed, and one made later wakes it at once.

/// The id of the newest event ("0-0" when there is none).
std::string newest_event(connection& redis);

/// Blocks until an event newer than `after` exists, or for `limit`.
void wait_for_event(connection& redis, const std::string& after, std::chrono::milliseconds limit);

}  // namespace mergepipe::cluster
