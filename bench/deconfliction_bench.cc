// Deconfliction against DESIGN.md §6, on a synthetic population of
// 1,000,000 indexed subjects (bench/synthetic_population.h):
//   BM_BuildIndex           building the index (once; the database is kept
//                           between runs, see below): seconds, subjects/s,
//                           keys per subject, the database's size (db_mb);
//   BM_StartUp/cold:0       what hubd does with the index before SERVING:
//                           SqliteStore::Open, Matcher::Create,
//                           MatchIndex::Backfill (nothing to do) and one
//                           Search (startup_ms, target <= 1,000; no full
//                           scans), with the parts, and this process's RSS
//                           after (rss_mb: an upper bound for what the
//                           index costs hubd, since it includes the people
//                           queries are drawn from);
//   BM_Search/exact         MatchIndex::Search for a subject's own name,
//                           date of birth and postcode (p50_us, p99_us,
//                           target p99 <= 1,000);
//   BM_Search/fuzzy         the same with the query changed as records
//                           differ, in turn: another spelling from the
//                           variant table, a typing error, a nickname, day
//                           and month transposed (target p99 <= 5,000);
//                           every other query also gives the postcode;
//   BM_Search/variant, /typo, /nickname, /dob_transposed  each of those
//                           alone;
//   BM_StartUp/cold:1       start-up again with the database's pages
//                           dropped from the OS page cache first (as after a
//                           reboot).
// Each search benchmark also reports keys_per_query, candidates_per_query
// (index entries read and graded; max_candidates for the worst query),
// results_per_query (graded POSSIBLE or better) and recall (the fraction of
// queries whose generated person is among the results). Usage:
//   deconfliction_bench [--quick] [--subjects=N] [--dir=DIR]
//                       [benchmark flags]
// The database is DIR/deconfliction_bench.N.v1.db (DIR defaults to the
// directory holding this binary, i.e. the build tree's disk), built if it
// is missing or holds the wrong number of subjects and kept for the next
// run; delete it to rebuild. --quick: 100,000 subjects and fewer queries.
// Before the searches the file is read once, so they run with it in the OS
// page cache, hubd's steady state; the cold start is measured last.
//
// Each benchmark makes one whole measurement per iteration (Iterations(1),
// manual time) and reports its figures as counters, so
// --benchmark_repetitions=N gives their medians over N measurements. Each
// repetition of a search benchmark draws its own queries (deterministically).
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "bench/synthetic_population.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/deconfliction/match_index.h"
#include "hub/deconfliction/matcher.h"
#include "hub/store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;
using hub::audit::Pseudonymizer;
using hub::bench::SyntheticPerson;
using hub::bench::SyntheticPopulation;
using hub::deconfliction::Matcher;
using hub::deconfliction::MatchIndex;
using hub::deconfliction::Person;
using hub::store::SqliteStore;

// Bump when the population or the index changes, so that a kept database
// from before is rebuilt rather than measured.
constexpr absl::string_view kVersion = "v1";
constexpr uint64_t kSeed = hub::bench::kBenchPopulationSeed;
constexpr int kBatch = 10000;  // subjects per AddMatchEntries transaction

struct Sizes {
  int64_t subjects;  // people indexed
  int queries;       // searches timed per repetition
  int pool;          // people kept to draw queries from (about)
};
constexpr Sizes kFull{1000000, 4000, 40000};
constexpr Sizes kQuick{100000, 2000, 10000};
Sizes g_sizes = kFull;

std::string g_db_path;
std::optional<Pseudonymizer> g_keyer;
std::unique_ptr<SyntheticPopulation> g_tables;  // for variants, nicknames
std::vector<SyntheticPerson> g_pool;

// The index as hubd holds it, opened once for the searches.
struct Live {
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<Matcher> matcher;
  std::unique_ptr<MatchIndex> index;
};
std::optional<Live> g_live;

// How the index was built (from this run, or recorded when it was).
struct BuildInfo {
  double seconds = 0;        // whole build
  double entry_seconds = 0;  // of which MatchIndex::EntryFor
  int64_t keys = 0;          // index keys written
  bool reused = false;
};
BuildInfo g_build;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The value at or below which `p` (0-1) of the sorted samples lie.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// This process's resident set (VmRSS), in MiB; 0 if unreadable.
double RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kb = 0;
      std::vector<absl::string_view> parts =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kb)) {
        return kb / 1024.0;
      }
    }
  }
  return 0;
}

