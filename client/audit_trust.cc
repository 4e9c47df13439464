#include "client/audit_trust.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

constexpr char kCheckpointsFile[] = "audit_checkpoints";
constexpr char kSeenFile[] = "audit_seen";
constexpr size_t kMaxHeld = 64;
constexpr size_t kMaxSeen = 2000;

absl::Status Corrupt(const std::string& path, absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat(path, " is corrupt (", what,
                   "); it records what the hub showed you before, so do not "
                   "delete it: ask your DPO"));
}

std::string Describe(const audit::Checkpoint& c) {
  return absl::StrCat(c.tree_size, " events, signed ",
                      common::FormatUtc(c.time));
}

// The file's lines, or none if it does not exist yet.
absl::StatusOr<std::vector<std::string>> ReadLines(const std::string& path) {
  absl::StatusOr<std::string> text = common::ReadFile(path);
  if (absl::IsNotFound(text.status())) return std::vector<std::string>();
  if (!text.ok()) return text.status();
  return std::vector<std::string>(
      absl::StrSplit(*text, '\n', absl::SkipEmpty()));
}

}  // namespace

absl::StatusOr<std::vector<audit::Hash>> ProofHashes(
    const google::protobuf::RepeatedPtrField<std::string>& proof) {
  std::vector<audit::Hash> hashes;
  for (const std::string& bytes : proof) {
    absl::StatusOr<audit::Hash> hash = audit::HashFromBytes(bytes);
    if (!hash.ok()) {
      return absl::DataLossError("a malformed proof (a hash is not 32 bytes)");
    }
    hashes.push_back(*hash);
  }
  return hashes;
}

absl::StatusOr<AuditTrust> AuditTrust::Load(
    const prevent::config::v1::ClientProfile& profile,
    const std::string& profile_dir) {
  ASSIGN_OR_RETURN(std::string pem,
                   common::ReadConfiguredFile("audit_public_key_file",
                                              profile.audit_public_key_file()));
  absl::StatusOr<common::Ed25519PublicKey> key =
      common::Ed25519PublicKey::FromPem(pem);
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit_public_key_file (", profile.audit_public_key_file(),
                     "): ", key.status().message()));
  }
  AuditTrust trust(std::move(key).value(), profile_dir);

  const std::string held_path =
      absl::StrCat(profile_dir, "/", kCheckpointsFile);
  ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLines(held_path));
  for (const std::string& line : lines) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    audit::SignedCheckpoint held;
    if (parts.size() != 2 || !absl::Base64Unescape(parts[0], &held.body) ||
        !absl::Base64Unescape(parts[1], &held.signature)) {
      return Corrupt(held_path, "a line is not two base64 fields");
    }
    absl::StatusOr<audit::Checkpoint> parsed =
        audit::VerifyCheckpoint(held, trust.key_);
    if (!parsed.ok()) return Corrupt(held_path, parsed.status().message());
    trust.held_.push_back(std::move(held));
    trust.parsed_.push_back(*parsed);
  }

  const std::string seen_path = absl::StrCat(profile_dir, "/", kSeenFile);
  ASSIGN_OR_RETURN(lines, ReadLines(seen_path));
  for (const std::string& line : lines) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    SeenEvent event;
    std::string leaf;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &event.index) ||
        parts[1].size() != 64) {
      return Corrupt(seen_path, "a line is not an index and a hash");
    }
    leaf = absl::HexStringToBytes(parts[1]);
    absl::StatusOr<audit::Hash> hash = audit::HashFromBytes(leaf);
    if (!hash.ok()) return Corrupt(seen_path, "a hash is not 32 bytes");
    event.leaf = *hash;
    trust.seen_.push_back(event);
  }
  return trust;
}

absl::Status AuditTrust::Save() const {
  std::string held;
  const size_t first = held_.size() > kMaxHeld ? held_.size() - kMaxHeld : 0;
  for (size_t i = first; i < held_.size(); ++i) {
    absl::StrAppend(&held, absl::Base64Escape(held_[i].body), " ",
                    absl::Base64Escape(held_[i].signature), "\n");
  }
  RETURN_IF_ERROR(common::WriteFileAtomically(
      absl::StrCat(dir_, "/", kCheckpointsFile), held));
  std::string seen;
  const size_t from = seen_.size() > kMaxSeen ? seen_.size() - kMaxSeen : 0;
  for (size_t i = from; i < seen_.size(); ++i) {
    absl::StrAppend(&seen, seen_[i].index, " ", audit::HashHex(seen_[i].leaf),
                    "\n");
  }
  return common::WriteFileAtomically(absl::StrCat(dir_, "/", kSeenFile), seen);
}

