#include "hub/store/shim_vfs.h"

#include <cstdlib>

namespace hub::store::shim {

sqlite3_vfs* RealVfs() {
  static sqlite3_vfs* const vfs = sqlite3_vfs_find(nullptr);
  return vfs;
}

namespace {

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
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

int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return RealVfs()->xAccess(RealVfs(), name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return RealVfs()->xFullPathname(RealVfs(), name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) {
  return RealVfs()->xDlOpen(RealVfs(), name);
}
void DlError(sqlite3_vfs*, int n, char* out) {
  RealVfs()->xDlError(RealVfs(), n, out);
}
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return RealVfs()->xDlSym(RealVfs(), handle, symbol);
}
void DlClose(sqlite3_vfs*, void* handle) {
  RealVfs()->xDlClose(RealVfs(), handle);
}
int Randomness(sqlite3_vfs*, int n, char* out) {
  return RealVfs()->xRandomness(RealVfs(), n, out);
}
int Sleep(sqlite3_vfs*, int micros) {
  return RealVfs()->xSleep(RealVfs(), micros);
}
int CurrentTime(sqlite3_vfs*, double* out) {
  return RealVfs()->xCurrentTime(RealVfs(), out);
}
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return RealVfs()->xGetLastError(RealVfs(), n, out);
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return RealVfs()->xCurrentTimeInt64(RealVfs(), out);
}

}  // namespace

sqlite3_io_methods Methods(const FileHooks& hooks) {
  return {2,
          Close,
          Read,
          hooks.write != nullptr ? hooks.write : Write,
          hooks.truncate != nullptr ? hooks.truncate : Truncate,
          hooks.sync != nullptr ? hooks.sync : Sync,
          FileSize,
          Lock,
          Unlock,
          CheckReservedLock,
          hooks.file_control != nullptr ? hooks.file_control : FileControl,
          SectorSize,
          DeviceCharacteristics,
          ShmMap,
          ShmLock,
          ShmBarrier,
          ShmUnmap,
          nullptr,
          nullptr};
}

int OpenReal(const char* name, sqlite3_file* file, int shim_size, int flags,
             int* out_flags, const sqlite3_io_methods* methods) {
  File* f = reinterpret_cast<File*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) +
                                            shim_size);
  const int rc = RealVfs()->xOpen(RealVfs(), name, f->real, flags, out_flags);
  f->base.pMethods = f->real->pMethods != nullptr ? methods : nullptr;
  return rc;
}

void Register(const char* name, int shim_size,
              int (*open)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*),
              int (*remove)(sqlite3_vfs*, const char*, int)) {
  if (sqlite3_vfs_find(name) != nullptr) return;
  // Registered VFSs live as long as the process.
  auto* vfs = new sqlite3_vfs{2,
                              shim_size + RealVfs()->szOsFile,
                              RealVfs()->mxPathname,
                              nullptr,
                              name,
                              nullptr,
                              open,
                              remove,
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
  if (sqlite3_vfs_register(vfs, /*makeDflt=*/0) != SQLITE_OK) std::abort();
}

}  // namespace hub::store::shim
