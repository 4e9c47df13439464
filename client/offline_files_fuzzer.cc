// libFuzzer target (TESTING §3.7 item 4): what hubctl reads back from disk is
// untrusted — a laptop's files can be truncated, flipped or replaced. Any
// bytes, as a queued write's file in the outbox, as an item's sealed value
// in the offline cache, or as a sealed blob opened by the data key, must end
// in a refusal (quarantine, a dropped item, DATA_LOSS), never a crash, leak
// or undefined behaviour; and the good entries and items beside it must
// still be read. The first input byte picks which.
#include <sqlite3.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "client/cache/cache.h"
#include "client/outbox/outbox.h"
#include "common/clock.h"

namespace {

using hub::client::Cache;
using hub::client::Outbox;

constexpr char kGoodRequest[] = "good-request";

// A cache with two items and an outbox with one entry, made once.
struct World {
  std::string dir;
  std::unique_ptr<Cache> cache;
  std::unique_ptr<Outbox> outbox;

  static World* Make() {
    auto* world = new World;
    char tmpl[] = "/tmp/hub_offline_files_fuzz.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::abort();
    world->dir = tmpl;
    auto cache =
        Cache::Open(world->dir + "/cache.db", "fuzz passphrase",
                    hub::common::Clock::Real(), Cache::kDefaultOfflineTtl,
                    /*scrypt_n=*/1024);
    if (!cache.ok()) std::abort();
    world->cache = std::move(cache).value();
    world->PutItems();
    auto outbox = Outbox::Open(world->dir + "/outbox", &world->cache->key());
    if (!outbox.ok()) std::abort();
    world->outbox = std::make_unique<Outbox>(std::move(outbox).value());
    prevent::client::v1::OutboxEntry entry;
    entry.set_request_id(kGoodRequest);
    if (!world->outbox->Add(entry).ok()) std::abort();
    return world;
  }

  void PutItems() {
    Cache::Item items[2];
    items[0].kind = items[1].kind = "briefing";
    items[0].id = "victim";
    items[0].value = "secret one";
    items[1].id = "bystander";
    items[1].value = "secret two";
    if (!cache->Apply(items, {}, Cache::Batch::kLast).ok()) std::abort();
  }
};

// The outbox must quarantine the file `bytes` and still list the good entry.
void OutboxFile(World& world, absl::string_view bytes) {
  const std::string file = world.dir + "/outbox/99999999999999999999-" +
                           std::string(32, 'a') + ".entry";
  std::ofstream(file, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::vector<Outbox::Quarantined> quarantined;
  auto listed = world.outbox->List(&quarantined);
  if (!listed.ok()) std::abort();
  bool good = false;
  for (const Outbox::Entry& e : *listed) {
    good |= e.entry.request_id() == kGoodRequest;
    if (e.file.find("99999999999999999999-") != std::string::npos) {
      std::abort();  // a forged file was taken for a sealed entry
    }
  }
  if (!good || quarantined.size() != 1) std::abort();
  std::error_code ignored;
  std::filesystem::remove_all(world.dir + "/outbox/quarantine", ignored);
}

// An item whose sealed value on disk is `bytes` must be dropped, and the
// other item still read.
void CacheValue(World& world, absl::string_view bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open((world.dir + "/cache.db").c_str(), &db) != SQLITE_OK) {
    std::abort();
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "UPDATE items SET sealed = ? WHERE kind = 'briefing' "
                     "AND id = 'victim'",
                     -1, &stmt, nullptr);
  sqlite3_bind_blob(stmt, 1, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  if (sqlite3_step(stmt) != SQLITE_DONE) std::abort();
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  auto held = world.cache->Held();
  if (!held.ok()) std::abort();
  bool bystander = false;
  for (const Cache::Item& item : *held) {
    if (item.id == "victim") std::abort();  // forged bytes opened
    bystander |= item.id == "bystander" && item.value == "secret two";
  }
  if (!bystander) std::abort();
  world.PutItems();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = World::Make();
  if (size == 0) return 0;
  const absl::string_view bytes(reinterpret_cast<const char*>(data) + 1,
                                size - 1);
  switch (data[0] % 3) {
    case 0:
      OutboxFile(*world, bytes);
      break;
    case 1:
      CacheValue(*world, bytes);
      break;
    case 2:
      // Sealed bytes that this key did not seal never open.
      if (world->cache->key().Open(bytes, "briefing/victim").ok()) {
        std::abort();
      }
      break;
  }
  return 0;
}
