"""What the benchmarks share: their options, Django set up on a benchmark's own database, one way
to start and stop gunicorn (and a Celery worker), running one with gunicorn stopped on any exit,
the CPU and memory read from /proc, percentiles and medians of the runs, the summary they print,
and the JSON record they save."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess  # noqa: S404 - starts gunicorn and celery, asks git; fixed arguments
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(__file__).resolve().parent / "var"
VENV_BIN = Path(sys.executable).parent  # gunicorn and celery of the application's environment
HOST = "127.0.0.1"
PING = "/bench/ping/"  # benchmarks/urls.py: a minimal view, the floor and the readiness probe
REST_CPU_LIMIT = 0.5  # cores; see Run.clean
TICK = os.sysconf("SC_CLK_TCK")  # /proc's CPU times are in these ticks per second


class BenchmarkError(Exception):
    pass


def setup_django(default_settings: str = "benchmarks.settings", *, database: str | None = None):
    """The ORM in this process: DJANGO_SETTINGS_MODULE (default `default_settings`), and with
    `database`, a refusal to go on against any other database (the benchmarks and seeders
    delete and rewrite their own data)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    seal = getattr(settings, "CERTIFICATE_SEAL_PKCS12_FILE", "")
    if seal and not Path(seal).exists():
        call_command(
            "create_demo_seal", path=seal, passphrase=settings.CERTIFICATE_SEAL_PKCS12_PASSPHRASE
        )

    name = connection.settings_dict["NAME"]
    if database is not None and name != database:
        raise SystemExit(f"Refusing to run on the database {name!r}: only {database!r}.")


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def server_environment(port: int, **overrides: str) -> dict[str, str]:
    """The environment gunicorn and the worker run with: benchmarks/settings.py (production
    settings relaxed for plain HTTP on 127.0.0.1), a throwaway SECRET_KEY, and `overrides`
    (DATABASE_URL, REDIS_URL, DJANGO_SETTINGS_MODULE...), which win."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "0",
        **overrides,
    }


def start_server(
    port: int, workers: int, log_path: Path, *, env: dict | None = None, timeout: int = 30
) -> subprocess.Popen:
    """gunicorn (sync workers) serving the site on HOST:port, in its own session, its output in
    `log_path`. `env`: from server_environment() (by default, with benchmarks/settings.py's own
    defaults). `timeout`: gunicorn's worker timeout in seconds. Returns at once: call
    wait_until_ready(), and stop_server() in a `finally`."""
    if port_in_use(port):
        raise BenchmarkError(f"something already listens on {HOST}:{port}")
    command = [
        str(VENV_BIN / "gunicorn"),
        "elearning.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        str(timeout),
        "--no-control-socket",  # gunicorn 27 would otherwise create ~/.gunicorn/gunicorn.ctl
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        # Own session: a Ctrl-C reaches only the benchmark, which then stops gunicorn itself.
        return subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command,
            cwd=PROJECT_DIR,
            env=env if env is not None else server_environment(port),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )


def wait_until_ready(
    server: subprocess.Popen, port: int, log_path: Path, timeout: float = 60
) -> None:
    """Until gunicorn answers the minimal view with a 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn exited: see {log_path}\n{log_path.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", PING)
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchmarkError(f"gunicorn did not answer within {timeout:.0f} s")


def stop_server(process: subprocess.Popen, timeout: float = 20) -> None:
    """A graceful stop (SIGTERM to gunicorn's master, or to a worker's main process, which stop
    their children), then SIGKILL to its whole session if it has not exited within `timeout`."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_worker(
    log_path: Path, *args: str, env: dict, ready_within: float | None = None
) -> subprocess.Popen:
    """A Celery worker (`celery -A elearning worker`, plus `args`) in its own session, logging
    to `log_path` (appended to); stop it with stop_server(). With `ready_within` (seconds), it
    returns only once the worker logs that it is ready (give it `--loglevel=INFO`)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)

    def readiness() -> int:
        return log_path.read_text(errors="replace").count(" ready.") if log_path.exists() else 0

    before = readiness()
    process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
        [str(VENV_BIN / "celery"), "-A", "elearning", "worker", "--logfile", str(log_path), *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if ready_within is None:
        return process
    deadline = time.monotonic() + ready_within
    while readiness() <= before:
        if process.poll() is not None:
            raise BenchmarkError(f"the worker exited: see {log_path}")
        if time.monotonic() > deadline:
            stop_server(process)
            raise BenchmarkError(f"the worker was not ready within {ready_within:.0f} s")
        time.sleep(0.2)
    return process


def copy_database(
    name: str, template: str = "elearning_bench", *, port: int = 5432, wait: float = 120
) -> str:
    """A fresh copy of the seeded `template` database, named `name`, on the PostgreSQL server at
    HOST:port (user postgres); an older copy of that name is dropped first.

    Runs that write (progress, attempts, certificates) work on a copy, so every run starts from
    the same data and the template stays as the other benchmarks expect it. CREATE DATABASE ...
    TEMPLATE is a file copy, but needs the template to have no other connection: it is retried
    for `wait` seconds, then the copy is made with pg_dump | psql instead (slower, ~1 min, but
    indifferent to other connections). On another server (port) only the latter works. Returns
    how the copy was made.
    """
    if not name.startswith("elearning_bench") or name == template:
        raise BenchmarkError(f"refusing to replace the database {name!r}")

    def psql(database: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["psql", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", database,  # noqa: S607
             "-q", "-X", "-v", "ON_ERROR_STOP=1", *args],
            capture_output=True, text=True, check=check,
        )  # fmt: skip

    psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if port == 5432:
        deadline = time.monotonic() + wait
        while True:
            done = psql("postgres", "-c", f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
                        check=False)  # fmt: skip
            if done.returncode == 0:
                return "template"
            if "being accessed by other users" not in done.stderr:
                raise BenchmarkError(f"copying {template}: {done.stderr.strip()}")
            if time.monotonic() > deadline:
                break
            time.sleep(3)
    psql("postgres", "-c", f'CREATE DATABASE "{name}"')
    dump = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        ["pg_dump", "-h", HOST, "-p", "5432", "-U", "postgres", "--no-owner", "-d", template],  # noqa: S607
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["psql", "-h", HOST, "-p", str(port), "-U", "postgres", "-d", name, "-q", "-X",  # noqa: S607
         "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"],
        stdin=dump.stdout, capture_output=True, text=True, check=False,
    )  # fmt: skip
    dump.stdout.close()
    if dump.wait() != 0 or restore.returncode != 0:
        raise BenchmarkError(f"pg_dump {template} | psql {name}: {restore.stderr.strip()[-500:]}")
    return "pg_dump"


