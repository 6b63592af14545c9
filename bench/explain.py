"""Which queries of each page scan a big table: EXPLAIN every query a page issues.

Run inside the portal on a seeded database, after bench/pages.py wrote its list:
    manage.py shell -c "from bench.explain import main; main('pages.json')"
It prints, page by page, the queries whose plan reads a big table sequentially or
sorts many rows, with their time; that is how the indexes in the models' Meta were
chosen (docs/performance.md).
"""

from __future__ import annotations

import json
import os

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

BIG = 5000  # rows: below this a sequential scan is what PostgreSQL should do
LIMIT = int(os.environ.get("EXPLAIN_SQL_CHARS", "300"))


def big_tables() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        return {name: rows for name, rows in cursor.fetchall() if rows >= BIG}


def _walk(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _walk(child)


def findings(plan: dict, big: dict[str, int]) -> list[str]:
    found = []
    for node in _walk(plan["Plan"]):
        table = node.get("Relation Name")
        if node["Node Type"] == "Seq Scan" and table in big:
            found.append(f"Seq Scan {table} ({big[table]} rows)")
        if node["Node Type"] == "Sort" and node.get("Actual Rows", 0) >= BIG:
            found.append(f"Sort of {node['Actual Rows']} rows")
    return found


def page_report(page: dict, big: dict[str, int]) -> list[str]:
    client = Client()
    if page["cookie"]:
        name, value = page["cookie"].split("=", 1)
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as captured:
        client.get(page["path"])
    lines = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            # The captured SQL has its parameters inlined already.
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql.replace("%", "%%"))
            (plan,) = cursor.fetchone()[0]
        found = findings(plan, big)
        if found or plan["Execution Time"] > 20:
            lines.append(f"  {plan['Execution Time']:7.1f} ms {', '.join(found)}: {sql[:LIMIT]}")
    return lines


def main(pages_json: str) -> None:
    big = big_tables()
    print("Big tables:", ", ".join(f"{t} ({n})" for t, n in sorted(big.items())))
    with open(pages_json, encoding="utf-8") as handle:
        pages = json.load(handle)["pages"]
    for page in pages:
        print(f"{page['family']} / {page['name']} ({page['path']})")
        for line in page_report(page, big):
            print(line)
