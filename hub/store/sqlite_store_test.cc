#include "hub/store/sqlite_store.h"

#include <sqlite3.h>

#include "common/fake_clock.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::store {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

class SqliteStoreTest : public ::testing::Test {
 protected:
  common::FakeClock clock_{absl::FromUnixSeconds(1'760'000'000)};
  common::ScopedTempDir temp_;
  const std::string path_ = temp_.path() + "/hub.db";
};

TEST_F(SqliteStoreTest, OpensWithWalAndFullSyncAtTheLatestSchema) {
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  SqliteStore::Settings s = (*store)->settings();
  EXPECT_EQ(s.journal_mode, "wal");
  EXPECT_EQ(s.synchronous, 2);  // FULL
  EXPECT_EQ((*store)->schema_version(), SqliteStore::LatestSchemaVersion());
  EXPECT_GE(SqliteStore::LatestSchemaVersion(), 1);
  EXPECT_THAT((*store)->instance_id(), SizeIs(32));
  EXPECT_THAT((*store)->CheckIntegrity(), IsOk());
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheInstanceId) {
  std::string first;
  {
    auto store = SqliteStore::Open(path_, &clock_);
    ASSERT_THAT(store, IsOk());
    first = (*store)->instance_id();
  }
  auto again = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->instance_id(), first);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerHub) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA user_version=999", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THAT(SqliteStore::Open(path_, &clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 999 is newer")));
}

TEST_F(SqliteStoreTest, UnwritableLocationIsUnavailableAndNamed) {
  EXPECT_THAT(SqliteStore::Open("/nonexistent-dir/hub.db", &clock_),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("/nonexistent-dir/hub.db")));
}

TEST_F(SqliteStoreTest, AFailedMigrationLeavesTheVersionUnchanged) {
  // A database that already has a table migration 1 wants to create: the
  // step must fail whole, leaving user_version at 0, not half-applied.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE hub_instance (x)", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THAT(SqliteStore::Open(path_, &clock_),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("migrating to schema version 1")));
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace hub::store