def flush_redis(url: str) -> None:
    """Empty one Redis database (the run's cache and broker): nothing cached or queued for an
    earlier copy of the data may survive into this run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def _ticks(path: str, first: int, count: int) -> int:
    """The sum of `count` numbers from field `first` of a /proc stat file, after the process
    name (0 for a process that has gone)."""
    try:
        fields = Path(path).read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return 0
    return sum(int(f) for f in fields[first : first + count])


def machine_ticks() -> int:
    """CPU ticks the whole machine (all cores) has been busy: /proc/stat's "cpu" line, user nice
    system idle iowait irq softirq steal, without idle and iowait."""
    return _ticks("/proc/stat", 1, 3) + _ticks("/proc/stat", 6, 3)


def process_ticks(pid: int, *, with_waited_children: bool = False) -> int:
    """CPU ticks (user + system) a process has used; with `with_waited_children`, also those of
    its children that have exited and been waited for (a replaced pool process, say). After the
    name in /proc/<pid>/stat: utime, stime, cutime, cstime are the 12th to 15th fields."""
    return _ticks(f"/proc/{pid}/stat", 11, 4 if with_waited_children else 2)


def child_pids(pid: int) -> list[int]:
    """The living children of a process (gunicorn's workers, a Celery worker's pool)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return children


def rss_bytes(pid: int) -> int:
    """A process's resident set size (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class CpuMeter:
    """CPU used during a run, in cores: the whole machine, this client, and gunicorn.

    On a quiet machine the rest is PostgreSQL (and Redis); much more means that something else
    was competing for the cores and the run is not clean.
    """

    def __init__(self, server_pid: int):
        self.server_pids = [server_pid, *child_pids(server_pid)]

    def _sample(self) -> tuple[float, int, int, int]:
        server = sum(process_ticks(pid) for pid in self.server_pids)
        return time.monotonic(), machine_ticks(), process_ticks(os.getpid()), server

    def __enter__(self):
        self.started = self._sample()
        return self

    def __exit__(self, *exc):
        now, *ended = self._sample()
        ticks = (now - self.started[0]) * TICK
        self.machine, self.client, self.server = (
            (end - start) / ticks for end, start in zip(ended, self.started[1:], strict=True)
        )
        return False


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile of `values`, in their unit; linear interpolation between the closest
    ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Run:
    """One run of requests to one URL: their latencies and the CPU used meanwhile."""

    latencies: list[float]  # seconds
    seconds: float
    machine_cpu: float = 0.0  # cores busy, whole machine
    client_cpu: float = 0.0  # cores used by this client
    server_cpu: float = 0.0  # cores used by gunicorn

    @classmethod
    def measured(cls, latencies: list[float], seconds: float, meter: CpuMeter) -> Run:
        return cls(latencies, seconds, meter.machine, meter.client, meter.server)

    @property
    def rest_cpu(self) -> float:
        """Cores used by neither gunicorn nor the client: PostgreSQL, Redis, anything else."""
        return max(0.0, self.machine_cpu - self.server_cpu - self.client_cpu)

    @property
    def clean(self) -> bool:
        # PostgreSQL takes about 0.3 of a core here; much more means another program competed.
        return self.rest_cpu <= REST_CPU_LIMIT

    def percentile(self, p: float) -> float:
        """Milliseconds."""
        return 1000 * percentile(self.latencies, p)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def server_cpu_ms(self) -> float:
        """gunicorn's CPU time per request, in ms: steadier than latency on a busy machine."""
        return 1000 * self.server_cpu * self.seconds / len(self.latencies)

    def line(self, number: int, label: str) -> str:
        """The run's figures on one line, as every page benchmark prints them."""
        return (
            f"run {number}  {label:<15} p50 {self.percentile(50):6.1f} ms  "
            f"p95 {self.percentile(95):6.1f} ms  {self.throughput:5.0f} req/s  "
            f"{len(self.latencies):3d} req  CPU cores: machine {self.machine_cpu:.2f}, "
            f"gunicorn {self.server_cpu:.2f}, client {self.client_cpu:.2f}, rest "
            f"{self.rest_cpu:.2f}  gunicorn CPU {self.server_cpu_ms:.1f} ms/req"
            + ("" if self.clean else "  NOT CLEAN")
        )