// The database's size on disk (with its WAL, if any), in MiB.
double DbMb(const std::string& path) {
  double bytes = 0;
  for (const std::string& p : {path, path + "-wal"}) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(p, error);
    if (!error) bytes += static_cast<double>(size);
  }
  return bytes / (1024.0 * 1024.0);
}

// Runs `fn` on each file of the database.
template <typename F>
void ForEachDbFile(const std::string& path, F fn) {
  for (const std::string& p : {path, path + "-wal", path + "-shm"}) {
    fn(p);
  }
}

// Reads the file once so its pages are in the OS page cache.
void ReadThrough(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  std::vector<char> buffer(1 << 20);
  while (read(fd, buffer.data(), buffer.size()) > 0) {
  }
  close(fd);
}

// Drops the file's pages from the OS page cache (clean pages only, which
// they are once SQLite has closed it).
void DropFromPageCache(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

// How many subjects the database at `path` indexes; -1 if it cannot say.
int64_t IndexedSubjects(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* select = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM match_entries", -1,
                           &select, nullptr) == SQLITE_OK &&
        sqlite3_step(select) == SQLITE_ROW) {
      count = sqlite3_column_int64(select, 0);
    }
    sqlite3_finalize(select);
  }
  sqlite3_close(db);
  return count;
}

std::string InfoPath() { return g_db_path + ".info"; }

void WriteInfo(const BuildInfo& info) {
  std::ofstream out(InfoPath());
  out << "seconds " << info.seconds << "\n"
      << "entry_seconds " << info.entry_seconds << "\n"
      << "keys " << info.keys << "\n";
}

// The BuildInfo recorded beside a kept database; nullopt if there is none.
std::optional<BuildInfo> ReadInfo() {
  std::ifstream in(InfoPath());
  if (!in) return std::nullopt;
  BuildInfo info;
  std::string name;
  double value;
  while (in >> name >> value) {
    if (name == "seconds") info.seconds = value;
    if (name == "entry_seconds") info.entry_seconds = value;
    if (name == "keys") info.keys = static_cast<int64_t>(value);
  }
  info.reused = true;
  return info;
}

// Whether person `index` is kept to draw queries from: a fixed, scattered
// sample of about g_sizes.pool people.
bool InPool(int64_t index) {
  uint64_t x = kSeed ^ (static_cast<uint64_t>(index) * 0x9e3779b97f4a7c15ULL);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;  // SplitMix64's finaliser
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<int64_t>(x % static_cast<uint64_t>(g_sizes.subjects)) <
         g_sizes.pool;
}

// Builds the index of g_sizes.subjects people at `path` as hubd would
// index their referrals (MatchIndex::EntryFor, AddMatchEntries), keeping
// the pool. False on an error, printed.
bool Build(const std::string& path) {
  auto store = SqliteStore::Open(path, hub::common::Clock::Real());
  auto matcher = Matcher::Create();
  if (!store.ok() || !matcher.ok()) {
    std::fprintf(stderr, "deconfliction_bench: %s %s\n",
                 store.status().ToString().c_str(),
                 matcher.status().ToString().c_str());
    return false;
  }
  MatchIndex index(matcher->get(), &*g_keyer, store->get());
  SyntheticPopulation population(kSeed);
  const Clock::time_point start = Clock::now();
  Clock::duration entry_time{};
  std::vector<hub::store::MatchEntryRow> batch;
  for (int64_t i = 0; i < g_sizes.subjects; i += kBatch) {
    batch.clear();
    const Clock::time_point entries = Clock::now();
    for (int64_t k = i; k < std::min(i + kBatch, g_sizes.subjects); ++k) {
      SyntheticPerson person = population.Next();
      batch.push_back(index.EntryFor(person.referral_id,
                                     SyntheticPopulation::SubjectOf(person)));
      g_build.keys += static_cast<int64_t>(batch.back().keys.size());
      if (InPool(person.index)) g_pool.push_back(std::move(person));
    }
    entry_time += Clock::now() - entries;
    absl::Status added = (*store)->AddMatchEntries(batch);
    if (!added.ok()) {
      std::fprintf(stderr, "deconfliction_bench: %s\n",
                   added.ToString().c_str());
      return false;
    }
    if ((i + kBatch) % 100000 == 0) {
      std::fprintf(stderr, "deconfliction_bench: indexed %lld in %.0f s\n",
                   static_cast<long long>(i + kBatch),
                   Seconds(Clock::now() - start));
    }
  }
  store->reset();  // checkpoints the WAL into the file
  g_build.seconds = Seconds(Clock::now() - start);
  g_build.entry_seconds = Seconds(entry_time);
  return true;
}

