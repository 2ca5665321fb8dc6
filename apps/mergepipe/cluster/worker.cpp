#include "worker.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <thread>

#include "events.h"
#include "exit_codes.h"
#include "heartbeat.h"
#include "keys.h"
#include "mergepipe/error.h"
#include "path_roots.h"
#include "redis_client.h"
#include "run_task.h"
#include "scripts.h"

namespace mergepipe::cluster {
namespace {

// Thrown from a running task when its job is no longer running (cancelled, or ended while this
// worker was stalled and the task was taken over): the task stops before it writes.
struct job_ended {};

using std::chrono::milliseconds;

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested.store(true); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
}

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}-{}", host[0] != '\0' ? host : "worker", ::getpid());
}

// Test hook, documented in docs/scaling-out.md: stretches every task so that tests can kill or
// stop a worker while it is busy.
milliseconds test_task_delay() {
  const char* text = std::getenv("MERGEPIPE_TEST_TASK_DELAY_MS");
  return milliseconds(text != nullptr ? std::atoll(text) : 0);
}

// A stream entry handed to this worker.
struct entry {
  std::string job;
  std::string id;
  std::vector<std::string> flat;  // field/value pairs, as stored
  std::map<std::string, std::string> fields;
  long long deliveries = 1;
};

entry read_entry(const std::string& job, const reply& r) {
  entry e;
  e.job = job;
  e.id = r.at(0).str();
  for (const reply& item : r.at(1).elements) e.flat.push_back(item.str());
  for (std::size_t i = 0; i + 1 < e.flat.size(); i += 2) e.fields.emplace(e.flat[i], e.flat[i + 1]);
  return e;
}

class worker {
 public:
  worker(const worker_args& args, path_roots roots, const redis_endpoint& where, std::string name,
         std::shared_ptr<spdlog::logger> log)
      : args_(args),
        roots_(std::move(roots)),
        name_(std::move(name)),
        min_idle_(static_cast<long long>(args.visibility_timeout * 1000)),
        log_(std::move(log)),
        redis_(where, milliseconds(60000)),
        heartbeat_(where, name_,
                   std::clamp(milliseconds(min_idle_ / 4), milliseconds(100), milliseconds(5000)),
                   log_) {
    redis_.set_interrupt(&stop_requested);
  }

  int run() {
    warm_up(args_.run);
    log_->info("started (visibility timeout {} s)", args_.visibility_timeout);
    std::string seen;  // the newest event before the jobs were last looked at
    while (!stop_requested.load()) {
      std::optional<std::vector<std::string>> jobs = jobs_to_serve();
      if (!jobs) break;
      if (jobs->empty()) {
        // Idle: wait for the next event (a job created), which wakes it at once; the jobs
        // are looked at again after reading the newest event, so none created meanwhile is
        // missed.
        if (!seen.empty()) wait_for_event(redis_, seen, milliseconds(1000));
        seen = newest_event(redis_);
        continue;
      }
      seen.clear();
      std::optional<entry> next = claim_stale(*jobs);
      if (!next) next = read_new(*jobs);
      if (next) process(*next);
    }
    log_->info("leaving");
    return 0;
  }

 private:
  // The running jobs this worker serves; none (nullopt) once its --job has ended.
  std::optional<std::vector<std::string>> jobs_to_serve() {
    std::vector<std::string> jobs;
    if (!args_.job.empty()) {
      reply state = redis_.command({"HGET", job_keys(args_.job).spec, "state"});
      if (!state.is_nil() && state.str() != "running") {
        log_->info("job {} is {}", args_.job, state.str());
        return std::nullopt;
      }
      if (!state.is_nil()) jobs.push_back(args_.job);
    } else {
      for (const reply& job : redis_.command({"SMEMBERS", running_jobs}).elements) {
        jobs.push_back(job.str());
      }
    }
    return jobs;
  }

  // A task whose worker stopped beating for the visibility timeout is taken over.
  std::optional<entry> claim_stale(const std::vector<std::string>& jobs) {
    for (const std::string& job : jobs) {
      job_keys keys(job);
      reply r = redis_.command(
          {"XAUTOCLAIM", keys.tasks, group, name_, std::to_string(min_idle_), "0-0", "COUNT", "1"});
      for (const reply& item : r.at(1).elements) {
        if (item.is_nil()) continue;
        entry e = read_entry(job, item);
        reply pending = redis_.command({"XPENDING", keys.tasks, group, e.id, e.id, "1"});
        if (!pending.elements.empty()) e.deliveries = pending.at(0).at(3).as_integer();
        log_->warn("reclaimed {} of job {} (delivery {})",
                   e.fields.count("task") ? e.fields["task"] : e.id, job, e.deliveries);
        return e;
      }
    }
    return std::nullopt;
  }

