// The purpose hubctl names for a referral read or transition when the user
// gives no --purpose: the one the caller's role normally works under.
#ifndef HUB_CLIENT_COMMANDS_DEFAULT_PURPOSE_H_
#define HUB_CLIENT_COMMANDS_DEFAULT_PURPOSE_H_

#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::client {

// The first row of this table that one of `me`'s roles matches:
//   CT_GATEWAY_OFFICER                        PREVENT_GATEWAY_DECONFLICTION
//   LA_PREVENT_COORDINATOR                    PREVENT_SCREENING
//   MASH_OFFICER, CSC_PREVENT_SOCIAL_WORKER   CHILD_SAFEGUARDING_MASH
//   PANEL_CHAIR                               CHANNEL_PANEL
//   (any other role, or none)                 REFERRER_FEEDBACK
// It only picks what to ask for; the hub's policy decides what it allows.
prevent::policy::v1::Purpose DefaultReferralPurpose(
    const prevent::records::v1::Identity& me);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_DEFAULT_PURPOSE_H_
