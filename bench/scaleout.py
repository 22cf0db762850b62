"""The scale-out topology on one machine, on loopback, with a pass/fail load test.

    sudo .venv/bin/python bench/scaleout.py [--duration 60] [--threads 8] [--faults] [--keep]

Starts, each as its own process on 127.0.0.1 (nothing home-made, Debian's packages):

    nginx (load balancer, :28080)
      ├── web 1: gunicorn (:28001) ─┐  writes + private reads ──► PostgreSQL primary (:26432)
      └── web 2: gunicorn (:28002) ─┤  public/dashboard reads ──► PostgreSQL replica (:26433)
                                    │                              (streaming replication)
    worker 1, worker 2 (RQ) ◄── Redis (:26379) ◄── tasks queued on commit
                                 also the shared cache (rate limits, throttles)

then migrates, loads the reference data and a small demo, runs ``bench/load.py`` through
nginx for ``--duration`` seconds (citizens and staff with real logins), waits for the
replica to catch up, and verifies that every acknowledged report exists (on the primary
and on the replica) with its title and text, that every acknowledged staff action has its
event, that no request failed with a 5xx, that both web processes served traffic, that
reads reached the replica, and that the workers drained the queue.

``--faults`` kills -9 a web, a worker, crashes PostgreSQL (down 5 s) and kills the other
web during the load; inside those windows only the retried fail-fast 503 + Retry-After,
or a retried answer cut after its headers by the kill of the web writing it, is allowed;
then every e-mail notice must have gone out once after de-duplication by
Message-ID, every webhook delivery must have reached a receiver (de-duplicated by event
id), and no automatic transition may have happened twice. The last line is PASS or FAIL,
and so is the exit code (0/1).

Needs root (it installs missing Debian packages and runs PostgreSQL as ``postgres``).
Everything lives under one temporary directory, removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import NO_RATE_LIMITS

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
ADUAN = ROOT / ".venv" / "bin" / "aduan"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# Below the kernel's ephemeral range (32768-60999): a restarted server must find its port
# free, not taken by some outgoing connection's local end.
PORTS = {
    "lb": 28080,
    "web1": 28001,
    "web2": 28002,
    "pg": 26432,
    "replica": 26433,
    "redis": 26379,
    "hooks": 28090,
}
BUSY = "Layanan sedang sibuk. Kirim ulang dalam 2 detik."
DEB = ("postgresql", "nginx-light", "redis-server")
# Snippets run with the topology's settings (see Topology.django).
REPLICA_BEHIND = """
from django.db import connections
q = "SELECT count(*) FROM reports_report"
counts = []
for alias in ("default", "replica"):
    with connections[alias].cursor() as c:
        c.execute(q)
        counts.append(c.fetchone()[0])
print(counts[0] - counts[1])
"""
# Fault runs: responded reports whose auto-close is due, for the sweeps to race on.
MAKE_DUE = """
from datetime import timedelta
from django.utils import timezone
from aduan.reports.models import Report
ids = list(Report.objects.filter(status="responded").values_list("pk", flat=True)[:50])
Report.objects.filter(pk__in=ids).update(auto_at=timezone.now() - timedelta(minutes=1))
print(",".join(map(str, ids)))
"""
AUTO_CLOSED = """
from django.db.models import Count, Q
from aduan.reports.models import Report
ids = [int(i) for i in "IDS".split(",") if i]
rows = Report.objects.filter(pk__in=ids).annotate(
    n=Count("events", filter=Q(events__action="auto_close"))
)
bad = [(r.tracking_id, r.status, r.n) for r in rows if r.n != 1 or r.status != "closed"]
print("ok" if not bad else bad[:10])
"""
UNSENT = """
from aduan.notifications.models import Notification
print(Notification.objects.exclude(status="sent").count())
"""
NOTICES = """
import json
from aduan.notifications.adapters import message_id
from aduan.notifications.models import Notification
rows = Notification.objects.filter(channel="email").select_related("event")
print(json.dumps([[message_id(n), n.recipient, n.event.action if n.event else ""] for n in rows]))
"""
UNDELIVERED = """
from aduan.webhooks.models import WebhookDelivery
print(WebhookDelivery.objects.exclude(status="succeeded").count())
"""
DELIVERIES = """
import json
from aduan.webhooks.models import WebhookDelivery
print(json.dumps(list(WebhookDelivery.objects.values_list("event_id", "status"))))
"""
# An automatic transition (actor "system", the status changes) twice for one report in
# the run means two sweeps acted on the same thing.
SWEEP_TWICE = """
from datetime import datetime, timezone
from django.db.models import Count, F
from aduan.reports.models import ReportEvent
since = datetime.fromtimestamp(SINCE, tz=timezone.utc)
rows = (
    ReportEvent.objects.filter(actor_kind="system", created_at__gte=since)
    .exclude(from_status=F("to_status"))
    .values("report__tracking_id", "action", "from_status", "to_status")
    .annotate(n=Count("id"))
    .filter(n__gt=1)
)
total = ReportEvent.objects.filter(actor_kind="system", created_at__gte=since).exclude(
    from_status=F("to_status")
).count()
print(total, [tuple(r.values()) for r in rows[:10]])
"""
REPLICA_COMMITS = """
from django.db import connections
with connections["replica"].cursor() as c:
    c.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = 'aduan'")
    print(c.fetchone()[0])
