#include "commands.h"

#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstring>

#include "cancel.h"
#include "command_line.h"
#include "exit_codes.h"
#include "job_list.h"
#include "job_status.h"
#include "job_wait.h"
#include "keys.h"
#include "redis_client.h"
#include "submit.h"
#include "worker.h"

namespace mergepipe::cluster {
namespace {

constexpr const char* redis_help =
    "Redis URL redis://[[user]:password@]host[:port][/db]; the password may also come from "
    "MERGEPIPE_REDIS_PASSWORD";

void add_submit_options(CLI::App& app, submit_args& args) {
  app.add_option("--redis", args.redis_url, redis_help)->type_name("URL")->required();
  app.add_option("--job", args.job, "Job name: letters, digits, '.', '_', '-'")
      ->type_name("NAME")
      ->required();
  app.add_option("--storage", args.storage,
                 "Directory for partial results, at the same path on every worker host")
      ->type_name("DIR")
      ->required();
  app.add_option("-o,--output", args.output, "Output file, at the same path on every worker host")
      ->type_name("FILE")
      ->required();
  app.add_option("inputs", args.inputs, "Input files, at the same paths on every worker host")
      ->type_name("FILE")
      ->required();
  cli::add_positive_number(app, "--pieces-mb", args.pieces_mb, "MIB",
                           "Map task size in MiB, fractions allowed (default: 4 tasks per live "
                           "worker, 8 to 64)");
  cli::add_count(app, "--buckets", args.buckets,
                 "Reduce tasks, key partitions (default: one per live worker, at least 4)");
  cli::add_count(app, "--max-attempts", args.max_attempts,
                 "Attempts per task before it is given up (default 3)");
  app.add_flag("--wait", args.wait, "Wait for the job; exit with its exit code");
  app.add_option("--retain", args.retain,
                 "How long the job's keys stay in Redis once it has ended (done, failed or "
                 "cancelled): 30s, 12h, 7d (default 7d)")
      ->type_name("DURATION");
  cli::add_result_options(app, args.rules);
  cli::add_bad_record_options(app, args.on_error, args.rejects);
}

void add_worker_options(CLI::App& app, worker_args& args) {
  app.add_option("--redis", args.redis_url, redis_help)->type_name("URL")->required();
  app.add_option("--job", args.job, "Serve only this job and leave when it ends")
      ->type_name("NAME");
  app.add_option("--name", args.name, "Consumer name (default: host name and process id)")
      ->type_name("ID");
  cli::add_positive_number(app, "--visibility-timeout", args.visibility_timeout, "SECONDS",
                           "Seconds without a heartbeat before other workers reclaim a task "
                           "(default 60, the same on every worker)");
  app.add_option("--allow-root", args.allowed_roots,
                 "Run only jobs whose inputs, output, rejects and storage lie under DIR (after "
                 "resolving links); repeat for more directories. Recommended for every deployment")
      ->type_name("DIR");
  cli::add_memory_options(app, args.run);
}

struct status_args {
  std::string redis_url;
  std::string job;
  bool json = false;
};

struct jobs_args {
  std::string redis_url;
  bool json = false;
};

void add_jobs_options(CLI::App& app, jobs_args& args) {
  app.add_option("--redis", args.redis_url, redis_help)->type_name("URL")->required();
  app.add_flag("--json", args.json, "Print one JSON array");
}

int show_jobs(const jobs_args& args) {
  connection redis(parse_redis_url(args.redis_url), std::chrono::milliseconds(0));
  std::vector<job_summary> jobs = list_jobs(redis);
  fmt::print("{}", args.json ? jobs_to_json(jobs) : jobs_to_text(jobs));
  return 0;
}

void add_cancel_options(CLI::App& app, cancel_args& args) {
  app.add_option("--redis", args.redis_url, redis_help)->type_name("URL")->required();
  app.add_option("--job", args.job, "Job name")->type_name("NAME")->required();
}

void add_status_options(CLI::App& app, status_args& args) {
  app.add_option("--redis", args.redis_url, redis_help)->type_name("URL")->required();
  app.add_option("--job", args.job, "Job name")->type_name("NAME")->required();
  app.add_flag("--json", args.json, "Print one JSON object");
}

int show_status(const status_args& args) {
  check_job_name(args.job);
  connection redis(parse_redis_url(args.redis_url), std::chrono::milliseconds(0));
  std::optional<job_status> s = read_status(redis, args.job);
  if (!s) {
    throw error(errc::usage, fmt::format("no job {} in Redis (an ended job is kept only for its "
                                         "submit --retain time, 7 days by default)",
                                         args.job));
  }
  fmt::print("{}", args.json ? to_json(*s) : to_text(*s));
  if (s->state != "failed" && s->state != "cancelled") return 0;
  if (!args.json) {
    fmt::print(stderr, "mergepipe: JOB {} {}: {}\n", args.job,
               s->state == "failed" ? "FAILED" : "CANCELLED", s->reason);
  }
  return s->exit_code != 0 ? s->exit_code : cli::exit_io;
}

}  // namespace

int run_command(int argc, char** argv) {
  // A write to a connection Redis closed must fail, not kill the process.
  ::signal(SIGPIPE, SIG_IGN);
  std::string command = std::string("mergepipe ") + argv[0];
  CLI::App app;
  app.name(command);
  submit_args submit;
  worker_args worker;
  status_args status;
  cancel_args cancel;
  jobs_args jobs;
  if (std::strcmp(argv[0], "submit") == 0) {
    app.description("Queue a merge as map, reduce and collect tasks for workers (Redis Streams)");
    add_submit_options(app, submit);
  } else if (std::strcmp(argv[0], "worker") == 0) {
    app.description("Run tasks of distributed merges until SIGTERM/SIGINT");
    add_worker_options(app, worker);
  } else if (std::strcmp(argv[0], "jobs") == 0) {
    app.description("List the running distributed merges and the ended ones still retained");
    add_jobs_options(app, jobs);
  } else if (std::strcmp(argv[0], "cancel") == 0) {
    app.description("Cancel a running distributed merge; its name can then be submitted again");
    add_cancel_options(app, cancel);
  } else {
    app.description("Show a distributed merge's progress, queue and workers");
    add_status_options(app, status);
  }
  try {
    app.parse(argc, argv);
    submit.rules.validate();  // rules that each parse but do not go together
    cli::check_bad_record_options(submit.on_error, submit.rejects);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    cli::report_parse_error(e, app, command);
    return cli::exit_usage;
  } catch (const error& e) {
    cli::report_usage_error(e.what(), command);
    return cli::exit_usage;
  }
  try {
    if (std::strcmp(argv[0], "submit") == 0) return submit_job(submit);
    if (std::strcmp(argv[0], "worker") == 0) return run_worker(worker);
    if (std::strcmp(argv[0], "cancel") == 0) return cancel_job(cancel);
    if (std::strcmp(argv[0], "jobs") == 0) return show_jobs(jobs);
    return show_status(status);
  } catch (const error& e) {
    fmt::print(stderr, "{}: {}\n", command, e.what());
    return cli::exit_code_for(e.code());
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: internal error: {}\n", command, e.what());
    return cli::exit_io;
  }
}

}  // namespace mergepipe::cluster
