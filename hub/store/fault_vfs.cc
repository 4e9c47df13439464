#include "hub/store/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>

namespace hub::store {
namespace {

constexpr char kName[] = "hub-fault";
std::atomic<bool> failing{false};
sqlite3_vfs* real_vfs = nullptr;

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

// Our file: the real VFS's file follows it in the same allocation.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<FaultFile*>(f)->real;
}

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
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
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Real(f)->pMethods->xSectorSize(Real(f));
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}

// Version 2: no memory-mapped I/O, so every write goes through Write().
const sqlite3_io_methods kMethods = {2,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     nullptr,
                                     nullptr};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  FaultFile* f = reinterpret_cast<FaultFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  f->base.pMethods = f->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (failing) return SQLITE_IOERR_DELETE;
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return real_vfs->xAccess(real_vfs, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) {
  return real_vfs->xDlOpen(real_vfs, name);
}
void DlError(sqlite3_vfs*, int n, char* out) {
  real_vfs->xDlError(real_vfs, n, out);
}
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return real_vfs->xDlSym(real_vfs, handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) {
  real_vfs->xDlClose(real_vfs, handle);
}
int Randomness(sqlite3_vfs*, int n, char* out) {
  return real_vfs->xRandomness(real_vfs, n, out);
}
int Sleep(sqlite3_vfs*, int micros) {
  return real_vfs->xSleep(real_vfs, micros);
}
int CurrentTime(sqlite3_vfs*, double* out) {
  return real_vfs->xCurrentTime(real_vfs, out);
}
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return real_vfs->xGetLastError(real_vfs, n, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

}  // namespace

const char* InstallFaultVfs() {
  static const bool installed = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs = {
        2,
        static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile,
        real_vfs->mxPathname,
        nullptr,
        kName,
        nullptr,
        Open,
        Delete,
        Access,
        FullPathname,
        DlOpen,
        DlError,
        DlSym,
        DlClose,
        Randomness,
        Sleep,
        CurrentTime,
        GetLastError,
        CurrentTimeInt64,
        nullptr,
        nullptr,
        nullptr};
    return sqlite3_vfs_register(&vfs, /*makeDflt=*/0) == SQLITE_OK;
  }();
  if (!installed) std::abort();
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
