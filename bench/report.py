"""docs/performance.md from the figures of a `make bench` run, each target met or not."""

from __future__ import annotations

import platform
from datetime import datetime
from pathlib import Path

RATIO_TARGETS = {
    "public": 0.6,
    "member": 0.25,
    "expert": 0.25,
    "embassy": 0.25,
    "DAECT portal": 0.25,
    "admin": 0.1,
}
P95_MS = 100
MAX_QUERIES = 12
GUNICORN_RSS_MB = 200
CELERY_RSS_MB = 250
CHECK_SECONDS = 1.5
WORKERS = 2


# What the lists are indexed for (issue #16, part 2); bench/explain.py shows the plans.
INDEXES = [
    "## What the lists read",
    "",
    "`bench/explain.py` EXPLAINs every query a page issues on a seeded database and names",
    "the sequential scans of big tables and the big sorts. What it showed at 36,000",
    "collectivities, and what the models' `Meta.indexes` now give (migrations",
    "`*_list_indexes`):",
    "",
    "- Every portal list and admin changelist sorted its whole table to show 30 or 100",
    "  rows: each list's order has its index, with the `-pk` Django's admin adds to make",
    "  it total (missions by departure, needs and applications by creation, proposals,",
    "  labels by grant, reports by hand-in, memberships by request, accounts by name,",
    "  collectivities by name — the collectivity admin orders by `name, pk` so that the",
    "  catalogue and the admin read the same index).",
    "- The DAECT dashboard's counts of what waits on whom read partial indexes on",
    "  `(state, assigned_to)` of the unarchived rows; reports due and overdue read",
    "  `(state, report_due_on)`; an embassy's needs and missions are found by",
    "  `request.country`; the library reads its published reports, latest first, from a",
    "  partial index; labels in force from a partial index by collectivity and theme.",
    "- A member's or expert's missions are found with a subquery on the team rather than",
    "  a join, so the list needs no `DISTINCT` over every column.",
    "- The admin lists of the big tables do not count the whole table",
    "  (`show_full_result_count = False`); the forms whose foreign keys point to big",
    "  tables (needs, proposals) search them (`autocomplete_fields`) instead of drawing",
    "  selects of 36,000 options.",
    "- The matching page ranks in the database (`missions/matching.py`: every criterion",
    "  and the score are SQL annotations) and shows 25 candidates a page, best first.",
    "- Left as they are: the filter choices of the library (distinct countries and years",
    "  of the published reports), the figures page's group-bys and the admin's",
    "  `date_hierarchy` read all the rows they summarise — the public side's page cache",
    "  and the figures cache are what keeps them off the request path; the demo embassy",
    "  relays every generated need, so its lists legitimately read the whole tables.",
    "",
]


def service_ms(page: dict) -> float:
    """Time one request holds a worker: both workers busy, 1000 × workers / (req/s)."""
    return 1000 * WORKERS / page["rps"] if page["rps"] else float("inf")


def why_slow(page: dict) -> str:
    spent = service_ms(page)
    sql = min(page["sql_ms"], spent)
    where = (
        f"{sql:.0f} ms of it in SQL ({page['queries']} queries)"
        if sql >= spent / 3
        else f"{spent - sql:.0f} ms of it in Python (view, forms, templates), {sql:.0f} ms in SQL"
    )
    return f"{spent:.0f} ms per request, {where}"


def page_verdicts(pages: list[dict]) -> list[tuple[str, bool, str]]:
    verdicts = []
    for family, target in RATIO_TARGETS.items():
        members = [p for p in pages if p["family"] == family]
        if not members:
            continue
        below = [p for p in members if p["ratio"] < target]
        why = "; ".join(f"{p['name']}: {p['ratio']:.3f} — {why_slow(p)}" for p in below)
        verdicts.append((f"{family} pages ≥ {target} of the floor", not below, why))
    slow = [p for p in pages if p["p95_ms"] >= P95_MS]
    verdicts.append(
        (
            f"p95 under {P95_MS} ms for every page at 8 connections",
            not slow,
            "; ".join(f"{p['name']}: {p['p95_ms']:.0f} ms" for p in slow)
            + (
                f" — 8 connections queue on {WORKERS} workers, so p95 is about "
                "4 × the time one request holds a worker"
                if slow
                else ""
            ),
        )
    )
    many = [p for p in pages if p["queries"] > MAX_QUERIES]
    verdicts.append(
        (
            f"≤ {MAX_QUERIES} queries per page (constant: tests/core/test_page_queries*)",
            not many,
            "; ".join(f"{p['name']}: {p['queries']}" for p in many),
        )
    )
    wrong = [p for p in pages if p["status"] != 200 or p["non2xx"]]
    verdicts.append(
        (
            "every page answered 200 throughout",
            not wrong,
            "; ".join(f"{p['name']}: {p['status']} ({p['non2xx']} non-2xx)" for p in wrong),
        )
    )
    return verdicts


