#include "client/commands/default_purpose.h"

#include <algorithm>
#include <initializer_list>

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;

struct Row {
  std::initializer_list<pb::Role> roles;
  pb::Purpose purpose;
};

// Ordered: a principal with several roles gets the first row that matches,
// so the police role, whose purpose is the narrowest, wins.
const Row kRows[] = {
    {{pb::CT_GATEWAY_OFFICER}, pb::PREVENT_GATEWAY_DECONFLICTION},
    {{pb::LA_PREVENT_COORDINATOR}, pb::PREVENT_SCREENING},
    {{pb::MASH_OFFICER, pb::CSC_PREVENT_SOCIAL_WORKER},
     pb::CHILD_SAFEGUARDING_MASH},
    {{pb::PANEL_CHAIR}, pb::CHANNEL_PANEL},
};

}  // namespace

pb::Purpose DefaultReferralPurpose(const prevent::records::v1::Identity& me) {
  for (const Row& row : kRows) {
    for (pb::Role role : row.roles) {
      if (std::find(me.roles().begin(), me.roles().end(), role) !=
          me.roles().end()) {
        return row.purpose;
      }
    }
  }
  return pb::REFERRER_FEEDBACK;
}

}  // namespace hub::client