  std::optional<entry> read_new(const std::vector<std::string>& jobs) {
    std::vector<std::string> cmd = {"XREADGROUP", "GROUP", group,  name_,    "COUNT",
                                    "1",          "BLOCK", "1000", "STREAMS"};
    std::map<std::string, std::string> job_of;
    for (const std::string& job : jobs) {
      cmd.push_back(job_keys(job).tasks);
      job_of[cmd.back()] = job;
    }
    cmd.insert(cmd.end(), jobs.size(), ">");
    reply r = redis_.command(cmd);
    for (const reply& stream : r.elements) {
      for (const reply& item : stream.at(1).elements) {
        return read_entry(job_of[stream.at(0).str()], item);
      }
    }
    return std::nullopt;
  }

  const job_spec* spec_of(const std::string& job) {
    job_keys keys(job);
    reply current = redis_.command({"HMGET", keys.spec, "state", "submit_id"});
    if (current.at(0).is_nil() || current.at(0).str() != "running") return nullptr;
    auto cached = specs_.find(job);
    if (cached == specs_.end() || cached->second.submit_id != current.at(1).str()) {
      job_spec spec = job_spec::from_fields(redis_.command({"HGETALL", keys.spec}).fields());
      spec.name = job;
      cached = specs_.insert_or_assign(job, std::move(spec)).first;
    }
    return &cached->second;
  }

  void process(entry& e) {
    job_keys keys(e.job);
    std::string label = e.fields.count("task") ? e.fields["task"] : "entry " + e.id;
    heartbeat_.working_on(keys.tasks, keys.spec, e.id, fmt::format("{} {}", e.job, label));
    const job_spec* spec = nullptr;
    try {
      spec = spec_of(e.job);
    } catch (const error& ex) {
      fail(e, label, ex.what(), errc::io, true);
      heartbeat_.idle();
      return;
    }
    if (spec == nullptr) {
      redis_.command({"XACK", keys.tasks, group, e.id});  // the job ended meanwhile
      heartbeat_.idle();
      return;
    }
    // Checked before the task is read: its checks look at the input file itself.
    if (std::optional<std::string> path = roots_.outside(*spec)) {
      fail(e, label,
           fmt::format("worker {} refuses the job: {} lies outside its --allow-root directories "
                       "({})",
                       name_, *path, roots_.describe()),
           errc::bad_input, true);
      heartbeat_.idle();
      return;
    }
    reply failed = redis_.command({"HGET", keys.failures, label});
    long long attempts = (failed.is_nil() ? 0 : failed.as_integer()) + e.deliveries;
    if (attempts > spec->max_attempts) {
      fail(e, label,
           fmt::format("task {} was started {} times without finishing (its workers died or "
                       "were killed: out of memory?)",
                       label, attempts - 1),
           errc::io, true);
    } else {
      run_one(e, label, *spec);
    }
    heartbeat_.idle();
  }

