// Reads a hub database's audit events with a connection of the test's own,
// so cross-component tests can check what the hub recorded.
#ifndef HUB_TESTS_AUDIT_EVENTS_H_
#define HUB_TESTS_AUDIT_EVENTS_H_

#include <sqlite3.h>

#include <string>
#include <vector>

#include "proto/audit.pb.h"

namespace hub::testing {

// The audit events the database at `path` holds, in log order (WAL lets the
// test read while the hub writes); none if it cannot be read.
inline std::vector<prevent::audit::v1::AuditEvent> AuditEvents(
    const std::string& path) {
  std::vector<prevent::audit::v1::AuditEvent> events;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT event FROM audit_events ORDER BY leaf_index",
                       -1, &stmt, nullptr);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      events.emplace_back().ParseFromArray(sqlite3_column_blob(stmt, 0),
                                           sqlite3_column_bytes(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db);
  return events;
}

}  // namespace hub::testing

#endif  // HUB_TESTS_AUDIT_EVENTS_H_
