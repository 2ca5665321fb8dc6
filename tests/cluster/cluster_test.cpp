// The distributed mode end to end: a redis-server of the test's own, `mergepipe submit`,
// workers that join late, die, are stopped, or lose Redis for a while, poisoned tasks, and
// jobs outside a worker's allowed roots.
// Every run's output must equal the single-machine command's, byte for byte.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>

#include "cli/cli_runner.h"
#include "cluster/job_sizing.h"
#include "cluster/keys.h"
#include "cluster/output_part.h"
#include "cluster/path_roots.h"
#include "cluster/redis_url.h"
#include "cluster/run_task.h"
#include "cluster/scripts.h"
#include "cluster_harness.h"
#include "compressed_data.h"
#include "mergepipe/error.h"
#include "record_generator.h"

namespace mergepipe::cluster_testing {
namespace {

using cli_testing::run_mergepipe;
using cli_testing::temp_dir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class cluster_test : public ::testing::Test {
 protected:
  void SetUp() override { start_redis(); }

  void start_redis(const std::string& password = {}) {
    std::filesystem::create_directories(dir_.file("redis"));
    redis_.emplace(dir_.file("redis"), password);
    db_.emplace(redis_->endpoint(), 10s);
  }

  // NDJSON and arrays (pretty and compact), updates of the same keys across files, deletes;
  // with `versions`, a "version" field too; with `bad`, a bad record every 97 (no key, a key
  // that is an object, a boolean timestamp, invalid UTF-8, and in NDJSON, a line that is not
  // JSON), so that most pieces have some.
  std::vector<std::string> write_inputs(bool versions = false, bool bad = false) {
    auto join = [bad](const std::vector<testing::generated_record>& records, bool array,
                      bool pretty) {
      static const char* bad_records[] = {R"({"x":1})", R"({"id":{}})",
                                          R"({"id":7,"updated_at":true})", "{\"id\":\"\xff\"}",
                                          "not json"};
      std::string out = array ? "[" : "";
      for (std::size_t i = 0; i < records.size(); ++i) {
        std::string record = pretty ? testing::pretty(records[i].json) : records[i].json;
        if (bad && i % 97 == 50) record = bad_records[(i / 97) % (array ? 4 : 5)];
        if (array && i > 0) out += pretty ? ",\n" : ",";
        out += record;
        if (!array) out += "\n";
      }
      return out + (array ? "]\n" : "");
    };
    return {
        dir_.write("a.ndjson",
                   join(testing::generate_records(1, 600, 150, versions), false, false)),
        dir_.write("b.json", join(testing::generate_records(2, 300, 150, versions), true, true)),
        dir_.write("c.ndjson",
                   join(testing::generate_records(3, 400, 150, versions), false, false)),
        dir_.write("d.json", join(testing::generate_records(4, 300, 150, versions), true, false))};
  }

  std::vector<std::string> submit_args(const std::string& job, const std::string& output,
                                       const std::vector<std::string>& inputs,
                                       const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"submit",
                                     "--redis",
                                     redis_->url(),
                                     "--job",
                                     job,
                                     "--storage",
                                     dir_.file("storage"),
                                     "--pieces-mb",
                                     "0.03",
                                     "--buckets",
                                     "3",
                                     "--delete-when",
                                     "op=d",
                                     "-o",
                                     output};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), inputs.begin(), inputs.end());
    return args;
  }

  // What one machine writes for the same inputs and options.
  std::string single_machine(const std::vector<std::string>& inputs,
                             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--delete-when", "op=d"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), inputs.begin(), inputs.end());
    cli_testing::cli_result r = run_mergepipe(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
    return r.out;
  }

  process& start(const std::vector<std::string>& args, const std::string& log,
                 const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {MERGEPIPE_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    processes_.push_back(std::make_unique<process>(argv, dir_.file(log), env));
    return *processes_.back();
  }

  // A worker with a visibility timeout of 2 s unless `more` gives one.
  process& worker(const std::string& name, const std::vector<std::string>& env = {},
                  const std::string& job = "", const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"worker", "--redis", redis_->url(), "--name", name};
    if (std::find(more.begin(), more.end(), "--visibility-timeout") == more.end()) {
      args.insert(args.end(), {"--visibility-timeout", "2"});
    }
    if (!job.empty()) args.insert(args.end(), {"--job", job});
    args.insert(args.end(), more.begin(), more.end());
    return start(args, name + ".log", env);
  }

  std::string field(const std::string& job, const std::string& name) {
    cluster::reply r = db_->command({"HGET", cluster::job_keys(job).spec, name});
    return r.is_nil() ? std::string() : r.str();
  }

  long long number(const std::string& job, const std::string& name) {
    std::string text = field(job, name);
    return text.empty() ? 0 : std::stoll(text);
  }

  long long pending(const std::string& job) {
    cluster::reply r = db_->command({"XPENDING", cluster::job_keys(job).tasks, cluster::group});
    return r.at(0).as_integer();
  }

  static void wait_until(const std::function<bool()>& ready, std::chrono::seconds limit,
                         const std::string& what) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!ready()) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("timed out waiting until " + what);
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  void wait_for_state(const std::string& job, const std::string& state) {
    wait_until([&] { return field(job, "state") == state; }, 60s, "job " + job + " is " + state);
  }

  temp_dir dir_;
  std::optional<redis_server> redis_;
  std::optional<cluster::connection> db_;
  std::vector<std::unique_ptr<process>> processes_;  // killed before the server
};

// Outputs in progress (".OUTPUT.mergepipe-JOB-ID") left in the test's directory.
std::size_t outputs_in_progress(const temp_dir& dir) {
  std::size_t found = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    found += entry.path().filename().string().find(".mergepipe-") != std::string::npos;
  }
  return found;
}

// Files left in a job's storage directory.
std::size_t files_in(const std::string& dir) {
  std::error_code missing;
  auto entries = std::filesystem::directory_iterator(dir, missing);
  return missing ? 0 : static_cast<std::size_t>(std::distance(entries, {}));
}