"""


def sh(cmd: list[str] | str, **kw: object) -> subprocess.CompletedProcess[str]:
    shell = isinstance(cmd, str)
    return subprocess.run(cmd, shell=shell, check=True, text=True, **kw)  # type: ignore[call-overload]


def as_postgres(cmd: str) -> None:
    sh(["su", "postgres", "-s", "/bin/sh", "-c", cmd])


def wait_port(port: int, seconds: float = 60) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class Topology:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.cmds: dict[str, list[str]] = {}
        self.pgbin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.env = dict(os.environ)
        self.env.update(
            {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORTS['pg']}/aduan",
                "ADUAN_REPLICA_DATABASE_URL": (
                    f"postgres://postgres@127.0.0.1:{PORTS['replica']}/aduan"
                ),
                "ADUAN_REDIS_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
                "ADUAN_CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
                "ADUAN_CACHE_LOCATION": f"redis://127.0.0.1:{PORTS['redis']}/1",
                "ADUAN_DATA_DIR": str(base / "data"),
                "ADUAN_SECRET_KEY": "scale-out-test-" + os.urandom(24).hex(),
                "ADUAN_SMS_GATEWAY_SECRET": "scale-out-sms-secret",
                # Workers run here: events only mark reports, workers refresh the facts.
                "ADUAN_STATS_DEFERRED": "1",
                **NO_RATE_LIMITS,
                "ADUAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            }
        )

    # -- services ------------------------------------------------------------------
    def start(self, name: str, cmd: list[str]) -> None:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        # Its own process group, so a fault can kill -9 a server with all its workers.
        self.procs[name] = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        self.cmds[name] = cmd

    def kill9(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def restart(self, name: str) -> None:
        self.start(name, self.cmds[name])

    def postgres(self) -> None:
        primary, replica = self.base / "pg-primary", self.base / "pg-replica"
        for d in (primary, replica, self.base / "pglog"):
            d.mkdir()
            shutil.chown(d, "postgres")
        as_postgres(f"{self.pgbin}/initdb -D {primary} -U postgres --auth=trust -E UTF8 >/dev/null")
        conf = (
            f"listen_addresses='127.0.0.1'\nport={PORTS['pg']}\nwal_level=replica\n"
            # synchronous_commit stays on: with it off a crashed primary forgets the last
            # commits it already acknowledged (a report's receipt e-mail went out, the row
            # was gone). fsync=off only spares the disk: this test crashes PostgreSQL, not
            # the machine, and a commit's WAL is in the OS before the answer.
            "max_wal_senders=4\nhot_standby=on\nfsync=off\nsynchronous_commit=on\n"
            "max_connections=200\nunix_socket_directories='/tmp'\n"
        )
        with open(primary / "postgresql.conf", "a") as f:
            f.write(conf)
        as_postgres(
            f"{self.pgbin}/pg_ctl -D {primary} -l {self.base}/pglog/primary.log -w start >/dev/null"
        )
        as_postgres(f"{self.pgbin}/createdb -h 127.0.0.1 -p {PORTS['pg']} aduan")
        # The replica: a base backup of the primary that keeps streaming its WAL (-R).
        as_postgres(
            f"{self.pgbin}/pg_basebackup -h 127.0.0.1 -p {PORTS['pg']} -U postgres "
            f"-D {replica} -R -X stream --checkpoint=fast >/dev/null"
        )
        os.chmod(replica, 0o700)
        with open(replica / "postgresql.conf", "a") as f:
            f.write(f"port={PORTS['replica']}\n")
        as_postgres(
            f"{self.pgbin}/pg_ctl -D {replica} -l {self.base}/pglog/replica.log -w start >/dev/null"
        )

    def restart_primary(self, down: float = 5.0) -> None:
        """Crash the primary (immediate stop = no clean shutdown), leave it down ``down``
        seconds so requests do meet the outage, start it (crash recovery)."""
        ctl = f"{self.pgbin}/pg_ctl -D {self.base / 'pg-primary'}"
        as_postgres(f"{ctl} -m immediate -w stop >/dev/null")
        time.sleep(down)
        as_postgres(f"{ctl} -l {self.base}/pglog/primary.log -w start >/dev/null")

    def stop_postgres(self) -> None:
        for d in ("pg-replica", "pg-primary"):
            if (self.base / d / "postmaster.pid").exists():
                subprocess.run(
                    [
                        "su",
                        "postgres",
                        "-s",
                        "/bin/sh",
                        "-c",
                        f"{self.pgbin}/pg_ctl -D {self.base / d} -m fast stop >/dev/null",
                    ],
                    check=False,
                )

    def redis(self) -> None:
        (self.base / "redis").mkdir()
        self.start(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(PORTS["redis"]),
                "--dir",
                str(self.base / "redis"),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
            ],
        )
        wait_port(PORTS["redis"])

    def app(self) -> None:
        for args in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["loadrefdata"],
            ["seed", "--demo", "--reports", "200"],
        ):
            sh([str(ADUAN), *args], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for name in ("web1", "web2"):
            self.start(
                name,
                [
                    str(GUNICORN),
                    "aduan.wsgi",
                    "--bind",
                    f"127.0.0.1:{PORTS[name]}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-",
                    "--access-logformat",
                    "%(m)s %(U)s %(s)s %(M)s",
                    # Two gunicorns on one machine: not one shared control socket.
                    "--no-control-socket",
                    # A slow answer on an overloaded machine is no dead worker.
                    "--timeout",
                    "120",
                ],
            )
        for name in ("worker1", "worker2"):
            self.start(name, [str(ADUAN), "worker", "--sweep-interval", "10"])
        for name in ("web1", "web2"):
            wait_port(PORTS[name])

    def nginx(self) -> None:
        conf = self.base / "nginx.conf"
        conf.write_text(
            f"""
