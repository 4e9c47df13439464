// A SQLite VFS for tests (on shim_vfs) that fails writes on demand: every
// write, sync and truncate of a database opened through it returns an I/O error
// while failing is on, as a full or failing disk would. Open a database through
// it with the URI "file:PATH?vfs=hub-fault". Test-only (hub_store_testing).
#ifndef HUB_STORE_FAULT_VFS_H_
#define HUB_STORE_FAULT_VFS_H_

namespace hub::store {

// Registers the "hub-fault" VFS once (thread-safe). Returns its name.
const char* InstallFaultVfs();

// While on, writes through "hub-fault" fail with SQLITE_IOERR.
void SetFaultVfsFailing(bool failing);

// The error an injected fault returns.
enum class Fault {
  kIoError,   // SQLITE_IOERR_WRITE / _FSYNC / _TRUNCATE: a failing disk
  kDiskFull,  // SQLITE_FULL
  kReadOnly,  // SQLITE_READONLY: the file system was remounted read-only
};

// From now on, counts the writes, syncs and truncates through "hub-fault"
// (1, 2, ...), and fails the `at`-th (0: none) with `fault`: that one only,
// or, if `persistent`, it and every later one until the next plan or
// SetFaultVfsFailing(false). Thread-safe.
void SetFaultVfsPlan(int at, bool persistent, Fault fault);

// How many writes, syncs and truncates the VFS has counted since the last
// plan, and how many of them it failed.
int FaultVfsOperations();
int FaultVfsFailures();

}  // namespace hub::store

#endif  // HUB_STORE_FAULT_VFS_H_
