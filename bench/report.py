#!/usr/bin/env python3
"""Turns the results bench/run.sh writes into docs/performance.md and a JSON file.

    python3 bench/report.py --results DIR --out-md FILE --out-json FILE [--quick]

DIR holds what one run of bench/run.sh produced (any of them may be missing):
  identity.json, decide.json, audit.json, deconfliction.json
      Google Benchmark output (--benchmark_out_format=json) with every
      repetition in it: entries whose run_type is "iteration" are single
      repetitions (grouped by run_name); "aggregate" ones (mean, median, ...)
      are used only when a benchmark has no iteration entries.
  hub_bench.json
      the load generator's {"config": {...}, "figures": {name: {"unit",
      "what", "runs": [...]}}}.

Every figure is reported as the median, minimum and maximum over its runs,
and each target of DESIGN.md §6 as met, not met or not measured. A missed
target never fails the script (CI does not gate on timing): it exits 0
whenever it could write both files, 2 on bad arguments or when DIR holds
none of the files, 1 if it cannot write an output. Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from typing import Any, Callable, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = os.path.join(ROOT, "docs", "performance-notes.md")

# The Google Benchmark result files bench/run.sh writes, and the benchmark
# binary each comes from.
GB_FILES = [
    ("identity.json", "identity_bench"),
    ("decide.json", "decide_bench"),
    ("audit.json", "audit_bench"),
    ("deconfliction.json", "deconfliction_bench"),
]
HUB_FILE = ("hub_bench.json", "hub_bench")
SOURCE_FILES = {source: name for name, source in GB_FILES + [HUB_FILE]}
SOURCE_TITLES = {
    "hub_bench": "The hub over gRPC (`hub_bench`, the load generator)",
    "identity_bench": "Identifying the caller (`identity_bench`)",
    "decide_bench": "Deciding a call (`decide_bench`)",
    "audit_bench": "Audit (`audit_bench`)",
    "deconfliction_bench": "Deconfliction (`deconfliction_bench`)",
}
SOURCE_ORDER = ["hub_bench"] + [source for _, source in GB_FILES]

# ---------------------------------------------------------------------------
# What the figures are, where the inputs do not say.

# hub_bench's figures in the order they are listed; unit and description
# apply only when hub_bench.json gives none.
HUB_KNOWN: dict[str, tuple[str, str]] = {
    "echo_calls_per_s": ("calls/s", "bare gRPC echo server over the same mTLS configuration, closed loop"),
    "whoami_calls_per_s": ("calls/s", "authorised WhoAmI (identity, policy, durable audit), closed loop"),
    "whoami_ratio": ("ratio", "WhoAmI calls/s over echo calls/s, paired within each run"),
    "whoami_closed_p99_us": ("µs", "WhoAmI latency p99 in that closed loop"),
    "get_calls_per_s": ("calls/s", "authorised read, closed loop"),
    "get_ratio": ("ratio", "read calls/s over echo calls/s, paired within each run"),
    "get_closed_p99_us": ("µs", "read latency p99 in that closed loop"),
    "submit_calls_per_s": ("calls/s", "authorised durable write, closed loop"),
    "submit_ratio": ("ratio", "write calls/s over echo calls/s, paired within each run"),
    "submit_closed_p99_us": ("µs", "write latency p99 in that closed loop"),
    "get_open_p50_us": ("µs", "reads, open loop at 10,000/s offered: p50 from each call's scheduled start"),
    "get_open_p99_us": ("µs", "reads, open loop at 10,000/s offered: p99 from each call's scheduled start"),
    "get_open_achieved_per_s": ("calls/s", "reads completed per second in the open-loop run"),
    "get_open_shed_percent": ("%", "reads refused as overloaded (RESOURCE_EXHAUSTED) in the open-loop run"),
    "submit_open_p50_us": ("µs", "durable writes, open loop: p50 from each call's scheduled start"),
    "submit_open_p99_us": ("µs", "durable writes, open loop: p99 from each call's scheduled start"),
    "submit_open_achieved_per_s": ("calls/s", "writes completed per second in the open-loop run"),
    "submit_open_shed_percent": ("%", "writes refused as overloaded (RESOURCE_EXHAUSTED) in the open-loop run"),
    "storm_seconds": ("s", "1,000 clients, each with a fresh mTLS handshake and one call: until all are served"),
    "storm_p99_ms": ("ms", "the storm's p99 per client"),
    "storm_users": ("users", "distinct client certificates in the storm"),
    "sync_items_per_s": ("items/s", "10,000 items on one sync stream"),
    "sync_pulls": ("pulls", "Pull calls that full sync took"),
    "sync_no_change_batches": ("batches", "round trips of a sync with nothing changed"),
    "sync_no_change_ms": ("ms", "that sync's duration"),
    "startup_ms": ("ms", "hubd start-up to SERVING"),
    "rss_idle_mb": ("MiB", "hubd's RSS, idle"),
    "rss_loaded_mb": ("MiB", "hubd's RSS after the load runs"),
    "rss_peak_mb": ("MiB", "hubd's peak RSS"),
    "startup_1m_ms": ("ms", "hubd start-up to SERVING with 1,000,000 indexed subjects"),
    "rss_1m_idle_mb": ("MiB", "hubd's RSS after start-up with 1,000,000 indexed subjects"),
    "check_1m_p50_us": ("µs", "deconfliction check through the hub, 1,000,000 subjects: p50"),
    "check_1m_p99_us": ("µs", "deconfliction check through the hub, 1,000,000 subjects: p99"),
    "rss_1m_mb": ("MiB", "hubd's RSS with 1,000,000 indexed subjects"),
}

# Google Benchmark benchmarks, by canonical name (or prefix ending in "/").
BENCH_WHAT: dict[str, str] = {
    "BM_Authenticate": "the whole per-call identity check, certificate facts cached",
    "BM_ParseCertificatePem": "parsing one PEM certificate (paid once per distinct certificate)",
    "BM_FindPrincipalBySpiffeId": "the principal registry lookup alone",
    "BM_DecideAllowCoordinatorReadsReferral": "decision: coordinator reads a just-submitted NHS referral (F04 allows)",
    "BM_DecideDenySchoolDslReadsCase": "decision: school DSL asks for a case in screening (denied by default)",
    "BM_DecideAllowWhoAmI": "decision: WhoAmI under standing rule S01",
    "BM_DecideAllowGatewayQuery": "decision: the CT gateway's deconfliction query under F13",
    "BM_ProjectCaseFile": "copying a small case file and projecting it to F04's fields",
    "BM_RawSqliteDurableCommit": "raw SQLite, one ~250-byte row per durable transaction (the baseline)",
    "BM_GroupCommitAppend/": "callers appending WhoAmI events through group commit, closed loop",
    "BM_BuildProofLog": "building the proof log with many callers (once)",
    "BM_InclusionProof": "InclusionProof(random index, size) on the proof log",
    "BM_VerifyInclusionProof": "VerifyInclusion of such proofs against a signed root",
    "BM_VerifyStoredLog": "VerifyStoredLog over the whole proof log",
    "BM_BuildIndex": "building the deconfliction index (once; kept between runs)",
    "BM_StartUp/cold:0": "Open, Matcher::Create, Backfill, first Search (pages in the OS cache)",
    "BM_StartUp/cold:1": "the same with the database dropped from the OS page cache first",
    "BM_Search/exact": "MatchIndex::Search, a subject's own name, date of birth and postcode",
    "BM_Search/fuzzy": "MatchIndex::Search, the four kinds of change in turn",
    "BM_Search/variant": "MatchIndex::Search, another spelling from the variant table",
    "BM_Search/typo": "MatchIndex::Search, one typing error",
    "BM_Search/nickname": "MatchIndex::Search, a nickname or the formal name",
    "BM_Search/dob_transposed": "MatchIndex::Search, day and month transposed",
}

COUNTER_WHAT: dict[str, str] = {
    "appends_per_s": "durable appends per second",
    "raw_commits_per_s": "raw durable commits/s, measured just before and after",
    "x_raw_commits": "appends/s over raw commits/s",
    "checkpoints": "signed checkpoints",
    "max_checkpoint_gap_ms": "largest gap between consecutive signed checkpoints",
    "commits_per_s": "durable commits per second",
    "commit_us": "one durable commit",
    "events": "events in the log",
    "threads": "callers",
    "p50_us": "p50 per operation",
    "p99_us": "p99 per operation",
    "max_us": "slowest operation",
    "mean_us": "mean per operation",
    "seconds": "whole run",
    "events_per_s": "events verified per second",
    "subjects": "subjects indexed",
    "entry_seconds": "of which MatchIndex::EntryFor",
    "subjects_per_s": "subjects indexed per second",
    "keys_per_subject": "index keys per subject",
    "db_mb": "database size",
    "reused": "1 if the index was kept from an earlier run",
    "startup_ms": "to the first search's answer",
    "open_ms": "SqliteStore::Open",
    "matcher_ms": "Matcher::Create",
    "backfill_ms": "MatchIndex::Backfill",
    "first_search_ms": "the first Search",
    "rss_mb": "the bench process's RSS afterwards",
    "queries": "queries per repetition",
    "recall": "queries whose person is among the results",
    "keys_per_query": "index keys looked up per query",
    "candidates_per_query": "index entries read and graded per query",
    "max_candidates": "most entries read by one query",
    "results_per_query": "results graded POSSIBLE or better per query",
}

TIME_UNITS = {"ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}

# Name components Google Benchmark adds for how a benchmark was run, not
# what it measures: dropped to match names robustly.
NOISE = re.compile(
    r"^(iterations|repeats|min_time|min_warmup_time):|^(manual_time|real_time|process_time)$")
GB_STANDARD_KEYS = {
    "family_index", "per_family_instance_index", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time",
}


def warn(message: str) -> None:
    print(f"report.py: warning: {message}", file=sys.stderr)


@dataclasses.dataclass
class Figure:
    key: str            # unique name in the JSON
    source: str         # hub_bench, audit_bench, ...
    unit: str
    what: str
    runs: list[float]
    benchmark: Optional[str] = None   # Google Benchmark: canonical name
    counter: Optional[str] = None     # Google Benchmark: counter or real_time
    bench_what: str = ""              # Google Benchmark: the benchmark's
    counter_what: str = ""            # description, and the counter's
    aggregate_median: Optional[float] = None  # when only aggregates exist
    aggregate_n: Optional[int] = None

    @property
    def median(self) -> Optional[float]:
        if self.runs:
            return statistics.median(self.runs)
        return self.aggregate_median

    @property
    def min(self) -> Optional[float]:
        return min(self.runs) if self.runs else None

    @property
    def max(self) -> Optional[float]:
        return max(self.runs) if self.runs else None

    @property
    def n(self) -> int:
        return len(self.runs) if self.runs else (self.aggregate_n or 0)

    def to_json(self) -> dict[str, Any]:
        out = {"unit": self.unit, "what": self.what, "median": self.median,
               "min": self.min, "max": self.max, "runs": self.runs,
               "source": self.source}
        if self.benchmark is not None:
            out["benchmark"] = self.benchmark
            out["counter"] = self.counter
        if not self.runs and self.aggregate_median is not None:
            out["note"] = "only the median aggregate was in the file"
        return out


def is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def canonical(run_name: str) -> str:
    """BM_Search/exact/iterations:1/manual_time -> BM_Search/exact."""
    return "/".join(p for p in run_name.split("/") if p and not NOISE.match(p))


def name_matches(name: str, wanted: str) -> bool:
    """Whether canonical `name` is `wanted` or below it, component-wise."""
    return name == wanted or name.startswith(wanted.rstrip("/") + "/")


def bench_what(name: str) -> str:
    if name in BENCH_WHAT:
        return BENCH_WHAT[name]
    for prefix, what in BENCH_WHAT.items():
        if prefix.endswith("/") and name.startswith(prefix):
            return what
    return ""


def counter_unit(counter: str) -> str:
    if counter.endswith("_per_s"):  # raw_commits_per_s -> commits/s
        return counter[: -len("_per_s")].split("_")[-1] + "/s"
    if counter == "items_per_second":
        return "items/s"
    if counter == "bytes_per_second":
        return "bytes/s"
    if counter.endswith("_us"):
        return "µs"
    if counter.endswith("_ms"):
        return "ms"
    if counter.endswith("_mb"):
        return "MiB"
    if counter.endswith("seconds"):
        return "s"
    if counter == "recall":
        return "fraction"
    if counter.startswith("x_"):
        return "×"
    return ""


# ---------------------------------------------------------------------------
# Reading the inputs.

def load_json(path: str) -> Optional[Any]:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        warn(f"cannot read {path}: {error}; treating it as missing")
        return None


def read_google_benchmark(doc: Any, source: str) -> tuple[list[Figure], dict[str, Any]]:
    """The figures in one Google Benchmark JSON document, and its context."""
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        warn(f"{SOURCE_FILES[source]} is not Google Benchmark JSON output; ignored")
        return [], {}
    context = doc.get("context") if isinstance(doc.get("context"), dict) else {}
    order: list[str] = []              # run names, first appearance
    iterations: dict[str, list[dict]] = {}
    medians: dict[str, dict] = {}
    for entry in doc["benchmarks"]:
        if not isinstance(entry, dict) or entry.get("error_occurred"):
            if isinstance(entry, dict):
                warn(f"{SOURCE_FILES[source]}: {entry.get('name')}: "
                     f"{entry.get('error_message', 'error')}")
            continue
        run_type = entry.get("run_type", "iteration")
        name = str(entry.get("name", ""))
        if run_type == "aggregate":
            aggregate = entry.get("aggregate_name", "")
            run_name = entry.get("run_name") or re.sub(r"_[A-Za-z]+$", "", name)
            if aggregate == "median":
                medians[run_name] = entry
                if run_name not in order:
                    order.append(run_name)
            continue
        run_name = entry.get("run_name") or name
        iterations.setdefault(run_name, []).append(entry)
        if run_name not in order:
            order.append(run_name)

    figures: list[Figure] = []
    for run_name in order:
        entries = iterations.get(run_name)
        aggregate_only = not entries
        if aggregate_only:
            entries = [medians[run_name]]
        bench = canonical(run_name)
        described = bench_what(bench)
        counters: list[str] = []
        for entry in entries:
            for key, value in entry.items():
                if key not in GB_STANDARD_KEYS and is_number(value) and key not in counters:
                    counters.append(key)
        # A manual-time benchmark's time is how long its one whole
        # measurement took, which its counters already report better.
        manual = "manual_time" in run_name.split("/")
        names = counters if manual and counters else counters + ["real_time"]

        for counter in names:
            if counter == "real_time":
                unit = entries[0].get("time_unit", "ns")
                unit = "µs" if unit == "us" else unit
                counter_what = ("duration of one whole measurement" if manual
                                else "wall time per iteration")
            else:
                unit = counter_unit(counter)
                counter_what = COUNTER_WHAT.get(counter, "")
            what = counter_what
            if described:
                what = f"{described}: {what}" if what else described
            values: list[float] = []
            for entry in entries:
                value = entry.get(counter)
                if not is_number(value):
                    continue
                if counter == "real_time":
                    # Kept in the first entry's unit, converting any other.
                    here = entry.get("time_unit", "ns")
                    value = value * TIME_UNITS.get(here, 1.0) / TIME_UNITS.get(
                        entries[0].get("time_unit", "ns"), 1.0)
                values.append(float(value))
            if not values:
                continue
            figure = Figure(key=f"{bench}.{counter}", source=source, unit=unit,
                            what=what, runs=[] if aggregate_only else values,
                            benchmark=bench, counter=counter, bench_what=described,
                            counter_what=counter_what)
            if aggregate_only:
                figure.aggregate_median = values[0]
                figure.aggregate_n = entries[0].get("repetitions")
            figures.append(figure)
    return figures, context


def read_hub_bench(doc: Any) -> tuple[list[Figure], dict[str, Any]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("figures"), dict):
        warn("hub_bench.json has no \"figures\" object; ignored")
        return [], {}
    config = doc.get("config") if isinstance(doc.get("config"), dict) else {}
    figures = []
    names = [n for n in HUB_KNOWN if n in doc["figures"]]
    names += [n for n in doc["figures"] if n not in HUB_KNOWN]
    for name in names:
        raw = doc["figures"][name]
        if not isinstance(raw, dict):
            warn(f"hub_bench.json: figure {name} is not an object; ignored")
            continue
        unit, what = HUB_KNOWN.get(name, ("", ""))
        given = raw.get("runs", [])  # proto3 JSON leaves out an empty list
        given = given if isinstance(given, list) else [given]
        runs = [float(v) for v in given if is_number(v)]
        if len(runs) != len(given):
            warn(f"hub_bench.json: {name}: non-numeric runs ignored")
        figures.append(Figure(key=name, source="hub_bench",
                              unit=str(raw.get("unit") or unit),
                              what=str(raw.get("what") or what), runs=runs))
    return figures, config


# ---------------------------------------------------------------------------
# The targets of DESIGN.md §6.

class Results:
    """Every figure read, by key, with lookups by source and benchmark."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}
        self.contexts: dict[str, dict[str, Any]] = {}
        self.present: set[str] = set()
        self.hub_config: dict[str, Any] = {}
        self.quick = False

    def add(self, figure: Figure) -> None:
        key = figure.key
        if key in self.figures:  # same benchmark name in two files
            key = f"{figure.source}:{key}"
            figure.key = key
        self.figures[key] = figure

    def hub(self, name: str) -> Optional[Figure]:
        figure = self.figures.get(name)
        return figure if figure and figure.source == "hub_bench" and figure.median is not None else None

    def bench(self, source: str, bench: str, counter: str) -> Optional[Figure]:
        """The figure `counter` of benchmark `bench` (exact, else the first
        benchmark below it) from `source`."""
        candidates = [f for f in self.figures.values()
                      if f.source == source and f.counter == counter
                      and f.benchmark is not None and name_matches(f.benchmark, bench)
                      and f.median is not None]
        exact = [f for f in candidates if f.benchmark == bench]
        return (exact or candidates or [None])[0]

    def context_value(self, source: str, key: str) -> Optional[str]:
        value = self.contexts.get(source, {}).get(key)
        return None if value is None else str(value)