// Makes sure the index database exists and the query pool is drawn; once.
bool PrepareIndex() {
  const int64_t indexed =
      std::filesystem::exists(g_db_path) ? IndexedSubjects(g_db_path) : -1;
  std::optional<BuildInfo> info = ReadInfo();
  if (indexed == g_sizes.subjects && info.has_value()) {
    g_build = *info;
    SyntheticPopulation population(kSeed);
    for (int64_t i = 0; i < g_sizes.subjects; ++i) {
      SyntheticPerson person = population.Next();
      if (InPool(person.index)) g_pool.push_back(std::move(person));
    }
    std::fprintf(stderr,
                 "deconfliction_bench: using %s (%lld subjects, built "
                 "earlier in %.0f s)\n",
                 g_db_path.c_str(), static_cast<long long>(indexed),
                 g_build.seconds);
  } else {
    std::fprintf(stderr, "deconfliction_bench: building %s (%lld subjects)\n",
                 g_db_path.c_str(), static_cast<long long>(g_sizes.subjects));
    std::error_code error;
    std::filesystem::remove(InfoPath(), error);
    ForEachDbFile(g_db_path, [&](const std::string& p) {
      std::filesystem::remove(p, error);
    });
    // Built under another name and renamed when complete, so an interrupted
    // build is never taken for a finished one.
    const std::string building = g_db_path + ".building";
    ForEachDbFile(building, [&](const std::string& p) {
      std::filesystem::remove(p, error);
    });
    if (!Build(building)) return false;
    std::filesystem::rename(building, g_db_path, error);
    if (error) {
      std::fprintf(stderr, "deconfliction_bench: renaming %s: %s\n",
                   building.c_str(), error.message().c_str());
      return false;
    }
    WriteInfo(g_build);
    std::fprintf(stderr,
                 "deconfliction_bench: built %lld subjects in %.1f s "
                 "(%.1f s making entries)\n",
                 static_cast<long long>(g_sizes.subjects), g_build.seconds,
                 g_build.entry_seconds);
  }
  const Clock::time_point start = Clock::now();
  ReadThrough(g_db_path);
  std::fprintf(stderr,
               "deconfliction_bench: %.0f MiB read into the page cache in "
               "%.1f s; %zu people to draw queries from\n",
               DbMb(g_db_path), Seconds(Clock::now() - start), g_pool.size());
  return true;
}

bool EnsureIndex() {
  static const bool ok = PrepareIndex();
  return ok;
}

// Opens the index for the searches, once (closed by BM_StartUp).
Live* EnsureLive() {
  if (g_live.has_value()) return &*g_live;
  auto store = SqliteStore::Open(g_db_path, hub::common::Clock::Real());
  auto matcher = Matcher::Create();
  if (!store.ok() || !matcher.ok()) return nullptr;
  Live live;
  live.store = std::move(store).value();
  live.matcher = std::move(matcher).value();
  live.index = std::make_unique<MatchIndex>(live.matcher.get(), &*g_keyer,
                                            live.store.get());
  g_live = std::move(live);
  return &*g_live;
}

// ---------------------------------------------------------------------------
// Queries.

enum Kind { kExact, kFuzzy, kVariant, kTypo, kNickname, kDobTransposed };
constexpr const char* kKindNames[] = {"exact", "fuzzy",    "variant",
                                      "typo",  "nickname", "dob_transposed"};

struct Query {
  Person person;
  std::string subject_id;  // whom it should find
};

template <typename T>
const T& PickOne(std::mt19937_64& rng, const std::vector<T>& values) {
  return values[rng() % values.size()];
}

