#include "hub/store/sqlite_store.h"

#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/fake_clock.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

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

TEST_F(SqliteStoreTest, ADatabaseItCanOnlyReadIsRefused) {
  { ASSERT_THAT(SqliteStore::Open(path_, &clock_), IsOk()); }
  // As a read-only file system leaves it: SQLite would open it for reading.
  EXPECT_THAT(SqliteStore::Open("file:" + path_ + "?mode=ro", &clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("can only be opened read-only")));
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

// A referral row with just what the tables require.
ReferralRow Referral(const std::string& id, int seq) {
  ReferralRow row;
  row.id = id;
  row.ref = "PRV-WXC-2026-00000" + std::to_string(seq);
  row.area = "WXC";
  row.year = 2026;
  row.seq = seq;
  row.source_partner_id = "P-NHS";
  row.referrer_principal_id = "U-A";
  row.subject_id = "S-" + id;
  row.subject_key = "key-" + id;
  row.state = 1;
  row.version = 1;
  row.record = "case file";
  return row;
}

MatchEntryRow Entry(const std::string& referral_id, std::vector<int64_t> keys) {
  MatchEntryRow entry;
  entry.referral_id = referral_id;
  entry.subject_id = "S-" + referral_id;
  entry.profile = "profile of " + referral_id;
  entry.keys = std::move(keys);
  return entry;
}

absl::Status Write(SqliteStore& store, const RecordWrite& write) {
  const RecordWrite* writes[] = {&write};
  return store.AppendAudit(writes, {}, {}, nullptr);
}

// Makes the database at `path` look as an older hub left it, by running
// `sql` on it (the later migrations' changes undone, user_version set).
void Rewind(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::vector<std::string> ReferralIds(const std::vector<MatchEntryRow>& rows) {
  std::vector<std::string> ids;
  for (const MatchEntryRow& row : rows) ids.push_back(row.referral_id);
  return ids;
}

TEST_F(SqliteStoreTest, FindsEachMatchEntryOnceUnderAnyOfItsKeys) {
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  RecordWrite write;
  write.match_entries = {Entry("R1", {1, 2, 3}), Entry("R2", {3, 4}),
                         Entry("R3", {-5})};
  ASSERT_THAT(Write(**store, write), IsOk());
  // Indexed once: a second entry for R1 changes nothing.
  RecordWrite again;
  again.match_entries = {Entry("R1", {9})};
  ASSERT_THAT(Write(**store, again), IsOk());

  auto found = (*store)->MatchEntriesForKeys({1, 3, 9}, 100);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(ReferralIds(*found), UnorderedElementsAre("R1", "R2"));
  const MatchEntryRow& first = found->front();
  EXPECT_EQ(first.subject_id, "S-" + first.referral_id);
  EXPECT_EQ(first.profile, "profile of " + first.referral_id);

  found = (*store)->MatchEntriesForKeys({-5}, 100);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(ReferralIds(*found), ElementsAre("R3"));
  // At most per_key_limit under one key.
  found = (*store)->MatchEntriesForKeys({3}, 1);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(*found, SizeIs(1));
  found = (*store)->MatchEntriesForKeys({42}, 100);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(*found, IsEmpty());
}

TEST_F(SqliteStoreTest, ReferralsFromBeforeTheIndexAwaitItUntilAdded) {
  {
    auto store = SqliteStore::Open(path_, &clock_);
    ASSERT_THAT(store, IsOk());
    RecordWrite write;
    write.referrals = {Referral("R1", 1), Referral("R2", 2)};
    ASSERT_THAT(Write(**store, write), IsOk());
    auto none = (*store)->ReferralsAwaitingMatchIndex(10);
    ASSERT_THAT(none, IsOk());
    EXPECT_THAT(*none, IsEmpty());
  }
  // The same database as a schema-4 hub left it: migration 5 lists both.
  ASSERT_NO_FATAL_FAILURE(
      Rewind(path_,
             "DROP TABLE match_entries; DROP TABLE match_keys; "
             "DROP TABLE match_backfill; DROP TABLE deconfliction_queries; "
             "DROP TABLE briefings; DROP TABLE briefing_deliveries; "
             "ALTER TABLE referrals DROP COLUMN child_concerned; "
             "PRAGMA user_version=4"));
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  auto waiting = (*store)->ReferralsAwaitingMatchIndex(10);
  ASSERT_THAT(waiting, IsOk());
  EXPECT_THAT(*waiting, UnorderedElementsAre("R1", "R2"));

  ASSERT_THAT((*store)->AddMatchEntries({Entry("R1", {7})}), IsOk());
  waiting = (*store)->ReferralsAwaitingMatchIndex(10);
  ASSERT_THAT(waiting, IsOk());
  EXPECT_THAT(*waiting, ElementsAre("R2"));
  auto found = (*store)->MatchEntriesForKeys({7}, 10);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(ReferralIds(*found), ElementsAre("R1"));
}

TEST_F(SqliteStoreTest, ChildConcernedIsStoredAndUnsetForOlderRows) {
  {
    auto store = SqliteStore::Open(path_, &clock_);
    ASSERT_THAT(store, IsOk());
    RecordWrite write;
    write.referrals = {Referral("R1", 1), Referral("R2", 2), Referral("R3", 3)};
    write.referrals[0].child_concerned = true;
    write.referrals[1].child_concerned = false;
    ASSERT_THAT(Write(**store, write), IsOk());
    for (const auto& [id, want] :
         std::vector<std::pair<std::string, std::optional<bool>>>{
             {"R1", true}, {"R2", false}, {"R3", std::nullopt}}) {
      auto found = (*store)->FindReferral(id);
      ASSERT_THAT(found, IsOk());
      ASSERT_TRUE(found->has_value()) << id;
      EXPECT_EQ((*found)->child_concerned, want) << id;
    }
  }
  // The same database as a schema-6 hub left it: migration 7 adds the
  // column, and the rows it finds do not say.
  ASSERT_NO_FATAL_FAILURE(
      Rewind(path_,
             "ALTER TABLE referrals DROP COLUMN child_concerned; "
             "PRAGMA user_version=6"));
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  auto found = (*store)->FindReferral("R1");
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->child_concerned, std::nullopt);
  EXPECT_EQ((*found)->record, "case file");
}

TEST_F(SqliteStoreTest, SelectsRowsWithoutRecordsThenReadsThemById) {
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  // More than one statement's worth of ids (256).
  RecordWrite write;
  std::vector<std::string> ids;
  for (int i = 1; i <= 300; ++i) {
    ReferralRow row = Referral("R" + std::to_string(i), i);
    row.record = "case file " + std::to_string(i);
    row.received_ms = i;
    row.child_concerned = i % 2 == 0;
    ids.push_back(row.id);
    write.referrals.push_back(std::move(row));
  }
  ASSERT_THAT(Write(**store, write), IsOk());

  ReferralSelection selection;
  selection.referrer_principal_id = "U-A";
  selection.limit = 1000;
  selection.with_records = false;
  auto rows = (*store)->SelectReferrals(selection);
  ASSERT_THAT(rows, IsOk());
  ASSERT_THAT(*rows, SizeIs(300));
  EXPECT_EQ(rows->front().id, "R300");  // newest first
  EXPECT_EQ(rows->front().version, 1);
  EXPECT_EQ(rows->front().child_concerned, true);
  for (const ReferralRow& row : *rows) EXPECT_EQ(row.record, "") << row.id;

  ids.push_back("no-such-referral");
  auto full = (*store)->ReferralsById(ids);
  ASSERT_THAT(full, IsOk());
  ASSERT_THAT(*full, SizeIs(300));
  for (const ReferralRow& row : *full) {
    EXPECT_EQ(row.record, "case file " + row.id.substr(1)) << row.id;
  }
  auto none = (*store)->ReferralsById({});
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_F(SqliteStoreTest, CountsEachPrincipalsChecksSinceATime) {
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  RecordWrite write;
  write.deconfliction_queries = {{"Q1", "R1", "U-A", 100},
                                 {"Q2", "R1", "U-A", 200},
                                 {"Q3", "R2", "U-B", 300}};
  ASSERT_THAT(Write(**store, write), IsOk());
  EXPECT_EQ((*store)->CountDeconflictionQueries("U-A", 0).value_or(-1), 2);
  EXPECT_EQ((*store)->CountDeconflictionQueries("U-A", 150).value_or(-1), 1);
  EXPECT_EQ((*store)->CountDeconflictionQueries("U-C", 0).value_or(-1), 0);
  auto q = (*store)->FindDeconflictionQuery("Q3");
  ASSERT_THAT(q, IsOk());
  ASSERT_TRUE(q->has_value());
  EXPECT_EQ((*q)->referral_id, "R2");
  EXPECT_EQ((*q)->principal_id, "U-B");
  EXPECT_EQ((*q)->at_ms, 300);
  q = (*store)->FindDeconflictionQuery("Q9");
  ASSERT_THAT(q, IsOk());
  EXPECT_FALSE(q->has_value());
}

TEST_F(SqliteStoreTest,
       BriefingsAndCopiesAreReplacedByKeyAndListedNewestFirst) {
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_THAT(store, IsOk());
  RecordWrite write;
  write.briefings = {{"B1", "P-SO15D", 1, 100, 1, "one"},
                     {"B2", "P-SO15D", 1, 200, 1, "two"}};
  write.briefing_deliveries = {
      {"B1", "U-A", "P-X", 3, "WM-1", 100, 0, 0, "", 0, 0},
      {"B2", "U-A", "P-X", 3, "WM-2", 200, 0, 0, "", 0, 0},
      {"B2", "U-B", "P-Y", 4, "WM-3", 200, 0, 0, "", 0, 0}};
  ASSERT_THAT(Write(**store, write), IsOk());

  RecordWrite change;
  change.briefings = {{"B1", "P-SO15D", 3, 100, 2, "one, withdrawn"}};
  change.briefing_deliveries = {
      {"B2", "U-A", "P-X", 3, "WM-2", 200, 210, 220, "abc", 230, 0}};
  ASSERT_THAT(Write(**store, change), IsOk());

  // Marking delivered sets the time only where it is unset.
  RecordWrite delivered;
  delivered.briefings_delivered = {
      {"B2", "U-A", "P-X", 3, "WM-2", 200, 999, 0, "", 0, 0},
      {"B2", "U-B", "P-Y", 4, "WM-3", 200, 240, 0, "", 0, 0}};
  ASSERT_THAT(Write(**store, delivered), IsOk());
  auto b2_copy = (*store)->FindBriefingDelivery("B2", "U-B");
  ASSERT_THAT(b2_copy, IsOk());
  ASSERT_TRUE(b2_copy->has_value());
  EXPECT_EQ((*b2_copy)->delivered_ms, 240);

  auto b1 = (*store)->FindBriefing("B1");
  ASSERT_THAT(b1, IsOk());
  ASSERT_TRUE(b1->has_value());
  EXPECT_EQ((*b1)->state, 3);
  EXPECT_EQ((*b1)->version, 2);
  EXPECT_EQ((*b1)->record, "one, withdrawn");
  auto none = (*store)->FindBriefing("B9");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());

  auto mine = (*store)->BriefingDeliveriesFor("U-A", 10);
  ASSERT_THAT(mine, IsOk());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].briefing_id, "B2");  // newest first
  EXPECT_EQ((*mine)[0].delivered_ms, 210);  // already delivered: unchanged
  EXPECT_EQ((*mine)[0].acknowledged_ms, 220);
  EXPECT_EQ((*mine)[0].conditions_sha256, "abc");
  EXPECT_EQ((*mine)[0].opened_ms, 230);
  EXPECT_EQ((*mine)[1].briefing_id, "B1");
  auto one = (*store)->BriefingDeliveriesFor("U-A", 1);
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->size(), 2u);  // limit + 1, so the caller sees there is more

  auto copies = (*store)->BriefingDeliveries("B2");
  ASSERT_THAT(copies, IsOk());
  ASSERT_EQ(copies->size(), 2u);
  EXPECT_EQ((*copies)[1].principal_id, "U-B");
  EXPECT_EQ((*copies)[1].audience, 4);
  auto copy = (*store)->FindBriefingDelivery("B2", "U-B");
  ASSERT_THAT(copy, IsOk());
  ASSERT_TRUE(copy->has_value());
  EXPECT_EQ((*copy)->watermark_id, "WM-3");
  auto missing = (*store)->FindBriefingDelivery("B1", "U-B");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());
}

}  // namespace
}  // namespace hub::store