@dataclasses.dataclass
class Target:
    id: str
    text: str                                  # the target, in words
    find: "Find"
    limit: Optional[float]
    comparison: Optional[str]                  # "<=", ">=", "==" or None
    source: str                                # the file it needs
    unit: Optional[str] = None                 # convert a time figure to this
    judged_on: str = "median"                  # or "every run"
    informational: bool = False
    note: Optional[Callable[[Results, Optional[Figure]], str]] = None
    # A further condition for "met" (e.g. an open loop kept up with the
    # rate it was offered); None means no condition.
    requires: Optional[Callable[[Results], bool]] = None


def fmt_num(value: Optional[float]) -> str:
    """A number as a reader wants it: thousands separated, 2-3 significant
    digits below 100."""
    if value is None or not math.isfinite(value):
        return "—"
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:.0f}"
    if float(value).is_integer():
        return f"{int(value)}"
    if a >= 10:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    return f"{value:.2g}" if a >= 0.1 else f"{value:.3g}"


def fmt_value(value: Optional[float], unit: str, with_unit: bool = True) -> str:
    if value is None:
        return "—"
    if unit == "fraction":
        return f"{value * 100:.1f}%" if value < 1 else "100%"
    if unit == "ratio":
        return f"{value:.2f}"
    text = fmt_num(value)
    if not with_unit or not unit:
        return text
    if unit.startswith("/") or unit == "×":
        return f"{text}{unit}"
    return f"{text} {unit}"


