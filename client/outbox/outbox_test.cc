#include "client/outbox/outbox.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/scoped_temp_dir.h"
#include "common/sha256.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

namespace fs = ::std::filesystem;
using ::google::protobuf::util::MessageDifferencer;
using ::prevent::client::v1::OutboxEntry;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr absl::string_view kMethod = "/prevent.hub.v1.ReferralService/Submit";

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// An entry's file name as the outbox forms it.
std::string EntryName(int sequence, absl::string_view request_id) {
  char digits[21];
  std::snprintf(digits, sizeof digits, "%020d", sequence);
  return absl::StrCat(digits, "-", common::Sha256Hex(request_id).substr(0, 32),
                      ".entry");
}

std::vector<std::string> RequestIds(const std::vector<Outbox::Entry>& list) {
  std::vector<std::string> ids;
  for (const Outbox::Entry& e : list) ids.push_back(e.entry.request_id());
  return ids;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(key_, IsOk()); }

  absl::StatusOr<Outbox> Open() { return Outbox::Open(dir_, &*key_); }

  // A queued write, as `hubctl referral submit` would make it.
  static OutboxEntry Queued(const std::string& request_id,
                            const std::string& request = "request bytes",
                            const std::string& summary = "referral submit") {
    OutboxEntry entry;
    entry.set_request_id(request_id);
    entry.set_method(std::string(kMethod));
    entry.set_request(request);
    entry.mutable_queued_at()->set_seconds(1'790'000'000);
    entry.set_summary(summary);
    return entry;
  }

  // The regular files directly in the outbox directory, sorted.
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
      if (e.is_regular_file()) names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // Queues req-1, req-2 and req-3 in that order.
  void AddThree(Outbox& outbox) {
    for (const char* id : {"req-1", "req-2", "req-3"}) {
      ASSERT_THAT(outbox.Add(Queued(id)), IsOk());
    }
  }

  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path() + "/outbox";
  absl::StatusOr<DataKey> key_ = DataKey::Generate();
};

TEST_F(OutboxTest, ListsWhatWasAddedInQueueOrder) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  const std::vector<OutboxEntry> added = {
      Queued("req-c", "one"), Queued("req-a", "two"), Queued("req-b", "three")};
  for (const OutboxEntry& entry : added) {
    ASSERT_THAT(outbox->Add(entry), IsOk());
  }
  auto listed = outbox->List();
  ASSERT_THAT(listed, IsOk());
  ASSERT_THAT(*listed, SizeIs(3));
  for (size_t i = 0; i < added.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals((*listed)[i].entry, added[i]));
    EXPECT_EQ(
        (*listed)[i].file,
        dir_ + "/" + EntryName(static_cast<int>(i) + 1, added[i].request_id()));
  }
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all,
            fs::perms::owner_all);
}

TEST_F(OutboxTest, RefusesADuplicateRequestId) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT(outbox->Add(Queued("req-1", "first")), IsOk());
  EXPECT_THAT(outbox->Add(Queued("req-1", "second")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("req-1")));
  auto listed = outbox->List();
  ASSERT_THAT(listed, IsOk());
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].entry.request(), "first");
}

TEST_F(OutboxTest, RefusesAnInvalidRequestId) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  for (const std::string& id :
       {std::string(), std::string(65, 'a'), std::string("a/b"),
        std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    EXPECT_THAT(outbox->Add(Queued(id)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("printable ASCII")))
        << id;
  }
  EXPECT_THAT(outbox->Add(Queued(std::string(64, 'a'))), IsOk());
  EXPECT_THAT(Files(), SizeIs(1));
}

TEST_F(OutboxTest, EntriesSurviveReopening) {
  {
    auto outbox = Open();
    ASSERT_THAT(outbox, IsOk());
    AddThree(*outbox);
  }
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  auto listed = outbox->List();
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-2", "req-3"));
}

TEST_F(OutboxTest, HoldsNoPlaintext) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT(
      outbox->Add(Queued("req-1", "name: CANARY-OUTBOX-1", "CANARY-SUMMARY")),
      IsOk());
  ASSERT_THAT(outbox->MarkRefused("req-1", "INVALID_ARGUMENT", "CANARY-REASON",
                                  absl::FromUnixSeconds(1'790'000'100)),
              IsOk());
  int files = 0;
  for (const fs::directory_entry& e :
       fs::recursive_directory_iterator(temp_.path())) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string bytes = ReadBytes(e.path().string());
    EXPECT_THAT(bytes, StartsWith("HUBOBX1\n"));
    EXPECT_THAT(bytes, Not(HasSubstr("CANARY"))) << e.path();
  }
  EXPECT_EQ(files, 1);
}

TEST_F(OutboxTest, QuarantinesATruncatedFileAndListsTheRest) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  AddThree(*outbox);
  const std::string name = EntryName(2, "req-2");
  const std::string bytes = ReadBytes(dir_ + "/" + name);
  WriteBytes(dir_ + "/" + name, bytes.substr(0, bytes.size() / 2));

  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-3"));
  ASSERT_THAT(quarantined, SizeIs(1));
  EXPECT_EQ(quarantined[0].file, dir_ + "/quarantine/" + name);
  EXPECT_THAT(quarantined[0].why, HasSubstr("truncated"));
  EXPECT_THAT(Files(), Not(Contains(name)));
  EXPECT_THAT(outbox->QuarantinedFiles(), IsOk());
  EXPECT_THAT(*outbox->QuarantinedFiles(), ElementsAre(name));

  // Once moved aside it is no longer reported as new.
  quarantined.clear();
  listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-3"));
  EXPECT_THAT(quarantined, IsEmpty());
}