absl::Status AuditTrust::CheckExtends(
    const audit::Checkpoint& old, const audit::Checkpoint& latest,
    const std::vector<audit::Hash>& proof) const {
  if (old.origin != latest.origin) {
    return absl::DataLossError(absl::StrCat(
        "the hub now signs for log '", latest.origin,
        "' but you hold checkpoints of '", old.origin,
        "': it is not the log you saw before; report it to your DPO"));
  }
  const bool extends =
      old.tree_size == latest.tree_size
          ? old.root == latest.root
          : old.tree_size < latest.tree_size &&
                audit::VerifyConsistency(old.tree_size, latest.tree_size,
                                         old.root, latest.root, proof)
                    .ok();
  if (extends) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "the hub's audit log (", Describe(latest),
      ") does not extend the checkpoint you hold (", Describe(old),
      "): its history was rewritten, or it shows partners different "
      "histories (a fork); report it to your DPO"));
}

uint64_t AuditTrust::known_tree_size() const {
  return parsed_.empty() ? 0 : parsed_.back().tree_size;
}

absl::Status AuditTrust::RolledBack() const {
  return absl::DataLossError(absl::StrCat(
      "the hub's audit log holds fewer events than the checkpoint you hold (",
      Describe(parsed_.back()),
      "): it was rolled back or replaced; report it to your DPO"));
}

absl::StatusOr<audit::Checkpoint> AuditTrust::Refresh(HubClient& client) {
  absl::StatusOr<prevent::records::v1::AuditProof> answer =
      client.GetCheckpoint(known_tree_size());
  if (absl::IsOutOfRange(answer.status()) && !parsed_.empty()) {
    return RolledBack();
  }
  if (!answer.ok()) return answer.status();
  return Accept(*answer);
}

absl::StatusOr<audit::Checkpoint> AuditTrust::Accept(
    const prevent::records::v1::AuditProof& answer) {
  audit::SignedCheckpoint latest_signed{answer.checkpoint(),
                                        answer.signature()};
  absl::StatusOr<audit::Checkpoint> latest =
      audit::VerifyCheckpoint(latest_signed, key_);
  if (!latest.ok()) {
    return absl::DataLossError(
        absl::StrCat("the hub's latest audit checkpoint does not verify: ",
                     latest.status().message(), "; report it to your DPO"));
  }
  if (!parsed_.empty()) {
    ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                     ProofHashes(answer.hashes()));
    RETURN_IF_ERROR(CheckExtends(parsed_.back(), *latest, proof));
  }
  if (parsed_.empty() || latest->tree_size > parsed_.back().tree_size) {
    held_.push_back(std::move(latest_signed));
    parsed_.push_back(*latest);
    RETURN_IF_ERROR(Save());
  }
  return *latest;
}

absl::StatusOr<TrustReport> AuditTrust::VerifyAll(HubClient& client) {
  TrustReport report;
  ASSIGN_OR_RETURN(report.latest, Refresh(client));
  const audit::Checkpoint& latest = report.latest;
  for (const audit::Checkpoint& old : parsed_) {
    std::vector<audit::Hash> proof;
    if (old.tree_size > 0 && old.tree_size < latest.tree_size) {
      absl::StatusOr<prevent::records::v1::AuditProof> answer =
          client.GetConsistencyProof(old.tree_size, latest.tree_size);
      if (!answer.ok()) return answer.status();
      ASSIGN_OR_RETURN(proof, ProofHashes(answer->hashes()));
    }
    RETURN_IF_ERROR(CheckExtends(old, latest, proof));
    ++report.checkpoints;
  }
  for (const SeenEvent& event : seen_) {
    if (event.index >= latest.tree_size) {
      return absl::DataLossError(
          absl::StrCat("the hub showed you audit event ", event.index,
                       " but its log now holds only ", latest.tree_size,
                       " events; report it to your DPO"));
    }
    absl::StatusOr<prevent::records::v1::AuditProof> answer =
        client.GetInclusionProof(event.index, latest.tree_size);
    if (!answer.ok()) return answer.status();
    ASSIGN_OR_RETURN(std::vector<audit::Hash> proof,
                     ProofHashes(answer->hashes()));
    if (!audit::VerifyInclusion(event.leaf, event.index, latest.tree_size,
                                proof, latest.root)
             .ok()) {
      return absl::DataLossError(absl::StrCat(
          "audit event ", event.index,
          " that the hub showed you earlier is not in its log as it was: the "
          "log was rewritten; report it to your DPO"));
    }
    ++report.events;
  }
  return report;
}

absl::Status CheckHubAuditLog(const prevent::config::v1::ClientProfile& profile,
                              const std::string& profile_dir,
                              HubClient& client) {
  ASSIGN_OR_RETURN(AuditTrust trust, AuditTrust::Load(profile, profile_dir));
  return trust.Refresh(client).status();
}

absl::Status AuditTrust::RememberSeen(const std::vector<SeenEvent>& events) {
  for (const SeenEvent& event : events) {
    const bool known =
        std::any_of(seen_.begin(), seen_.end(), [&](const SeenEvent& s) {
          return s.index == event.index && s.leaf == event.leaf;
        });
    if (!known) seen_.push_back(event);
  }
  return Save();
}

}  // namespace hub::client