// The keys next to `c` on a UK QWERTY keyboard, for typing errors; "" for
// anything but a lower-case ASCII letter.
absl::string_view Neighbours(char c) {
  static constexpr const char* kNeighbours[26] = {
      "qwsz",   "vghn", "xdfv",   "serfcx", "wsdr",   "drtgvc", "ftyhbv",
      "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
      "iklp",   "ol",   "wa",     "edft",   "awedxz", "rfgy",   "yhji",
      "cfgb",   "qase", "zsdc",   "tghu",   "asx"};
  if (c < 'a' || c > 'z') return "";
  return kNeighbours[c - 'a'];
}

// `name` with one typing error after its first letter: a letter struck as
// its neighbour on the keyboard, or two adjacent letters swapped; nullopt
// if `name` is not a run of at least 3 ASCII letters or the error would
// change nothing.
std::optional<std::string> Mistyped(std::mt19937_64& rng,
                                    absl::string_view name) {
  if (name.size() < 3) return std::nullopt;
  for (char c : name) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  std::string typo(name);
  if (rng() % 2 == 0) {
    const size_t at = 1 + rng() % (typo.size() - 1);
    const absl::string_view keys = Neighbours(absl::ascii_tolower(typo[at]));
    if (keys.empty()) return std::nullopt;
    typo[at] = keys[rng() % keys.size()];
  } else {
    const size_t at = 1 + rng() % (typo.size() - 2);
    std::swap(typo[at], typo[at + 1]);
  }
  if (typo == name) return std::nullopt;
  return typo;
}

// Replaces the first forename of `person` by `forename`.
void SetFirstForename(Person& person, absl::string_view forename) {
  std::vector<std::string> names = absl::StrSplit(person.forenames, ' ');
  names[0] = std::string(forename);
  person.forenames = absl::StrJoin(names, " ");
}

std::string FirstForename(const Person& person) {
  return person.forenames.substr(0, person.forenames.find(' '));
}

// Changes `person` as `kind` describes; false if that cannot apply to them
// (e.g. no nickname for their forename, or a day after the 12th).
bool Perturb(std::mt19937_64& rng, Kind kind, const SyntheticPerson& who,
             Person& person) {
  const std::string forename = FirstForename(person);
  switch (kind) {
    case kExact:
      return true;
    case kVariant: {
      // Whichever of forename and surname has another spelling; either at
      // random when both do.
      std::vector<std::string> first = g_tables->SpellingsOf(forename);
      std::vector<std::string> last = g_tables->SpellingsOf(person.surname);
      if (first.empty() && last.empty()) return false;
      if (!first.empty() && (last.empty() || rng() % 2 == 0)) {
        SetFirstForename(person, PickOne(rng, first));
      } else {
        person.surname = PickOne(rng, last);
      }
      return true;
    }
    case kNickname: {
      std::vector<std::string> nicknames = g_tables->NicknamesOf(forename);
      if (nicknames.empty()) return false;
      SetFirstForename(person, PickOne(rng, nicknames));
      return true;
    }
    case kTypo: {
      if (rng() % 2 == 0) {
        std::optional<std::string> typo = Mistyped(rng, forename);
        if (!typo.has_value()) return false;
        SetFirstForename(person, *typo);
      } else {
        std::optional<std::string> typo = Mistyped(rng, person.surname);
        if (!typo.has_value()) return false;
        person.surname = *typo;
      }
      return true;
    }
    case kDobTransposed: {
      if (who.dob_year_only) return false;
      const std::string& dob = person.dob;  // YYYY-MM-DD
      const int month = std::stoi(dob.substr(5, 2));
      const int day = std::stoi(dob.substr(8, 2));
      if (day > 12 || day == month) return false;
      person.dob = absl::StrCat(dob.substr(0, 5), dob.substr(8, 2), "-",
                                dob.substr(5, 2));
      return true;
    }
    case kFuzzy:
      break;
  }
  return false;
}

// The queries for one repetition of `kind`: g_sizes.queries people drawn
// from the pool, each perturbed; fuzzy queries take the four kinds in turn
// and give the postcode every other time (exact ones always do).
std::vector<Query> MakeQueries(Kind kind, int repetition) {
  std::mt19937_64 rng(kSeed + 1000 * static_cast<uint64_t>(kind) +
                      static_cast<uint64_t>(repetition));
  std::vector<Query> queries;
  queries.reserve(g_sizes.queries);
  for (int n = 0; static_cast<int>(queries.size()) < g_sizes.queries; ++n) {
    const SyntheticPerson& who = PickOne(rng, g_pool);
    // A date of birth known only to the year never grades (Matcher), so
    // such a person is found only by postcode or NHS number: fuzzy queries
    // are for people with a full one.
    if (kind != kExact && who.dob_year_only) continue;
    const int q = static_cast<int>(queries.size());
    const Kind applied =
        kind == kFuzzy ? static_cast<Kind>(kVariant + q % 4) : kind;
    Query query;
    query.person =
        hub::deconfliction::PersonOf(SyntheticPopulation::SubjectOf(who));
    query.subject_id = who.subject_id;
    if (!Perturb(rng, applied, who, query.person)) continue;
    if (kind != kExact && q % 2 == 1) query.person.postcode.clear();
    queries.push_back(std::move(query));
  }
  return queries;
}

