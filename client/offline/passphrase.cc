#include "client/offline/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

namespace hub::client {
namespace {

constexpr char kEnv[] = "HUBCTL_PASSPHRASE";
constexpr size_t kMaxPassphrase = 1024;

// Reads one line from the terminal `fd` with echo off.
std::string ReadHidden(int fd) {
  termios saved{};
  const bool is_tty = tcgetattr(fd, &saved) == 0;
  if (is_tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c;
  while (line.size() < kMaxPassphrase && read(fd, &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  if (is_tty) tcsetattr(fd, TCSAFLUSH, &saved);
  return line;
}

}  // namespace

absl::StatusOr<std::string> ReadPassphrase() {
  if (const char* env = std::getenv(kEnv); env != nullptr) {
    if (*env == '\0') {
      return absl::FailedPreconditionError(
          "HUBCTL_PASSPHRASE is set but empty; set it to your cache "
          "passphrase or unset it to be asked");
    }
    return std::string(env);
  }
  const int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return absl::FailedPreconditionError(
        "the offline cache needs your passphrase: set HUBCTL_PASSPHRASE, or "
        "run hubctl on a terminal to be asked");
  }
  constexpr char kPrompt[] = "offline cache passphrase: ";
  ssize_t ignored = write(tty, kPrompt, sizeof(kPrompt) - 1);
  std::string passphrase = ReadHidden(tty);
  ignored = write(tty, "\n", 1);
  (void)ignored;
  close(tty);
  if (passphrase.empty()) {
    return absl::FailedPreconditionError(
        "no passphrase given; the offline cache stays locked");
  }
  return passphrase;
}

}  // namespace hub::client
