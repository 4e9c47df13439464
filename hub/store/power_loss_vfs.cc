#include "hub/store/power_loss_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hub/store/shim_vfs.h"

namespace hub::store {
namespace {

constexpr char kName[] = "hub-powerloss";

// What one write or truncate overwrote, to put back.
struct Undo {
  sqlite3_int64 offset;
  std::string old;  // the bytes that were there (none past the old end)
};

// A file of this run, as the disk holds it since its last honoured sync.
struct Tracked {
  sqlite3_int64 synced_size = 0;
  std::vector<Undo> undo;  // oldest first
};

// The run's state; every field under `mu`.
std::mutex mu;
std::map<std::string, Tracked> files;
int cut_at = 0;
int operations = 0;
Durability durability = Durability::kFull;
bool lost = false;

// Our file: the real VFS's file follows it in the same allocation.
struct PowerFile {
  shim::File shim;
  Tracked* tracked;  // null for a file without a name (a temporary file)
  bool wal;          // a "-wal" file
};

PowerFile* Of(sqlite3_file* f) { return reinterpret_cast<PowerFile*>(f); }
using shim::Real;

// Counts one write, sync or truncate; false if the power is off (or goes
// now). REQUIRES: mu held.
bool PowerOn() {
  ++operations;
  if (cut_at > 0 && operations >= cut_at) lost = true;
  return !lost;
}

// Reads what [offset, offset + n) holds now, up to the file's end.
// REQUIRES: mu held.
int Save(sqlite3_file* f, sqlite3_int64 offset, sqlite3_int64 n) {
  sqlite3_int64 size = 0;
  if (int rc = Real(f)->pMethods->xFileSize(Real(f), &size); rc != SQLITE_OK) {
    return rc;
  }
  Undo undo;
  undo.offset = offset;
  if (offset < size) {
    const sqlite3_int64 kept = std::min(n, size - offset);
    undo.old.resize(static_cast<size_t>(kept));
    if (int rc = Real(f)->pMethods->xRead(Real(f), undo.old.data(),
                                          static_cast<int>(kept), offset);
        rc != SQLITE_OK) {
      return rc;
    }
  }
  Of(f)->tracked->undo.push_back(std::move(undo));
  return SQLITE_OK;
}

int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  std::lock_guard<std::mutex> lock(mu);
  if (!PowerOn()) return SQLITE_IOERR_WRITE;
  if (Of(f)->tracked != nullptr) {
    if (int rc = Save(f, off, n); rc != SQLITE_OK) return rc;
  }
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  std::lock_guard<std::mutex> lock(mu);
  if (!PowerOn()) return SQLITE_IOERR_TRUNCATE;
  if (Of(f)->tracked != nullptr) {
    sqlite3_int64 now = 0;
    if (int rc = Real(f)->pMethods->xFileSize(Real(f), &now); rc != SQLITE_OK) {
      return rc;
    }
    if (size < now) {
      if (int rc = Save(f, size, now - size); rc != SQLITE_OK) return rc;
    }
  }
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  std::lock_guard<std::mutex> lock(mu);
  if (!PowerOn()) return SQLITE_IOERR_FSYNC;
  if (Of(f)->wal && durability == Durability::kWalUnsynced) {
    return SQLITE_OK;  // the disk says yes, and keeps nothing
  }
  if (int rc = Real(f)->pMethods->xSync(Real(f), flags); rc != SQLITE_OK) {
    return rc;
  }
  if (Of(f)->tracked != nullptr) {
    Tracked& t = *Of(f)->tracked;
    t.undo.clear();
    return Real(f)->pMethods->xFileSize(Real(f), &t.synced_size);
  }
  return SQLITE_OK;
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  // A size hint would grow the file behind Write()'s back.
  if (op == SQLITE_FCNTL_SIZE_HINT) return SQLITE_NOTFOUND;
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
const sqlite3_io_methods kMethods =
    shim::Methods({Write, Truncate, Sync, FileControl});

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  PowerFile* f = Of(file);
  f->tracked = nullptr;
  f->wal = false;
  const int rc = shim::OpenReal(name, file, sizeof(PowerFile), flags, out_flags,
                                &kMethods);
  if (rc != SQLITE_OK || name == nullptr) return rc;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, added] = files.try_emplace(name);
  if (added) {
    // A file that was there before the run is on the disk already.
    Real(file)->pMethods->xFileSize(Real(file), &it->second.synced_size);
  }
  f->tracked = &it->second;
  const size_t length = std::strlen(name);
  f->wal = length > 4 && std::strcmp(name + length - 4, "-wal") == 0;
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  std::lock_guard<std::mutex> lock(mu);
  if (lost) return SQLITE_IOERR_DELETE;
  const int rc = shim::RealVfs()->xDelete(shim::RealVfs(), name, sync_dir);
  if (rc == SQLITE_OK) {
    // Gone for good; a file made again under its name starts empty.
    if (auto it = files.find(name); it != files.end()) it->second = Tracked();
  }
  return rc;
}
// Puts `path` back as its last honoured sync left it.
absl::Status Restore(const std::string& path, const Tracked& tracked) {
  const int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) {
    if (errno == ENOENT) return absl::OkStatus();  // deleted, and that held
    return absl::InternalError(
        absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  absl::Status status;
  for (auto it = tracked.undo.rbegin(); it != tracked.undo.rend(); ++it) {
    if (!it->old.empty() &&
        ::pwrite(fd, it->old.data(), it->old.size(), it->offset) !=
            static_cast<ssize_t>(it->old.size())) {
      status = absl::InternalError(
          absl::StrCat("write ", path, ": ", std::strerror(errno)));
      break;
    }
  }
  if (status.ok() && ::ftruncate(fd, tracked.synced_size) != 0) {
    status = absl::InternalError(
        absl::StrCat("truncate ", path, ": ", std::strerror(errno)));
  }
  ::close(fd);
  return status;
}

}  // namespace

const char* InstallPowerLossVfs() {
  static const bool installed = [] {
    shim::Register(kName, sizeof(PowerFile), Open, Delete);
    return true;
  }();
  static_cast<void>(installed);
  return kName;
}

void ArmPowerLoss(int at, Durability kept) {
  std::lock_guard<std::mutex> lock(mu);
  files.clear();
  cut_at = at;
  operations = 0;
  durability = kept;
  lost = false;
}

bool PowerLost() {
  std::lock_guard<std::mutex> lock(mu);
  return lost;
}

int PowerLossOperations() {
  std::lock_guard<std::mutex> lock(mu);
  return operations;
}

absl::Status RestoreAfterPowerLoss() {
  std::lock_guard<std::mutex> lock(mu);
  lost = true;
  for (const auto& [path, tracked] : files) {
    if (absl::Status s = Restore(path, tracked); !s.ok()) return s;
    const std::string shm = path + "-shm";
    if (std::remove(shm.c_str()) != 0 && errno != ENOENT) {
      return absl::InternalError(
          absl::StrCat("remove ", shm, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace hub::store
