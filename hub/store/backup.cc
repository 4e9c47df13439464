#include "hub/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_util.h"

namespace hub::store {
namespace {

using internal::QueryText;
using internal::SqliteError;

// Closes a connection on every path out.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close_v2(db); }
};

absl::Status Errno(absl::string_view what, absl::string_view path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

// fsync(2) on `path` (a file, or a directory for the names in it).
absl::Status SyncPath(const std::string& path, bool directory) {
  const int fd =
      ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Errno("open", path);
  const bool synced = ::fsync(fd) == 0;
  const absl::Status status = synced ? absl::OkStatus() : Errno("sync", path);
  ::close(fd);
  return status;
}

absl::StatusOr<BackupReport> Copy(const std::string& database,
                                  const std::string& partial) {
  Connection source;
  int rc = sqlite3_open_v2(database.c_str(), &source.db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) return SqliteError(source.db, "open", database);
  sqlite3_busy_timeout(source.db, 5000);
  Connection copy;
  rc = sqlite3_open_v2(partial.c_str(), &copy.db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) return SqliteError(copy.db, "create", partial);

  // One step: the whole database from one read snapshot.
  sqlite3_backup* backup =
      sqlite3_backup_init(copy.db, "main", source.db, "main");
  if (backup == nullptr) return SqliteError(copy.db, "back up", database);
  rc = sqlite3_backup_step(backup, -1);
  BackupReport report;
  report.pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return absl::UnavailableError(absl::StrCat(
        "cannot back up ", database, ": ", sqlite3_errstr(rc),
        rc == SQLITE_BUSY ? "; the database was locked, try again" : ""));
  }
  ASSIGN_OR_RETURN(std::string check,
                   QueryText(copy.db, "PRAGMA integrity_check", partial));
  if (check != "ok") {
    return absl::DataLossError(absl::StrCat(
        "the copy of ", database, " fails the integrity check: ", check,
        "; the database itself may be damaged (run PRAGMA integrity_check)"));
  }
  return report;
}

}  // namespace

absl::StatusOr<BackupReport> BackupDatabase(const std::string& database,
                                            const std::string& out) {
  struct stat info;
  if (::stat(database.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return absl::NotFoundError(absl::StrCat("--database: no database file at ",
                                            database,
                                            "; give the hub's database_path"));
  }
  if (::stat(out.c_str(), &info) == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("--out: ", out,
                     " exists; name a new file (a backup never replaces "
                     "another)"));
  }
  const std::string partial = out + ".partial";
  auto discard = [&partial] {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      std::remove(absl::StrCat(partial, suffix).c_str());
    }
  };
  discard();
  absl::StatusOr<BackupReport> report = Copy(database, partial);
  if (report.ok()) {
    absl::Status done = SyncPath(partial, /*directory=*/false);
    if (done.ok() && ::rename(partial.c_str(), out.c_str()) != 0) {
      done = Errno("rename the backup to", out);
    }
    if (done.ok()) {
      const size_t slash = out.rfind('/');
      done =
          SyncPath(slash == std::string::npos ? "." : out.substr(0, slash + 1),
                   /*directory=*/true);
      if (!done.ok()) std::remove(out.c_str());
    }
    if (!done.ok()) report = done;
  }
  if (!report.ok()) {
    discard();
    return report;
  }
  if (::stat(out.c_str(), &info) == 0) report->bytes = info.st_size;
  return report;
}

}  // namespace hub::store