worker_processes 1;
pid {self.base}/nginx.pid;
error_log {self.base}/nginx-error.log;
events {{ worker_connections 512; }}
http {{
    access_log {self.base}/nginx-access.log;
    client_body_temp_path {self.base}/nginx-body;
    proxy_temp_path {self.base}/nginx-proxy;
    fastcgi_temp_path {self.base}/nginx-fastcgi;
    uwsgi_temp_path {self.base}/nginx-uwsgi;
    scgi_temp_path {self.base}/nginx-scgi;
    client_max_body_size 30m;
    upstream aduan {{
        server 127.0.0.1:{PORTS["web1"]} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{PORTS["web2"]} max_fails=1 fail_timeout=2s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{PORTS["lb"]};
        location / {{
            proxy_pass http://aduan;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A refused connection never reached Django: try the other web, even for a
            # POST (every submission path is idempotent anyway: keys, form tokens, ids).
            proxy_next_upstream error non_idempotent;
            proxy_connect_timeout 2s;
            proxy_read_timeout 150s;
            # No web reachable at all (both restarting): the balancer's own fail-fast
            # answer is the application's, 503 with Retry-After, never a bare 502.
            error_page 502 504 =503 @unavailable;
        }}
        location @unavailable {{
            add_header Retry-After 2 always;
            default_type application/json;
            return 503 '{{"error": {{"code": "unavailable", "message": "{BUSY}"}}}}';
        }}
    }}
}}
"""
        )
        self.start("nginx", ["nginx", "-c", str(conf), "-p", str(self.base), "-g", "daemon off;"])
        wait_port(PORTS["lb"])

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stop_postgres()

    # -- checks --------------------------------------------------------------------
    def django(self, code: str) -> str:
        out = sh(
            [str(PY), "-c", "import django; django.setup()\n" + code],
            env={**self.env, "DJANGO_SETTINGS_MODULE": "aduan.settings"},
            cwd=ROOT,
            capture_output=True,
        )
        return out.stdout.strip()


def served_by(log: Path) -> int:
    """Requests in a gunicorn access log (lines "METHOD /path status rss")."""
    if not log.exists():
        return 0
    methods = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"PATCH ", b"DELETE ")
    return sum(1 for line in log.open("rb") if line.startswith(methods))


def aduan(topo: Topology, *args: str) -> str:
    out = sh([str(ADUAN), *args], env=topo.env, cwd=ROOT, capture_output=True)
    return out.stdout.strip()


def inject_faults(topo: Topology, duration: float, log: list[str], windows: Path) -> None:
    """kill -9 a web server, a worker, crash-restart PostgreSQL, kill the other web.

    Each fault is a window in ``windows`` (JSON lines read by ``load.py``): from just
    before the fault until the service answers again; only inside one may a request get
    the fail-fast 503 (the load adds a grace period for pools and the balancer)."""

    def web(name: str) -> None:
        topo.kill9(name)
        time.sleep(2)
        topo.restart(name)
        wait_port(PORTS[name], 120)

    plan = (
        (0.2, "kill -9 web1", lambda: web("web1")),
        (0.4, "kill -9 worker1", lambda: (topo.kill9("worker1"), topo.restart("worker1"))),
        (0.6, "crash PostgreSQL, down 5 s, start", topo.restart_primary),
        (0.8, "kill -9 web2", lambda: web("web2")),
    )
    started = time.monotonic()
    with windows.open("a") as out:
        for at, what, act in plan:
            time.sleep(max(0.0, started + at * duration - time.monotonic()))
            out.write(json.dumps({"what": what, "start": time.time()}) + "\n")
            out.flush()
            t0 = time.monotonic()
            act()
            out.write(json.dumps({"what": what, "end": time.time()}) + "\n")
            out.flush()
            log.append(f"{t0 - started:5.1f} s  {what} (back after {time.monotonic() - t0:.1f} s)")


class HookReceiver:
    """The agency's webhook receiver: answers 204 and keeps every delivery's event id."""

    def __init__(self, path: Path) -> None:
        import http.server
        import threading

        self.path = path
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    event = json.loads(body)
                except ValueError:
                    event = {}
                with receiver.lock, receiver.path.open("a") as f:
                    f.write(json.dumps({"id": event.get("id"), "type": event.get("type")}))
                    f.write("\n")
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", PORTS["hooks"]), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> list[str]:
        if not self.path.exists():
            return []
        return [json.loads(line)["id"] for line in self.path.read_text().splitlines() if line]

    def stop(self) -> None:
        self.server.shutdown()


def check_hooks(deliveries: list[tuple[str, str]], received: list[str]) -> str:
    """Every delivery succeeded and reached the receiver; nothing arrived that Aduan did
    not queue. Copies of one event id (a redelivery after a crash) count once."""
    import collections

    queued = {event_id for event_id, _ in deliveries}
    copies = collections.Counter(received)
    missing = queued - set(copies)
    unknown = set(copies) - queued
    not_done = [e for e, status in deliveries if status != "succeeded"]
    print(
        f"webhook deliveries: {len(queued)} queued, {len(set(copies))} distinct received "
        f"({sum(copies.values())} copies); missing {len(missing)}, unknown {len(unknown)}, "
        f"not succeeded {len(not_done)}"
    )
    if missing or unknown or not_done:
        return (
            f"webhooks: {len(missing)} never received, {len(unknown)} unknown, "
            f"{len(not_done)} not marked delivered"
        )
    return ""


def wait_until(what: str, check: str, want: str, seconds: float, topo: Topology) -> str:
    deadline = time.monotonic() + seconds
    got = ""
    while time.monotonic() < deadline:
        got = topo.django(check)
        if got == want:
            break
        time.sleep(2)
    print(f"{what}: {got}")
    return got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--faults", action="store_true", help="kill -9 servers and restart PostgreSQL mid-load"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: it installs Debian packages and runs PostgreSQL")
    missing = [p for p in DEB if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if missing:
        sh("apt-get update -qq")
        sh(["apt-get", "install", "-y", "-qq", *missing], stdout=subprocess.DEVNULL)
    base = Path(tempfile.mkdtemp(prefix="aduan-scaleout-"))
    os.chmod(base, 0o755)
    topo = Topology(base)
    if args.faults:
        topo.env.update(
            {
                # Lost tasks are re-queued after 30 s instead of 10 min (see settings).
                "ADUAN_SAFETY_NET_SCALE": "0.05",
                "ADUAN_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "ADUAN_EMAIL_FILE_PATH": str(base / "mail"),
                "ADUAN_WEBHOOKS_ALLOW_HTTP_LOOPBACK": "1",
            }
        )
    failures: list[str] = []
    faults: list[str] = []
    hooks: HookReceiver | None = None
    windows = base / "fault-windows.jsonl"
    started = time.time()
    try:
        topo.postgres()
        topo.redis()
        topo.app()
        topo.nginx()
        key = aduan(
            topo,
            "apikey",
            "create",
            "--agency",
            "32.73",
            "--scopes",
            "read,write,webhooks",
            "--name",
            "scale-out load",
        ).splitlines()[-1]
        due = topo.django(MAKE_DUE) if args.faults else ""
        if args.faults:
            hooks = HookReceiver(base / "hooks.jsonl")
            register_hook(key)
        acks = base / "acks.jsonl"
        replica_before = int(topo.django(REPLICA_COMMITS))
        load_cmd = [
            str(PY),
            str(ROOT / "bench" / "load.py"),
            "run",
            "--url",
            f"http://127.0.0.1:{PORTS['lb']}",
            "--duration",
            str(args.duration),
            "--threads",
            str(args.threads),
            "--acks",
            str(acks),
            "--sms-secret",
            topo.env["ADUAN_SMS_GATEWAY_SECRET"],
            "--api-key",
            key,
            *(["--fault-windows", str(windows)] if args.faults else []),
        ]
        load = subprocess.Popen(load_cmd, cwd=ROOT, text=True, stdout=subprocess.PIPE)
        if args.faults:
            inject_faults(topo, args.duration, faults, windows)
        out, _ = load.communicate()
        print(out)
        if load.returncode:
            failures.append(
                "the load failed: a 5xx or no answer outside the fault windows (or not the "
                "retried fail-fast 503), or no staff action succeeded"
            )
        replica_reads = int(topo.django(REPLICA_COMMITS)) - replica_before
        if wait_until("reports the replica lacks", REPLICA_BEHIND, "0", 60, topo) != "0":
            failures.append("the replica did not catch up within 60 s")
        for alias in ("primary", "replica"):
            env = dict(topo.env)
            if alias == "replica":
                env["DATABASE_URL"] = env["ADUAN_REPLICA_DATABASE_URL"]
            verify = subprocess.run(
                [str(PY), str(ROOT / "bench" / "load.py"), "verify", "--acks", str(acks)],
                cwd=ROOT,
                text=True,
                capture_output=True,
                env=env,
            )
            print(f"[{alias}] {verify.stdout}{verify.stderr[-2000:]}")
            if verify.returncode:
                failures.append(f"acknowledged reports missing or damaged on the {alias}")
        for name in ("web1", "web2"):
            n = served_by(base / f"{name}.log")
            print(f"{name} served {n} requests")
            if n == 0:
                failures.append(f"{name} served nothing: the balancer skipped it")
        print(f"transactions served by the replica during the load: {replica_reads}")
        if replica_reads < 10:
            failures.append("public and dashboard reads did not reach the replica")
        if args.faults:
            print("faults injected:\n  " + "\n  ".join(faults))
            # The safety net needs up to ~90 s (a notice claimed by a killed worker).
            left = wait_until("notices not sent yet", UNSENT, "0", 240, topo)
            if left != "0":
                failures.append(f"{left} notices never left the queue")
            twice = check_mail_once(base / "mail", acks, json.loads(topo.django(NOTICES)))
            if twice:
                failures.append(twice)
            left = wait_until("webhook deliveries not done yet", UNDELIVERED, "0", 240, topo)
            if left != "0":
                failures.append(f"{left} webhook deliveries never succeeded")
            assert hooks is not None
            bad = check_hooks(json.loads(topo.django(DELIVERIES)), hooks.received())
            if bad:
                failures.append(bad)
            sweeps = topo.django(SWEEP_TWICE.replace("SINCE", repr(started)))
            print(f"automatic transitions in the run, then duplicates: {sweeps}")
            if not sweeps.endswith("[]"):
                failures.append(f"an automatic transition happened twice: {sweeps}")
            acted = topo.django(AUTO_CLOSED.replace("IDS", due))
            print(f"reports due for auto-close: {len(due.split(','))}; exactly once: {acted}")
            if acted != "ok":
                failures.append(f"the sweep did not act exactly once on each due report: {acted}")
        queued = wait_until(
            "tasks still queued in Redis",
            "import django_rq; print(django_rq.get_queue('default').count)",
            "0",
            90,
            topo,
        )
        if queued != "0":
            failures.append(f"the workers left {queued} tasks in the queue")
        for name, proc in topo.procs.items():
            if proc.poll() is not None:
                failures.append(f"{name} exited early with {proc.returncode}")
    finally:
        if hooks is not None:
            hooks.stop()
        topo.stop()
        if args.keep or failures:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(json.dumps({"passed": not failures, "faults": faults, "failures": failures}))
    loadavg = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average at the end: {' '.join(loadavg)}")
    print(("PASS" if not failures else "FAIL") + f": scale-out{' --faults' if args.faults else ''}")
    for failure in failures:
        print(f"  - {failure}")
    return 1 if failures else 0


def register_hook(key: str) -> None:
    """The agency registers its receiver through the agency API (through nginx)."""
    import urllib.request

    req = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['lb']}/api/v1/agency/webhooks/",
        data=json.dumps(
            {
                "url": f"http://127.0.0.1:{PORTS['hooks']}/hook",
                "events": ["report.dispatched", "report.updated", "report.closed"],
            }
        ).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": os.urandom(16).hex(),
        },
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        if resp.status != 201:
            raise SystemExit(f"webhook registration answered {resp.status}")


def check_mail_once(maildir: Path, acks: Path, notices: list[list[str]]) -> str:
    """Every e-mail notice went out, once after de-duplication, and nothing else did.

    ``notices``: [Message-ID, recipient, event action] of every e-mail notice row. Copies
    of one notice share its Message-ID (a resend after a crash) and count once, as a mail
    server would; a second row for one report's submission, or a mail no row explains,
    is a duplicate; each reporter who gave an address has its receipt."""
    import collections

    mailed: collections.Counter[str] = collections.Counter()
    subjects: dict[str, str] = {}
    for f in maildir.glob("*.log") if maildir.exists() else []:
        for message in f.read_text(errors="replace").split("-" * 79):
            mid = re.search(r"^Message-ID: (\S+)$", message, re.M)
            if mid:
                mailed[mid.group(1)] += 1
                to = re.search(r"^To: (.*)$", message, re.M)
                subject = re.search(r"^Subject: (.*)$", message, re.M)
                subjects[mid.group(1)] = (
                    f"to {to.group(1) if to else '?'}: {subject.group(1) if subject else '?'}"
                )
    known = {mid for mid, _, _ in notices}
    never_sent = known - set(mailed)
    unknown = set(mailed) - known
    for mid in sorted(unknown)[:5]:
        print(f"  mailed, but no notice row has it: {mid} {subjects.get(mid, '')}")
    receipts = collections.Counter(to for _, to, action in notices if action == "submit")
    rows = [json.loads(line) for line in acks.read_text().splitlines() if line]
    emails = [f"{r['marker']}@pelapor.test" for r in rows if r.get("email")]
    missing = [e for e in emails if receipts[e] == 0]
    doubled = [e for e in emails if receipts[e] > 1]
    print(
        f"e-mail notices: {len(known)} rows, {len(mailed)} distinct Message-IDs mailed "
        f"({sum(mailed.values())} copies); never mailed {len(never_sent)}, unknown "
        f"{len(unknown)}; receipts of the load's reporters: {len(emails)} expected, missing "
        f"{len(missing)}, twice {len(doubled)}"
    )
    if never_sent or unknown or missing or doubled:
        return (
            f"e-mail: {len(never_sent)} notices never mailed, {len(unknown)} unknown mails, "
            f"receipts {len(missing)} missing and {len(doubled)} sent more than once"
        )
    return ""


if __name__ == "__main__":
    sys.exit(main())
