#include "hub/service/record_locks.h"

#include "absl/hash/hash.h"

namespace hub::service {

RecordLock::~RecordLock() {
  if (locks_ != nullptr) locks_->Release(stripe_);
}

RecordLock RecordLocks::Lock(absl::string_view key) {
  const size_t stripe = absl::Hash<absl::string_view>{}(key) % kStripes;
  absl::MutexLock lock(&mu_);
  bool* held = &held_[stripe];
  mu_.Await(absl::Condition(
      +[](bool* h) { return !*h; }, held));
  *held = true;
  return RecordLock(this, stripe);
}

void RecordLocks::Release(size_t stripe) {
  absl::MutexLock lock(&mu_);
  held_[stripe] = false;
}

}  // namespace hub::service