  void run_one(entry& e, const std::string& label, const job_spec& spec) {
    job_keys keys(e.job);
    auto started = std::chrono::steady_clock::now();
    bool abandoned = false;
    try {
      task t = parse_task(e.fields, spec);
      log_->info("{} {}: started", e.job, label);
      if (auto delay = test_task_delay(); delay.count() > 0) std::this_thread::sleep_for(delay);
      task_result result = run_task(t, spec, args_.run, [this] {
        if (heartbeat_.abandoned()) throw job_ended{};
      });
      bool first =
          redis_
              .eval(scripts::complete_task,
                    {keys.spec, keys.tasks, keys.done, running_jobs, keys.dead, keys.failures,
                     events},
                    {group, e.id, t.id, e.fields["kind"], std::to_string(result.bytes), e.job,
                     std::to_string(unix_time_ms()), std::to_string(result.output_records),
                     std::to_string(result.records), std::to_string(result.bad_records)})
              .as_integer() == 1;
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      log_->info("{} {}: done in {:.2f} s, wrote {} bytes{}", e.job, label, seconds,
                 result.written_bytes, first ? "" : " (already done elsewhere: nothing changed)");
      if (first && t.kind == task::type::collect) {
        log_->info("job {} done: {} records written to {}", e.job, result.output_records,
                   spec.output);
      }
    } catch (const job_ended&) {
      redis_.command({"XACK", keys.tasks, group, e.id});
      abandoned = true;
    } catch (const producer_needed& needed) {
      make_again(e, label, spec, needed);
    } catch (const error& ex) {
      fail(e, label, ex.what(), ex.code(), ex.code() != errc::io);
    } catch (const std::exception& ex) {
      fail(e, label, ex.what(), errc::io, false);
    }
    // A job that ended (done, by this collect task or another, failed or cancelled) needs no
    // intermediate file any more: this task may also have been a late repeat, or writing when
    // the job was cancelled.
    reply state = redis_.command({"HGET", keys.spec, "state"});
    if (abandoned) {
      log_->info("{} {}: the job is {}: task abandoned, nothing written", e.job, label,
                 state.is_nil() ? "gone" : state.str());
    }
    if (!state.is_nil() && state.str() != "running") remove_partials(spec);
  }

  // A file of an earlier task is torn (a crash of its host, since intermediate files are not
  // synced): that task runs again, then this one.
  void make_again(const entry& e, const std::string& label, const job_spec& spec,
                  const producer_needed& needed) {
    job_keys keys(e.job);
    std::string outcome =
        redis_
            .eval(scripts::redo_task, {keys.spec, keys.tasks, keys.done, keys.failures, events},
                  {group, e.id, needed.producer})
            .str();
    if (outcome == "exhausted") {
      fail(e, label,
           fmt::format("{} (its task {} was run again {} times)", needed.reason, needed.producer,
                       spec.max_attempts),
           errc::io, true);
    } else if (outcome != "ignored") {
      log_->warn("{} {}: {}: {} runs again{}, then this task", e.job, label, needed.reason,
                 needed.producer, outcome == "queued" ? " (already queued)" : "");
    }
  }

  void fail(const entry& e, const std::string& label, const std::string& reason, errc code,
            bool fatal) {
    job_keys keys(e.job);
    std::vector<std::string> args = {group,
                                     e.id,
                                     label,
                                     reason,
                                     std::to_string(cli::exit_code_for(code)),
                                     fatal ? "1" : "0",
                                     e.job,
                                     std::to_string(unix_time_ms()),
                                     name_};
    args.insert(args.end(), e.flat.begin(), e.flat.end());
    std::string outcome = redis_
                              .eval(scripts::fail_task,
                                    {keys.spec, keys.tasks, keys.dead, keys.failures, keys.done,
                                     running_jobs, events},
                                    args)
                              .str();
    if (outcome == "dead") {
      log_->error("{} {}: {} -> dead-letter stream {}; job {} failed", e.job, label, reason,
                  keys.dead, e.job);
    } else if (outcome == "retry") {
      log_->warn("{} {}: {} (queued again)", e.job, label, reason);
    } else {
      log_->info("{} {}: {} (ignored: the job has ended, or the task was done elsewhere)", e.job,
                 label, reason);
    }
  }

  const worker_args& args_;
  path_roots roots_;
  std::string name_;
  long long min_idle_;
  std::shared_ptr<spdlog::logger> log_;
  connection redis_;
  heartbeat_keeper heartbeat_;
  std::map<std::string, job_spec> specs_;
};

}  // namespace

int run_worker(const worker_args& args) {
  redis_endpoint where = parse_redis_url(args.redis_url);
  if (!args.job.empty()) check_job_name(args.job);
  std::string name = args.name.empty() ? default_worker_name() : args.name;
  check_job_name(name, "worker name");
  if (!(args.visibility_timeout >= 0.1)) {
    throw error(errc::usage, "--visibility-timeout must be at least 0.1 seconds");
  }
  path_roots roots(args.allowed_roots);
  install_stop_handlers();
  auto log = std::make_shared<spdlog::logger>("mergepipe-worker",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_pattern(fmt::format("%H:%M:%S.%e mergepipe worker {}: %v", name));
  worker w(args, std::move(roots), where, name, log);
  return w.run();
}

}  // namespace mergepipe::cluster