TEST_F(OutboxTest, QuarantinesAFileWithAFlippedByte) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  AddThree(*outbox);
  const std::string path = dir_ + "/" + EntryName(3, "req-3");
  std::string bytes = ReadBytes(path);
  bytes[bytes.size() - 20] ^= 0x01;
  WriteBytes(path, bytes);

  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-2"));
  ASSERT_THAT(quarantined, SizeIs(1));
  EXPECT_THAT(quarantined[0].why, HasSubstr("altered"));
}

TEST_F(OutboxTest, QuarantinesAFileRenamedToAnotherEntryName) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  AddThree(*outbox);
  // Moved to the end of the queue, as if it were another write.
  const std::string renamed = EntryName(9, "req-9");
  fs::rename(dir_ + "/" + EntryName(1, "req-1"), dir_ + "/" + renamed);

  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-2", "req-3"));
  ASSERT_THAT(quarantined, SizeIs(1));
  EXPECT_EQ(quarantined[0].file, dir_ + "/quarantine/" + renamed);
  EXPECT_THAT(quarantined[0].why, HasSubstr("renamed"));
}

TEST_F(OutboxTest, QuarantinesEntriesSealedUnderAnotherKey) {
  {
    auto outbox = Open();
    ASSERT_THAT(outbox, IsOk());
    ASSERT_THAT(outbox->Add(Queued("req-1")), IsOk());
  }
  absl::StatusOr<DataKey> other = DataKey::Generate();
  ASSERT_THAT(other, IsOk());
  auto outbox = Outbox::Open(dir_, &*other);
  ASSERT_THAT(outbox, IsOk());
  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(*listed, IsEmpty());
  ASSERT_THAT(quarantined, SizeIs(1));
  EXPECT_THAT(quarantined[0].why, HasSubstr("another key"));
}

TEST_F(OutboxTest, QuarantinesAFileThatIsNotAnEntry) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT(outbox->Add(Queued("req-1")), IsOk());
  WriteBytes(dir_ + "/notes.txt", "hello");
  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1"));
  ASSERT_THAT(quarantined, SizeIs(1));
  EXPECT_EQ(quarantined[0].file, dir_ + "/quarantine/notes.txt");
}

TEST_F(OutboxTest, MarkRefusedKeepsTheEntryWithTheHubsReason) {
  {
    auto outbox = Open();
    ASSERT_THAT(outbox, IsOk());
    AddThree(*outbox);
    ASSERT_THAT(
        outbox->MarkRefused(
            "req-2", "INVALID_ARGUMENT", "unknown area code",
            absl::FromUnixSeconds(1'790'000'100) + absl::Milliseconds(250)),
        IsOk());
    EXPECT_THAT(
        outbox->MarkRefused("req-9", "INTERNAL", "x", absl::FromUnixSeconds(0)),
        StatusIs(absl::StatusCode::kNotFound, HasSubstr("req-9")));
  }
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  auto listed = outbox->List();
  ASSERT_THAT(listed, IsOk());
  ASSERT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-2", "req-3"));
  const Outbox::Entry& refused = (*listed)[1];
  EXPECT_EQ(refused.file, dir_ + "/" + EntryName(2, "req-2"));
  EXPECT_EQ(refused.entry.refused_status(), "INVALID_ARGUMENT");
  EXPECT_EQ(refused.entry.refused_reason(), "unknown area code");
  EXPECT_EQ(refused.entry.refused_at().seconds(), 1'790'000'100);
  EXPECT_EQ(refused.entry.refused_at().nanos(), 250'000'000);
  EXPECT_EQ(refused.entry.request(), "request bytes");
  EXPECT_FALSE((*listed)[0].entry.has_refused_at());
}

TEST_F(OutboxTest, RemoveDeletesTheEntry) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  AddThree(*outbox);
  ASSERT_THAT(outbox->Remove("req-2"), IsOk());
  auto listed = outbox->List();
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1", "req-3"));
  EXPECT_THAT(Files(), SizeIs(2));
  EXPECT_THAT(outbox->Remove("req-2"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("req-2")));
}

TEST_F(OutboxTest, ListRemovesALeftoverTempFile) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT(outbox->Add(Queued("req-1")), IsOk());
  // What a crash between writing and renaming leaves.
  const std::string entry = ReadBytes(dir_ + "/" + EntryName(1, "req-1"));
  WriteBytes(dir_ + "/.tmp-Ab12Cd", entry.substr(0, 20));

  std::vector<Outbox::Quarantined> quarantined;
  auto listed = outbox->List(&quarantined);
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(RequestIds(*listed), ElementsAre("req-1"));
  EXPECT_THAT(quarantined, IsEmpty());
  EXPECT_THAT(Files(), ElementsAre(EntryName(1, "req-1")));
}

TEST_F(OutboxTest, AddNumbersAboveAQuarantinedEntry) {
  auto outbox = Open();
  ASSERT_THAT(outbox, IsOk());
  AddThree(*outbox);
  WriteBytes(dir_ + "/" + EntryName(3, "req-3"), "HUBOBX1\ngarbage");
  ASSERT_THAT(outbox->List(), IsOk());
  ASSERT_THAT(outbox->Add(Queued("req-4")), IsOk());
  EXPECT_THAT(Files(), ElementsAre(EntryName(1, "req-1"), EntryName(2, "req-2"),
                                   EntryName(4, "req-4")));
}

TEST_F(OutboxTest, OpenNamesAPathThatIsNotADirectory) {
  WriteBytes(dir_, "not a directory");
  EXPECT_THAT(Open(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(dir_)));
}

}  // namespace
}  // namespace hub::client
