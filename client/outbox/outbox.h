// hubctl's outbox (issue 8): the writes made while the hub was unreachable,
// one sealed file per write, kept until the hub takes them or the user
// discards them. Files are named so they sort in queue order and are sealed
// by the DataKey bound to their name, so none holds plaintext and none can be
// altered, swapped or renamed unnoticed; such a file is moved to quarantine/
// for the user to see, and the rest still go. Each change is written durably
// and atomically. Not thread-safe; one process at a time.
#ifndef HUB_CLIENT_OUTBOX_OUTBOX_H_
#define HUB_CLIENT_OUTBOX_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/cache/data_key.h"
#include "proto/client.pb.h"

namespace hub::client {

class Outbox {
 public:
  // One entry as read back, with the path of the file it lives in.
  struct Entry {
    prevent::client::v1::OutboxEntry entry;
    std::string file;
  };
  // A file that could not be read or opened (truncated, altered, renamed,
  // sealed by another key): moved to `quarantine/` beside the entries.
  struct Quarantined {
    std::string file;  // its path in quarantine/
    std::string why;   // a plain reason, never its contents
  };

  // Opens (creating with mode 0700 if needed; its parent must exist) the
  // outbox directory `dir`; entries are sealed with `key`, which must
  // outlive the outbox. FAILED_PRECONDITION naming `dir` if it cannot be
  // created or is not a directory.
  static absl::StatusOr<Outbox> Open(std::string dir, const DataKey* key);

  // Queues `entry`. Its request_id must be 1 to 64 printable ASCII
  // characters without '/' (INVALID_ARGUMENT otherwise); ALREADY_EXISTS if
  // that request id is already queued. The file is named
  // "<20-digit sequence>-<32 hex of the request id's SHA-256>.entry", the
  // sequence one more than the highest in the outbox or its quarantine.
  absl::Status Add(const prevent::client::v1::OutboxEntry& entry);

  // Every entry, in queue order. A file that cannot be read or opened, or is
  // not an entry, is moved to quarantine/ (keeping its name), recorded in
  // *quarantined (if not null) and skipped. Temp files left by a crash are
  // removed. Other I/O errors (e.g. the directory cannot be listed or a file
  // cannot be moved) are returned.
  absl::StatusOr<std::vector<Entry>> List(
      std::vector<Quarantined>* quarantined = nullptr);

  // Rewrites the entry for `request_id` in place, atomically, with
  // refused_status, refused_reason and refused_at set. NOT_FOUND if it is
  // not queued; DATA_LOSS if its file does not open (List quarantines it).
  absl::Status MarkRefused(absl::string_view request_id,
                           absl::string_view status, absl::string_view reason,
                           absl::Time at);

  // Deletes the entry for `request_id` (delivered, or discarded by the
  // user) durably. NOT_FOUND if it is not queued.
  absl::Status Remove(absl::string_view request_id);

  // The names of the files in quarantine/, sorted.
  absl::StatusOr<std::vector<std::string>> QuarantinedFiles() const;

 private:
  Outbox(std::string dir, const DataKey* key);

  std::string Path(absl::string_view name) const;
  std::string QuarantineDir() const;
  // The file name of the queued entry for `request_id`, if any.
  absl::StatusOr<std::optional<std::string>> FindName(
      absl::string_view request_id) const;
  // The entry in the file `name`; DATA_LOSS with a plain reason if the file
  // is not a readable entry sealed for that name.
  absl::StatusOr<prevent::client::v1::OutboxEntry> Read(
      const std::string& name) const;
  // Seals `entry` for `name` and writes it there durably and atomically.
  absl::Status Write(const std::string& name,
                     const prevent::client::v1::OutboxEntry& entry) const;
  // Moves the file `name` into quarantine/; returns its new path.
  absl::StatusOr<std::string> Quarantine(const std::string& name) const;
  // The highest sequence number among entries and quarantined files.
  absl::StatusOr<uint64_t> HighestSequence() const;

  std::string dir_;
  const DataKey* key_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_OUTBOX_OUTBOX_H_
