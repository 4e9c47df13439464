#include "hub/store/sqlite_util.h"

#include <sqlite3.h>

#include <string>

#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::store::internal {
namespace {

constexpr absl::string_view kSelectByKey = "SELECT v FROM t WHERE k = ?";

// A WAL database with a table t(k, v) holding (1, 'one') and (2, 'two'),
// open on two connections: one to write, one to read through a cache.
class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    ASSERT_THAT(Exec(writer_,
                     "PRAGMA journal_mode=WAL; "
                     "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); "
                     "INSERT INTO t VALUES (1, 'one'), (2, 'two');",
                     path_),
                IsOk());
    ASSERT_EQ(sqlite3_open(path_.c_str(), &reader_), SQLITE_OK);
  }
  void TearDown() override {
    cache_.Clear();
    sqlite3_close_v2(reader_);
    sqlite3_close_v2(writer_);
  }

  // How many statements the reading connection has prepared.
  int PreparedOnReader() {
    int n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(reader_, nullptr); s != nullptr;
         s = sqlite3_next_stmt(reader_, s)) {
      ++n;
    }
    return n;
  }

  // The value for `key`, read through the cache.
  std::string Lookup(int64_t key) {
    absl::StatusOr<Statement> select =
        cache_.Prepare(reader_, kSelectByKey, path_);
    EXPECT_THAT(select, IsOk());
    select->BindInt64(1, key);
    return select->Step() == SQLITE_ROW ? select->Text(0) : "<none>";
  }

  common::ScopedTempDir temp_;
  const std::string path_ = temp_.path() + "/t.db";
  sqlite3* writer_ = nullptr;
  sqlite3* reader_ = nullptr;
  StatementCache cache_;
};

TEST_F(StatementCacheTest, PreparesEachStatementOnce) {
  EXPECT_EQ(Lookup(1), "one");
  EXPECT_EQ(Lookup(2), "two");
  EXPECT_EQ(Lookup(1), "one");
  EXPECT_EQ(PreparedOnReader(), 1);
}

TEST_F(StatementCacheTest, AReturnedStatementHasNoBindingsLeft) {
  EXPECT_EQ(Lookup(1), "one");
  absl::StatusOr<Statement> select =
      cache_.Prepare(reader_, kSelectByKey, path_);
  ASSERT_THAT(select, IsOk());
  // Unbound, the parameter is NULL: no row, not the last caller's key.
  EXPECT_EQ(select->Step(), SQLITE_DONE);
}

TEST_F(StatementCacheTest, ANestedUseGetsItsOwnStatement) {
  absl::StatusOr<Statement> outer =
      cache_.Prepare(reader_, kSelectByKey, path_);
  ASSERT_THAT(outer, IsOk());
  outer->BindInt64(1, 1);
  ASSERT_EQ(outer->Step(), SQLITE_ROW);
  EXPECT_EQ(Lookup(2), "two");  // while outer is lent
  EXPECT_EQ(outer->Text(0), "one");
  EXPECT_EQ(PreparedOnReader(), 1);  // the nested one was finalized
}

TEST_F(StatementCacheTest, AStatementLeftMidResultDoesNotPinASnapshot) {
  {
    absl::StatusOr<Statement> all =
        cache_.Prepare(reader_, "SELECT v FROM t ORDER BY k", path_);
    ASSERT_THAT(all, IsOk());
    ASSERT_EQ(all->Step(), SQLITE_ROW);  // one row read, one left
  }
  ASSERT_THAT(Exec(writer_, "UPDATE t SET v = 'uno' WHERE k = 1", path_),
              IsOk());
  EXPECT_EQ(Lookup(1), "uno");
}

TEST_F(StatementCacheTest, ABadStatementIsAnErrorNamingIt) {
  absl::StatusOr<Statement> bad =
      cache_.Prepare(reader_, "SELECT nothing FROM nowhere", path_);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kUnavailable,
                            ::testing::HasSubstr("nowhere")));
  EXPECT_EQ(Lookup(1), "one");
}

TEST_F(StatementCacheTest, BeyondItsCapacityStatementsAreStillServed) {
  for (int i = 0; i < 300; ++i) {
    const std::string sql = "SELECT v FROM t WHERE k = ? AND " +
                            std::to_string(i) + " = " + std::to_string(i);
    absl::StatusOr<Statement> select = cache_.Prepare(reader_, sql, path_);
    ASSERT_THAT(select, IsOk());
    select->BindInt64(1, 2);
    ASSERT_EQ(select->Step(), SQLITE_ROW) << sql;
    EXPECT_EQ(select->Text(0), "two");
  }
  EXPECT_LE(PreparedOnReader(), 256);
}

}  // namespace
}  // namespace hub::store::internal
