"""`make loadtest`: the load and fault test of the portal, on loopback, in about four minutes.

1. A throwaway PostgreSQL cluster (Debian's binaries, a temporary directory, a free
   loopback port, trust authentication, fsync off) — never the machine's own server.
2. The portal on it as in production: migrations, the official list of collectivities,
   the demo and `seed_demo --scale N`, collectstatic, gunicorn with DEBUG off.
3. Normal run: locust, 50 users for 60 s (visitors browse the catalogue and the
   library, members draft label applications). Required: 0 failures.
4. Fault run: the same load, and PostgreSQL is restarted (`pg_ctl restart -m fast`)
   during it. Required: every failure is a clean 503 page with Retry-After, all of
   them while the database is down, and the portal serves again without gunicorn
   being restarted (same master and workers).
5. The figures go to docs/load-test.md. Whatever happens, the cluster, gunicorn and
   the temporary directory are gone on exit, and Redis db 15 is flushed.

Environment knobs: LOADTEST_SCALE (collectivities generated, default 1000),
LOADTEST_USERS (50), LOADTEST_DURATION (60 s), LOADTEST_PG_PORT (5499),
LOADTEST_WEB_PORT (8099).
"""

from __future__ import annotations

import csv
import glob
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
REPORT = ROOT / "docs" / "load-test.md"
REDIS_URL = "redis://127.0.0.1:6379/15"
SCALE = int(os.environ.get("LOADTEST_SCALE", "1000"))
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
DURATION = int(os.environ.get("LOADTEST_DURATION", "60"))
SPAWN_RATE = 10
RESTART_AFTER = 25  # seconds into the fault run
RECOVERY_LIMIT = 5  # seconds after the database is back, by which failures must stop
GUNICORN_WORKERS, GUNICORN_THREADS = 3, 4
HARD_LIMIT = 420  # seconds: whatever hangs, the run ends and cleans up
CLEAN_503 = "503 clean (database unavailable, Retry-After, DSFR page)"

START = time.monotonic()


def say(message: str) -> None:
    print(f"[loadtest {time.monotonic() - START:6.1f}s] {message}", flush=True)


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"No free loopback port from {preferred}.")


def pg_bin(name: str) -> str:
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin.")
    return found[-1]


class Cluster:
    """A PostgreSQL cluster of our own, in a temporary directory, on a loopback port."""

    def __init__(self, base: Path, port: int) -> None:
        self.dir, self.port = base / "pg", port
        self.data = self.dir / "data"
        # PostgreSQL refuses to run as root: it then runs as the postgres system user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgres://postgres@127.0.0.1:{port}/expect_load"

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], check=check, capture_output=True, text=True, cwd="/"
        )

    def start(self) -> None:
        self.dir.mkdir()
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self._pg(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=80"
        )
        self._pg(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                 "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        self._pg(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                 "expect_load")  # fmt: skip

    def restart(self) -> None:
        # With -l again: else the new postmaster keeps pg_ctl's output pipe open forever.
        self._pg(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                 "-m", "fast", "-w", "-t", "60", "restart")  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)

    def accepts(self) -> bool:
        import psycopg2

        try:
            psycopg2.connect(
                host="127.0.0.1", port=self.port, user="postgres", dbname="expect_load",
                connect_timeout=2,
            ).close()  # fmt: skip
        except psycopg2.Error:
            return False
        return True


@dataclass
class Run:
    name: str
    stats: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)


