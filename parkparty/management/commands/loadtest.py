"""loadtest: gunicorn on PostgreSQL under simulated park staff and county reviewers; nothing lost.

``make loadtest`` drops and re-creates the database, then runs this command,
which on that fresh, empty database:

1. migrates, loads the demo county (``load_demo --force``) and adds the
   load-test logins (``parkparty.loadtest.plan``);
2. collects the static files into a scratch folder and starts gunicorn
   (``--workers``, default 2) on a free local port, with the settings of this
   process (``make loadtest`` turns ``DJANGO_DEBUG`` off and sets a throwaway
   secret key);
3. runs locust headless on ``parkparty/loadtest/locustfile.py``: ``--users``
   simulated users sign in through the login form, then all of them work
   for ``--run-time``;
4. prints requests per second, p50/p95 per kind of request and the errors,
   stops gunicorn, and checks every edit against the records' history
   (``parkparty.loadtest.checks``).

It exits non-zero when an edit was lost, a request failed (any 5xx or
unexpected status) or no edit was accepted at all. Gunicorn, locust and the
scratch folder are cleaned up on every exit, Ctrl-C included; the database
is left for inspection.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http.request import validate_host
from django.utils import timezone

from parkparty.loadtest.checks import check_edits
from parkparty.loadtest.plan import EditTarget, build_plan, pick_targets
from parkparty.loadtest.report import format_summary, summarize

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"
STOP_TIMEOUT = 30  # seconds locust lets a user finish its task after the run time
SIGN_IN_LIMIT = 300  # seconds the users may take to sign in before the run time starts anyway
HOST = "127.0.0.1"


def seconds(text: str) -> int:
    """Locust's run-time syntax (``60s``, ``2m``, ``1m30s``, ``45``) in seconds."""
    total, number = 0, ""
    for char in text.strip().lower():
        if char.isdigit():
            number += char
        elif char in "hms" and number:
            total += int(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
        else:
            raise ValueError(text)
    total += int(number) if number else 0
    if total <= 0:
        raise ValueError(text)
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores {model}".strip() + f", {platform.system()} {platform.release()}"


def stop(process: subprocess.Popen | None, grace: float = 20) -> None:
    """Stop a process this command started (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Command(BaseCommand):
    help = (
        "Load test: gunicorn on this (fresh, empty, PostgreSQL) database under simulated users; "
        "prints requests per second, p50/p95 and errors, and checks that no edit was lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
        parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default 5)")
        parser.add_argument("--run-time", default="60s", help="how long they work, e.g. 60s, 2m (default 60s)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
        parser.add_argument("--wait", default="0.5,2", help="think time between a user's pages, min,max s")
        parser.add_argument("--enterprises", type=int, default=3, help="enterprises everyone edits (default 3)")
        parser.add_argument("--members", type=int, default=3, help="members everyone edits (default 3)")

    def handle(self, *args, **options):
        try:
            run_seconds = seconds(options["run_time"])
        except ValueError:
            raise CommandError(f"--run-time {options['run_time']!r} is not a duration such as 60s or 2m") from None
        if options["users"] < 1 or options["workers"] < 1 or options["spawn_rate"] <= 0:
            raise CommandError("--users, --workers and --spawn-rate must be positive")
        self.check_database()
        proxy_header = self.check_settings()

        scratch = Path(tempfile.mkdtemp(prefix="parkparty-load-"))
        self.processes: list[subprocess.Popen] = []  # stopped, newest first, on every way out
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            env = {
                **os.environ,
                "DJANGO_STATIC_ROOT": str(scratch / "static"),
                "DJANGO_MEDIA_ROOT": str(scratch / "media"),
                "PARKPARTY_DATA_DIR": str(scratch / "data"),
                "PYTHONPATH": str(settings.BASE_DIR),
            }
            targets = self.set_up(env, options)
            port = free_port()
            base_url = f"http://{HOST}:{port}"
            plan = build_plan(
                base_url=base_url,
                staff=options["users"],
                county=options["users"],
                targets=targets,
                proxy_header=proxy_header,
            )
            (scratch / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")

            server = self.start_gunicorn(env, port, options["workers"], scratch / "gunicorn.log", proxy_header)
            self.stdout.write(
                f"gunicorn: {options['workers']} workers at {base_url}, DEBUG {'on' if settings.DEBUG else 'off'}; "
                f"locust: {options['users']} users, spawn rate {options['spawn_rate']:g}/s, {options['run_time']}"
            )
            locust_env = {
                **env,
                "LOADTEST_PLAN": str(scratch / "plan.json"),
                "LOADTEST_RESULTS": str(scratch / "results.json"),
                "LOADTEST_WAIT": options["wait"],
                "LOADTEST_USERS": str(options["users"]),
                "LOADTEST_RUN_SECONDS": str(run_seconds),
                "LOADTEST_SIGN_IN_LIMIT": str(SIGN_IN_LIMIT),
            }
            locust, load = self.run_locust(locust_env, options, run_seconds, scratch / "locust.log")
            stop(server)
            results_path = scratch / "results.json"
            if not results_path.exists():
                log = tail(scratch / "locust.log")
                raise CommandError(f"locust wrote no results (exit {locust.returncode}):\n{log}")
            results = json.loads(results_path.read_text(encoding="utf-8"))
            self.report(results, targets, load, options, scratch)
        except KeyboardInterrupt:
            raise CommandError("Load test interrupted: gunicorn and locust stopped.", returncode=130) from None
        finally:
            for process in reversed(self.processes):
                stop(process)
            signal.signal(signal.SIGTERM, previous)
            shutil.rmtree(scratch, ignore_errors=True)

    # --- set-up -------------------------------------------------------------------------------
    def check_database(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The load test runs on PostgreSQL: set DATABASE_URL to a fresh PostgreSQL database.")
        if connection.introspection.table_names():
            raise CommandError(
                f"Database {connection.settings_dict['NAME']!r} is not empty. The load test writes test logins and "
                "edits, so it runs only on a fresh database (make loadtest drops and re-creates one)."
            )

    def check_settings(self):
        """The settings gunicorn will run with must answer 127.0.0.1 over plain HTTP; returns the proxy header."""
        if not validate_host(HOST, settings.ALLOWED_HOSTS):
            raise CommandError(f"Add {HOST} to DJANGO_ALLOWED_HOSTS for the load test.")
        proxy = settings.SECURE_PROXY_SSL_HEADER
        if getattr(settings, "SECURE_SSL_REDIRECT", False) and not proxy:
            raise CommandError(
                "SECURE_SSL_REDIRECT is on without a proxy SSL header: the load test speaks plain HTTP as the "
                "TLS proxy does, so configure the proxy header (SECURE_PROXY_SSL_HEADER)."
            )
        if not proxy:
            return None
        meta_name, value = proxy
        header = meta_name.removeprefix("HTTP_").replace("_", "-").title()
        return header, value

    def set_up(self, env: dict, options) -> list[EditTarget]:
        started = time.monotonic()
        # Static files are collected (and compressed) for gunicorn's settings while the database fills.
        collect = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=settings.BASE_DIR,
        )
        self.processes.append(collect)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", force=True, stdout=StringIO())
        if collect.wait() != 0:
            raise CommandError("collectstatic failed (see above).")
        targets = pick_targets(enterprises=options["enterprises"], members=options["members"])
        if not targets:
            raise CommandError("The demo county has no enterprise or member to edit.")
        self.stdout.write(
            f"Set-up: migrated, demo county loaded, static files collected ({time.monotonic() - started:.0f} s); "
            f"shared records: {', '.join(f'{t.model} #{t.pk}' for t in targets)}"
        )
        return targets

    def start_gunicorn(self, env: dict, port: int, workers: int, log: Path, proxy_header) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "parkparty.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "30",
            "--no-control-socket",
            "--error-logfile",
            str(log),
        ]
        output = log.open("ab")
        server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=output)  # noqa: S603
        self.processes.append(server)
        output.close()
        deadline = time.monotonic() + 60
        request = urllib.request.Request(f"http://{HOST}:{port}/login/")
        if proxy_header:
            request.add_header(*proxy_header)
        while True:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped (exit {server.returncode}):\n{tail(log)}")
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (our own local server)
                    if answer.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                stop(server)
                raise CommandError(f"gunicorn did not answer /login/ within 60 s:\n{tail(log)}")
            time.sleep(0.3)

    def run_locust(self, env: dict, options, run_seconds: int, log: Path):
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(options["users"]),
            "--spawn-rate",
            f"{options['spawn_rate']:g}",
            "--run-time",  # a safety net: the locustfile quits after the run time of work
            f"{SIGN_IN_LIMIT + run_seconds}s",
            "--stop-timeout",
            str(STOP_TIMEOUT),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        output = log.open("ab")
        locust = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=output)  # noqa: S603
        self.processes.append(locust)
        output.close()
        deadline = time.monotonic() + SIGN_IN_LIMIT + run_seconds + STOP_TIMEOUT + 120
        load = []
        while True:
            try:
                locust.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                load.append(os.getloadavg()[0])
                if time.monotonic() > deadline:
                    stop(locust)
                    raise CommandError(f"locust did not finish in time:\n{tail(log)}") from None
        return locust, load

    # --- results ------------------------------------------------------------------------------
    def report(self, results: dict, targets: list[EditTarget], load: list[float], options, scratch: Path) -> None:
        summary = summarize(
            results["requests"], results.get("started", 0), results.get("stopped", 0), results.get("ready")
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        self.stdout.write("")
        self.stdout.write(
            f"Load test {timezone.localtime():%Y-%m-%d %H:%M %Z}: {machine()}, PostgreSQL {postgres}; "
            f"1-minute load average during the run {min(load, default=0):.2f}–{max(load, default=0):.2f}"
        )
        started, ready = results.get("started", 0), results.get("ready") or 0
        self.stdout.write(
            f"{results.get('signed_in', 0)} of {options['users']} users signed in within {ready - started:.1f} s "
            f"(a password check each, and a first page with its static files); then they worked for "
            f"{summary.steady_seconds:.1f} s."
        )
        for line in format_summary(summary):
            self.stdout.write(line)
        edits = check_edits(targets, results["edits"])
        self.stdout.write("")
        for line in edits.lines():
            self.stdout.write(line)
        samples = {edit["message"] for edit in results["edits"] if edit["outcome"] == "refused"}
        if samples:
            self.stdout.write(f"  a refusal, as the editor saw it: {sorted(samples)[0]}")

        failures = []
        if edits.problems:
            failures.append(f"{len(edits.problems)} problems with the edits ({edits.lost} lost)")
        if summary.server_errors:
            failures.append(f"{summary.server_errors} answers with a 5xx status")
        if summary.failures:
            failures.append(f"{summary.failures} failed requests")
        if not edits.counts["accepted"]:
            failures.append("no edit was accepted, so the run proved nothing about lost edits")
        if failures:
            if summary.server_errors or summary.failures:
                self.stdout.write(f"gunicorn log (last lines):\n{tail(scratch / 'gunicorn.log')}")
            raise CommandError("Load test failed: " + "; ".join(failures) + ".")
        self.stdout.write(self.style.SUCCESS("Load test passed: no edit lost, no error."))


def _terminate(signum, frame):
    """SIGTERM ends the command like Ctrl-C: the ``finally`` blocks stop gunicorn and locust."""
    raise KeyboardInterrupt
