// The pass-through half of the tests' SQLite VFSs (fault_vfs,
// power_loss_vfs): a VFS that wraps the default one, whose files wrap the
// default VFS's files, passing every call through except those a test VFS
// replaces. Test-only (hub_store_testing).
#ifndef HUB_STORE_SHIM_VFS_H_
#define HUB_STORE_SHIM_VFS_H_

#include <sqlite3.h>

namespace hub::store::shim {

// The head of every shim file: SQLite's part, then the real file, which the
// shim's xOpen places in the same allocation after the whole shim file.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

inline sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real;
}

// The default VFS that shims wrap.
sqlite3_vfs* RealVfs();

// What a test VFS replaces; null members pass through.
struct FileHooks {
  int (*write)(sqlite3_file*, const void*, int, sqlite3_int64) = nullptr;
  int (*truncate)(sqlite3_file*, sqlite3_int64) = nullptr;
  int (*sync)(sqlite3_file*, int) = nullptr;
  int (*file_control)(sqlite3_file*, int, void*) = nullptr;
};

// Version 2 I/O methods (no memory-mapped I/O, so every write goes through
// xWrite) that pass through except where `hooks` says otherwise.
sqlite3_io_methods Methods(const FileHooks& hooks);

// Opens `name` with the real VFS into the real file after `file`, whose
// whole shim struct is `shim_size` bytes, and gives it `methods`.
int OpenReal(const char* name, sqlite3_file* file, int shim_size, int flags,
             int* out_flags, const sqlite3_io_methods* methods);

// Registers (once per name, not as the default) a VFS called `name` whose
// files are `shim_size` bytes plus the real VFS's, with its own xOpen and
// xDelete; every other call passes through. Aborts if SQLite refuses.
void Register(const char* name, int shim_size,
              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*),
              int (*remove)(sqlite3_vfs*, const char*, int));

}  // namespace hub::store::shim

#endif  // HUB_STORE_SHIM_VFS_H_