// ---------------------------------------------------------------------------
// Benchmarks.

void BM_BuildIndex(benchmark::State& state) {
  for (auto _ : state) {
    if (!EnsureIndex()) {
      state.SkipWithError("building the index failed");
      return;
    }
    state.SetIterationTime(std::max(g_build.seconds, 1e-9));
    state.counters["subjects"] = static_cast<double>(g_sizes.subjects);
    state.counters["seconds"] = g_build.seconds;
    state.counters["entry_seconds"] = g_build.entry_seconds;
    state.counters["subjects_per_s"] =
        g_build.seconds > 0 ? g_sizes.subjects / g_build.seconds : 0;
    state.counters["keys_per_subject"] =
        static_cast<double>(g_build.keys) / g_sizes.subjects;
    state.counters["db_mb"] = DbMb(g_db_path);
    state.counters["reused"] = g_build.reused;
  }
}

// hubd's start-up as far as the index goes (hub_server.cc): open the store,
// create the Matcher, backfill (nothing to do), then the first search.
void BM_StartUp(benchmark::State& state) {
  if (!EnsureIndex()) {
    state.SkipWithError("building the index failed");
    return;
  }
  const bool cold = state.range(0) != 0;
  const Person first = hub::deconfliction::PersonOf(
      SyntheticPopulation::SubjectOf(g_pool.front()));
  for (auto _ : state) {
    g_live.reset();  // the searches' connection, reopened when they need it
    if (cold) {
      ForEachDbFile(g_db_path, DropFromPageCache);
    }
    const Clock::time_point start = Clock::now();
    auto store = SqliteStore::Open(g_db_path, hub::common::Clock::Real());
    const Clock::time_point opened = Clock::now();
    auto matcher = Matcher::Create();
    const Clock::time_point created = Clock::now();
    if (!store.ok() || !matcher.ok()) {
      state.SkipWithError("opening the index failed");
      return;
    }
    MatchIndex index(matcher->get(), &*g_keyer, store->get());
    absl::StatusOr<int> backfilled = index.Backfill();
    const Clock::time_point backfill = Clock::now();
    absl::StatusOr<std::vector<MatchIndex::Found>> found = index.Search(first);
    const Clock::time_point searched = Clock::now();
    if (!backfilled.ok() || !found.ok() || found->empty()) {
      state.SkipWithError("the first search failed");
      return;
    }
    state.SetIterationTime(Seconds(searched - start));
    state.counters["startup_ms"] = Seconds(searched - start) * 1e3;
    state.counters["open_ms"] = Seconds(opened - start) * 1e3;
    state.counters["matcher_ms"] = Seconds(created - opened) * 1e3;
    state.counters["backfill_ms"] = Seconds(backfill - created) * 1e3;
    state.counters["first_search_ms"] = Seconds(searched - backfill) * 1e3;
    state.counters["rss_mb"] = RssMb();
  }
}

// The index entries a query reads, as MatchIndex::Search gets them:
// counted apart from the timed searches.
int64_t Candidates(const Live& live, const Person& query, int* keys) {
  const std::vector<int64_t> hashes =
      live.index->LookupHashes(live.matcher->Normalise(query));
  *keys = static_cast<int>(hashes.size());
  auto entries =
      live.store->MatchEntriesForKeys(hashes, MatchIndex::kPerKeyLimit);
  return entries.ok() ? static_cast<int64_t>(entries->size()) : -1;
}