def offered_rate(results: Results, offered_keys: tuple[str, ...],
                 offered: float) -> float:
    """The rate an open-loop run was offered: hub_bench's config, else
    `offered`."""
    for key in offered_keys:
        if is_number(results.hub_config.get(key)):
            return float(results.hub_config[key])
    return offered


def hub_kept_up(name: str, offered_keys: tuple[str, ...],
                offered: float) -> Callable[[Results], bool]:
    """True if an open-loop run answered at least 95% of the rate offered:
    a latency measured while shedding or falling behind meets nothing."""
    def kept_up(results: Results) -> bool:
        achieved = results.hub(name)
        rate = offered_rate(results, offered_keys, offered)
        return achieved is not None and achieved.median >= 0.95 * rate
    return kept_up


def hub_note_achieved(name: str, offered_keys: tuple[str, ...],
                      offered: float, shed: str
                      ) -> Callable[[Results, Optional[Figure]], str]:
    """A note with the rate achieved in an open-loop run against the rate
    offered, and the share of calls refused as overloaded (`shed`)."""
    def note(results: Results, figure: Optional[Figure]) -> str:
        achieved = results.hub(name)
        rate = offered_rate(results, offered_keys, offered)
        if achieved is None:
            return f"offered {fmt_num(rate)} calls/s; achieved rate not reported"
        text = f"offered {fmt_num(rate)} calls/s, achieved {fmt_num(achieved.median)} calls/s"
        shed_figure = results.hub(shed)
        if shed_figure is not None and shed_figure.max > 0:
            text += f", {fmt_num(shed_figure.median)}% refused as overloaded"
        if achieved.median < 0.95 * rate:
            text += " ⚠ below the offered rate, so not met whatever the p99"
        return text
    return note


