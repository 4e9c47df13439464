// A SQLite VFS for tests that simulates losing power: the way SQLite's own
// crash tests do, it keeps, for every file opened through it, what each
// write and truncate since the file's last sync overwrote. At a chosen
// operation the power goes: that operation and every later one fails, as
// on a machine that has stopped. Once the hub is shut down,
// RestoreAfterPowerLoss() puts each file back as the disk would hold it:
// every write since the file's last sync undone, newest first, and the file
// cut to the size it had at that sync; the shared-memory index, which lives
// in memory, is removed. Open a database through it with the URI
// "file:PATH?vfs=hub-powerloss". Test-only (hub_store_testing).
#ifndef HUB_STORE_POWER_LOSS_VFS_H_
#define HUB_STORE_POWER_LOSS_VFS_H_

#include "absl/status/status.h"

namespace hub::store {

// Registers the "hub-powerloss" VFS once (thread-safe). Returns its name.
const char* InstallPowerLossVfs();

// What the simulated disk keeps of a sync.
enum class Durability {
  kFull,         // every sync is honoured
  kWalUnsynced,  // syncs of "-wal" files are ignored, so a commit is durable
                 // only once checkpointed, as under synchronous=NORMAL: the
                 // control, whose losses a test must detect
};

// Starts a run: forgets every file and earlier cut, and from now on counts
// the writes, syncs and truncates through the VFS (1, 2, ...); at the
// `cut_at`-th (0: never) the power goes. Call with no connection open
// through the VFS. Thread-safe.
void ArmPowerLoss(int cut_at, Durability durability);

// Whether the power has gone in this run.
bool PowerLost();

// How many writes, syncs and truncates the run has counted.
int PowerLossOperations();

// Cuts the power if it has not gone yet, then rewrites every file opened
// in this run as it stood at its last honoured sync, and removes its
// "-shm" file. Call when no connection is writing (best, once all are
// closed): with the power off, a connection closed later changes nothing.
absl::Status RestoreAfterPowerLoss();

}  // namespace hub::store

#endif  // HUB_STORE_POWER_LOSS_VFS_H_