class LoadTest:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="expect-loadtest-"))
        os.chmod(self.tmp, 0o755)
        self.cluster = Cluster(self.tmp, free_port(int(os.environ.get("LOADTEST_PG_PORT", "5499"))))
        self.web_port = free_port(int(os.environ.get("LOADTEST_WEB_PORT", "8099")))
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.gunicorn: subprocess.Popen | None = None
        self.load: subprocess.Popen | None = None
        self.env = self._env()
        self.facts: dict = {"load_before": os.getloadavg()}

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
            DJANGO_SETTINGS_MODULE="expect.settings",
            PYTHONUNBUFFERED="1",
        )
        return env

    # -- setting up -----------------------------------------------------------------

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> None:
        # collectstatic (hashing and compressing the design system) needs no database:
        # it runs beside the database steps, on the other core.
        say("manage.py collectstatic (in the background)")
        static = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        say(f"PostgreSQL cluster in {self.cluster.dir}, port {self.cluster.port}")
        self.cluster.start()
        self._flush_redis()
        for step in (
            ["migrate", "--noinput", "--verbosity", "0"],
            ["import_collectivities"],
            ["seed_demo"],
            ["seed_demo", "--scale", str(SCALE)],
        ):
            say("manage.py " + " ".join(step))
            self.manage(*step)
        _out, errors = static.communicate(timeout=180)
        if static.returncode != 0:
            raise SystemExit(f"manage.py collectstatic failed:\n{errors}")
        say("collectstatic done")
        script = (
            "import json; from django.conf import settings; from django.db import connection;"
            "from expect.accounts.models import User;"
            "from expect.organisations.models import Collectivity;"
            "from labellisation.models import Label, LabelApplication;"
            "from reports.models import MissionReport;"
            "accounts = list(User.objects.filter(email__startswith='scale-',"
            " membership__state='active', membership__is_referent=True)"
            " .order_by('pk').values_list('email', flat=True)[:200]);"
            f"json.dump(accounts, open({str(self.tmp / 'accounts.json')!r}, 'w'));"
            "db = settings.DATABASES['default'];"
            "print(json.dumps({'conn_health_checks': db.get('CONN_HEALTH_CHECKS'),"
            " 'conn_max_age': db.get('CONN_MAX_AGE'), 'debug': settings.DEBUG,"
            " 'postgres': connection.cursor().connection.server_version,"
            " 'collectivities': Collectivity.objects.count(), 'labels': Label.objects.count(),"
            " 'applications': LabelApplication.objects.count(),"
            " 'reports': MissionReport.objects.count(), 'users': User.objects.count(),"
            " 'accounts': len(accounts)}))"
        )
        self.facts.update(json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1]))
        say(f"data: {self.facts}")
        if not self.facts["conn_health_checks"]:
            raise SystemExit("CONN_HEALTH_CHECKS is off: the portal could not recover alone.")

    def _flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    def start_web(self) -> None:
        say(f"gunicorn on {self.base_url}")
        log = open(self.tmp / "gunicorn.log", "w")  # noqa: SIM115 (kept open while it runs)
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "expect.wsgi:application",
             "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", str(GUNICORN_WORKERS), "--worker-class", "gthread",
             "--threads", str(GUNICORN_THREADS), "--timeout", "30", "--graceful-timeout", "5",
             # Longer than the users' think time, as behind a proxy: else a connection
             # closed by gunicorn as the client reuses it shows up as a reset.
             "--keep-alive", "30", "--no-control-socket"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.probe("/healthz") == 200:
                return
            if self.gunicorn.poll() is not None:
                break
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer on /healthz:\n" + self.log_tail())

    def workers(self) -> list[int]:
        """The gunicorn master and its workers, to show that none was restarted."""
        assert self.gunicorn is not None
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.gunicorn.pid:
                children.append(int(Path(stat).parent.name))
        return [self.gunicorn.pid, *sorted(children)]

    def probe(self, path: str, timeout: float = 5) -> int:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def log_counts(self) -> dict[str, int]:
        """What the portal logged (to gunicorn's output) during both runs."""
        path = self.tmp / "gunicorn.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        needles = {
            "503 pages for a lost database": "Database unavailable on",
            "server errors (500)": "Internal Server Error",
            "tracebacks": "Traceback (most recent call last)",
            "bad requests (400)": "Bad Request",
            "worker timeouts": "WORKER TIMEOUT",
        }
        return {label: text.count(needle) for label, needle in needles.items()}

    def log_tail(self, lines: int = 30) -> str:
        path = self.tmp / "gunicorn.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    # -- running --------------------------------------------------------------------

    def locust(self, name: str) -> subprocess.Popen:
        prefix = self.tmp / name
        env = {
            **self.env,
            "LOADTEST_ACCOUNTS": str(self.tmp / "accounts.json"),
            "LOADTEST_EVENTS": str(prefix) + "_events.jsonl",
        }
        log = open(f"{prefix}.log", "w")  # noqa: SIM115 (kept open while locust runs)
        self.load = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
             "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{DURATION}s",
             "--host", self.base_url, "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "5", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self.load

    def collect(self, name: str) -> Run:
        prefix = self.tmp / name
        run = Run(name)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                (run.stats.append(row) if row["Name"] != "Aggregated" else run.total.update(row))
        with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
            run.failures = list(csv.DictReader(handle))
        events = Path(f"{prefix}_events.jsonl")
        if events.exists():
            run.events = [json.loads(line) for line in events.read_text().splitlines()]
        return run

    def normal_run(self) -> Run:
        say(f"normal run: {USERS} users, {DURATION} s")
        process = self.locust("normal")
        process.wait(timeout=DURATION + 60)
        return self.collect("normal")

    def fault_run(self) -> tuple[Run, dict]:
        say(f"fault run: {USERS} users, {DURATION} s, PostgreSQL restarted after {RESTART_AFTER} s")
        before = self.workers()
        timeline: dict = {}
        db: list[tuple[float, bool]] = []
        stop = threading.Event()

        def watch_db() -> None:
            # Does the database itself accept a new connection?
            while not stop.is_set():
                db.append((time.time(), self.cluster.accepts()))
                stop.wait(0.05)

        process = self.locust("fault")
        watchers = [threading.Thread(target=w, daemon=True) for w in (watch_db,)]
        for watcher in watchers:
            watcher.start()
        time.sleep(RESTART_AFTER)
        timeline["restart_started"] = time.time()
        say("pg_ctl restart -m fast")
        self.cluster.restart()
        timeline["restart_returned"] = time.time()
        process.wait(timeout=DURATION + 60)
        stop.set()
        for watcher in watchers:
            watcher.join()
        timeline["workers_before"], timeline["workers_after"] = before, self.workers()
        timeline["final_page"] = self.probe("/catalogue/")
        timeline.update(self._outage("db", db, timeline["restart_started"]))
        fault = self.collect("fault")
        answers = [(e["t"], e["ok"]) for e in fault.events]
        timeline.update(self._outage("app", answers, timeline["restart_started"]))
        failures = [t for t, ok in answers if not ok]
        timeline["last_failure"] = max(failures, default=None)
        return fault, timeline

    @staticmethod
    def _outage(name: str, probes: list[tuple[float, bool]], restart: float) -> dict:
        """When the probes after the restart first failed, and first succeeded again."""
        after = [(t, ok) for t, ok in probes if t >= restart]
        down = next((t for t, ok in after if not ok), None)
        up = next((t for t, ok in after if down and t > down and ok), None)
        return {f"{name}_down": down, f"{name}_up": up, f"{name}_probes": len(after)}

    # -- cleaning up ----------------------------------------------------------------

    def cleanup(self) -> None:
        for process in (self.load, self.gunicorn):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.cluster.stop()
        try:
            self._flush_redis()
        except Exception as error:  # the report matters more than an unflushed test db
            say(f"could not flush Redis db 15: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        say("cleaned up: gunicorn stopped, cluster stopped and removed, Redis db 15 flushed")


# -- the report ---------------------------------------------------------------------


def ms(value: str) -> str:
    return f"{float(value):.0f} ms" if value not in ("", "N/A") else "–"


def figures_table(run: Run) -> list[str]:
    lines = [
        "| endpoint | requests | failures | median | p95 | p99 | max | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(run.stats, key=lambda r: -int(r["Request Count"])) + [run.total]:
        name = "**all**" if row is run.total else f"{row['Type']} `{row['Name']}`"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{ms(row['50%'])} | {ms(row['95%'])} | {ms(row['99%'])} | "
            f"{ms(row['Max Response Time'])} | {float(row['Requests/s']):.1f} |"
        )
    return lines


def failures_by_kind(run: Run) -> list[str]:
    if not run.failures:
        return ["No failure."]
    kinds: dict[str, int] = {}
    for row in run.failures:
        error = row["Error"].removeprefix("CatchResponseError(").removesuffix(")").strip("'\"")
        kinds[error] = kinds.get(error, 0) + int(row["Occurrences"])
    lines = ["| kind | count |", "| --- | ---: |"]
    lines += [f"| {kind} | {count} |" for kind, count in sorted(kinds.items(), key=lambda k: -k[1])]
    return lines


def verdicts(test: LoadTest, normal: Run, fault: Run, timeline: dict) -> list[tuple[str, bool]]:
    last_failure = timeline["last_failure"]
    db_back = timeline["db_up"] or timeline["restart_returned"]
    recovered = timeline["final_page"] == 200 and (
        last_failure is None or timeline["app_up"] is not None
    )
    return [
        ("Normal run: 0 failures", int(normal.total["Failure Count"]) == 0),
        (
            "Fault run: every failure is the clean 503 page with Retry-After",
            all(CLEAN_503 in row["Error"] for row in fault.failures),
        ),
        (
            f"Fault run: no failure later than {RECOVERY_LIMIT} s after the database was back",
            last_failure is None or last_failure <= db_back + RECOVERY_LIMIT,
        ),
        ("Fault run: the portal served again by itself", recovered),
        (
            "Fault run: same gunicorn master and workers before and after",
            timeline["workers_before"] == timeline["workers_after"],
        ),
    ]


def write_report(test: LoadTest, normal: Run, fault: Run, timeline: dict) -> bool:
    facts, results = test.facts, verdicts(test, normal, fault, timeline)

    def since(key: str) -> str:
        value = timeline.get(key)
        return f"{value - timeline['restart_started']:+.1f} s" if value else "–"

    outage = (
        f"{timeline['db_up'] - timeline['db_down']:.1f} s"
        if timeline["db_up"] and timeline["db_down"]
        else "not seen by the probe"
    )
    unavailable = (
        f"{timeline['app_up'] - timeline['app_down']:.1f} s"
        if timeline["app_up"] and timeline["app_down"]
        else "no failed request"
    )
    recovery = (
        f"{timeline['app_up'] - timeline['db_up']:.1f} s"
        if timeline["app_up"] and timeline["db_up"]
        else "–"
    )
    failure_times = [e["t"] for e in fault.events if not e["ok"]]
    window = (
        f"{min(failure_times) - timeline['restart_started']:+.1f} s to "
        f"{max(failure_times) - timeline['restart_started']:+.1f} s"
        if failure_times
        else "none"
    )
    load = " / ".join(f"{x:.2f}" for x in facts["load_before"])
    lines = [
        "# Load and fault test",
        "",
        "Issue #7, point 7. Run it with **`make loadtest`** (not part of `make test`); it",
        "takes about four minutes and rewrites this page with the figures of the run.",
        "",
        "What `loadtest/run.py` does: a throwaway PostgreSQL cluster (Debian's binaries, a",
        "temporary directory, a free loopback port, trust authentication, fsync off — never",
        "the machine's own server); migrations, `import_collectivities`, `seed_demo` and",
        f"`seed_demo --scale {SCALE}`, collectstatic; gunicorn ({GUNICORN_WORKERS} workers ×",
        f"{GUNICORN_THREADS} threads, gthread) with `DEBUG=false`, a random `SECRET_KEY`,",
        "`ALLOWED_HOSTS`, `DATABASE_URL` and `REDIS_URL=redis://127.0.0.1:6379/15`; then",
        f"locust headless (`loadtest/locustfile.py`), {USERS} concurrent users, spawned",
        f"{SPAWN_RATE} per second, for {DURATION} s, twice. On exit, whatever happened,",
        "gunicorn and the cluster are stopped, the temporary directory is removed and",
        "Redis db 15 is flushed.",
        "",
        "The users (think time 1–3 s between actions): 7 in 10 are visitors reading the",
        "catalogue (pages, filters by theme, region, kind, language, SDG and name, a",
        "collectivity's page), the report library (list, French full-text search, a",
        "report) and public pages (home, figures, label verification, accessibility);",
        "3 in 10 are members of a collectivity who sign in (CSRF token from the form),",
        "create label application drafts and save their steps (expertise; cooperation,",
        "with one more project), posting every field the page rendered, as a browser does.",
        "A request fails if its status or its page is not the expected one.",
        "",
        "## Machine and data",
        "",
        f"- Run on {datetime.now():%Y-%m-%d %H:%M}, {platform.node()}: "
        f"{os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}, "
        f"PostgreSQL {facts['postgres'] // 10000}.{facts['postgres'] % 10000}, "
        f"Python {platform.python_version()}.",
        f"- Load average before the run: {load} (a one-minute load above the number of"
        " cores means other work ran at the same time, and the latencies are pessimistic);",
        "  gunicorn, PostgreSQL and locust share the same cores.",
        f"- Data: {facts['collectivities']} collectivities, {facts['labels']} labels,"
        f" {facts['applications']} applications, reports: {facts['reports']},"
        f" {facts['users']} accounts ({facts['accounts']} member accounts for the load).",
        f"- Settings: `DEBUG={facts['debug']}`, `CONN_MAX_AGE={facts['conn_max_age']}`,"
        f" `CONN_HEALTH_CHECKS={facts['conn_health_checks']}`.",
        "",
        "## Normal run",
        "",
        *figures_table(normal),
        "",
        "Failures by kind:",
        "",
        *failures_by_kind(normal),
        "",
        "## Fault run: PostgreSQL restarted under load",
        "",
        f"`pg_ctl restart -m fast` on the cluster {RESTART_AFTER} s into the run.",
        "A probe opens a new database connection every 0.05 s; the load's own requests",
        "tell when the portal failed and answered again. Times are relative to the",
        "restart command.",
        "",
        f"- Restart command returned (database up again): {since('restart_returned')}.",
        f"- Database not accepting connections: from {since('db_down')} to {since('db_up')}"
        f" — outage **{outage}** ({timeline['db_probes']} probes).",
        f"- Portal failing requests: from {since('app_down')} (first failure) to"
        f" {since('app_up')} (first success after the last failure) — **{unavailable}**.",
        f"- Time to recovery (from the database accepting connections again to the first"
        f" successful request after the last failure): **{recovery}**.",
        f"- Failed load requests between {window}.",
        f"- gunicorn master and workers before: {timeline['workers_before']}, after:"
        f" {timeline['workers_after']}. Catalogue after the run: {timeline['final_page']}.",
        "",
        *figures_table(fault),
        "",
        "Failures by kind:",
        "",
        *failures_by_kind(fault),
        "",
        "Logged by the portal over both runs (gunicorn's output): "
        + ", ".join(f"{label}: {count}" for label, count in test.log_counts().items())
        + ".",
        "",
        "## Verdict",
        "",
        *[f"- {'PASS' if ok else 'FAIL'} — {text}" for text, ok in results],
        "",
        "## Reading the figures",
        "",
        "- Signing in is slow on purpose: the password is checked with PBKDF2 at Django's",
        "  production strength (about a second of CPU per sign-in on this machine once",
        "  the two cores are shared), which is what makes a stolen hash costly to crack.",
        "  Members sign in once, at the start.",
        "- The long tails (p99 of several seconds on pages whose median is tens of",
        "  milliseconds) come from CPU contention: 50 users, locust itself, gunicorn and",
        "  PostgreSQL on two cores, plus the other work on the machine (load average",
        "  above); the log counts above tell whether any worker timed out.",
        "",
        "## How the portal survives a database restart",
        "",
        "- `expect/core/dbdown.py`: a middleware turns `OperationalError` and",
        "  `InterfaceError` raised by a view into a 503 page in the DSFR layout",
        "  (« Service momentanément indisponible ») with `Retry-After` and `no-store`,",
        "  drawn without touching the database (anonymous header, no flash messages);",
        "  `expect.core.errors.server_error` does the same for one raised outside a view.",
        "- `CONN_HEALTH_CHECKS=True` (with `CONN_MAX_AGE`): a persistent connection broken",
        "  by the restart is tested at the start of the next request and replaced, so",
        "  the portal recovers without restarting gunicorn.",
        "",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    for text, ok in results:
        say(f"{'PASS' if ok else 'FAIL'} — {text}")
    return all(ok for _text, ok in results)


def main() -> int:
    test = LoadTest()

    def interrupted(signum, _frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGALRM, interrupted)
    signal.alarm(HARD_LIMIT)
    try:
        test.prepare()
        test.start_web()
        normal = test.normal_run()
        say(f"normal run: {normal.total['Request Count']} requests, "
            f"{normal.total['Failure Count']} failures")  # fmt: skip
        fault, timeline = test.fault_run()
        say(f"fault run: {fault.total['Request Count']} requests, "
            f"{fault.total['Failure Count']} failures")  # fmt: skip
        ok = write_report(test, normal, fault, timeline)
        if not ok:
            print(test.log_tail(60))
        say(f"figures written to {REPORT.relative_to(ROOT)}")
        return 0 if ok else 1
    finally:
        signal.alarm(0)
        test.cleanup()


if __name__ == "__main__":
    sys.exit(main())