def note_figure(fetch: Callable[[Results], Optional[Figure]],
                template: str) -> Callable[[Results, Optional[Figure]], str]:
    """A note showing another figure's median: `template` with {} for it."""
    def note(results: Results, figure: Optional[Figure]) -> str:
        other = fetch(results)
        if other is None:
            return ""
        return template.format(fmt_value(other.median, other.unit))
    return note


def subjects_indexed(results: Results) -> Optional[float]:
    build = results.bench("deconfliction_bench", "BM_BuildIndex", "subjects")
    if build is not None:
        return build.median
    value = results.context_value("deconfliction_bench", "subjects")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def note_subjects(results: Results, figure: Optional[Figure]) -> str:
    subjects = subjects_indexed(results)
    if subjects is None:
        return ""
    if subjects >= 1_000_000:
        return f"measured at {fmt_num(subjects)} subjects"
    if results.quick:
        return f"measured at {fmt_num(subjects)} subjects (quick run)"
    return f"⚠ measured at {fmt_num(subjects)} subjects only"


def note_events(results: Results, figure: Optional[Figure]) -> str:
    events = results.bench("audit_bench", "BM_VerifyStoredLog", "events")
    rate = results.bench("audit_bench", "BM_VerifyStoredLog", "events_per_s")
    parts = []
    if events is not None:
        if events.median < 1_000_000:
            parts.append(f"measured over {fmt_num(events.median)} events (quick run)"
                         if results.quick else
                         f"⚠ measured over {fmt_num(events.median)} events only")
        else:
            parts.append(f"measured over {fmt_num(events.median)} events")
    if rate is not None:
        parts.append(f"{fmt_num(rate.median)} events/s")
    return ", ".join(parts)


