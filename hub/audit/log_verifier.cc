#include "hub/audit/log_verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/audit/commitment.h"
#include "hub/audit/event_row.h"
#include "hub/audit/merkle.h"

namespace hub::audit {
namespace {

// Checks one signed checkpoint against the recomputed tree.
absl::Status CheckCheckpoint(const SignedCheckpoint& signed_checkpoint,
                             const common::Ed25519PublicKey& key,
                             const MemoryTree& tree, absl::string_view what) {
  absl::StatusOr<Checkpoint> checkpoint =
      VerifyCheckpoint(signed_checkpoint, key);
  if (!checkpoint.ok()) {
    return absl::DataLossError(
        absl::StrCat(what, ": ", checkpoint.status().message()));
  }
  if (checkpoint->tree_size > tree.size()) {
    return absl::DataLossError(
        absl::StrCat(what, " covers ", checkpoint->tree_size,
                     " events but the log holds ", tree.size(),
                     ": events were removed (truncated, or the database "
                     "rolled back to an older copy)"));
  }
  absl::StatusOr<Hash> root = RootHash(tree, checkpoint->tree_size);
  if (!root.ok()) return root.status();
  if (*root != checkpoint->root) {
    return absl::DataLossError(absl::StrCat(
        what, " (", checkpoint->tree_size,
        " events) does not match the log's events: the log was rewritten, "
        "or this hub showed a different history (a fork)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LogReport> VerifyStoredLog(
    store::AuditStore& store, const common::Ed25519PublicKey& key,
    absl::Span<const SignedCheckpoint> held) {
  LogReport report;
  MemoryTree tree;
  absl::Status problem;
  ASSIGN_OR_RETURN(uint64_t size, store.AuditSize());
  RETURN_IF_ERROR(store.ReadAudit(0, size, [&](const store::AuditRow& row) {
    if (!problem.ok()) return;
    if (row.index != tree.size()) {
      problem = absl::DataLossError(
          absl::StrCat("audit event ", tree.size(),
                       " is missing (the next stored is ", row.index, ")"));
      return;
    }
    if (row.erased()) {
      ++report.erased;
    } else if (HashBytes(EventCommitment(row.salt, row.event)) !=
               row.commitment) {
      problem = absl::DataLossError(absl::StrCat(
          "audit event ", row.index,
          " does not match its commitment: its content was altered"));
      return;
    }
    if (absl::Status columns = CheckQueryColumns(row); !columns.ok()) {
      problem = columns;
      return;
    }
    tree.Append(LeafHash(row.commitment));
  }));
  RETURN_IF_ERROR(problem);
  if (tree.size() != size) {
    return absl::DataLossError(absl::StrCat("the log's last index says ", size,
                                            " events but ", tree.size(),
                                            " were read"));
  }
  report.events = size;

  RETURN_IF_ERROR(store.ReadAuditNodes([&](const store::AuditNode& node) {
    if (!problem.ok()) return;
    ++report.nodes;
    absl::StatusOr<Hash> want = tree.Node(node.level, node.index);
    if (!want.ok() || HashBytes(*want) != node.hash) {
      problem = absl::DataLossError(
          absl::StrCat("stored audit tree node ", node.level, "/", node.index,
                       " does not match the events: it was altered"));
    }
  }));
  RETURN_IF_ERROR(problem);

  uint64_t signed_size = 0;
  RETURN_IF_ERROR(
      store.ReadAuditCheckpoints([&](const store::AuditCheckpointRow& row) {
        if (!problem.ok()) return;
        ++report.checkpoints;
        problem = CheckCheckpoint(
            SignedCheckpoint{row.body, row.signature}, key, tree,
            absl::StrCat("stored checkpoint at ", row.tree_size));
        if (row.tree_size > signed_size) signed_size = row.tree_size;
      }));
  RETURN_IF_ERROR(problem);
  for (const SignedCheckpoint& checkpoint : held) {
    ++report.held;
    RETURN_IF_ERROR(CheckCheckpoint(
        checkpoint, key, tree,
        absl::StrCat("the checkpoint a partner holds (#", report.held, ")")));
  }
  report.unsigned_tail = size > signed_size ? size - signed_size : 0;
  return report;
}

}  // namespace hub::audit
