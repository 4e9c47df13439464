#include "client/offline/syncer.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/offline/queued_writes.h"
#include "common/status_macros.h"
#include "hub/audit/checkpoint.h"

namespace hub::client {
namespace {

namespace api = ::prevent::hub::v1;
using prevent::client::v1::SyncSummary;
using Kind = api::SyncItem::Kind;

// The cache's name for a kind of item, e.g. "briefing".
std::string KindName(int kind) {
  return absl::AsciiStrToLower(api::SyncItem::Kind_Name(kind));
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// What this device holds, as the hub's cursor: each item's kind, id and
// the version the hub sent.
absl::StatusOr<api::SyncCursor> CursorOf(Cache& cache) {
  ASSIGN_OR_RETURN(std::vector<Cache::Item> held, cache.Held());
  api::SyncCursor cursor;
  for (const Cache::Item& item : held) {
    api::SyncItem parsed;
    // An unreadable item is left out, so the hub sends it again.
    if (!parsed.ParseFromString(item.value)) continue;
    if (KindName(parsed.kind()) != item.kind || parsed.id() != item.id) {
      continue;
    }
    api::HeldItem& h = *cursor.add_held();
    h.set_kind(parsed.kind());
    h.set_id(parsed.id());
    h.set_version(parsed.version());
  }
  return cursor;
}

}  // namespace

absl::Status Syncer::Sync(const SyncOptions& options, SyncSummary& summary) {
  RETURN_IF_ERROR(Push(summary));
  RETURN_IF_ERROR(Pull(options, summary));
  return Push(summary);
}

absl::Status Syncer::Push(SyncSummary& summary) {
  std::vector<Outbox::Quarantined> quarantined;
  ASSIGN_OR_RETURN(std::vector<Outbox::Entry> entries,
                   device_->outbox->List(&quarantined));
  for (const Outbox::Quarantined& q : quarantined) {
    summary.set_quarantined(summary.quarantined() + 1);
    summary.add_notes(absl::StrCat("quarantined ", q.file, ": ", q.why));
  }
  summary.set_refused(0);
  summary.set_still_queued(0);
  for (size_t i = 0; i < entries.size(); ++i) {
    const prevent::client::v1::OutboxEntry& entry = entries[i].entry;
    if (!entry.refused_status().empty()) {
      summary.set_refused(summary.refused() + 1);
      continue;  // kept, with its reason, until the user discards it
    }
    absl::StatusOr<std::string> sent = SendQueued(*hub_, entry);
    if (sent.ok()) {
      RETURN_IF_ERROR(device_->outbox->Remove(entry.request_id()));
      if (entry.method() == kAttestPurgeMethod) {
        summary.set_attested(summary.attested() + 1);
      } else {
        summary.set_pushed(summary.pushed() + 1);
      }
      summary.add_notes(absl::StrCat("sent ", entry.summary(), ": ", *sent));
      continue;
    }
    if (Unreachable(sent.status())) {
      summary.set_still_queued(static_cast<int32_t>(entries.size() - i));
      return absl::Status(
          sent.status().code(),
          absl::StrCat(sent.status().message(), "; ", entries.size() - i,
                       " queued write(s) kept for the next sync"));
    }
    if (absl::IsDataLoss(sent.status())) {
      return sent.status();  // the hub is not the partnership's
    }
    RETURN_IF_ERROR(device_->outbox->MarkRefused(
        entry.request_id(), absl::StatusCodeToString(sent.status().code()),
        sent.status().message(), clock_->Now()));
    summary.set_refused(summary.refused() + 1);
    summary.add_notes(absl::StrCat("refused ", entry.summary(), " (request id ",
                                   entry.request_id(),
                                   "): ", sent.status().message()));
  }
  return absl::OkStatus();
}

absl::Status Syncer::QueueAttestation(const std::string& briefing_id) {
  return client::QueueAttestation(*device_->outbox, AttestationFor(briefing_id),
                                  clock_->Now());
}

absl::Status Syncer::WipeFor(const absl::Status& refusal,
                             SyncSummary& summary) {
  RETURN_IF_ERROR(device_->cache->Wipe());
  summary.set_wiped(true);
  summary.set_wipe_reason(std::string(refusal.message()));
  return absl::PermissionDeniedError(absl::StrCat(
      "the hub no longer accepts you (", refusal.message(),
      "), so everything this device held for you has been wiped. Writes "
      "still queued are kept: hubctl outbox list"));
}

absl::Status Syncer::Pull(const SyncOptions& options, SyncSummary& summary) {
  Cache& cache = *device_->cache;
  // Whatever expired on this device goes first, whatever the hub says.
  ASSIGN_OR_RETURN(auto expired, cache.PurgeExpired());
  for (const auto& [kind, id] : expired) {
    summary.set_purged(summary.purged() + 1);
    if (kind == KindName(api::SyncItem::BRIEFING)) {
      RETURN_IF_ERROR(QueueAttestation(id));
    }
  }

  bool more = true;
  while (more) {
    more = false;
    api::PullRequest request;
    ASSIGN_OR_RETURN(*request.mutable_cursor(), CursorOf(cache));
    const uint64_t known = trust_ != nullptr ? trust_->known_tree_size() : 0;
    request.mutable_cursor()->set_known_tree_size(known);
    request.set_batch_size(options.batch_size);
    // What a purge order deletes from this device (it may also order the
    // attestation of a copy the device never held).
    absl::flat_hash_set<std::pair<int, std::string>> held;
    for (const api::HeldItem& h : request.cursor().held()) {
      held.emplace(h.kind(), h.id());
    }
    int batches = 0;
    int applied = 0;
    absl::Status pulled =
        hub_->Pull(request, [&](const api::SyncBatch& batch) -> absl::Status {
          if (batch.last()) {
            // The log the hub signs now must extend what this device saw.
            uint64_t tree_size = 0;
            if (trust_ != nullptr) {
              ASSIGN_OR_RETURN(audit::Checkpoint checkpoint,
                               trust_->Accept(batch.checkpoint()));
              tree_size = checkpoint.tree_size;
            } else if (absl::StatusOr<audit::Checkpoint> parsed =
                           audit::ParseCheckpointBody(
                               batch.checkpoint().checkpoint());
                       parsed.ok()) {
              tree_size = parsed->tree_size;
            }
            summary.set_audit_tree_size(tree_size);
          }
          std::vector<Cache::Item> items;
          items.reserve(batch.items_size());
          std::vector<std::pair<std::string, std::string>> removed;
          for (const api::SyncItem& item : batch.items()) {
            // Already past its expiry on this device's clock: not kept.
            if (item.has_expires_at() &&
                TimeOf(item.expires_at()) <= clock_->Now()) {
              removed.emplace_back(KindName(item.kind()), item.id());
              continue;
            }
            Cache::Item& out = items.emplace_back();
            out.kind = KindName(item.kind());
            out.id = item.id();
            out.value = item.SerializeAsString();
            if (item.has_expires_at()) {
              out.expires_at = TimeOf(item.expires_at());
            }
          }
          for (const api::PurgeOrder& order : batch.purges()) {
            removed.emplace_back(KindName(order.kind()), order.id());
          }
          RETURN_IF_ERROR(cache.Apply(
              items, removed,
              batch.last() ? Cache::Batch::kLast : Cache::Batch::kPart));
          for (const api::PurgeOrder& order : batch.purges()) {
            if (order.attest()) RETURN_IF_ERROR(QueueAttestation(order.id()));
          }
          applied += batch.items_size() + batch.purges_size();
          summary.set_applied(summary.applied() + batch.items_size() +
                              batch.purges_size());
          for (const api::PurgeOrder& order : batch.purges()) {
            if (held.contains({order.kind(), order.id()})) {
              summary.set_purged(summary.purged() + 1);
            }
          }
          if (options.progress) options.progress(applied, batch.total());
          more = batch.last() && batch.more();
          if (options.stop_after_batches > 0 &&
              ++batches >= options.stop_after_batches && !batch.last()) {
            return absl::CancelledError("the sync was stopped part-way");
          }
          return absl::OkStatus();
        });
    if (pulled.ok()) continue;
    if (absl::IsOutOfRange(pulled) && trust_ != nullptr && known > 0) {
      return trust_->RolledBack();
    }
    if (absl::IsUnauthenticated(pulled) || absl::IsPermissionDenied(pulled)) {
      return WipeFor(pulled, summary);
    }
    return pulled;
  }
  return absl::OkStatus();
}

}  // namespace hub::client