def slowest_decision(results: Results) -> Optional[Figure]:
    decisions = [f for f in results.figures.values()
                 if f.source == "decide_bench" and f.counter == "real_time"
                 and f.benchmark and f.benchmark.startswith("BM_Decide")
                 and f.median is not None]
    if not decisions:
        return None
    return max(decisions, key=lambda f: f.median * TIME_UNITS.get(
        "us" if f.unit == "µs" else f.unit, 1.0))


def note_decision(results: Results, figure: Optional[Figure]) -> str:
    if figure is None:
        return ""
    count = sum(1 for f in results.figures.values()
                if f.source == "decide_bench" and f.counter == "real_time"
                and f.benchmark and f.benchmark.startswith("BM_Decide"))
    return f"the slowest of {count} decisions"


class Find:
    """How a target finds its figure, and how to name it when it is absent."""

    def __init__(self, fn: Callable[[Results], Optional[Figure]], label: str,
                 unit: str) -> None:
        self.fn = fn
        self.label = label
        self.unit = unit

    def __call__(self, results: Results) -> Optional[Figure]:
        return self.fn(results)


def hub_fig(name: str) -> Find:
    return Find(lambda results: results.hub(name), f"`{name}`", HUB_KNOWN[name][0])


def bench_fig(source: str, bench: str, counter: str) -> Find:
    return Find(lambda results: results.bench(source, bench, counter),
                f"`{bench}` `{counter}`", counter_unit(counter))


TARGETS = [
    Target("authorised_vs_echo",
           "Authorised unary calls (WhoAmI: identity, policy, durable audit) ≥ 70% of a bare "
           "gRPC echo's throughput, same run, same mTLS channels",
           hub_fig("whoami_ratio"), 0.70, ">=", "hub_bench",
           note=note_figure(hub_fig("echo_calls_per_s"), "echo {} in the same runs")),
    Target("read_vs_echo",
           "Authorised reads (Get) against the same echo, for information",
           hub_fig("get_ratio"), None, None, "hub_bench", informational=True),
    Target("authorised_rate", "Authorised calls ≥ 15,000/s",
           hub_fig("whoami_calls_per_s"), 15000, ">=", "hub_bench"),
    Target("read_p99", "Reads p99 ≤ 2 ms at 10,000 calls/s (open loop)",
           hub_fig("get_open_p99_us"), 2000, "<=", "hub_bench",
           note=hub_note_achieved("get_open_achieved_per_s",
                                  ("read_rate",), 10000, "get_open_shed_percent"),
           requires=hub_kept_up("get_open_achieved_per_s", ("read_rate",), 10000)),
    Target("write_p99", "Durable writes p99 ≤ 5 ms (open loop)",
           hub_fig("submit_open_p99_us"), 5000, "<=", "hub_bench",
           note=hub_note_achieved("submit_open_achieved_per_s",
                                  ("write_rate",), 2000, "submit_open_shed_percent"),
           requires=hub_kept_up("submit_open_achieved_per_s", ("write_rate",), 2000)),
    Target("reconnect_storm",
           "Reconnect storm: 1,000 clients with new mTLS connections served ≤ 5 s",
           hub_fig("storm_seconds"), 5, "<=", "hub_bench",
           note=note_figure(hub_fig("storm_p99_ms"), "p99 per client {}")),
    Target("decision_median", "Policy decision median ≤ 1 µs (demo policy)",
           Find(slowest_decision, "the slowest `BM_Decide*` time", "ns"), 1000, "<=",
           "decide_bench", unit="ns", note=note_decision),
    Target("deconfliction_exact", "Deconfliction exact search p99 ≤ 1 ms (1,000,000 subjects)",
           bench_fig("deconfliction_bench", "BM_Search/exact", "p99_us"), 1000, "<=",
           "deconfliction_bench", note=note_subjects),
    Target("deconfliction_fuzzy",
           "Deconfliction fuzzy search (variants, typos, transposed DOB) p99 ≤ 5 ms "
           "(1,000,000 subjects)",
           bench_fig("deconfliction_bench", "BM_Search/fuzzy", "p99_us"), 5000, "<=",
           "deconfliction_bench", note=note_subjects),
    Target("deconfliction_recall",
           "Recall 100% on the labelled variant set: enforced by "
           "`tests/deconfliction_recall_test`, not a timing; the synthetic set's fuzzy recall "
           "is shown for information",
           bench_fig("deconfliction_bench", "BM_Search/fuzzy", "recall"), None, None,
           "deconfliction_bench", informational=True),
    Target("audit_appends", "Audit ≥ 20,000 durable appends/s (group commit, 64 callers)",
           bench_fig("audit_bench", "BM_GroupCommitAppend/threads:64", "appends_per_s"),
           20000, ">=", "audit_bench",
           note=note_figure(bench_fig("audit_bench", "BM_GroupCommitAppend/threads:64",
                                      "x_raw_commits"), "{} the raw durable commit rate")),
    Target("inclusion_proof", "Inclusion proof ≤ 100 µs (median)",
           bench_fig("audit_bench", "BM_InclusionProof", "p50_us"), 100, "<=", "audit_bench",
           note=note_figure(bench_fig("audit_bench", "BM_InclusionProof", "p99_us"), "p99 {}")),
    Target("verify_log", "Verifying 1,000,000 audit events ≤ 5 s",
           bench_fig("audit_bench", "BM_VerifyStoredLog", "seconds"), 5, "<=", "audit_bench",
           note=note_events),
    Target("checkpoint_gap", "A signed checkpoint at least every second under load (64 callers)",
           bench_fig("audit_bench", "BM_GroupCommitAppend/threads:64", "max_checkpoint_gap_ms"),
           1000, "<=", "audit_bench", judged_on="every run"),
    Target("sync_rate", "Sync ≥ 50,000 items/s on one stream",
           hub_fig("sync_items_per_s"), 50000, ">=", "hub_bench"),
    Target("sync_no_change", "A no-change sync is one round trip",
           hub_fig("sync_no_change_batches"), 1, "==", "hub_bench", judged_on="every run"),
    Target("startup", "Start-up to SERVING ≤ 1 s with 1,000,000 subjects (hubd, to its first "
           "answered call)", hub_fig("startup_1m_ms"), 1000, "<=", "hub_bench",
           note=note_subjects),
    Target("startup_index", "… the index's part alone (open, Matcher, Backfill, first search)",
           bench_fig("deconfliction_bench", "BM_StartUp/cold:0", "startup_ms"), 1000, "<=",
           "deconfliction_bench", note=note_subjects),
    Target("rss_idle", "Idle RSS ≤ 64 MB", hub_fig("rss_idle_mb"), 64, "<=", "hub_bench"),
    Target("rss_1m", "RSS ≤ 512 MB with 1,000,000 subjects", hub_fig("rss_1m_mb"), 512, "<=",
           "hub_bench", note=note_subjects),
]


