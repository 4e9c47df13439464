#include "hub/store/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>

#include "hub/store/shim_vfs.h"

namespace hub::store {
namespace {

constexpr char kName[] = "hub-fault";
std::atomic<bool> failing{false};

// The plan (SetFaultVfsPlan).
std::atomic<int> fail_at{0};
std::atomic<bool> fail_on{false};
std::atomic<int> fault_kind{0};
std::atomic<int> operations{0};
std::atomic<int> failures{0};

// Whether this write, sync or truncate fails, and with what; `io_error` is
// the operation's own SQLITE_IOERR_* code.
int Injected(int io_error) {
  const int n = operations.fetch_add(1) + 1;
  const int at = fail_at.load();
  if (!failing && !(at > 0 && (n == at || (n > at && fail_on.load())))) {
    return SQLITE_OK;
  }
  failures.fetch_add(1);
  if (failing) return io_error;
  switch (static_cast<Fault>(fault_kind.load())) {
    case Fault::kDiskFull:
      return SQLITE_FULL;
    case Fault::kReadOnly:
      return SQLITE_READONLY;
    case Fault::kIoError:
      break;
  }
  return io_error;
}

using shim::Real;

int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (int rc = Injected(SQLITE_IOERR_WRITE); rc != SQLITE_OK) return rc;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = Injected(SQLITE_IOERR_TRUNCATE); rc != SQLITE_OK) return rc;
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (int rc = Injected(SQLITE_IOERR_FSYNC); rc != SQLITE_OK) return rc;
  return Real(f)->pMethods->xSync(Real(f), flags);
}

const sqlite3_io_methods kMethods = shim::Methods({Write, Truncate, Sync});

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  return shim::OpenReal(name, file, sizeof(shim::File), flags, out_flags,
                        &kMethods);
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (failing) return SQLITE_IOERR_DELETE;
  return shim::RealVfs()->xDelete(shim::RealVfs(), name, sync_dir);
}

}  // namespace

const char* InstallFaultVfs() {
  static const bool installed = [] {
    shim::Register(kName, sizeof(shim::File), Open, Delete);
    return true;
  }();
  static_cast<void>(installed);
  return kName;
}

void SetFaultVfsFailing(bool on) {
  failing = on;
  if (!on) fail_at = 0;
}

void SetFaultVfsPlan(int at, bool persistent, Fault fault) {
  fail_at = 0;
  operations = 0;
  failures = 0;
  fail_on = persistent;
  fault_kind = static_cast<int>(fault);
  fail_at = at;
}

int FaultVfsOperations() { return operations.load(); }
int FaultVfsFailures() { return failures.load(); }

}  // namespace hub::store
