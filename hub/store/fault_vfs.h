// A SQLite VFS for tests that fails writes on demand: every write, sync and
// truncate of a database opened through it returns an I/O error while
// failing is on, as a full or failing disk would. Open a database through it
// with the URI "file:PATH?vfs=hub-fault". Test-only (hub_store_testing).
#ifndef HUB_STORE_FAULT_VFS_H_
#define HUB_STORE_FAULT_VFS_H_

namespace hub::store {

// Registers the "hub-fault" VFS once (thread-safe). Returns its name.
const char* InstallFaultVfs();

// While on, writes through "hub-fault" fail with SQLITE_IOERR.
void SetFaultVfsFailing(bool failing);

}  // namespace hub::store

#endif  // HUB_STORE_FAULT_VFS_H_
