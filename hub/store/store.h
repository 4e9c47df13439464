// The Store is the hub's durable state behind one interface, so SQL stays in
// hub/store and a PostgreSQL implementation can follow. Implementations are
// thread-safe. Later issues add the domain tables and their operations.
#ifndef HUB_STORE_STORE_H_
#define HUB_STORE_STORE_H_

#include <string>

#include "absl/status/status.h"

namespace hub::store {

class Store {
 public:
  virtual ~Store() = default;

  // A random id fixed when the database was created; it names this hub's
  // data set (for example in signed audit checkpoints).
  virtual const std::string& instance_id() const = 0;

  // The schema version the database is at (after migrations).
  virtual int schema_version() const = 0;

  // Checks the database structure. OK if sound; DATA_LOSS naming the first
  // problem if not; UNAVAILABLE if it cannot be read.
  virtual absl::Status CheckIntegrity() = 0;
};

}  // namespace hub::store

#endif  // HUB_STORE_STORE_H_