void BM_Search(benchmark::State& state, Kind kind) {
  if (!EnsureIndex()) {
    state.SkipWithError("building the index failed");
    return;
  }
  static std::map<Kind, int> repetitions;
  for (auto _ : state) {
    Live* live = EnsureLive();
    if (live == nullptr) {
      state.SkipWithError("opening the index failed");
      return;
    }
    const std::vector<Query> queries = MakeQueries(kind, repetitions[kind]++);
    std::vector<double> us(queries.size());
    int64_t results = 0;
    int64_t found_true = 0;
    Clock::duration total{};
    for (size_t k = 0; k < queries.size(); ++k) {
      const Clock::time_point start = Clock::now();
      absl::StatusOr<std::vector<MatchIndex::Found>> found =
          live->index->Search(queries[k].person);
      const Clock::duration elapsed = Clock::now() - start;
      total += elapsed;
      us[k] = Seconds(elapsed) * 1e6;
      if (!found.ok()) {
        state.SkipWithError(found.status().ToString().c_str());
        return;
      }
      results += static_cast<int64_t>(found->size());
      found_true += std::any_of(found->begin(), found->end(),
                                [&](const MatchIndex::Found& f) {
                                  return f.subject_id == queries[k].subject_id;
                                });
    }
    int64_t candidates = 0;
    int64_t max_candidates = 0;
    int64_t keys = 0;
    for (const Query& query : queries) {
      int n = 0;
      const int64_t read = Candidates(*live, query.person, &n);
      candidates += read;
      max_candidates = std::max(max_candidates, read);
      keys += n;
    }
    state.SetIterationTime(Seconds(total));
    const double n = static_cast<double>(queries.size());
    std::sort(us.begin(), us.end());
    state.counters["queries"] = n;
    state.counters["p50_us"] = Percentile(us, 0.5);
    state.counters["p99_us"] = Percentile(us, 0.99);
    state.counters["max_us"] = us.empty() ? 0 : us.back();
    state.counters["mean_us"] = Seconds(total) * 1e6 / n;
    state.counters["recall"] = found_true / n;
    state.counters["keys_per_query"] = keys / n;
    state.counters["candidates_per_query"] = candidates / n;
    state.counters["max_candidates"] = static_cast<double>(max_candidates);
    state.counters["results_per_query"] = results / n;
  }
}

std::string ExecutableDir() {
  std::error_code error;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "." : exe.parent_path().string();
}

double Max(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

void Register() {
  benchmark::RegisterBenchmark("BM_BuildIndex", BM_BuildIndex)
      ->Iterations(1)
      ->Repetitions(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_StartUp", BM_StartUp)
      ->ArgName("cold")
      ->Arg(0)
      ->Iterations(1)
      ->UseManualTime()
      ->ComputeStatistics("max", Max)
      ->Unit(benchmark::kMillisecond);
  for (Kind kind :
       {kExact, kFuzzy, kVariant, kTypo, kNickname, kDobTransposed}) {
    benchmark::RegisterBenchmark(
        absl::StrCat("BM_Search/", kKindNames[kind]).c_str(), BM_Search, kind)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_StartUp", BM_StartUp)
      ->ArgName("cold")
      ->Arg(1)
      ->Iterations(1)
      ->UseManualTime()
      ->ComputeStatistics("max", Max)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = ExecutableDir();
  int64_t subjects = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      g_sizes = kQuick;
    } else if (absl::StartsWith(arg, "--dir=")) {
      dir = arg.substr(6);
    } else if (absl::StartsWith(arg, "--subjects=")) {
      if (!absl::SimpleAtoi(arg.substr(11), &subjects) || subjects <= 0) {
        std::fprintf(stderr, "deconfliction_bench: bad %s\n", arg.c_str());
        return 2;
      }
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (subjects > 0) g_sizes.subjects = subjects;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  g_db_path = absl::StrCat(dir, "/deconfliction_bench.", g_sizes.subjects, ".",
                           kVersion, ".db");
  // A fixed key: the index is only meaningful under the key it was built
  // with, and this one is kept between runs.
  absl::StatusOr<Pseudonymizer> keyer =
      Pseudonymizer::FromKey(std::string(32, 'k'));
  if (!keyer.ok()) return 1;
  g_keyer = *std::move(keyer);
  g_tables = std::make_unique<SyntheticPopulation>(kSeed);
  benchmark::AddCustomContext("deconfliction_db", g_db_path);
  benchmark::AddCustomContext("subjects", std::to_string(g_sizes.subjects));

  Register();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_live.reset();
  return 0;
}