TEST_F(cluster_test, three_workers_match_the_single_machine_output) {
  std::vector<std::string> inputs = write_inputs();
  for (int w = 1; w <= 3; ++w) worker("w" + std::to_string(w), {}, "plain");
  cli_testing::cli_result r =
      run_mergepipe(submit_args("plain", dir_.file("plain.ndjson"), inputs, {"--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("job plain done"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(dir_.file("plain.ndjson")), single_machine(inputs));
  for (auto& p : processes_) EXPECT_EQ(p->wait(10s), 0) << p->log();  // they leave with the job
  EXPECT_FALSE(std::filesystem::exists(dir_.file("storage/plain")));  // partials removed
  // A pretty array among the inputs: minifying shortened its records, so the parts written in
  // place were joined into the output.
  auto collect_log = [&] {
    for (auto& p : processes_) {
      const std::string log = p->log();
      const std::size_t at = log.find(" collect: done in ");
      if (at != std::string::npos) return log.substr(at, log.find('\n', at) - at);
    }
    return std::string("no collect task");
  };
  EXPECT_EQ(collect_log().find(", wrote 0 bytes"), std::string::npos) << collect_log();
  EXPECT_EQ(outputs_in_progress(dir_), 0u);

  // Minified NDJSON only: the parts lie end to end, and the output in progress is renamed
  // into place, in the mode of the output it replaces.
  processes_.clear();
  for (int w = 1; w <= 2; ++w) worker("n" + std::to_string(w), {}, "in-place");
  const std::vector<std::string> compact = {inputs[0], inputs[2]};
  dir_.write("in-place.ndjson", "old");
  std::filesystem::permissions(dir_.file("in-place.ndjson"), std::filesystem::perms(0640));
  r = run_mergepipe(submit_args("in-place", dir_.file("in-place.ndjson"), compact, {"--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("in-place.ndjson")), single_machine(compact));
  for (auto& p : processes_) EXPECT_EQ(p->wait(10s), 0) << p->log();
  EXPECT_NE(collect_log().find(", wrote 0 bytes"), std::string::npos) << collect_log();
  EXPECT_EQ(std::filesystem::status(dir_.file("in-place.ndjson")).permissions(),
            std::filesystem::perms(0640));
  EXPECT_EQ(outputs_in_progress(dir_), 0u);

  // In input order, write tasks write the output's parts side by side; arrays are framed when
  // the parts are joined, an empty output too.
  processes_.clear();
  for (int w = 1; w <= 2; ++w) worker("a" + std::to_string(w));
  r = run_mergepipe(
      submit_args("framed", dir_.file("framed.json"), inputs, {"--wait", "--format", "array"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("framed.json")), single_machine(inputs, {"--format", "array"}));
  EXPECT_EQ(number("framed", "parts"), number("framed", "map_total"));
  EXPECT_EQ(number("framed", "write_done"), number("framed", "parts"));
  cli_testing::cli_result status =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "framed"});
  EXPECT_NE(status.out.find(fmt::format("  write      {}/{} tasks\n", number("framed", "parts"),
                                        number("framed", "parts"))),
            std::string::npos)
      << status.out;
  const std::string gone = dir_.write("gone.ndjson", "{\"id\":1,\"op\":\"d\"}\n");
  r = run_mergepipe(
      submit_args("empty", dir_.file("empty.json"), {gone}, {"--wait", "--format", "array"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("empty.json")), "[]\n");

  // Key order goes through the partial files of whole buckets, collected by one task.
  std::vector<std::string> keyed = {"--order", "key", "--format", "array"};
  processes_.clear();
  for (int w = 1; w <= 3; ++w) worker("k" + std::to_string(w), {}, "keyed");
  r = run_mergepipe(submit_args("keyed", dir_.file("keyed.json"), inputs,
                                {"--wait", "--order", "key", "--format", "array"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("keyed.json")), single_machine(inputs, keyed));
}

// Keep first, delete markers kept, several timestamp fields, merged fields: partial files
// carry them all.
TEST_F(cluster_test, change_data_capture_modes_match_the_single_machine_output) {
  std::vector<std::string> inputs = write_inputs(true);
  const std::vector<std::vector<std::string>> modes = {
      {"--keep", "first", "--keep-deletes", "--ts", "updated_at,version"},
      {"--keep-deletes", "--ts", "updated_at,version"},
      {"--merge-fields", "--keep-deletes", "--ts", "updated_at,version"}};
  for (std::size_t m = 0; m < modes.size(); ++m) {
    const std::string job = "cdc" + std::to_string(m);
    processes_.clear();
    for (int w = 1; w <= 2; ++w) worker(job + "w" + std::to_string(w), {}, job);
    std::vector<std::string> extra = modes[m];
    extra.push_back("--wait");
    cli_testing::cli_result r =
        run_mergepipe(submit_args(job, dir_.file(job + ".ndjson"), inputs, extra));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string expected = single_machine(inputs, modes[m]);
    EXPECT_NE(expected, single_machine(inputs));
    EXPECT_EQ(read_file(dir_.file(job + ".ndjson")), expected) << modes[m][0];
  }
}

// A compressed file is read whole by one task; plain files beside it are still cut in pieces.
TEST_F(cluster_test, compressed_inputs_match_the_single_machine_output) {
  std::vector<std::string> inputs = write_inputs();
  inputs[0] =
      dir_.write("a.ndjson.gz", testing::compressed(read_file(inputs[0]), testing::codec::gzip, 3));
  inputs[1] =
      dir_.write("b.json.zst", testing::compressed(read_file(inputs[1]), testing::codec::zstd, 2));
  // One worker with a memory limit of its own: it spills what does not fit (contract 2.2).
  worker("z1", {}, "packed");
  worker("z2", {}, "packed", {"--memory-limit", "1M", "--temp-dir", dir_.path().string()});
  cli_testing::cli_result r =
      run_mergepipe(submit_args("packed", dir_.file("packed.ndjson"), inputs, {"--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("packed.ndjson")), single_machine(inputs));
}

TEST_F(cluster_test, a_killed_workers_task_is_reclaimed_after_the_visibility_timeout) {
  std::vector<std::string> inputs = write_inputs();
  // 4 s, not 2: on a loaded 2-core VM a worker's beats were once held up past 2 s and its
  // task was taken while it lived. (Its log is shown if that happens again.)
  const std::vector<std::string> visibility = {"--visibility-timeout", "4"};
  process& doomed = worker("doomed", {"MERGEPIPE_TEST_TASK_DELAY_MS=60000"}, "reclaim", visibility);
  ASSERT_EQ(run_mergepipe(submit_args("reclaim", dir_.file("out.ndjson"), inputs)).exit_code, 0);
  wait_until([&] { return pending("reclaim") == 1; }, 20s, "the doomed worker holds a task");
  process& rescuer = worker("rescuer", {}, "reclaim", visibility);
  // The heartbeat keeps the task with its owner while it lives, past the visibility timeout.
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(pending("reclaim"), 1);
  EXPECT_EQ(rescuer.log().find("reclaimed"), std::string::npos)
      << rescuer.log() << "\ndoomed worker:\n"
      << doomed.log();
  EXPECT_EQ(field("reclaim", "state"), "running");
  doomed.signal(SIGKILL);
  wait_for_state("reclaim", "done");
  EXPECT_NE(rescuer.log().find("reclaimed map:"), std::string::npos) << rescuer.log();
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));
}

TEST_F(cluster_test, a_late_repeat_of_a_task_leaves_no_file_behind) {
  std::vector<std::string> inputs = write_inputs();
  const std::vector<std::string> visibility = {"--visibility-timeout", "2"};
  process& stalled = worker("stalled", {"MERGEPIPE_TEST_TASK_DELAY_MS=1000"}, "late", visibility);
  ASSERT_EQ(run_mergepipe(submit_args("late", dir_.file("out.ndjson"), inputs)).exit_code, 0);
  wait_until([&] { return stalled.log().find("late map:") != std::string::npos; }, 20s,
             "the worker runs a task");
  stalled.signal(SIGSTOP);  // its heartbeat stops too: the task is taken over
  worker("rescuer", {}, "late", visibility);
  wait_for_state("late", "done");
  wait_until([&] { return files_in(dir_.file("storage/late")) == 0; }, 20s,
             "the collect step removes the partial files");
  stalled.signal(SIGCONT);  // it finishes its task, a repeat, after the job ended
  EXPECT_EQ(stalled.wait(20s), 0) << stalled.log();
  // Its heartbeat finds the job ended and the task is dropped; or the task ends first, done
  // again or failing for want of the storage directory the collect step removed.
  const std::string log = stalled.log();
  EXPECT_TRUE(log.find("the job is done: task abandoned") != std::string::npos ||
              log.find("already done elsewhere") != std::string::npos ||
              log.find("(ignored: the job has ended") != std::string::npos)
      << log;
  EXPECT_EQ(files_in(dir_.file("storage/late")), 0u);
  EXPECT_EQ(outputs_in_progress(dir_), 0u);
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));
}

// Without --pieces-mb and --buckets, a job is cut for the workers alive when it is submitted.
TEST_F(cluster_test, a_job_is_sized_for_the_live_workers) {
  std::vector<std::string> inputs = write_inputs();
  for (int w = 1; w <= 5; ++w) worker(fmt::format("s{}", w), {}, "sized");
  wait_until(
      [&] {
        return db_->command({"KEYS", cluster::worker_prefix + "s*"}).elements.size() == 5;
      },
      20s, "five workers are alive");
  cli_testing::cli_result r =
      run_mergepipe({"submit", "--redis", redis_->url(), "--job", "sized", "--storage",
                     dir_.file("storage"), "--delete-when", "op=d", "-o", dir_.file("sized.ndjson"),
                     inputs[0], inputs[1], inputs[2], inputs[3], "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("5 bucket(s) (sized for 5 live worker(s))"), std::string::npos) << r.err;
  EXPECT_EQ(field("sized", "buckets"), "5");
  EXPECT_EQ(number("sized", "map_total"), 4);  // small files: a piece each
  EXPECT_EQ(read_file(dir_.file("sized.ndjson")), single_machine(inputs));
}

TEST_F(cluster_test, a_late_worker_joins_and_status_shows_the_queue) {
  std::vector<std::string> inputs = write_inputs();
  ASSERT_EQ(run_mergepipe(submit_args("late", dir_.file("out.ndjson"), inputs)).exit_code, 0);
  long long maps = std::stoll(field("late", "map_total"));
  ASSERT_GT(maps, 8);
  cli_testing::cli_result s =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "late", "--json"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("\"lag\":" + std::to_string(maps) + ","), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"pending\":0,"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"stream\":\"mergepipe:job:late:tasks\""), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"group\":\"mergepipe-workers\""), std::string::npos) << s.out;

  worker("early", {"MERGEPIPE_TEST_TASK_DELAY_MS=100"});  // serves every job
  wait_until([&] { return number("late", "map_done") >= 2; }, 20s, "two maps are done");
  worker("late-comer");
  wait_for_state("late", "done");
  EXPECT_NE(processes_.back()->log().find("late map:"), std::string::npos);
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));
  s = run_mergepipe({"status", "--redis", redis_->url(), "--job", "late"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("job late: done"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("workers    2 live"), std::string::npos) << s.out;
}

TEST_F(cluster_test, a_redis_restart_loses_no_task) {
  std::vector<std::string> inputs = write_inputs();
  for (const char* name : {"r1", "r2"})
    worker(name, {"MERGEPIPE_TEST_TASK_DELAY_MS=150"}, "restart");
  process& submitter =
      start(submit_args("restart", dir_.file("out.ndjson"), inputs, {"--wait"}), "submit.log");
  wait_until([&] { return number("restart", "map_done") >= 3; }, 30s, "three maps are done");
  ASSERT_EQ(field("restart", "state"), "running");
  redis_->stop();
  std::this_thread::sleep_for(1s);
  redis_->start();
  ASSERT_EQ(submitter.wait(60s), 0) << submitter.log();
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));
  EXPECT_EQ(field("restart", "map_done"), field("restart", "map_total"));
}

TEST_F(cluster_test, a_poisoned_task_is_dead_lettered_and_fails_the_job) {
  std::vector<std::string> inputs = write_inputs();
  process& submitter =
      start(submit_args("poison", dir_.file("out.ndjson"), inputs, {"--wait"}), "submit.log");
  wait_until([&] { return field("poison", "state") == "running"; }, 20s, "the job exists");
  cluster::job_keys keys("poison");
  db_->command({"XADD", keys.tasks, "*", "kind", "map", "task", "map:0", "piece", "0", "input",
                "99", "path", "/etc/passwd", "begin", "0", "end", "10"});
  worker("victim", {}, "poison");
  EXPECT_EQ(submitter.wait(30s), 1) << submitter.log();
  EXPECT_NE(submitter.log().find("JOB poison FAILED"), std::string::npos) << submitter.log();
  EXPECT_NE(submitter.log().find("input 99 is outside the job"), std::string::npos);
  EXPECT_EQ(db_->command({"XLEN", keys.dead}).as_integer(), 1);
  cli_testing::cli_result s =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "poison"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.out.find("FAILED (exit code 1) in task map:0: invalid task"), std::string::npos)
      << s.out;
  EXPECT_NE(s.err.find("JOB poison FAILED"), std::string::npos) << s.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("out.ndjson")));
  EXPECT_EQ(processes_.back()->wait(10s), 0);  // the worker leaves the failed job
}

