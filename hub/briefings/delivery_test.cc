#include "hub/briefings/delivery.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/briefings/briefing_samples.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using State = rec::BriefingDelivery;
using ::testing::MatchesRegex;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);
const absl::Time kDue = kNow + absl::Hours(24 * 30);

TEST(CopyStateTest, FollowsWhatTheRecipientDidUntilThePurgeIsDue) {
  CopyEvents events;
  EXPECT_EQ(CopyState(events, kDue, kNow), State::QUEUED);
  events.delivered = kNow;
  EXPECT_EQ(CopyState(events, kDue, kNow), State::DELIVERED);
  events.acknowledged = kNow;
  EXPECT_EQ(CopyState(events, kDue, kNow), State::ACKNOWLEDGED);
  events.opened = kNow;
  EXPECT_EQ(CopyState(events, kDue, kNow), State::OPENED);
}

TEST(CopyStateTest, PurgeRequestedAtTheDueTimeAndOverdue72HoursLater) {
  CopyEvents events;
  events.delivered = kNow;
  events.opened = kNow;
  EXPECT_EQ(CopyState(events, kDue, kDue - absl::Seconds(1)), State::OPENED);
  EXPECT_EQ(CopyState(events, kDue, kDue), State::PURGE_REQUESTED);
  EXPECT_EQ(CopyState(events, kDue, kDue + kPurgeGrace - absl::Seconds(1)),
            State::PURGE_REQUESTED);
  EXPECT_EQ(CopyState(events, kDue, kDue + kPurgeGrace), State::PURGE_OVERDUE);
  events.purge_attested = kDue + absl::Hours(100);
  EXPECT_EQ(CopyState(events, kDue, kDue + absl::Hours(200)),
            State::PURGE_ATTESTED);
}

TEST(CopyStateTest, NeverDeliveredBeforeTheEndIsRevokedNotOverdue) {
  EXPECT_EQ(CopyState(CopyEvents(), kDue, kDue + absl::Hours(500)),
            State::REVOKED);
}

TEST(PurgeDueAtTest, ExpiryOrTheEndOfTheBriefingWhicheverIsFirst) {
  rec::Briefing briefing;
  *briefing.mutable_draft() = testing::SampleBriefing(kNow);
  briefing.set_state(rec::Briefing::PUBLISHED);
  const absl::Time expiry = kNow + absl::Hours(24 * 365);
  EXPECT_EQ(VariantExpiry(briefing.draft(), pb::SCHOOLS), expiry);
  EXPECT_EQ(PurgeDueAt(briefing, pb::SCHOOLS), expiry);
  EXPECT_EQ(VariantExpiry(briefing.draft(), pb::PUBLIC), absl::InfinitePast());

  briefing.set_state(rec::Briefing::WITHDRAWN);
  briefing.mutable_ended_at()->set_seconds(absl::ToUnixSeconds(kNow));
  EXPECT_EQ(PurgeDueAt(briefing, pb::SCHOOLS), kNow);
}

TEST(SetDefaultExpiriesTest, BySeriesWithMembersAtMostThirtyDays) {
  rec::BriefingDraft draft = testing::SampleBriefing(kNow);
  const absl::Time given = VariantExpiry(draft, pb::SCHOOLS);
  for (rec::BriefingDraft::Variant& v : *draft.mutable_variants()) {
    if (v.audience() != pb::SCHOOLS) v.clear_expires_at();
  }
  rec::BriefingDraft annual = draft;
  SetDefaultExpiries(&annual, kNow);
  EXPECT_EQ(VariantExpiry(annual, pb::LA_CORE), kNow + absl::Hours(24 * 365));
  EXPECT_EQ(VariantExpiry(annual, pb::ELECTED_MEMBERS),
            kNow + absl::Hours(24 * 30));
  EXPECT_EQ(VariantExpiry(annual, pb::SCHOOLS), given);  // the owner's own

  rec::BriefingDraft quarterly = draft;
  quarterly.set_series(rec::BriefingDraft::EMERGING_RISK_QUARTERLY);
  SetDefaultExpiries(&quarterly, kNow);
  EXPECT_EQ(VariantExpiry(quarterly, pb::STATUTORY_PARTNERS),
            kNow + absl::Hours(24 * 91));
  rec::BriefingDraft incident = draft;
  incident.set_series(rec::BriefingDraft::INCIDENT_BRIEFING);
  SetDefaultExpiries(&incident, kNow);
  EXPECT_EQ(VariantExpiry(incident, pb::LA_CORE), kNow + absl::Hours(24 * 30));
}

TEST(WatermarkTest, EachCopyGetsItsOwnId) {
  const std::string a = NewWatermarkId();
  EXPECT_THAT(a, MatchesRegex("WM-[0-9A-F]{12}"));
  EXPECT_NE(a, NewWatermarkId());
}

}  // namespace
}  // namespace hub::briefings
