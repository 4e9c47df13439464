#include "hub/store/power_loss_vfs.h"

#include <sqlite3.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace hub::store {
namespace {

// A connection through "hub-powerloss" (or, for the reboot, the real VFS),
// in WAL mode with synchronous=FULL, as the hub opens its database.
class Db {
 public:
  Db(const std::string& path, bool through_vfs) {
    const std::string uri =
        through_vfs
            ? absl::StrCat("file:", path, "?vfs=", InstallPowerLossVfs())
            : absl::StrCat("file:", path);
    EXPECT_EQ(sqlite3_open_v2(
                  uri.c_str(), &db_,
                  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                  nullptr),
              SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("PRAGMA wal_autocheckpoint=0");
  }
  ~Db() { sqlite3_close_v2(db_); }

  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  int Count(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int n = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return n;
  }

 private:
  sqlite3* db_ = nullptr;
};

constexpr char kRows[] =
    "SELECT COUNT(*) FROM sqlite_master m, t WHERE m.name = 't'";

TEST(PowerLossVfsTest, ACommitSyncedToTheWalSurvives) {
  common::ScopedTempDir dir;
  const std::string path = dir.path() + "/db";
  ArmPowerLoss(0, Durability::kFull);
  {
    Db db(path, /*through_vfs=*/true);
    ASSERT_EQ(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"),
              SQLITE_OK);
  }
  ASSERT_THAT(RestoreAfterPowerLoss(), IsOk());
  Db rebooted(path, /*through_vfs=*/false);
  EXPECT_EQ(rebooted.Count(kRows), 1);
}

TEST(PowerLossVfsTest, AWalTheDiskDidNotKeepIsLost) {
  common::ScopedTempDir dir;
  const std::string path = dir.path() + "/db";
  ArmPowerLoss(0, Durability::kWalUnsynced);
  {
    Db db(path, /*through_vfs=*/true);
    ASSERT_EQ(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"),
              SQLITE_OK);
    // Closing would checkpoint the WAL into the database; the power goes
    // first.
    ASSERT_THAT(RestoreAfterPowerLoss(), IsOk());
  }
  Db rebooted(path, /*through_vfs=*/false);
  EXPECT_EQ(rebooted.Count("SELECT COUNT(*) FROM sqlite_master"), 0);
}

TEST(PowerLossVfsTest, ThePowerGoesAtTheCutAndOnlyWhatWasSyncedRemains) {
  common::ScopedTempDir dir;
  const std::string path = dir.path() + "/db";
  ArmPowerLoss(0, Durability::kFull);
  {
    Db db(path, /*through_vfs=*/true);
    ASSERT_EQ(db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"),
              SQLITE_OK);
  }
  EXPECT_GT(PowerLossOperations(), 0);
  EXPECT_FALSE(PowerLost());

  // The power goes at the next write: that commit and every later one fail.
  ArmPowerLoss(1, Durability::kFull);
  {
    Db db(path, /*through_vfs=*/true);
    EXPECT_NE(db.Exec("INSERT INTO t VALUES (2)"), SQLITE_OK);
    EXPECT_TRUE(PowerLost());
    EXPECT_NE(db.Exec("INSERT INTO t VALUES (3)"), SQLITE_OK);
    ASSERT_THAT(RestoreAfterPowerLoss(), IsOk());
  }
  Db rebooted(path, /*through_vfs=*/false);
  EXPECT_EQ(rebooted.Count(kRows), 1);
}

}  // namespace
}  // namespace hub::store
