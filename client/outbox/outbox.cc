#include "client/outbox/outbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

using ::prevent::client::v1::OutboxEntry;

constexpr absl::string_view kMagic("HUBOBX1\n", 8);
constexpr absl::string_view kSuffix = ".entry";
constexpr absl::string_view kTempPrefix = ".tmp-";
constexpr size_t kSequenceDigits = 20;
constexpr size_t kHashDigits = 32;
constexpr size_t kNameLength =
    kSequenceDigits + 1 + kHashDigits + kSuffix.size();
constexpr size_t kMaxRequestIdLength = 64;

std::string Errno() { return std::strerror(errno); }

// The part of an entry's file name that names its request id.
std::string HashOf(absl::string_view request_id) {
  return common::Sha256Hex(request_id).substr(0, kHashDigits);
}

bool IsEntryName(absl::string_view name) {
  if (name.size() != kNameLength || !absl::EndsWith(name, kSuffix) ||
      name[kSequenceDigits] != '-') {
    return false;
  }
  for (size_t i = 0; i < kSequenceDigits; ++i) {
    if (!absl::ascii_isdigit(name[i])) return false;
  }
  for (size_t i = kSequenceDigits + 1; i < kSequenceDigits + 1 + kHashDigits;
       ++i) {
    const char c = name[i];
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

absl::Status CheckRequestId(absl::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxRequestIdLength;
  for (char c : id) ok = ok && c >= 0x20 && c <= 0x7e && c != '/';
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot queue a write whose request id is not 1 to ",
        kMaxRequestIdLength,
        " printable ASCII characters without '/'; use a request id from "
        "`hubctl` itself"));
  }
  return absl::OkStatus();
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  // ToUnixSeconds rounds down, so the nanoseconds are never negative.
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) /
                                      absl::Nanoseconds(1)));
}

// The names of the regular files in `dir`, sorted.
absl::StatusOr<std::vector<std::string>> FileNames(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) {
      names.push_back(it->path().filename().string());
    }
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list the outbox directory ", dir, ": ",
                     ec.message(), "; check that it exists and is readable"));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Makes renames and deletions in `dir` durable.
absl::Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string error = Errno();
    if (fd >= 0) ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot sync the outbox directory ", dir, ": ", error,
                     "; check the disk and run the command again"));
  }
  ::close(fd);
  return absl::OkStatus();
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The bytes of `path`; nullopt (with errno set) if it cannot be read.
std::optional<std::string> ReadAll(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string bytes;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      errno = error;
      return std::nullopt;
    }
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace

absl::StatusOr<Outbox> Outbox::Open(std::string dir, const DataKey* key) {
  HUB_CHECK(key != nullptr);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the outbox directory ", dir, ": ", Errno(),
        "; create its parent directory or choose another outbox path"));
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the outbox ", dir,
                     " is not a directory; move it aside or choose another "
                     "outbox path"));
  }
  return Outbox(std::move(dir), key);
}

Outbox::Outbox(std::string dir, const DataKey* key)
    : dir_(std::move(dir)), key_(key) {}

std::string Outbox::Path(absl::string_view name) const {
  return absl::StrCat(dir_, "/", name);
}

std::string Outbox::QuarantineDir() const { return Path("quarantine"); }

absl::Status Outbox::Add(const OutboxEntry& entry) {
  RETURN_IF_ERROR(CheckRequestId(entry.request_id()));
  ASSIGN_OR_RETURN(std::optional<std::string> existing,
                   FindName(entry.request_id()));
  if (existing.has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("a write with request id ", entry.request_id(),
                     " is already queued in ", Path(*existing),
                     "; `hubctl outbox list` shows it"));
  }
  ASSIGN_OR_RETURN(const uint64_t highest, HighestSequence());
  const std::string name =
      absl::StrCat(absl::StrFormat("%020d", highest + 1), "-",
                   HashOf(entry.request_id()), kSuffix);
  return Write(name, entry);
}

absl::StatusOr<std::vector<Outbox::Entry>> Outbox::List(
    std::vector<Quarantined>* quarantined) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, FileNames(dir_));
  std::vector<Entry> entries;
  for (const std::string& name : names) {
    if (absl::StartsWith(name, kTempPrefix)) {
      // A write that a crash interrupted before its rename: never queued.
      if (::unlink(Path(name).c_str()) != 0 && errno != ENOENT) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot remove the unfinished outbox file ",
                         Path(name), ": ", Errno(), "; delete it by hand"));
      }
      continue;
    }
    absl::Status damage;
    if (IsEntryName(name)) {
      absl::StatusOr<OutboxEntry> entry = Read(name);
      if (entry.ok()) {
        entries.push_back({std::move(*entry), Path(name)});
        continue;
      }
      if (entry.status().code() != absl::StatusCode::kDataLoss) {
        return absl::Status(
            entry.status().code(),
            absl::StrCat("cannot read the outbox entry ", Path(name), ": ",
                         entry.status().message()));
      }
      damage = entry.status();
    } else {
      damage = absl::DataLossError("its name is not an outbox entry's");
    }
    ASSIGN_OR_RETURN(std::string moved_to, Quarantine(name));
    if (quarantined != nullptr) {
      quarantined->push_back(
          {std::move(moved_to), std::string(damage.message())});
    }
  }
  return entries;
}

absl::Status Outbox::MarkRefused(absl::string_view request_id,
                                 absl::string_view status,
                                 absl::string_view reason, absl::Time at) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, FindName(request_id));
  if (!name.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no write with request id ", request_id, " is queued in the outbox ",
        dir_, "; `hubctl outbox list` shows what is"));
  }
  absl::StatusOr<OutboxEntry> entry = Read(*name);
  if (entry.status().code() == absl::StatusCode::kDataLoss) {
    return absl::DataLossError(
        absl::StrCat("the outbox entry ", Path(*name), " is damaged (",
                     entry.status().message(),
                     "); run `hubctl outbox list` to move it to quarantine"));
  }
  if (!entry.ok()) return entry.status();
  entry->set_refused_status(std::string(status));
  entry->set_refused_reason(std::string(reason));
  SetTimestamp(at, entry->mutable_refused_at());
  return Write(*name, *entry);
}