def helper_verdicts(name: str, figures: dict | None) -> list[tuple[str, bool | None, str]]:
    """A helper's own verdicts (`targets`: [{target, met, why}]) when it gives them."""
    if figures is None:
        return [(f"bench/{name}.py", None, f"bench/{name}.py is not there yet: not measured")]
    if "error" in figures:
        return [(f"bench/{name}.py", None, f"failed: {figures['error']}")]
    return [
        (t["target"], bool(t["met"]), t.get("why", "")) for t in figures.get("targets", [])
    ] or [(f"bench/{name}.py", None, "figures below, no verdict given by the helper")]


def other_verdicts(facts: dict, celery: dict) -> list[tuple[str, bool | None, str]]:
    rss = [r for r in facts.get("gunicorn_rss", []) if r]
    verdicts = [
        (
            f"gunicorn worker RSS ≤ {GUNICORN_RSS_MB} MB after the pages",
            bool(rss) and max(rss) <= GUNICORN_RSS_MB,
            ", ".join(f"{r:.0f} MB" for r in rss),
        ),
        (
            f"Celery worker RSS ≤ {CELERY_RSS_MB} MB after a full sweep",
            celery.get("rss_after") is not None and celery["rss_after"] <= CELERY_RSS_MB,
            f"{celery.get('rss_after') or 0:.0f} MB (sweep {celery['outcome']},"
            f" {celery['seconds']:.1f} s)",
        ),
        (
            f"`manage.py check` under {CHECK_SECONDS} s",
            facts["check_seconds"] < CHECK_SECONDS,
            f"{facts['check_seconds']:.2f} s, the best of three cold processes",
        ),
    ]
    return verdicts


def mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def raw(figures: dict | None) -> list[str]:
    if not figures:
        return ["Not measured."]
    lines = ["| figure | value |", "| --- | --- |"]
    for key, value in figures.items():
        if key != "targets":
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            lines.append(f"| {key} | {shown} |")
    return lines