TEST_F(cluster_test, an_io_error_is_retried_then_dead_lettered) {
  std::string input = dir_.write("gone.ndjson", "{\"id\":1}\n");
  ASSERT_EQ(
      run_mergepipe(submit_args("gone", dir_.file("out.ndjson"), {input}, {"--max-attempts", "2"}))
          .exit_code,
      0);
  std::filesystem::remove(input);
  worker("w", {}, "gone");
  wait_for_state("gone", "failed");
  EXPECT_EQ(field("gone", "exit_code"), "3");
  EXPECT_NE(field("gone", "reason").find("task map:0 failed 2 times; last error: "),
            std::string::npos)
      << field("gone", "reason");
  EXPECT_NE(field("gone", "reason").find("No such file or directory"), std::string::npos);
  cli_testing::cli_result r =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "gone", "--json"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("\"state\":\"failed\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"dead_letters\":1,"), std::string::npos) << r.out;
}

TEST_F(cluster_test, a_task_that_keeps_killing_its_workers_is_given_up) {
  std::string input = dir_.write("one.ndjson", "{\"id\":1}\n");
  ASSERT_EQ(run_mergepipe(submit_args("crashy", dir_.file("out.ndjson"), {input})).exit_code, 0);
  // As if three workers had taken the task and died: delivered 3 times, idle for long.
  cluster::job_keys keys("crashy");
  cluster::reply entry = db_->command(
      {"XREADGROUP", "GROUP", cluster::group, "ghost", "COUNT", "1", "STREAMS", keys.tasks, ">"});
  std::string id = entry.at(0).at(1).at(0).at(0).str();
  db_->command({"XCLAIM", keys.tasks, cluster::group, "ghost", "0", id, "IDLE", "600000",
                "RETRYCOUNT", "3"});
  worker("w", {}, "crashy");
  wait_for_state("crashy", "failed");
  EXPECT_NE(field("crashy", "reason").find("task map:0 was started 3 times without finishing"),
            std::string::npos)
      << field("crashy", "reason");
  EXPECT_EQ(db_->command({"XLEN", keys.dead}).integer, 1);
}

