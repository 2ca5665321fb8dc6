#include "scripts.h"

namespace mergepipe::cluster::scripts {
namespace {

// Prepended to the scripts that end a job: from then on its keys live for its --retain time
// (the spec's retain_s; a job submitted before that field existed keeps the default, 7 days).
const std::string retire_job = R"lua(
local function retire(keys)
  local retain = tonumber(redis.call('HGET', keys[1], 'retain_s') or '604800')
  for _, key in ipairs(keys) do redis.call('EXPIRE', key, retain) end
end
)lua";

// Prepended to the scripts that create a job, begin a phase or end a job: an entry in
// mergepipe:events wakes whoever waits for it at once. The job's name follows the spec key's
// "mergepipe:job:".
const std::string announce = R"lua(
local function announce(events, spec, what)
  redis.call('XADD', events, 'MAXLEN', '~', '1000', '*', 'job', string.sub(spec, 15),
             'event', what)
end
)lua";

}  // namespace

const lua_script create_job{announce + R"lua(
local spec, tasks, running = KEYS[1], KEYS[2], KEYS[3]
local existing = redis.call('HGET', spec, 'submit_id')
if existing then
  if existing == ARGV[2] then return 0 end
  -- A cancelled job gives its name back: its keys make way for the new one.
  if redis.call('HGET', spec, 'state') ~= 'cancelled' then return -1 end
  redis.call('DEL', spec, tasks, KEYS[4], KEYS[5], KEYS[6])
end
if redis.call('EXISTS', tasks) == 1 then return -1 end
local i = 5
local fields_end = 5 + tonumber(ARGV[4]) * 2
while i < fields_end do
  redis.call('HSET', spec, ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('HSET', spec, 'state', 'running', 'phase', 'map', 'map_done', '0', 'reduce_done', '0',
           'write_done', '0', 'collect_done', '0', 'bytes_done', '0', 'records_done', '0',
           'bad_records', '0',
           'submitted_ms', ARGV[3])
redis.call('XGROUP', 'CREATE', tasks, 'mergepipe-workers', '0', 'MKSTREAM')
local piece = 0
while i + 3 <= #ARGV do
  redis.call('XADD', tasks, '*', 'kind', 'map', 'task', 'map:' .. piece, 'piece', tostring(piece),
             'input', ARGV[i], 'path', ARGV[i + 1], 'begin', ARGV[i + 2], 'end', ARGV[i + 3])
  piece = piece + 1
  i = i + 4
end
redis.call('SADD', running, ARGV[1])
announce(KEYS[7], spec, 'created')
return 1
)lua"};

const lua_script complete_task{retire_job + announce + R"lua(
local spec, tasks, done, running = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, id, task, kind = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('XACK', tasks, group, id)
if redis.call('HGET', spec, 'state') ~= 'running' then return 0 end
if redis.call('HSETNX', done, task, id) == 0 then return 0 end
-- A task of the next phase that is done already (the phase runs again after a damaged file
-- was made again) is not queued again.
local function add(next_task, ...)
  if redis.call('HEXISTS', done, next_task) == 0 then
    redis.call('XADD', tasks, '*', 'task', next_task, ...)
  end
end
local function begin(phase)
  redis.call('HSET', spec, 'phase', phase)
  announce(KEYS[7], spec, phase)
end
local n = redis.call('HINCRBY', spec, kind .. '_done', 1)
local buckets = tonumber(redis.call('HGET', spec, 'buckets'))
if kind == 'map' then
  -- Counted once, also when a map task runs again to replace a damaged file.
  if redis.call('HSETNX', done, 'counted:' .. task, '1') == 1 then
    redis.call('HINCRBY', spec, 'bytes_done', ARGV[5])
    redis.call('HINCRBY', spec, 'records_done', ARGV[9])
    redis.call('HINCRBY', spec, 'bad_records', ARGV[10])
  end
  if n == tonumber(redis.call('HGET', spec, 'map_total')) then
    for b = 0, buckets - 1 do add('reduce:' .. b, 'kind', 'reduce', 'bucket', tostring(b)) end
    begin('reduce')
  end
elseif kind == 'reduce' then
  if n == buckets then
    local parts = tonumber(redis.call('HGET', spec, 'parts') or '0')
    if parts > 0 then
      -- Last part first: later parts hold more winners (later records win), so the longest
      -- tasks start first and the phase ends evenly.
      for p = parts - 1, 0, -1 do add('write:' .. p, 'kind', 'write', 'part', tostring(p)) end
      begin('write')
    else
      add('collect', 'kind', 'collect')
      begin('collect')
    end
  end
elseif kind == 'write' then
  if n == tonumber(redis.call('HGET', spec, 'parts')) then
    add('collect', 'kind', 'collect')
    begin('collect')
  end
else
  redis.call('HSET', spec, 'state', 'done', 'phase', 'done', 'exit_code', '0',
             'output_records', ARGV[8], 'finished_ms', ARGV[7])
  redis.call('SREM', running, ARGV[6])
  retire({spec, tasks, done, KEYS[5], KEYS[6]})
  announce(KEYS[7], spec, 'done')
end
return 1
)lua"};

const lua_script redo_task{announce + R"lua(
local spec, tasks, done, failures = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local group, id, producer = ARGV[1], ARGV[2], ARGV[3]
redis.call('XACK', tasks, group, id)
if redis.call('HGET', spec, 'state') ~= 'running' then return 'ignored' end
local entry = redis.call('HGET', done, producer)
if not entry then return 'queued' end
local runs = redis.call('HINCRBY', failures, producer .. ':made_again', 1)
if runs > tonumber(redis.call('HGET', spec, 'max_attempts')) then return 'exhausted' end
local found = redis.call('XRANGE', tasks, entry, entry)
if not found[1] then return 'exhausted' end
local kind = string.match(producer, '^(%a+)')
redis.call('HDEL', done, producer)
redis.call('HINCRBY', spec, kind .. '_done', -1)
redis.call('HSET', spec, 'phase', kind)
redis.call('XADD', tasks, '*', unpack(found[1][2]))
announce(KEYS[5], spec, kind)
return 'again'
)lua"};

const lua_script fail_task{retire_job + announce + R"lua(
local spec, tasks, dead, failures = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local done, running = KEYS[5], KEYS[6]
local group, id, task, reason, code, fatal = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
redis.call('XACK', tasks, group, id)
if redis.call('HGET', spec, 'state') ~= 'running' then return 'ignored' end
-- A repeat of a completed task may fail for want of files already cleaned up; a fatal error
-- (an invalid task, bad input) fails the job all the same.
if fatal ~= '1' and redis.call('HEXISTS', done, task) == 1 then return 'ignored' end
local n
if redis.call('HSETNX', failures, 'entry:' .. id, '1') == 1 then
  n = redis.call('HINCRBY', failures, task, 1)
else
  n = tonumber(redis.call('HGET', failures, task) or '0')
end
redis.call('HSET', failures, task .. ':last_error', reason)
local fields = {}
for i = 10, #ARGV do fields[#fields + 1] = ARGV[i] end
local max = tonumber(redis.call('HGET', spec, 'max_attempts'))
if fatal == '1' or n >= max then
  local why = reason
  if fatal ~= '1' then
    why = 'task ' .. task .. ' failed ' .. n .. ' times; last error: ' .. reason
  end
  redis.call('XADD', dead, '*', 'reason', why, 'exit_code', code, 'entry', id,
             'consumer', ARGV[9], unpack(fields))
  redis.call('HSET', spec, 'state', 'failed', 'phase', 'failed', 'reason', why, 'exit_code', code,
             'failed_task', task, 'finished_ms', ARGV[8])
  redis.call('SREM', running, ARGV[7])
  retire({spec, tasks, dead, failures, done})
  announce(KEYS[7], spec, 'failed')
  return 'dead'
end
redis.call('XADD', tasks, '*', unpack(fields))
return 'retry'
)lua"};

const lua_script cancel_job{retire_job + announce + R"lua(
local spec, tasks, dead, failures = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local done, running = KEYS[5], KEYS[6]
local state = redis.call('HGET', spec, 'state')
if not state then return 'unknown' end
if state ~= 'running' then return 'ended:' .. state end
redis.call('HSET', spec, 'state', 'cancelled', 'phase', 'cancelled', 'exit_code', '1',
           'reason', ARGV[3], 'finished_ms', ARGV[2])
redis.call('SREM', running, ARGV[1])
-- Tasks not yet taken are dropped; workers holding one see the state at their next heartbeat.
redis.call('XTRIM', tasks, 'MAXLEN', 0)
retire({spec, tasks, dead, failures, done})
announce(KEYS[7], spec, 'cancelled')
return 'cancelled'
)lua"};

const lua_script heartbeat{R"lua(
if redis.call('HGET', KEYS[2], 'state') ~= 'running' then return -1 end
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if not p[1] then return 2 end
if p[1][2] == ARGV[2] then
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
  return 1
end
return 0
)lua"};

}  // namespace mergepipe::cluster::scripts