def write(pages: list[dict], facts: dict, steps: dict, extra: dict, root: Path) -> Path:
    load = " / ".join(f"{x:.2f}" for x in facts["load_before"])
    load_after = " / ".join(f"{x:.2f}" for x in facts["load_after"])
    celery = extra["celery"]
    verdicts = (
        page_verdicts(pages)
        + helper_verdicts("pdf", extra["pdf"])
        + helper_verdicts("sweep", extra["sweep"])
        + other_verdicts(facts, celery)
    )
    lines = [
        "# Performance at national volume",
        "",
        "Issue #16. Run it with **`make bench`** (not part of `make test`): it rewrites this",
        "page with the figures of the run. `bench/run.py` seeds a throwaway PostgreSQL",
        "cluster (Debian's binaries, a temporary directory, a free loopback port, fsync off)",
        f"with `seed_demo --scale {facts['scale']}`, runs gunicorn ({WORKERS} sync workers,",
        "`DEBUG=false`) on `bench/settings.py` and loads each page with wrk, 8 connections,",
        "on loopback.",
        "",
        "**The floor**: the same bytes as the page, recorded beforehand, served by a view",
        "that exists only in the bench's settings, through all of the portal's middleware,",
        "with no database and no template. Page and floor alternate rounds in the same",
        "run, so both see the same machine; the ratio is the page's requests per second",
        "divided by its floor's. Queries and SQL time come from a bench-only middleware",
        "(`X-Bench-Queries`, `X-Bench-SQL-ms` headers) on a warm request.",
        "",
        "## Machine and data",
        "",
        f"- Run on {datetime.now():%Y-%m-%d %H:%M}, {platform.node()}: {facts['cores']} cores,"
        f" Python {platform.python_version()}, PostgreSQL {facts['postgres']}; the whole run"
        f" took {facts['seconds'] / 60:.1f} min.",
        f"- Rounds: {facts.get('rounds')} per page, page and floor alternating, at least"
        f" {facts.get('round_seconds')} s each (longer for slow pages), wrk with"
        f" {facts.get('connections')} connections.",
        f"- Load average before: {load}; after: {load_after}. The machine is shared: a",
        "  one-minute load above the core count means other work ran alongside, and the",
        "  absolute figures are pessimistic (the ratios much less so: the floor shared it).",
        "- Data: "
        + ", ".join(
            f"{facts[k]} {k}"
            for k in (
                "collectivities",
                "labels",
                "applications",
                "needs",
                "missions",
                "published reports",
                "accounts",
            )
        )
        + ".",
        "- Setting up: " + ", ".join(f"`{k}` {v:.0f} s" for k, v in steps.items()) + ".",
        "",
        "## Targets",
        "",
        "| target | verdict | why / figures |",
        "| --- | --- | --- |",
        *[f"| {text} | {mark(met)} | {why or '–'} |" for text, met, why in verdicts],
        "",
        "## Pages",
        "",
        "| family | page | req/s | floor req/s | ratio | target | p50 | p95 | KB | queries"
        " | SQL ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in pages:
        target = RATIO_TARGETS.get(p["family"], 0)
        lines.append(
            f"| {p['family']} | {p['name']} (`{p['path'].split('?')[0]}`) | {p['rps']:.1f} | "
            f"{p['floor_rps']:.1f} | {'✅' if p['ratio'] >= target else '❌'} "
            f"{p['ratio']:.3f} | {target} | {p['p50_ms']:.0f} ms | {p['p95_ms']:.0f} ms | "
            f"{p['bytes'] / 1024:.0f} | {p['queries']} | {p['sql_ms']:.1f} |"
        )
    lines += [
        "",
        "The floor's own queries: "
        + (
            "0 for every page."
            if all(p["floor_queries"] == 0 for p in pages)
            else ", ".join(f"{p['name']}: {p['floor_queries']}" for p in pages)
        ),
        "",
        "## Documents (bench/pdf.py)",
        "",
        *raw(extra["pdf"]),
        "",
        "## Reminder sweep (bench/sweep.py)",
        "",
        *raw(extra["sweep"]),
        "",
        "## Workers",
        "",
        "- gunicorn workers after the pages: "
        + ", ".join(f"{r:.0f} MB" for r in facts.get("gunicorn_rss", []) if r)
        + ".",
        f"- Celery worker (solo pool) before the sweep: {celery.get('rss_idle') or 0:.0f} MB;"
        f" after a full sweep ({celery['outcome']} in {celery['seconds']:.1f} s,"
        f" {celery['reminders']} reminder rows): {celery.get('rss_after') or 0:.0f} MB.",
        f"- `manage.py check`: {facts['check_seconds']:.2f} s.",
        "",
        *INDEXES,
        "## Reading the figures",
        "",
        "- The ratio says how much of a request's time the page itself costs beyond",
        "  Django and the middleware; a ratio of 0.25 means the page spends three times",
        "  as long in its view, queries and templates as the middleware does.",
        "- With 8 connections on 2 sync workers, requests wait in gunicorn's backlog: p95",
        "  is about four times the time one request holds a worker.",
        "- Knobs: `BENCH_SCALE`, `BENCH_ROUNDS`, `BENCH_SECONDS`, `BENCH_CONNECTIONS`,",
        "  `BENCH_ONLY` (families), `BENCH_REDIS_URL` (see `bench/run.py`).",
        "",
    ]
    path = root / "docs" / "performance.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


if __name__ == "__main__":
    # Writes docs/performance.md again from the figures of the last run (var/).
    import json

    root = Path(__file__).resolve().parent.parent
    saved = json.loads((root / "var" / "bench-figures.json").read_text(encoding="utf-8"))
    print(write(saved["pages"], saved["facts"], saved["steps"], saved["extra"], root))
