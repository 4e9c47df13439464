#include "client/cache/cache.h"

#include <fstream>
#include <sstream>

#include "common/fake_clock.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

constexpr uint64_t kCheapN = 1024;  // tests only: fast scrypt

class CacheTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Cache>> Open(absl::string_view passphrase) {
    return Cache::Open(path_, passphrase, &clock_, Cache::kDefaultOfflineTtl,
                       kCheapN);
  }

  // Every byte of the cache's files (the database and its WAL).
  std::string FileBytes() const {
    std::string all;
    for (const std::string& p : {path_, path_ + "-wal"}) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }

  Cache::Item Briefing(const std::string& id, const std::string& text,
                       absl::Duration ttl) {
    return {"briefing", id, text, clock_.Now() + ttl};
  }

  common::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  common::ScopedTempDir dir_;
  const std::string path_ = dir_.path() + "/cache.db";
};

TEST_F(CacheTest, HoldsNoPlaintextAndReopensOnlyWithThePassphrase) {
  {
    auto cache = Open("correct horse");
    ASSERT_THAT(cache, IsOk());
    ASSERT_THAT((*cache)->Apply(
                    {Briefing("B-1", "CANARY-SCHOOLS-TEXT", absl::Hours(24))},
                    {}, Cache::Batch::kLast),
                IsOk());
  }
  EXPECT_THAT(FileBytes(), Not(HasSubstr("CANARY")));
  EXPECT_THAT(Open("wrong horse"), StatusIs(absl::StatusCode::kUnauthenticated,
                                            HasSubstr("passphrase is wrong")));
  auto cache = Open("correct horse");
  ASSERT_THAT(cache, IsOk());
  EXPECT_EQ((*cache)->LastSync(), clock_.Now());
  auto item = (*cache)->Get("briefing", "B-1");
  ASSERT_THAT(item, IsOk());
  ASSERT_TRUE(item->has_value());
  EXPECT_EQ((*item)->value, "CANARY-SCHOOLS-TEXT");
}

TEST_F(CacheTest, ExpiredItemsAreUnreadableAndPurgedForAttestation) {
  auto cache = Open("pw");
  ASSERT_THAT(cache, IsOk());
  ASSERT_THAT((*cache)->Apply({Briefing("B-1", "one", absl::Hours(1)),
                               Briefing("B-2", "two", absl::Hours(10))},
                              {}, Cache::Batch::kLast),
              IsOk());
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE((*cache)->Get("briefing", "B-1")->has_value());
  auto listed = (*cache)->List("briefing");
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, "B-2");
  auto purged = (*cache)->PurgeExpired();
  ASSERT_THAT(purged, IsOk());
  EXPECT_THAT(*purged, ElementsAre(Pair("briefing", "B-1")));
  EXPECT_TRUE((*cache)->PurgeExpired()->empty());
}

TEST_F(CacheTest, NothingIsReadableOnceTheOfflineTtlPassesUntilTheNextSync) {
  auto cache = Open("pw");
  ASSERT_THAT(cache, IsOk());
  ASSERT_THAT((*cache)->Apply({Briefing("B-1", "one", absl::Hours(200))}, {},
                              Cache::Batch::kLast),
              IsOk());
  clock_.Advance(Cache::kDefaultOfflineTtl);
  EXPECT_THAT((*cache)->Get("briefing", "B-1"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("hubctl sync")));
  EXPECT_THAT((*cache)->List("briefing"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("hubctl sync")));
  ASSERT_THAT((*cache)->Apply({}, {}, Cache::Batch::kLast),
              IsOk());  // a sync succeeded
  EXPECT_TRUE((*cache)->Get("briefing", "B-1")->has_value());
}

TEST_F(CacheTest, RemovalsAndWipe) {
  auto cache = Open("pw");
  ASSERT_THAT(cache, IsOk());
  ASSERT_THAT((*cache)->Apply({Briefing("B-1", "one", absl::Hours(5)),
                               Briefing("B-2", "two", absl::Hours(5))},
                              {}, Cache::Batch::kLast),
              IsOk());
  ASSERT_THAT((*cache)->Apply({}, {{"briefing", "B-1"}}, Cache::Batch::kLast),
              IsOk());
  EXPECT_FALSE((*cache)->Get("briefing", "B-1")->has_value());
  EXPECT_TRUE((*cache)->Get("briefing", "B-2")->has_value());
  ASSERT_THAT((*cache)->Wipe(), IsOk());
  EXPECT_EQ((*cache)->LastSync(), absl::InfinitePast());
  EXPECT_THAT((*cache)->Get("briefing", "B-2"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("hubctl sync")));
}

TEST_F(CacheTest, AnItemMovedToAnotherRowDoesNotOpen) {
  auto cache = Open("pw");
  ASSERT_THAT(cache, IsOk());
  ASSERT_THAT((*cache)->Apply({Briefing("B-1", "one", absl::Hours(5)),
                               Briefing("B-2", "two", absl::Hours(5))},
                              {}, Cache::Batch::kLast),
              IsOk());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE items SET sealed = (SELECT sealed FROM items "
                         "WHERE id = 'B-2') WHERE id = 'B-1'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THAT((*cache)->Get("briefing", "B-1"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("moved")));
}

}  // namespace
}  // namespace hub::client
