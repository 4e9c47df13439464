// InFlightLimit bounds how many calls the hub holds at once between running
// their handlers and committing their audit events. On gRPC's callback API
// a waiting call holds memory, not a thread, so without a bound an
// overloaded hub would queue without limit and answer everything late; with
// it, the excess is refused at once (CallRunner, kHubBusyMessage).
// Thread-safe.
#ifndef HUB_SERVICE_IN_FLIGHT_LIMIT_H_
#define HUB_SERVICE_IN_FLIGHT_LIMIT_H_

#include <atomic>

namespace hub::service {

class InFlightLimit {
 public:
  explicit InFlightLimit(int max) : max_(max) {}

  // Takes a slot; false, taking nothing, if all `max` are held.
  bool TryAcquire() {
    if (held_.fetch_add(1, std::memory_order_relaxed) >= max_) {
      held_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  // Gives back a slot taken by TryAcquire().
  void Release() { held_.fetch_sub(1, std::memory_order_relaxed); }

  int held() const { return held_.load(std::memory_order_relaxed); }

 private:
  const int max_;
  std::atomic<int> held_{0};
};

}  // namespace hub::service

#endif  // HUB_SERVICE_IN_FLIGHT_LIMIT_H_
