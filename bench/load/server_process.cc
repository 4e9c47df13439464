#include "bench/load/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace hub::bench {
namespace {

constexpr char kServing[] = "serving on ";

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path,
    absl::Duration timeout) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const absl::Time forked = absl::Now();
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", argv[0], ": ", strerror(spawned)));
  }
  // The first line, read a byte at a time so nothing after it is consumed.
  std::string line;
  char c = 0;
  const absl::Time deadline = forked + timeout;
  while (true) {
    pollfd p{out[0], POLLIN, 0};
    const int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0 || poll(&p, 1, ms) <= 0 || read(out[0], &c, 1) != 1 ||
        c == '\n') {
      break;
    }
    line += c;
  }
  const absl::Time ready = absl::Now();
  close(out[0]);
  std::unique_ptr<ServerProcess> process(
      new ServerProcess(pid, "", ready - forked));
  const size_t at = line.find(kServing);
  if (c != '\n' || at == std::string::npos) {
    process->Stop().IgnoreError();
    return absl::UnavailableError(
        absl::StrCat(argv[0], " did not report serving within ",
                     absl::FormatDuration(timeout), "; see ", log_path));
  }
  process->address_ = line.substr(at + sizeof(kServing) - 1);
  return process;
}

ServerProcess::~ServerProcess() { Stop().IgnoreError(); }

double ServerProcess::StatusMib(const char* field) const {
  std::ifstream status(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      std::istringstream in(line.substr(std::string(field).size()));
      double kib = 0;
      in >> kib;
      return kib / 1024;
    }
  }
  return 0;
}

double ServerProcess::RssMib() const { return StatusMib("VmRSS:"); }
double ServerProcess::PeakRssMib() const { return StatusMib("VmHWM:"); }

absl::Status ServerProcess::Stop() {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  const pid_t was = pid_;
  pid_ = 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(
        absl::StrCat("server process ", was, " did not exit cleanly"));
  }
  return absl::OkStatus();
}

}  // namespace hub::bench