def compare(value: float, comparison: str, limit: float) -> bool:
    if comparison == "<=":
        return value <= limit
    if comparison == ">=":
        return value >= limit
    return value == limit


def evaluate(target: Target, results: Results) -> dict[str, Any]:
    figure = target.find(results)
    scale = 1.0
    unit = figure.unit if figure else (target.unit or target.find.unit)
    if figure is not None and target.unit and figure.unit != target.unit:
        here = "us" if figure.unit == "µs" else figure.unit
        want = "us" if target.unit == "µs" else target.unit
        if here in TIME_UNITS and want in TIME_UNITS:
            scale = TIME_UNITS[here] / TIME_UNITS[want]
            unit = target.unit

    def scaled(v: Optional[float]) -> Optional[float]:
        return None if v is None else v * scale

    median = scaled(figure.median) if figure else None
    met: Optional[bool] = None
    judged_on = target.judged_on
    if figure is not None and not target.informational and target.limit is not None:
        if judged_on == "every run" and figure.runs:
            met = all(compare(v * scale, target.comparison, target.limit) for v in figure.runs)
        else:
            judged_on = "median"
            met = compare(median, target.comparison, target.limit)
        if met and target.requires is not None and not target.requires(results):
            met = False
    note = target.note(results, figure) if target.note and figure is not None else ""
    return {
        "id": target.id,
        "target": target.text,
        "figure": figure.key if figure else None,
        "median": median,
        "min": scaled(figure.min) if figure else None,
        "max": scaled(figure.max) if figure else None,
        "unit": unit,
        "limit": target.limit,
        "comparison": target.comparison,
        "met": met,
        "judged_on": judged_on,
        "informational": target.informational,
        "note": note,
        "source": target.source,
    }


# ---------------------------------------------------------------------------
# The machine.

def run(command: list[str], cwd: Optional[str] = None) -> Optional[str]:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def read_proc(path: str, key: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def filesystem_of(path: str) -> Optional[str]:
    fs = run(["stat", "-f", "-c", "%T", path])
    if fs:
        return fs
    # No stat(1): the longest mount point above `path` in /proc/mounts.
    best, best_type = "", None
    real = os.path.realpath(path)
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1]
                if (mount == "/" or name_matches(real, mount)) and len(mount) >= len(best):
                    best, best_type = mount, parts[2]
    except OSError:
        pass
    return best_type


def steal_percent(results_dir: str) -> Optional[float]:
    """The share of all CPU time since bench/run.sh started that the
    hypervisor took (the "steal" column of /proc/stat), or None."""
    def counters(text: str) -> Optional[list[int]]:
        fields = text.split()
        if len(fields) < 9 or fields[0] != "cpu":
            return None
        try:
            return [int(x) for x in fields[1:9]]
        except ValueError:
            return None
    try:
        with open(os.path.join(results_dir, "cpu_at_start")) as f:
            start = counters(f.readline())
        with open("/proc/stat") as f:
            end = counters(f.readline())
    except OSError:
        return None
    if start is None or end is None:
        return None
    total = sum(end) - sum(start)
    if total <= 0:
        return None
    return round(100.0 * (end[7] - start[7]) / total, 1)


def machine(results_dir: str) -> dict[str, Any]:
    try:
        nproc = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        nproc = os.cpu_count()
    memory = read_proc("/proc/meminfo", "MemTotal")
    mem_gib = None
    if memory and memory.split()[0].isdigit():
        mem_gib = round(int(memory.split()[0]) / (1024 * 1024), 1)
    uname = platform.uname()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "nproc": nproc,
        "cpu_model": read_proc("/proc/cpuinfo", "model name"),
        "memory_gib": mem_gib,
        "kernel": f"{uname.system} {uname.release} {uname.machine}",
        "results_filesystem": filesystem_of(results_dir),
        "load_average": load,
        "steal_percent": steal_percent(results_dir),
    }


def git_commit() -> tuple[Optional[str], Optional[bool]]:
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    if commit is None:
        return None, None
    status = run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT)
    return commit, (bool(status) if status is not None else None)


# ---------------------------------------------------------------------------
# The report.

def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def met_cell(row: dict[str, Any]) -> str:
    if row["informational"]:
        return "ℹ️ for information" if row["median"] is not None else "— not measured"
    if row["met"] is None:
        return "— not measured"
    return "✅ met" if row["met"] else "❌ not met"


def limit_text(row: dict[str, Any]) -> str:
    if row["limit"] is None:
        return ""
    if row["comparison"] == "==":
        return f"= {fmt_num(row['limit'])}"
    sign = {"<=": "≤", ">=": "≥"}[row["comparison"]]
    return f"{sign} {fmt_value(row['limit'], row['unit'])}"


def figure_cell(figure: Optional[Figure], fallback: str) -> str:
    if figure is None:
        return fallback
    if figure.benchmark is not None:
        counter = "time" if figure.counter == "real_time" else f"`{figure.counter}`"
        return f"`{figure.benchmark}` {counter}"
    return f"`{figure.key}`"


