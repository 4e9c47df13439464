#include "hub/store/backup.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <string>

#include "common/file_util.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace hub::store {
namespace {

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// A WAL database as the hub keeps one, with its connection left open.
class Live {
 public:
  explicit Live(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA wal_autocheckpoint=0");  // commits stay in the WAL
    Exec("CREATE TABLE t(x)");
  }
  ~Live() { sqlite3_close_v2(db_); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_ = nullptr;
};

int Rows(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  int n = -1;
  if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &stmt, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  return n;
}

TEST(BackupTest, CopiesWhatIsCommittedIncludingTheWalAndNothingElse) {
  common::ScopedTempDir dir;
  Live live(dir.path() + "/hub.db");
  ASSERT_EQ(live.Exec("INSERT INTO t VALUES (1), (2)"), SQLITE_OK);
  // A change not yet committed when the backup is taken.
  ASSERT_EQ(live.Exec("BEGIN; INSERT INTO t VALUES (3)"), SQLITE_OK);

  const std::string out = dir.path() + "/backup.db";
  absl::StatusOr<BackupReport> report =
      BackupDatabase(dir.path() + "/hub.db", out);
  ASSERT_THAT(report, IsOk());
  EXPECT_GT(report->pages, 0);
  EXPECT_GT(report->bytes, 0);
  EXPECT_EQ(Rows(out), 2);
  EXPECT_FALSE(Exists(out + ".partial"));
  ASSERT_EQ(live.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(Rows(out), 2);  // a copy, not a view
}

TEST(BackupTest, NeverReplacesAFileAndLeavesNothingWhenItFails) {
  common::ScopedTempDir dir;
  Live live(dir.path() + "/hub.db");
  const std::string out = dir.path() + "/backup.db";
  ASSERT_THAT(common::WriteFileAtomically(out, "an older backup"), IsOk());
  absl::StatusOr<BackupReport> report =
      BackupDatabase(dir.path() + "/hub.db", out);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(report.status().message(), ::testing::HasSubstr("--out"));
  EXPECT_EQ(*common::ReadFile(out), "an older backup");

  report = BackupDatabase(dir.path() + "/none.db", dir.path() + "/b2.db");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(report.status().message(), ::testing::HasSubstr("--database"));
  EXPECT_FALSE(Exists(dir.path() + "/b2.db"));

  const std::string nowhere = dir.path() + "/no-such-dir/backup.db";
  report = BackupDatabase(dir.path() + "/hub.db", nowhere);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(Exists(nowhere));
  EXPECT_FALSE(Exists(nowhere + ".partial"));
}

}  // namespace
}  // namespace hub::store