def summarise_runs(runs: list[Run], **extra) -> dict:
    """One URL's figures over its runs (medians), each run's own, and `extra`."""
    return {
        **extra,
        "p50_ms": statistics.median(r.percentile(50) for r in runs),
        "p95_ms": statistics.median(r.percentile(95) for r in runs),
        "req_per_s": statistics.median(r.throughput for r in runs),
        "server_cpu_ms_per_request": statistics.median(r.server_cpu_ms for r in runs),
        "requests": [len(r.latencies) for r in runs],
        "runs_not_clean": sum(not r.clean for r in runs),
        "runs": [
            {
                "p50_ms": r.percentile(50),
                "p95_ms": r.percentile(95),
                "req_per_s": r.throughput,
                "cpu_cores_machine": r.machine_cpu,
                "cpu_cores_gunicorn": r.server_cpu,
                "cpu_cores_client": r.client_cpu,
                "server_cpu_ms_per_request": r.server_cpu_ms,
                "clean": r.clean,
            }
            for r in runs
        ],
    }


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def git_commit() -> str:
    """The commit measured, and whether the app code (outside benchmarks/) had local changes."""

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", *args],  # noqa: S607 - git from PATH
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" + uncommitted changes outside benchmarks/" if dirty else "")


def announce() -> str:
    """Print and return the commit about to be measured, with the machine's CPUs and load."""
    commit = git_commit()
    print(f"Code: {commit}; {os.cpu_count()} CPUs, load average {load_average()}")
    return commit


def commit_after_run(commit: str) -> str:
    """`commit`, noting (and warning) when the code changed while the benchmark ran."""
    now = git_commit()
    if now == commit:
        return commit
    commit += f"; changed during the run, to {now}"
    print(f"Warning: the code changed during the run ({commit}).")
    return commit


def parse_arguments(
    description: str, *, requests: int, warmup: int, time_limit: float
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=requests, help="per URL and run")
    parser.add_argument("--warmup", type=int, default=warmup, help="per URL, before the first run")
    parser.add_argument(
        "--run-seconds", type=float, default=20, help="cap per URL and run (keeps it bounded)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument(
        "--time-limit", type=float, default=time_limit, help="seconds, all included"
    )
    return parser.parse_args()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl-C and a TERM signal both raise KeyboardInterrupt, so the `finally` that stops the
    servers runs either way."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def run_benchmark(benchmark: Callable[[argparse.Namespace], dict], args) -> tuple[dict, str] | int:
    """Run `benchmark(args)`: its results and the commit measured, or the exit code on failure.

    Ctrl-C or a TERM signal ends the run through the benchmark's own `finally`, which stops
    gunicorn.
    """
    stop_on_signals()
    commit = announce()  # the code gunicorn is about to load
    try:
        results = benchmark(args)
    except BenchmarkError as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; gunicorn stopped.", file=sys.stderr)
        return 130
    return results, commit_after_run(commit)


def print_summary(results: dict, args, *, show_paths: bool) -> None:
    """The median per URL over the runs, and a warning when runs were not clean."""
    width = max(len(label) for label in results) + 1
    print(
        f"\nMedian of {args.runs} runs (each {args.requests} requests or {args.run_seconds:.0f} s, "
        f"whichever comes first), concurrency {args.concurrency}:"
    )
    print(
        f"{'':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}" + ("  URL" if show_paths else "")
    )
    for label, result in results.items():
        print(
            f"{label:<{width}} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f} "
            f"{result['req_per_s']:7.0f}" + (f"  {result['path']}" if show_paths else "")
        )
    not_clean = sum(result["runs_not_clean"] for result in results.values())
    if not_clean:
        print(
            f"Warning: {not_clean} of {args.runs * len(results)} runs were not clean (another "
            "program used the CPU); measure again on a quiet machine."
        )


def save_record(filename: str, *, args, commit: str, results: dict, **extra) -> None:
    """benchmarks/var/<filename>: when, which code, the machine's CPUs and load, the options,
    the results and `extra`."""
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "load_average": load_average(),
        "settings": vars(args),
        "results": results,
        **extra,
    }
    out = VAR_DIR / filename
    out.write_text(json.dumps(record, indent=2))
    print(f"Saved {out.relative_to(PROJECT_DIR)}")