def render_markdown(report: dict[str, Any], results: Results, notes_link: str,
                    missing: list[str]) -> str:
    out: list[str] = []
    w = out.append
    m = report["machine"]
    w("<!-- GENERATED by bench/report.py, which bench/run.sh runs: do not edit by hand. -->")
    w("# Performance")
    w("")
    w(f"> **Generated** by `bench/run.sh` (through `bench/report.py`) on {report['generated']}; "
      "do not edit this file by hand: re-run `bench/run.sh`. The analysis (why the figures are "
      f"what they are, profiles, earlier runs) is in [performance-notes.md]({notes_link}). "
      "Targets: `../shared/DESIGN.md` §6. Machine-readable figures: the JSON file written "
      "beside this one by the same run.")
    w("")
    if report["quick"]:
        w("> ⚠ **Quick run** (`bench/run.sh --quick`): smaller sizes and fewer repetitions. "
          "A smoke run: these figures are **not for quoting**.")
        w("")
    if missing:
        w("> Not measured in this run (file missing or unreadable): "
          + ", ".join(f"`{name}`" for name in missing) + ".")
        w("")

    w("## The machine")
    w("")
    commit = report["git_commit"] or "unknown"
    if report.get("git_dirty"):
        commit += " (with uncommitted changes)"
    load = m.get("load_average")
    rows = [
        ("CPUs (nproc)", str(m.get("nproc") or "unknown")),
        ("CPU model", m.get("cpu_model") or "unknown"),
        ("Memory", f"{m['memory_gib']} GiB" if m.get("memory_gib") else "unknown"),
        ("Kernel", m.get("kernel") or "unknown"),
        ("File system of the results directory", m.get("results_filesystem") or "unknown"),
        ("Report written (UTC)", report["generated"]),
        ("Git commit", f"`{commit}`"),
        ("Load average when the report was written",
         " / ".join(f"{x:.2f}" for x in load) + " (1 / 5 / 15 min)" if load else "unknown"),
        ("CPU time taken by the hypervisor during the run (steal)",
         f"{m['steal_percent']}%" if m.get("steal_percent") is not None else "unknown"),
    ]
    w("| | |")
    w("|---|---|")
    for name, value in rows:
        w(f"| {name} | {md_escape(value)} |")
    w("")
    context_lines = []
    for source in SOURCE_ORDER[1:]:
        ctx = results.contexts.get(source)
        if not ctx:
            continue
        parts = []
        if ctx.get("date"):
            parts.append(f"started {ctx['date']}")
        if isinstance(ctx.get("load_avg"), list) and ctx["load_avg"]:
            parts.append("load average " + " / ".join(
                f"{x:.2f}" for x in ctx["load_avg"] if is_number(x)))
        standard = {"date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                    "cpu_scaling_enabled", "caches", "load_avg", "library_build_type",
                    "library_version", "json_schema_version"}
        for key, value in ctx.items():
            if key not in standard and isinstance(value, (str, int, float)):
                parts.append(f"{key} `{value}`")
        if source == "audit_bench" and str(ctx.get("audit_db_fs")) in ("tmpfs", "ramfs"):
            parts.append("⚠ **the audit databases were on "
                         f"{ctx['audit_db_fs']}, where fsync is free: the durable figures "
                         "mean nothing**")
        context_lines.append(f"- `{source}`: " + "; ".join(parts))
    if context_lines:
        w("As each benchmark recorded it:")
        w("")
        out.extend(context_lines)
        w("")

    w("## The method")
    w("")
    reps = []
    for source in SOURCE_ORDER:
        counts = [f.n for f in results.figures.values() if f.source == source and f.n]
        if counts:
            reps.append(f"{source} {max(set(counts), key=counts.count)}")
    w("The hub and the load generator run on the same machine and share its cores, so "
      "absolute rates are lower than a hub alone would reach. What the targets compare is "
      "therefore taken within one run: an authorised call against a bare gRPC echo server "
      "over the same mTLS configuration (the same certificates and channels), as a ratio "
      "paired run by run. Each figure is the median of N repetitions, with the smallest and "
      "largest beside it (repetitions this run: " + (", ".join(reps) or "none") + "; a "
      "benchmark that builds its data once runs once). Open-loop latencies are measured from "
      "each call's scheduled start, not from when it was sent, so time spent queueing behind "
      "a slow hub counts. The benchmarks are built in Release; the audit and deconfliction "
      "databases are on the build tree's disk, never tmpfs. A quick run (`bench/run.sh "
      "--quick`) is a smoke run with smaller sizes and fewer repetitions: not for quoting. "
      "Nothing here is a pass/fail gate: CI never fails on timing.")
    w("")
    if results.hub_config:
        w("Load generator settings (`hub_bench.json` `config`): "
          + ", ".join(f"{k} `{fmt_num(v) if is_number(v) else json.dumps(v)}`"
                      for k, v in results.hub_config.items()) + ".")
        w("")

    w("## Targets (DESIGN.md §6)")
    w("")
    w("Judged on the median unless the row says \"every run\".")
    w("")
    w("| Target | Figure | Median | Min–Max | Met |")
    w("|---|---|---|---|---|")
    for target, row in zip(TARGETS, report["targets"]):
        figure = results.figures.get(row["figure"]) if row["figure"] else None
        text = target.text
        limit = limit_text(row)
        extras = [e for e in (row["note"],) if e]
        if row["judged_on"] == "every run" and row["met"] is not None:
            extras.append("judged on every run")
        if extras:
            text += " — " + "; ".join(extras)
        figure_text = figure_cell(figure, target.find.label)
        if limit:
            figure_text += f" {limit}"
        median = fmt_value(row["median"], row["unit"])
        spread = ("—" if row["min"] is None else
                  f"{fmt_value(row['min'], row['unit'], False)}–"
                  f"{fmt_value(row['max'], row['unit'], False)}")
        w(f"| {md_escape(text)} | {md_escape(figure_text)} | {median} | {spread} | "
          f"{met_cell(row)} |")
    w("")

    for source in SOURCE_ORDER:
        figures = [f for f in results.figures.values() if f.source == source]
        title = SOURCE_TITLES[source]
        w(f"## {title}")
        w("")
        if source not in results.present:
            w(f"Not measured: `{SOURCE_FILES[source]}` was not in the results.")
            w("")
            continue
        if not figures:
            w(f"`{SOURCE_FILES[source]}` held no figures.")
            w("")
            continue
        known = [f for f in figures if source != "hub_bench" or f.key in HUB_KNOWN]
        other = [f for f in figures if source == "hub_bench" and f.key not in HUB_KNOWN]
        if known:
            render_figure_table(w, known)
        if other:
            w("Other figures:")
            w("")
            render_figure_table(w, other)
        if any(not f.runs and f.aggregate_median is not None for f in figures):
            w("Where Min and Max are — the file held only the median aggregate "
              "(`--benchmark_report_aggregates_only`), not every repetition.")
            w("")

    w("## Analysis")
    w("")
    w(f"Why the figures are what they are, the profiles behind them and earlier runs' figures: "
      f"[performance-notes.md]({notes_link}).")
    w("")
    return "\n".join(out)


