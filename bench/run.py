"""`make bench`: the portal's speed at national volume, next to Django's floor, on loopback.

1. A throwaway PostgreSQL cluster (loadtest/run.py's: Debian's binaries, a temporary
   directory, a free loopback port, fsync off) — never the machine's own server.
2. The national volume: migrations, the official list of collectivities, the demo and
   `seed_demo --scale N` (36,000 by default), then VACUUM ANALYZE as autovacuum would.
3. gunicorn (2 sync workers, DEBUG off) on bench/settings.py: the portal's settings
   plus a middleware that tells each answer's SQL queries, and the floor — a view that
   serves a page's recorded bytes through the same middleware with no database and no
   template.
4. Every page family (public, member, expert, embassy, DAECT portal, admin lists):
   a first pass records each page's status, bytes, queries and SQL time (and its bytes
   for the floor); then wrk, 8 connections, alternates rounds on the page and on its
   floor, so that both see the same machine.
5. The PDF and reminder-sweep measures of bench/pdf.py and bench/sweep.py when they
   exist, the workers' memory (gunicorn after the pages, Celery after a full sweep),
   and `manage.py check`.
6. docs/performance.md: the figures, the machine's load, and each target met or not.
   Whatever happens, gunicorn, Celery, the cluster and the temporary directory go.

Knobs: BENCH_SCALE (36000), BENCH_ROUNDS (2), BENCH_SECONDS (2 per round and side),
BENCH_CONNECTIONS (8), BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_ONLY (a
comma-separated list of families to measure, e.g. "public,admin").
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from loadtest.run import Cluster, free_port, pg_bin  # noqa: E402

BIN = ROOT / ".venv" / "bin"
SCALE = int(os.environ.get("BENCH_SCALE", "36000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
MAX_ROUND = float(os.environ.get("BENCH_MAX_ROUND", "30"))  # seconds, for the slowest pages
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
ONLY = {f.strip() for f in os.environ.get("BENCH_ONLY", "").split(",") if f.strip()}
GUNICORN_WORKERS = 2
# Seconds: the run ends and cleans up within 20 minutes (on a machine of its own).
HARD_LIMIT = int(os.environ.get("BENCH_HARD_LIMIT", "1150"))
# A folder that keeps the seeded cluster between runs (seeding once, measuring often).
REUSE = os.environ.get("BENCH_REUSE_DIR", "")
START = time.monotonic()


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - START:6.1f}s] {message}", flush=True)


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class KeptCluster(Cluster):
    """The same throwaway cluster, in a folder kept between runs: started again if there."""

    def __init__(self, base: Path, port: int) -> None:
        super().__init__(base, port)
        self.dir, self.data = base, base / "data"
        self.seeded = (base / f"seeded-{SCALE}").exists()

    def start(self) -> None:
        if not self.data.exists():
            if self.dir.exists():
                self.dir.rmdir()  # an empty folder: Cluster.start makes it
            self.dir.parent.mkdir(parents=True, exist_ok=True)
            return super().start()
        options = (
            f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=80"
        )
        self._pg(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                 "-o", options, "-w", "-t", "60", "start")  # fmt: skip


class Bench:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="expect-bench-"))
        os.chmod(self.tmp, 0o755)
        port = free_port(5489)
        self.cluster = KeptCluster(Path(REUSE), port) if REUSE else Cluster(self.tmp, port)
        self.web_port = free_port(8089)
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.floor_dir = self.tmp / "floor"
        self.floor_dir.mkdir()
        self.gunicorn: subprocess.Popen | None = None
        self.celery: subprocess.Popen | None = None
        self.env = self._env()
        self.facts: dict = {
            "load_before": os.getloadavg(),
            "cores": os.cpu_count(),
            "scale": SCALE,
            "rounds": ROUNDS,
            "round_seconds": SECONDS,
            "connections": CONNECTIONS,
        }
        self.steps: dict[str, float] = {}

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EMAIL_URL"))}
        env.update(
            DATABASE_URL=self.cluster.url,
            REDIS_URL=REDIS_URL,
            CELERY_BROKER_URL=REDIS_URL,
            SECRET_KEY=secrets.token_urlsafe(50),
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=self.base_url,
            EXPECT_VAR_DIR=str(self.tmp / "var"),
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_FLOOR_DIR=str(self.floor_dir),
            PYTHONUNBUFFERED="1",
        )
        return env

    # -- setting up -----------------------------------------------------------------

    def manage(self, *args: str, settings: str | None = None) -> str:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": settings} if settings else self.env
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def timed(self, name: str, *args: str) -> None:
        say(f"manage.py {' '.join(args)}")
        started = time.monotonic()
        self.manage(*args)
        self.steps[name] = time.monotonic() - started

    def prepare(self) -> None:
        say("manage.py collectstatic (in the background)")
        static = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        say(f"PostgreSQL cluster in {self.cluster.dir}, port {self.cluster.port}")
        self.cluster.start()
        self._flush_redis()
        self.timed("migrate", "migrate", "--noinput", "--verbosity", "0")
        if not getattr(self.cluster, "seeded", False):
            self.timed("import_collectivities", "import_collectivities")
            self.timed("seed_demo", "seed_demo")
            self.timed(f"seed_demo --scale {SCALE}", "seed_demo", "--scale", str(SCALE))
            if REUSE:
                (Path(REUSE) / f"seeded-{SCALE}").touch()
        self.sql("VACUUM ANALYZE")
        _out, errors = static.communicate(timeout=300)
        if static.returncode != 0:
            raise SystemExit(f"manage.py collectstatic failed:\n{errors}")
        self.facts["check_seconds"] = self.check_time()
        out = self.tmp / "pages.json"
        self.manage("shell", "-c", f"from bench.pages import main; main({str(out)!r})")
        listed = json.loads(out.read_text())
        self.pages = [p for p in listed["pages"] if not ONLY or p["family"] in ONLY]
        self.facts.update(listed["facts"])
        self.facts["postgres"] = self.sql("SHOW server_version").strip()
        say(f"data: {listed['facts']}")

    def sql(self, statement: str) -> str:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.cluster.port), "-U", "postgres", "-At",
             "-d", "expect_load", "-c", statement],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    def check_time(self) -> float:
        """`manage.py check` from a cold process, the best of three (the portal's settings)."""
        times = []
        for _ in range(3):
            started = time.monotonic()
            self.manage("check", settings="expect.settings")
            times.append(time.monotonic() - started)
        return min(times)

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def start_web(self) -> None:
        say(f"gunicorn ({GUNICORN_WORKERS} workers) on {self.base_url}")
        log = open(self.tmp / "gunicorn.log", "w")  # noqa: SIM115 (kept open while it runs)
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "expect.wsgi:application",
             "--bind", f"127.0.0.1:{self.web_port}", "--workers", str(GUNICORN_WORKERS),
             "--timeout", "60", "--graceful-timeout", "5", "--no-control-socket"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.get("/healthz")[0] == 200:
                return
            if self.gunicorn.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer on /healthz:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        path = self.tmp / "gunicorn.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    def get(self, path: str, cookie: str = "") -> tuple[int, bytes, dict, float]:
        request = urllib.request.Request(self.base_url + path, headers={"Cookie": cookie})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                body, status, headers = response.read(), response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            body, status, headers = error.read(), error.code, dict(error.headers)
        except OSError:
            return 0, b"", {}, time.perf_counter() - started
        return status, body, headers, time.perf_counter() - started

    # -- measuring ------------------------------------------------------------------

    def probe(self, page: dict) -> None:
        """Status, bytes, queries and SQL time of a page (warm: the second answer)."""
        for _ in range(2):
            status, body, headers, seconds = self.get(page["path"], page["cookie"])
        page.update(
            status=status,
            bytes=len(body),
            queries=int(headers.get("X-Bench-Queries", -1)),
            sql_ms=float(headers.get("X-Bench-SQL-ms", 0)),
            probe_ms=seconds * 1000,
            floor=re.sub(r"[^a-z0-9]+", "-", page["name"].lower()).strip("-"),
        )
        if status != 200:
            raise SystemExit(
                f"{page['name']} ({page['path']}) answered {status}:\n{self.log_tail()}"
            )
        (self.floor_dir / f"{page['floor']}.html").write_bytes(body)
        floor_status, _, floor_headers, _ = self.get(f"/__bench/floor/{page['floor']}")
        page["floor_queries"] = int(floor_headers.get("X-Bench-Queries", -1))
        if floor_status != 200:
            raise SystemExit(f"The floor of {page['name']} answered {floor_status}.")

    def wrk(self, path: str, cookie: str, seconds: float) -> dict:
        command = [
            "wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds:.0f}s", "--timeout", "60s",
            "-s", str(ROOT / "bench" / "wrk.lua"), self.base_url + path,
        ]  # fmt: skip
        if cookie:
            command[1:1] = ["-H", f"Cookie: {cookie}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        line = next((x for x in done.stdout.splitlines() if x.startswith("{")), None)
        if line is None:
            raise SystemExit(f"wrk gave no figures for {path}:\n{done.stdout}\n{done.stderr}")
        figures = json.loads(line)
        figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
        # wrk leaves requests queued in gunicorn's backlog: they are served before the
        # next round starts, else a slow page would eat into its floor's round.
        for _ in range(GUNICORN_WORKERS):
            self.get("/healthz")
        return figures

    def measure(self, page: dict) -> None:
        # A slow page gets longer rounds: 8 connections queue on 2 workers, and each
        # connection should see a few answers in a round.
        seconds = max(SECONDS, min(MAX_ROUND, page["probe_ms"] / 1000 * 12))
        runs, floors = [], []
        for _ in range(ROUNDS):
            runs.append(self.wrk(page["path"], page["cookie"], seconds))
            floors.append(self.wrk(f"/__bench/floor/{page['floor']}", "", SECONDS))
        page.update(
            rps=statistics.mean(r["rps"] for r in runs),
            floor_rps=statistics.mean(f["rps"] for f in floors),
            p50_ms=statistics.mean(r["p50_us"] for r in runs) / 1000,
            p95_ms=statistics.mean(r["p95_us"] for r in runs) / 1000,
            non2xx=sum(r["non2xx"] + r["errors"] for r in runs),
        )
        page["ratio"] = page["rps"] / page["floor_rps"] if page["floor_rps"] else 0.0
        say(
            f"{page['family']:>12} {page['name']:<24} {page['rps']:7.1f} req/s, floor "
            f"{page['floor_rps']:6.1f} ({page['ratio']:.3f}); p95 {page['p95_ms']:.0f} ms; "
            f"{page['queries']} queries, {page['sql_ms']:.0f} ms SQL"
        )

    def pages_run(self) -> None:
        for page in self.pages:
            self.probe(page)
        for page in self.pages:
            self.measure(page)
        assert self.gunicorn is not None
        self.facts["gunicorn_rss"] = [rss_mb(pid) for pid in children(self.gunicorn.pid)]

    # -- the helpers' measures and Celery -------------------------------------------

    def helper(self, module: str) -> dict | None:
        """bench/<module>.py's `measure()`, in the bench's environment, when it exists."""
        if not (ROOT / "bench" / f"{module}.py").exists():
            return None
        say(f"bench/{module}.py")
        # A helper may offer `measure_for_bench()` (its volumes and verdicts) or `measure()`.
        script = (
            "import json, django; django.setup();"
            f"import bench.{module} as helper;"
            "measure = getattr(helper, 'measure_for_bench', None) or helper.measure;"
            "print('BENCH-JSON ' + json.dumps(measure()))"
        )
        done = subprocess.run(
            [str(BIN / "python"), "-c", script],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
        if line is None:
            return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
        return json.loads(line.removeprefix("BENCH-JSON "))

    def celery_sweep(self) -> dict:
        """A Celery worker (one process, solo pool) runs a full sweep; its memory after."""
        say("Celery worker: a full reminder sweep")
        log_path = self.tmp / "celery.log"
        log = open(log_path, "w")  # noqa: SIM115 (kept open while it runs)
        self.celery = subprocess.Popen(
            [str(BIN / "celery"), "-A", "expect", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT, env={**self.env, "DJANGO_SETTINGS_MODULE": "expect.settings"},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started = time.monotonic()
        while "ready." not in log_path.read_text() and time.monotonic() - started < 60:
            time.sleep(0.5)
        rss_idle = rss_mb(self.celery.pid)
        self.manage(
            "shell", "-c", "from expect.celery import app; app.send_task('notifications.sweep')"
        )
        sent = time.monotonic()
        done = re.compile(r"notifications\.sweep\[[^\]]+\] (succeeded|raised)")
        while time.monotonic() - sent < 300:
            found = done.search(log_path.read_text())
            if found:
                break
            time.sleep(0.5)
        else:
            found = None
        return {
            "seconds": time.monotonic() - sent,
            "outcome": found.group(1) if found else "did not finish in 300 s",
            "rss_idle": rss_idle,
            "rss_after": rss_mb(self.celery.pid),
            "reminders": int(self.sql("SELECT count(*) FROM notifications_reminder") or 0),
        }

    # -- cleaning up ----------------------------------------------------------------

    def cleanup(self) -> None:
        for process in (self.celery, self.gunicorn):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.cluster.stop()
        try:
            self._flush_redis()
        except Exception as error:  # the report matters more than an unflushed Redis db
            say(f"could not flush {REDIS_URL}: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        say("cleaned up: gunicorn and Celery stopped, the cluster stopped and removed")


def main() -> int:
    bench = Bench()

    def interrupted(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGALRM, interrupted)
    signal.alarm(HARD_LIMIT)
    try:
        bench.prepare()
        bench.start_web()
        bench.pages_run()
        bench.facts["load_after_pages"] = os.getloadavg()
        extra = {"pdf": bench.helper("pdf"), "sweep": bench.helper("sweep")}
        extra["celery"] = bench.celery_sweep()
        bench.facts["load_after"] = os.getloadavg()
        bench.facts["seconds"] = time.monotonic() - START
        # The figures themselves, for `python bench/report.py` to write the page again.
        saved = ROOT / "var" / "bench-figures.json"
        saved.parent.mkdir(exist_ok=True)
        figures = {"pages": bench.pages, "facts": bench.facts, "steps": bench.steps, "extra": extra}
        saved.write_text(json.dumps(figures), encoding="utf-8")
        path = report.write(bench.pages, bench.facts, bench.steps, extra, ROOT)
        say(f"figures written to {path.relative_to(ROOT)}")
        return 0
    finally:
        signal.alarm(0)
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main())