TEST_F(cluster_test, sigterm_lets_a_busy_worker_finish_its_task) {
  std::string input = dir_.write("one.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  process& busy = worker("busy", {"MERGEPIPE_TEST_TASK_DELAY_MS=1500"}, "term");
  ASSERT_EQ(run_mergepipe(submit_args("term", dir_.file("out.ndjson"), {input})).exit_code, 0);
  wait_until([&] { return pending("term") == 1; }, 20s, "the worker holds a task");
  busy.signal(SIGTERM);
  EXPECT_EQ(busy.wait(20s), 0) << busy.log();
  EXPECT_EQ(field("term", "map_done"), "1");
  EXPECT_EQ(pending("term"), 0);
  EXPECT_NE(busy.log().find("term map:0: done"), std::string::npos) << busy.log();
}

TEST_F(cluster_test, a_password_is_required_and_checked) {
  processes_.clear();
  db_.reset();
  redis_.reset();
  start_redis("s3cret:/@x");
  std::vector<std::string> inputs = write_inputs();
  std::string escaped =
      "redis://:s3cret%3A%2F%40x@127.0.0.1:" + std::to_string(redis_->endpoint().port);
  std::vector<std::string> args = submit_args("auth", dir_.file("out.ndjson"), inputs, {"--wait"});
  args[2] = escaped;
  start({"worker", "--redis", redis_->url(false), "--job", "auth"}, "w.log",
        {"MERGEPIPE_REDIS_PASSWORD=s3cret:/@x"});
  cli_testing::cli_result r = run_mergepipe(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));

  std::string url = redis_->url(false);
  r = run_mergepipe({"status", "--redis", url.insert(8, ":wrong@"), "--job", "auth"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("refused the login: WRONGPASS"), std::string::npos) << r.err;
  r = run_mergepipe({"status", "--redis", redis_->url(false), "--job", "auth"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("requires a password"), std::string::npos) << r.err;
}

TEST_F(cluster_test, an_unreachable_redis_is_an_io_error) {
  std::string url = "redis://127.0.0.1:" + std::to_string(free_port());
  cli_testing::cli_result r = run_mergepipe({"status", "--redis", url, "--job", "x"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("cannot connect to Redis at 127.0.0.1:"), std::string::npos) << r.err;
  r = run_mergepipe({"status", "--redis", redis_->url(), "--job", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no job nope"), std::string::npos) << r.err;
}

TEST_F(cluster_test, a_heartbeat_never_takes_back_a_reclaimed_task_nor_keeps_a_cancelled_one) {
  const std::string stream = "hb:tasks";
  const std::string spec = "hb";
  db_->command({"HSET", spec, "state", "running"});
  db_->command({"XGROUP", "CREATE", stream, cluster::group, "0", "MKSTREAM"});
  std::string id = db_->command({"XADD", stream, "*", "kind", "map"}).str();
  db_->command({"XREADGROUP", "GROUP", cluster::group, "a", "COUNT", "1", "STREAMS", stream, ">"});
  auto beat = [&](const char* consumer) {
    return db_->eval(cluster::scripts::heartbeat, {stream, spec}, {cluster::group, consumer, id})
        .integer;
  };
  EXPECT_EQ(beat("a"), 1);
  db_->command({"XCLAIM", stream, cluster::group, "b", "0", id});
  EXPECT_EQ(beat("a"), 0);
  cluster::reply owner = db_->command({"XPENDING", stream, cluster::group, "-", "+", "10"});
  ASSERT_EQ(owner.elements.size(), 1U);
  EXPECT_EQ(owner.at(0).at(1).str(), "b");
  EXPECT_EQ(beat("b"), 1);
  db_->command({"HSET", spec, "state", "cancelled"});
  EXPECT_EQ(beat("b"), -1);  // the job ended: its holder abandons the task
  db_->command({"HSET", spec, "state", "running"});
  db_->command({"XACK", stream, cluster::group, id});
  EXPECT_EQ(beat("b"), 2);  // done, as a beat sent just before the task ended finds it
}

TEST_F(cluster_test, a_task_completed_twice_counts_once) {
  std::string input = dir_.write("one.ndjson", "{\"id\":1}\n");
  ASSERT_EQ(run_mergepipe(submit_args("twice", dir_.file("out.ndjson"), {input})).exit_code, 0);
  cluster::job_keys keys("twice");
  cluster::reply entry = db_->command(
      {"XREADGROUP", "GROUP", cluster::group, "t", "COUNT", "1", "STREAMS", keys.tasks, ">"});
  std::string id = entry.at(0).at(1).at(0).at(0).str();
  auto complete = [&] {
    return db_
        ->eval(cluster::scripts::complete_task,
               {keys.spec, keys.tasks, keys.done, cluster::running_jobs, keys.dead, keys.failures,
                cluster::events},
               {cluster::group, id, "map:0", "map", "9", "twice", "0", "0", "1", "2"})
        .integer;
  };
  EXPECT_EQ(complete(), 1);
  EXPECT_EQ(complete(), 0);
  EXPECT_EQ(field("twice", "map_done"), "1");
  EXPECT_EQ(field("twice", "bytes_done"), "9");
  EXPECT_EQ(field("twice", "records_done"), "1");
  EXPECT_EQ(field("twice", "bad_records"), "2");
  EXPECT_EQ(db_->command({"XLEN", keys.tasks}).integer, 1 + 3);  // the map and 3 reduce tasks
  // Its creation and its new phase were announced once each, for waiters to wake at once.
  std::vector<std::string> announced;
  for (const cluster::reply& e : db_->command({"XRANGE", cluster::events, "-", "+"}).elements) {
    std::map<std::string, std::string> fields = e.at(1).fields();
    if (fields["job"] == "twice") announced.push_back(fields["event"]);
  }
  EXPECT_EQ(announced, (std::vector<std::string>{"created", "reduce"}));
}

// Bad records skipped across workers, one of them killed while it holds a task: the output and
// the rejects file are one machine's bytes for the same inputs, and status counts the records.
TEST_F(cluster_test, skip_and_rejects_give_the_single_machine_bytes_with_a_worker_killed) {
  std::vector<std::string> inputs = write_inputs(false, true);
  // Rejects name inputs as the job does: by their full paths, links resolved.
  for (std::string& input : inputs) input = std::filesystem::canonical(input).string();
  const std::string rejects = dir_.file("rejects.jsonl");
  process& doomed = worker("doomed", {"MERGEPIPE_TEST_TASK_DELAY_MS=60000"}, "skip");
  ASSERT_EQ(run_mergepipe(submit_args("skip", dir_.file("out.ndjson"), inputs,
                                      {"--on-error", "skip", "--rejects", rejects}))
                .exit_code,
            0);
  wait_until([&] { return pending("skip") == 1; }, 20s, "the doomed worker holds a task");
  doomed.signal(SIGKILL);
  worker("w1");
  worker("w2");
  wait_for_state("skip", "done");

  const std::string one_machine_rejects = dir_.file("one-machine.jsonl");
  EXPECT_EQ(read_file(dir_.file("out.ndjson")),
            single_machine(inputs, {"--on-error", "skip", "--rejects", one_machine_rejects}));
  std::string expected_rejects = read_file(one_machine_rejects);
  auto bad_records = std::count(expected_rejects.begin(), expected_rejects.end(), '\n');
  EXPECT_EQ(bad_records, 6 + 3 + 4 + 3);  // a.ndjson, b.json, c.ndjson, d.json
  EXPECT_EQ(read_file(rejects), expected_rejects);
  EXPECT_NE(expected_rejects.find("raw_base64"), std::string::npos);
  EXPECT_EQ(number("skip", "bad_records"), bad_records);
  EXPECT_EQ(number("skip", "records_done"), 600 + 300 + 400 + 300 - bad_records);
  cli_testing::cli_result status =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "skip"});
  EXPECT_NE(status.out.find(fmt::format("records    {} good, {} bad (rejects to {})",
                                        1600 - bad_records, bad_records, rejects)),
            std::string::npos)
      << status.out;
  EXPECT_EQ(files_in(dir_.file("storage/skip")), 0u);  // piece rejects removed with the partials

  // Without --rejects, bad records are only counted; with --wait, the count is reported.
  cli_testing::cli_result r = run_mergepipe(submit_args("counted", dir_.file("counted.ndjson"),
                                                        inputs, {"--on-error", "skip", "--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(fmt::format("job counted skipped {} bad record(s)\n", bad_records)),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_file(dir_.file("counted.ndjson")), read_file(dir_.file("out.ndjson")));

  // By default a bad record fails the job, as on one machine.
  r = run_mergepipe(submit_args("strict", dir_.file("strict.ndjson"), inputs, {"--wait"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("strict.ndjson")));
}

// Intermediate files are not synced: one torn by a crash of its host fails its checksum or
// trailer, and the task that wrote it runs again before the one that read it, in any phase.
TEST_F(cluster_test, a_torn_intermediate_file_is_made_again_by_its_task) {
  std::vector<std::string> inputs = write_inputs();
  inputs.resize(2);  // NDJSON and an array, in few tasks: each waits for the test
  // Each task waits 800 ms before it starts: the test tears a file in that time (it sees the
  // phase change within 20 ms when the machine is idle).
  process& slow = worker("slow", {"MERGEPIPE_TEST_TASK_DELAY_MS=800"}, "torn");
  ASSERT_EQ(run_mergepipe(submit_args("torn", dir_.file("out.ndjson"), inputs)).exit_code, 0);
  auto tear_when = [&](const std::string& phase, const std::vector<std::string>& names) {
    wait_until([&] { return field("torn", "phase") == phase; }, 60s, "the " + phase + " phase");
    for (const std::string& name : names) {
      const std::string path = dir_.file("storage/torn/" + name);
      std::filesystem::resize_file(path, std::filesystem::file_size(path) - 1);
    }
  };
  tear_when("reduce", {"map0.bucket0", "map0.bucket1", "map0.bucket2"});  // read by every reduce
  // reduce1.part0 is read by write:0, the last write task to run; reduce0.sizes by every one.
  tear_when("write", {"reduce1.part0", "reduce0.sizes"});
  tear_when("collect", {"part0.size"});
  wait_for_state("torn", "done");
  EXPECT_EQ(read_file(dir_.file("out.ndjson")), single_machine(inputs));
  for (const char* task :
       {"map:0 runs again", "reduce:0 runs again", "reduce:1 runs again", "write:0 runs again"}) {
    EXPECT_NE(slow.log().find(task), std::string::npos) << task << "\n" << slow.log();
  }
  EXPECT_NE(slow.log().find("its checksum does not match"), std::string::npos);
  EXPECT_NE(slow.log().find("part0.size: it is torn"), std::string::npos) << slow.log();
  EXPECT_NE(slow.log().find("reduce0.sizes: it is torn"), std::string::npos) << slow.log();
  EXPECT_EQ(number("torn", "records_done"), 600 + 300);  // counted once
  wait_until([&] { return files_in(dir_.file("storage/torn")) == 0; }, 20s,
             "the collect step removes the intermediate files");
}

// Jobs cut where submit is not told: several tasks per live worker, pieces of 8 to 64 MiB.
TEST(job_sizing, tasks_follow_the_live_workers_within_bounds) {
  constexpr std::uint64_t mib = 1 << 20;
  constexpr std::uint64_t gib = 1024 * mib;
  auto size = [](std::uint64_t bytes, std::uint64_t workers, double pieces_mb = 0,
                 std::uint32_t buckets = 0) {
    cluster::job_size s = cluster::size_job(bytes, workers, pieces_mb, buckets);
    return std::pair{s.piece_bytes / mib, s.buckets};
  };
  EXPECT_EQ(size(gib, 0), (std::pair<std::uint64_t, std::uint32_t>{64, 4}));  // none live yet
  EXPECT_EQ(size(gib, 2), (std::pair<std::uint64_t, std::uint32_t>{64, 4}));
  EXPECT_EQ(size(gib, 16), (std::pair<std::uint64_t, std::uint32_t>{16, 16}));
  EXPECT_EQ(size(gib, 64), (std::pair<std::uint64_t, std::uint32_t>{8, 64}));  // smallest piece
  EXPECT_EQ(size(100 * gib, 8), (std::pair<std::uint64_t, std::uint32_t>{64, 8}));  // largest
  EXPECT_EQ(size(gib, 5000).second, 256u);
  EXPECT_EQ(size(mib, 3), (std::pair<std::uint64_t, std::uint32_t>{8, 4}));
  // What the options say stands.
  EXPECT_EQ(size(gib, 16, 128, 3), (std::pair<std::uint64_t, std::uint32_t>{128, 3}));
  EXPECT_EQ(cluster::size_job(gib, 1, 0.5, 2).piece_bytes, mib / 2);
}

// Task checks, without Redis: what a worker refuses to run.
class task_check : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.inputs = {dir_.write("in.ndjson", "{\"id\":1}\n")};
    spec_.map_total = 1;
    spec_.buckets = 2;
  }

  std::string rejection(const std::map<std::string, std::string>& fields) {
    try {
      cluster::parse_task(fields, spec_);
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::bad_input);
      return e.what();
    }
    return "accepted";
  }

  std::map<std::string, std::string> map_task() {
    return {{"kind", "map"},           {"task", "map:0"}, {"piece", "0"}, {"input", "0"},
            {"path", spec_.inputs[0]}, {"begin", "0"},    {"end", "9"}};
  }

  temp_dir dir_;
  cluster::job_spec spec_;
};

TEST_F(task_check, accepts_the_tasks_of_its_job) {
  EXPECT_EQ(rejection(map_task()), "accepted");
  EXPECT_EQ(rejection({{"kind", "reduce"}, {"task", "reduce:1"}, {"bucket", "1"}}), "accepted");
  EXPECT_EQ(rejection({{"kind", "collect"}, {"task", "collect"}}), "accepted");
}

TEST_F(task_check, rejects_inputs_paths_and_ranges_outside_the_job) {
  auto t = map_task();
  t["input"] = "99";
  EXPECT_EQ(rejection(t), "invalid task: input 99 is outside the job (it has 1)");
  t = map_task();
  t["path"] = "/etc/passwd";
  EXPECT_NE(rejection(t).find("path /etc/passwd is not input 0 of the job"), std::string::npos);
  t = map_task();
  t["end"] = "10";
  EXPECT_NE(rejection(t).find("byte range 0-10 is outside"), std::string::npos);
  t = map_task();
  t["begin"] = "-1";
  EXPECT_NE(rejection(t).find("field 'begin' is not a number"), std::string::npos);
  t = map_task();
  t["task"] = "map:7";
  EXPECT_NE(rejection(t).find("should be named 'map:0'"), std::string::npos);
  EXPECT_NE(rejection({{"kind", "reduce"}, {"task", "reduce:2"}, {"bucket", "2"}})
                .find("bucket 2 is outside the job"),
            std::string::npos);
  EXPECT_NE(rejection({{"kind", "drop"}, {"task", "x"}}).find("unknown kind 'drop'"),
            std::string::npos);
  EXPECT_NE(rejection({{"kind", "map"}}).find("no field 'task'"), std::string::npos);
}

TEST_F(task_check, removing_partials_takes_the_jobs_files_and_killed_writers_temporaries) {
  spec_.storage = dir_.file("storage");
  std::filesystem::create_directories(spec_.storage);
  spec_.output = dir_.file("out.ndjson");
  spec_.part_starts = {position{0, 0}};
  for (const char* name :
       {"map0.bucket1", "map12.rejects", "reduce3", "reduce2.part1", "reduce1.sizes", "part0.size",
        ".map0.bucket0.tmp-Ab12Cd", ".map4.rejects.tmp-x9Y8z7", ".reduce0.tmp-000000",
        ".part3.size.tmp-a1b2c3"}) {
    dir_.write(std::string("storage/") + name, "x");
  }
  spec_.submit_id = "0123456789abcdef01234567";
  dir_.write(".out.ndjson.mergepipe-" + spec_.name + "-" + spec_.submit_id, "x");
  cluster::remove_partials(spec_);
  EXPECT_FALSE(std::filesystem::exists(spec_.storage));
  EXPECT_FALSE(std::filesystem::exists(spec_.output_in_progress()));

  // A file of someone else's stays, and so does the folder.
  std::filesystem::create_directories(spec_.storage);
  dir_.write("storage/map0.bucket1", "x");
  dir_.write("storage/notes.txt", "x");
  cluster::remove_partials(spec_);
  EXPECT_EQ(files_in(spec_.storage), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("storage/notes.txt")));
}

// The parts of an output in input order: measured by the reduce tasks, written in place by
// the write tasks, joined where minifying left gaps. The small files that carry sizes are not
// synced: a torn one is bad input naming it.
TEST(output_part, parts_are_written_in_their_slots_and_joined_into_either_format) {
  temp_dir dir;
  const std::vector<std::vector<saved_range>> by_bucket = {
      {{.records = 2, .deletes = 1, .record_bytes = 18, .delete_bytes = 9}, {}, {}},
      {{}, {}, {.records = 1, .record_bytes = 9}}};
  cluster::save_ranges(dir.file("r0.sizes"), by_bucket[0]);
  EXPECT_EQ(cluster::load_ranges(dir.file("r0.sizes"), 3)[0].delete_bytes, 9u);
  cluster::part_slots slots = cluster::lay_out_parts(by_bucket, /*keep_deletes=*/false);
  EXPECT_EQ(slots.start, (std::vector<std::uint64_t>{0, 18, 18}));
  EXPECT_EQ(slots.size, (std::vector<std::uint64_t>{18, 0, 9}));
  EXPECT_EQ(cluster::lay_out_parts(by_bucket, true).size[0], 27u);

  // Written last part first, as the job queues them.
  const std::string output = dir.file("in-progress");
  const std::vector<std::vector<std::string>> records = {
      {R"({"id":1})", R"({"id":2})"}, {}, {R"({"id":3})"}};
  std::vector<cluster::written_part> parts(3);
  for (std::size_t p = 3; p-- > 0;) {
    cluster::part_slot_sink part(output, slots.start[p], slots.size[p],
                                 dir.file(fmt::format("part{}.size", p)));
    for (const std::string& r : records[p]) part.write(r);
    part.finish();
    parts[p] = cluster::load_written_part(dir.file(fmt::format("part{}.size", p)));
    EXPECT_EQ(parts[p].bytes, part.written().bytes);
    EXPECT_EQ(parts[p].records, records[p].size());
  }
  EXPECT_EQ(read_file(output), "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");

  // A part that outgrows its slot stops before it writes into the next one.
  {
    cluster::part_slot_sink part(output, 0, 12, dir.file("never.size"));
    part.write(R"({"id":1})");
    try {
      part.write(R"({"id":2})");
      FAIL() << "a part outgrew its slot";
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find("larger than the 12 bytes measured for it"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("never.size")));

  // Parts with gaps between them (records minified shorter than measured) are joined.
  slots = {.start = {0, 30, 30}, .size = {25, 0, 12}};
  const std::string gappy = dir.file("gappy");
  for (std::size_t p = 0; p < 3; ++p) {
    cluster::part_slot_sink part(gappy, slots.start[p], slots.size[p], dir.file("p.size"));
    for (const std::string& r : records[p]) part.write(r);
    part.finish();
  }
  for (auto format : {output_format::ndjson, output_format::array}) {
    const std::string joined = dir.file("joined");
    json_file_sink out(joined, format);
    EXPECT_EQ(cluster::join_parts(gappy, slots, parts, out, format), 3u);
    out.finish();
    EXPECT_EQ(read_file(joined), format == output_format::ndjson
                                     ? "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n"
                                     : "[\n{\"id\":1},\n{\"id\":2},\n{\"id\":3}\n]\n");
  }

  // A task stalled until the job ended writes nothing into the output it renamed.
  {
    cluster::part_slot_sink late(gappy, 0, 25, dir.file("late.size"));
    late.write(R"({"id":9})");
    std::filesystem::rename(gappy, dir.file("placed"));
    try {
      late.finish();
      FAIL() << "a late part was written";
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find("renamed or removed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(dir.file("placed")).substr(0, 8), R"({"id":1})");
  }

  // Torn size files: cut short (even by their last newline), zeroed, empty, or of another job.
  const std::string whole = read_file(dir.file("r0.sizes"));
  std::string zeroed = whole;
  std::fill(zeroed.end() - 4, zeroed.end(), '\0');
  for (const std::string& torn : {whole.substr(0, whole.size() - 1), whole.substr(0, 9), zeroed,
                                  std::string(), std::string("1 2\nend 1\n")}) {
    const std::string path = dir.write("torn", torn);
    try {
      (void)cluster::load_ranges(path, 3);
      FAIL() << "a torn size file of " << torn.size() << " bytes was read";
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::bad_input);
      EXPECT_NE(std::string(e.what()).find(path + ": it"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW((void)cluster::load_written_part(dir.write("torn", "12 1\nend 1")), error);
}

TEST_F(cluster_test, a_worker_with_roots_refuses_a_job_outside_them_and_the_job_fails) {
  std::vector<std::string> inputs = write_inputs();  // in the test's folder, not in the root
  std::filesystem::create_directories(dir_.file("allowed"));
  worker("fenced", {}, "outside", {"--allow-root", dir_.file("allowed")});
  cli_testing::cli_result r =
      run_mergepipe(submit_args("outside", dir_.file("allowed/out.ndjson"), inputs, {"--wait"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string reason = "worker fenced refuses the job: " + inputs[0] +
                             " lies outside its --allow-root directories (" +
                             std::filesystem::canonical(dir_.file("allowed")).string() + ")";
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  cluster::job_keys keys("outside");
  EXPECT_EQ(db_->command({"XLEN", keys.dead}).as_integer(), 1);
  cli_testing::cli_result s =
      run_mergepipe({"status", "--redis", redis_->url(), "--job", "outside"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.out.find(reason), std::string::npos) << s.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("allowed/out.ndjson")));
  EXPECT_EQ(processes_.back()->wait(10s), 0);
}

TEST_F(cluster_test, a_worker_runs_jobs_inside_its_roots_as_any_worker_does) {
  std::vector<std::string> inputs = write_inputs();
  std::filesystem::create_directories(dir_.file("other"));
  worker("fenced", {}, "inside",
         {"--allow-root", dir_.file("other"), "--allow-root", dir_.file(".")});
  cli_testing::cli_result r =
      run_mergepipe(submit_args("inside", dir_.file("inside.ndjson"), inputs, {"--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("inside.ndjson")), single_machine(inputs));
}

TEST_F(cluster_test, an_ended_jobs_keys_expire_after_its_retain_time) {
  std::vector<std::string> inputs = write_inputs();
  worker("w1", {}, "brief");
  cli_testing::cli_result r = run_mergepipe(
      submit_args("brief", dir_.file("brief.ndjson"), inputs, {"--wait", "--retain", "2s"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  cluster::job_keys keys("brief");
  for (const std::string& key : {keys.spec, keys.tasks, keys.done}) {
    long long ttl = db_->command({"TTL", key}).integer;
    EXPECT_TRUE(ttl >= 1 && ttl <= 2) << key << " expires in " << ttl;
  }
  wait_until(
      [&] {
        return db_->command({"EXISTS", keys.spec, keys.tasks, keys.done}).integer == 0;
      },
      10s, "the job's keys expire");
  cli_testing::cli_result s = run_mergepipe({"status", "--redis", redis_->url(), "--job", "brief"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("no job brief in Redis (an ended job is kept only for its submit --retain "
                       "time, 7 days by default)"),
            std::string::npos)
      << s.err;
  EXPECT_EQ(read_file(dir_.file("brief.ndjson")), single_machine(inputs));

  // A failed job is retained as long; without --retain, for 7 days.
  process& submitter =
      start(submit_args("failing", dir_.file("failing.ndjson"), inputs, {"--wait"}), "s.log");
  wait_until([&] { return field("failing", "state") == "running"; }, 20s, "the job exists");
  cluster::job_keys failing("failing");
  db_->command({"XADD", failing.tasks, "*", "kind", "map", "task", "map:0", "piece", "0", "input",
                "99", "path", "/etc/passwd", "begin", "0", "end", "10"});
  worker("w2", {}, "failing");
  EXPECT_EQ(submitter.wait(30s), 1) << submitter.log();
  for (const std::string& key : {failing.spec, failing.dead, failing.failures}) {
    long long ttl = db_->command({"TTL", key}).integer;
    EXPECT_TRUE(ttl > 7 * 86400 - 60 && ttl <= 7 * 86400) << key << " expires in " << ttl;
  }
}

TEST_F(cluster_test, a_retain_time_must_be_a_duration) {
  for (const char* wrong : {"5x", "0s", "s", "-3d", "1.5h"}) {
    cli_testing::cli_result r =
        run_mergepipe(submit_args("wrong", dir_.file("o.ndjson"),
                                  {dir_.write("in.ndjson", "{\"id\":1}\n")}, {"--retain", wrong}));
    EXPECT_EQ(r.exit_code, 2) << wrong;
    EXPECT_NE(r.err.find(std::string("--retain ") + wrong +
                         ": not a duration (a whole number with s, m, h or d, such as 30s, 12h "
                         "or 7d)"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(db_->command({"EXISTS", cluster::job_keys("wrong").spec}).integer, 0);
}

TEST_F(cluster_test, jobs_lists_running_jobs_and_ended_ones_still_retained) {
  cli_testing::cli_result none = run_mergepipe({"jobs", "--redis", redis_->url()});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "no jobs\n");
  EXPECT_EQ(run_mergepipe({"jobs", "--redis", redis_->url(), "--json"}).out, "[]\n");

  std::vector<std::string> inputs = write_inputs();
  worker("w1", {}, "first");
  ASSERT_EQ(run_mergepipe(submit_args("first", dir_.file("first.ndjson"), inputs,
                                      {"--wait", "--retain", "12h"}))
                .exit_code,
            0);
  // No worker serves the second: it stays in its map phase.
  ASSERT_EQ(run_mergepipe(submit_args("second", dir_.file("second.ndjson"), inputs)).exit_code, 0);
  const std::string maps = std::to_string(number("first", "map_total"));

  cli_testing::cli_result text = run_mergepipe({"jobs", "--redis", redis_->url()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = text.out.find('\n', at)) != std::string::npos;
       at = end + 1) {
    std::string line = text.out.substr(at, end - at);
    // Columns as words: runs of spaces are one separator.
    std::string words;
    for (char c : line) {
      if (c != ' ' || (!words.empty() && words.back() != ' ')) words += c;
    }
    lines.push_back(words);
  }
  ASSERT_EQ(lines.size(), 3u) << text.out;
  EXPECT_EQ(lines[0], "JOB STATE PHASE PROGRESS AGE EXPIRES IN");
  EXPECT_EQ(lines[1].rfind("first done done map " + maps + "/" + maps + ", reduce 3/3 ", 0), 0u)
      << lines[1];
  EXPECT_TRUE(lines[1].ends_with(" 12h 00m") || lines[1].ends_with(" 11h 59m")) << lines[1];
  EXPECT_EQ(lines[2].rfind("second running map map 0/" + maps + ", reduce 0/3 ", 0), 0u)
      << lines[2];
  EXPECT_EQ(lines[2].back(), '-');

  cli_testing::cli_result json = run_mergepipe({"jobs", "--redis", redis_->url(), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("{\"job\":\"first\",\"state\":\"done\",\"phase\":\"done\",\"tasks\":"
                          "{\"map\":{\"done\":" +
                          maps + ",\"total\":" + maps +
                          "},\"reduce\":{\"done\":3,\"total\":3}},\"age_seconds\":"),
            std::string::npos)
      << json.out;
  std::size_t expires = json.out.find("\"expires_in_seconds\":") + 21;
  EXPECT_NEAR(std::stod(json.out.substr(expires, 5)), 43200, 60) << json.out;
  EXPECT_NE(json.out.find("{\"job\":\"second\",\"state\":\"running\",\"phase\":\"map\""),
            std::string::npos)
      << json.out;
  EXPECT_TRUE(json.out.ends_with("\"expires_in_seconds\":null}]\n")) << json.out;
}

TEST_F(cluster_test,
       cancel_in_the_map_phase_drops_the_tasks_removes_the_partials_and_frees_the_name) {
  std::vector<std::string> inputs = write_inputs();
  process& slow = worker("slow", {"MERGEPIPE_TEST_TASK_DELAY_MS=1500"}, "stop");
  process& submitter =
      start(submit_args("stop", dir_.file("stop.ndjson"), inputs, {"--wait"}), "submit.log");
  wait_until([&] { return number("stop", "map_done") >= 1 && pending("stop") == 1; }, 30s,
             "a map task is done and another in hand");
  cli_testing::cli_result c = run_mergepipe({"cancel", "--redis", redis_->url(), "--job", "stop"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.err.find("job stop cancelled"), std::string::npos) << c.err;
  EXPECT_EQ(submitter.wait(20s), 1) << submitter.log();
  EXPECT_NE(submitter.log().find("JOB stop CANCELLED: cancelled with mergepipe cancel"),
            std::string::npos)
      << submitter.log();
  cluster::job_keys keys("stop");
  EXPECT_EQ(db_->command({"XLEN", keys.tasks}).integer, 0);
  wait_until([&] { return pending("stop") == 0; }, 20s, "the worker lets its task go");
  EXPECT_EQ(slow.wait(20s), 0) << slow.log();  // it leaves the ended job
  EXPECT_NE(slow.log().find("the job is cancelled: task abandoned, nothing written"),
            std::string::npos)
      << slow.log();
  EXPECT_EQ(files_in(dir_.file("storage/stop")), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("stop.ndjson")));
  cli_testing::cli_result s = run_mergepipe({"status", "--redis", redis_->url(), "--job", "stop"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.out.find("CANCELLED: cancelled with mergepipe cancel"), std::string::npos) << s.out;
  EXPECT_GT(db_->command({"TTL", keys.spec}).integer, 0);  // kept for its retain time
  c = run_mergepipe({"cancel", "--redis", redis_->url(), "--job", "stop"});
  EXPECT_EQ(c.exit_code, 0);
  EXPECT_NE(c.err.find("job stop was already cancelled"), std::string::npos) << c.err;

  // The name is free again (a worker for it starts once it runs: one that finds the job
  // cancelled leaves).
  process& again =
      start(submit_args("stop", dir_.file("stop.ndjson"), inputs, {"--wait"}), "again.log");
  wait_until([&] { return field("stop", "state") == "running"; }, 20s, "the job runs again");
  worker("again", {}, "stop");
  ASSERT_EQ(again.wait(60s), 0) << again.log();
  EXPECT_EQ(read_file(dir_.file("stop.ndjson")), single_machine(inputs));
  c = run_mergepipe({"cancel", "--redis", redis_->url(), "--job", "stop"});
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("job stop already ended (done): nothing to cancel"), std::string::npos)
      << c.err;
  c = run_mergepipe({"cancel", "--redis", redis_->url(), "--job", "nosuch"});
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("no job nosuch in Redis"), std::string::npos) << c.err;
}

TEST_F(cluster_test, cancel_in_the_reduce_phase_leaves_no_task_and_no_partial_file) {
  std::vector<std::string> inputs = write_inputs();
  // One worker, a task at a time: the reduce phase lasts three tasks of 0.3 s at least.
  process& slow = worker("slow", {"MERGEPIPE_TEST_TASK_DELAY_MS=300"}, "late");
  process& submitter =
      start(submit_args("late", dir_.file("late.ndjson"), inputs, {"--wait"}), "submit.log");
  wait_until([&] { return field("late", "phase") == "reduce"; }, 60s, "the reduce phase");
  cli_testing::cli_result c = run_mergepipe({"cancel", "--redis", redis_->url(), "--job", "late"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(submitter.wait(20s), 1) << submitter.log();
  wait_until([&] { return pending("late") == 0; }, 20s, "the workers let their tasks go");
  EXPECT_EQ(slow.wait(20s), 0) << slow.log();
  EXPECT_EQ(db_->command({"XLEN", cluster::job_keys("late").tasks}).integer, 0);
  EXPECT_EQ(files_in(dir_.file("storage/late")), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("late.ndjson")));
}

class roots_check : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* dir : {"data/day1", "database", "srv"}) {
      std::filesystem::create_directories(dir_.file(dir));
    }
    spec_.inputs = {dir_.write("data/day1/in.ndjson", "{\"id\":1}\n")};
    spec_.output = dir_.file("srv/out.ndjson");  // not there yet
    spec_.storage = dir_.file("data");
  }

  std::string refused(const std::vector<std::string>& roots) {
    return cluster::path_roots(roots).outside(spec_).value_or("allowed");
  }

  temp_dir dir_;
  cluster::job_spec spec_;
};

TEST_F(roots_check, every_path_of_the_job_must_lie_under_a_root) {
  EXPECT_EQ(refused({}), "allowed");
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}), "allowed");
  EXPECT_EQ(refused({dir_.file("data")}), spec_.output);
  EXPECT_EQ(refused({dir_.file("srv"), dir_.file("data/day1")}), spec_.storage);
  spec_.rejects = dir_.file("rejects.jsonl");
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}), spec_.rejects);
  spec_.rejects = dir_.file("srv/rejects.jsonl");
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}), "allowed");
  // A root is a directory, not a prefix of names.
  spec_.storage = dir_.file("database");
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}), spec_.storage);
}

TEST_F(roots_check, links_are_followed_out_of_a_root) {
  const std::string escape = dir_.file("data/day1/escape.ndjson");
  std::filesystem::create_symlink("/etc/hostname", escape);
  spec_.inputs.push_back(escape);
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}),
            escape + " (which resolves to /etc/hostname)");
  spec_.inputs.pop_back();
  spec_.output = dir_.file("data/../srv/out.ndjson");
  EXPECT_EQ(refused({dir_.file("data"), dir_.file("srv")}), "allowed");
}

TEST_F(roots_check, a_root_must_be_a_directory) {
  try {
    cluster::path_roots roots({dir_.file("data/day1/in.ndjson")});
    FAIL() << "a file was taken as a root";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::usage);
    EXPECT_EQ(std::string(e.what()),
              "--allow-root " + dir_.file("data/day1/in.ndjson") + ": not a directory");
  }
}

TEST(redis_url, parses_host_port_db_and_credentials) {
  cluster::redis_endpoint ep = cluster::parse_redis_url("redis://u:p%40ss@db.example:7000/3");
  EXPECT_EQ(ep.host, "db.example");
  EXPECT_EQ(ep.port, 7000);
  EXPECT_EQ(ep.db, 3);
  EXPECT_EQ(ep.user, "u");
  EXPECT_EQ(ep.password, "p@ss");
  EXPECT_EQ(ep.display(), "db.example:7000/3");
  ep = cluster::parse_redis_url("redis://[::1]:6380");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.port, 6380);
  ep = cluster::parse_redis_url("redis://localhost");
  EXPECT_EQ(ep.port, 6379);
  EXPECT_THROW(cluster::parse_redis_url("http://localhost"), error);
  EXPECT_THROW(cluster::parse_redis_url("redis://h:99999"), error);
  EXPECT_THROW(cluster::parse_redis_url("redis://h/x"), error);
}

}  // namespace
}  // namespace mergepipe::cluster_testing