def render_figure_table(w: Callable[[str], None], figures: list[Figure]) -> None:
    """One row per figure; a Google Benchmark benchmark with several figures
    gets a heading row saying what it measures, then a row per counter."""
    w("| Figure | Median | Min | Max | Unit | Runs | What |")
    w("|---|---|---|---|---|---|---|")
    per_bench: dict[Optional[str], int] = {}
    for f in figures:
        per_bench[f.benchmark] = per_bench.get(f.benchmark, 0) + 1
    heading = None
    for f in figures:
        what = f.what
        if f.benchmark is None:
            name = f"`{f.key}`"
        elif per_bench[f.benchmark] == 1:
            name = f"`{f.benchmark}`" + ("" if f.counter == "real_time" else f" `{f.counter}`")
        else:
            if f.benchmark != heading:
                heading = f.benchmark
                w(f"| **`{f.benchmark}`** | | | | | | {md_escape(f.bench_what)} |")
            name = "… " + ("time" if f.counter == "real_time" else f"`{f.counter}`")
            what = f.counter_what
        unit = "%" if f.unit == "fraction" else f.unit
        w(f"| {name} | {fmt_value(f.median, f.unit, False)} | {fmt_value(f.min, f.unit, False)} | "
          f"{fmt_value(f.max, f.unit, False)} | {md_escape(unit)} | {f.n or '—'} | "
          f"{md_escape(what)} |")
    w("")


def write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".report.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/report.py",
        description="Writes docs/performance.md and a JSON summary from bench/run.sh's results.")
    parser.add_argument("--results", required=True, metavar="DIR",
                        help="directory with identity.json, decide.json, audit.json, "
                             "deconfliction.json and hub_bench.json (any may be missing)")
    parser.add_argument("--out-md", required=True, metavar="FILE",
                        help="the markdown report to write (docs/performance.md)")
    parser.add_argument("--out-json", required=True, metavar="FILE",
                        help="the machine-readable report to write")
    parser.add_argument("--quick", action="store_true",
                        help="the results are from bench/run.sh --quick (a smoke run)")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.results):
        print(f"report.py: {args.results} is not a directory", file=sys.stderr)
        return 2

    results = Results()
    missing: list[str] = []
    for filename, source in GB_FILES + [HUB_FILE]:
        path = os.path.join(args.results, filename)
        doc = load_json(path)
        if doc is None:
            if not os.path.exists(path):
                warn(f"{path} is missing: its targets are not measured")
            missing.append(filename)
            continue
        if source == "hub_bench":
            figures, config = read_hub_bench(doc)
            results.hub_config = config
        else:
            figures, config = read_google_benchmark(doc, source)
            results.contexts[source] = config
        if not figures and not config:
            missing.append(filename)
            continue
        results.present.add(source)
        for figure in figures:
            results.add(figure)
    if not results.present:
        print(f"report.py: {args.results} holds none of "
              + ", ".join(name for name, _ in GB_FILES + [HUB_FILE])
              + " (or none could be read): nothing to report", file=sys.stderr)
        return 2

    # hub_bench's config is a map of doubles: quick is 1 or 0.
    hub_quick = results.hub_config.get("quick")
    quick = bool(args.quick or hub_quick is True
                 or (is_number(hub_quick) and hub_quick != 0))
    results.quick = quick
    commit, dirty = git_commit()
    report: dict[str, Any] = {
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": quick,
        "machine": machine(args.results),
        "git_commit": commit,
        "git_dirty": dirty,
        "missing": missing,
        "figures": {key: f.to_json() for key, f in results.figures.items()},
        "targets": [evaluate(t, results) for t in TARGETS],
    }
    if results.hub_config:
        report["hub_bench_config"] = results.hub_config
    notes_link = os.path.relpath(NOTES, os.path.dirname(os.path.abspath(args.out_md)))
    markdown = render_markdown(report, results, notes_link, missing)
    try:
        write_atomically(args.out_json, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        write_atomically(args.out_md, markdown)
    except OSError as error:
        print(f"report.py: cannot write: {error}", file=sys.stderr)
        return 1

    met = sum(1 for t in report["targets"] if t["met"] is True)
    missed = [t["id"] for t in report["targets"] if t["met"] is False]
    unmeasured = sum(1 for t in report["targets"]
                     if t["met"] is None and not t["informational"])
    print(f"report.py: {met} targets met, {len(missed)} not met"
          + (f" ({', '.join(missed)})" if missed else "")
          + f", {unmeasured} not measured; wrote {args.out_md} and {args.out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