absl::Status Outbox::Remove(absl::string_view request_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> name, FindName(request_id));
  if (!name.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no write with request id ", request_id, " is queued in the outbox ",
        dir_, "; `hubctl outbox list` shows what is"));
  }
  if (::unlink(Path(*name).c_str()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot delete the outbox entry ", Path(*name), ": ",
                     Errno(), "; check that ", dir_, " is writable"));
  }
  return SyncDir(dir_);
}

absl::StatusOr<std::vector<std::string>> Outbox::QuarantinedFiles() const {
  struct stat st;
  if (::stat(QuarantineDir().c_str(), &st) != 0 && errno == ENOENT) {
    return std::vector<std::string>();
  }
  return FileNames(QuarantineDir());
}

absl::StatusOr<std::optional<std::string>> Outbox::FindName(
    absl::string_view request_id) const {
  const std::string suffix = absl::StrCat("-", HashOf(request_id), kSuffix);
  ASSIGN_OR_RETURN(const std::vector<std::string> names, FileNames(dir_));
  for (const std::string& name : names) {
    if (IsEntryName(name) && absl::EndsWith(name, suffix)) return name;
  }
  return std::nullopt;
}

absl::StatusOr<OutboxEntry> Outbox::Read(const std::string& name) const {
  std::optional<std::string> bytes = ReadAll(Path(name));
  if (!bytes.has_value()) {
    return absl::DataLossError(absl::StrCat("it cannot be read: ", Errno()));
  }
  if (!absl::StartsWith(*bytes, kMagic)) {
    return absl::DataLossError(
        "it is not an outbox entry (too short, or not written by hubctl)");
  }
  absl::StatusOr<std::string> plain =
      key_->Open(absl::string_view(*bytes).substr(kMagic.size()),
                 absl::StrCat("outbox/", name));
  if (plain.status().code() == absl::StatusCode::kDataLoss) {
    return absl::DataLossError(
        "it does not open: it was truncated, altered, renamed or sealed under "
        "another key");
  }
  if (!plain.ok()) return plain.status();
  OutboxEntry entry;
  if (!entry.ParseFromString(*plain)) {
    return absl::DataLossError("it opens but does not hold an outbox entry");
  }
  if (absl::StrCat("-", HashOf(entry.request_id()), kSuffix) !=
      name.substr(kSequenceDigits)) {
    return absl::DataLossError("its request id does not match its name");
  }
  return entry;
}

absl::Status Outbox::Write(const std::string& name,
                           const OutboxEntry& entry) const {
  ASSIGN_OR_RETURN(
      const std::string sealed,
      key_->Seal(entry.SerializeAsString(), absl::StrCat("outbox/", name)));
  const std::string path = Path(name);
  std::string temp = absl::StrCat(dir_, "/", kTempPrefix, "XXXXXX");
  const int fd = ::mkstemp(temp.data());  // mode 0600
  auto failed = [&](absl::string_view what) {
    const std::string error = Errno();
    if (fd >= 0) ::unlink(temp.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot ", what, " the outbox entry ", path, ": ", error,
                     "; check that ", dir_,
                     " is writable and the disk has space, then run the "
                     "command again"));
  };
  if (fd < 0) return failed("write");
  const bool written = WriteAll(fd, kMagic) && WriteAll(fd, sealed);
  if (!written || ::fsync(fd) != 0) {
    absl::Status error = failed(written ? "sync" : "write");
    ::close(fd);
    return error;
  }
  if (::close(fd) != 0) return failed("write");
  if (::rename(temp.c_str(), path.c_str()) != 0) return failed("store");
  return SyncDir(dir_);
}

absl::StatusOr<std::string> Outbox::Quarantine(const std::string& name) const {
  const std::string from = Path(name);
  const std::string dir = QuarantineDir();
  auto failed = [&](absl::string_view error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot move the damaged outbox file ", from, " to ", dir,
                     ": ", error, "; move it out of ", dir_, " by hand"));
  };
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return failed(Errno());
  }
  // Never replace a file already in quarantine: add a suffix instead.
  std::string to = absl::StrCat(dir, "/", name);
  struct stat st;
  for (int n = 1; ::lstat(to.c_str(), &st) == 0; ++n) {
    to = absl::StrCat(dir, "/", name, ".", n);
  }
  if (::rename(from.c_str(), to.c_str()) != 0) return failed(Errno());
  RETURN_IF_ERROR(SyncDir(dir));
  RETURN_IF_ERROR(SyncDir(dir_));
  return to;
}

absl::StatusOr<uint64_t> Outbox::HighestSequence() const {
  ASSIGN_OR_RETURN(std::vector<std::string> names, FileNames(dir_));
  ASSIGN_OR_RETURN(std::vector<std::string> quarantined, QuarantinedFiles());
  names.insert(names.end(), quarantined.begin(), quarantined.end());
  uint64_t highest = 0;
  for (const std::string& name : names) {
    // A quarantined file may carry a ".N" suffix after its entry name.
    uint64_t sequence = 0;
    if (name.size() >= kNameLength &&
        IsEntryName(name.substr(0, kNameLength)) &&
        absl::SimpleAtoi(name.substr(0, kSequenceDigits), &sequence)) {
      highest = std::max(highest, sequence);
    }
  }
  return highest;
}

}  // namespace hub::client
