"""Two app hosts behind nginx, on one machine: the shape of a multi-machine deployment.

``with two_hosts(db_url, redis_url, port=18200) as h:`` sets up

- a bridge ``mst-br0`` (10.201.0.1/24) in the root network namespace and two namespaces
  ``mst-h1`` (10.201.0.11) and ``mst-h2`` (10.201.0.12), each joined to it by a veth pair;
- in each namespace, its own ``reflex run --env prod`` on port 3000 (pages, websocket and
  API on one port, as ``make run``), with its own copy of the compiled front end
  (``REFLEX_WEB_WORKDIR``), both on the same PostgreSQL database and the same Redis;
- PostgreSQL and Redis listen on 127.0.0.1 only: the hosts reach them through a TCP relay
  (``tests/support/tcp_relay.py``) bound to the bridge's address;
- nginx (Debian package) in the root namespace, running ``deploy/nginx/mystage.conf``
  itself, rendered by :func:`render_site` with the two hosts as upstream and local ports:
  ``h.url`` (TLS, self-signed, ``port``) or plain http with ``tls=False``; the shipped http
  server (the redirection to https) answers on ``port + 1``.

``h.kill(i)`` kills every process of host ``i`` (0 or 1) at once (SIGKILL: a crashed host),
``h.stop(i)`` stops it gracefully (SIGTERM: a restart), ``h.start(i)`` starts it again,
``h.pids(i)`` lists its processes, ``h.websocket_hosts()`` says which hosts hold a
connection from nginx (after page loads, only websockets stay open: no keepalive pool).

Needs root, ``ip`` (iproute2) and nginx (``make nginx``); :func:`unavailable` says why not.
One set of namespaces per machine: a lock file serialises users, and whatever a killed
previous run left (namespaces, links, nginx, relay, app processes) is removed first.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.support.nginx_site import SITE, nginx_main, render_site, self_signed

ROOT = Path(__file__).resolve().parents[2]
NETNS = ("mst-h1", "mst-h2")
BRIDGE = "mst-br0"
GATEWAY = "10.201.0.1"
HOST_IPS = ("10.201.0.11", "10.201.0.12")
APP_PORT = 3000
RUN_DIR = (
    Path("/run/mystage-two-hosts") if Path("/run").is_dir() else Path("/tmp/mystage-two-hosts")
)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def unavailable() -> str | None:
    """Why two hosts cannot be set up here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, nginx)"
    if not shutil.which("ip"):
        return "needs iproute2 (`ip`)"
    if not os.path.exists(NGINX):
        return "needs nginx (`make nginx`: Debian package)"
    probe = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"`ip netns` does not work here: {probe.stderr.strip()}"
    return None


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _kill_pids(pids: list[int], sig: int = signal.SIGKILL, wait: float = 10.0) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.time() + wait
    while time.time() < deadline and any(_alive(p) for p in pids):
        for p in pids:  # reap our own children
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(p, os.WNOHANG)
        time.sleep(0.05)


def netns_pids(name: str) -> list[int]:
    out = _ip("netns", "pids", name, check=False)
    return [int(p) for p in out.stdout.split()] if out.returncode == 0 else []


def _start_time(pid: int) -> str | None:
    """A process's start time (field 22 of /proc/PID/stat): with the pid, who it is (nginx
    rewrites its command line, so that cannot be compared)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _recorded_pids() -> list[int]:
    """Root-namespace processes (nginx, relay) a previous run recorded, still alive and
    still themselves (the pid was not reused)."""
    pids = []
    for f in RUN_DIR.glob("*.pid"):
        try:
            pid, started = f.read_text().split()
            if _start_time(int(pid)) == started:
                pids.append(int(pid))
        except (OSError, ValueError):
            pass
        f.unlink(missing_ok=True)
    return pids


def _record(name: str, pid: int) -> None:
    if (started := _start_time(pid)) is not None:
        (RUN_DIR / f"{name}.pid").write_text(f"{pid} {started}")


def cleanup() -> None:
    """Remove every trace of a set of hosts (this one's or a killed run's)."""
    for name in NETNS:
        _kill_pids(netns_pids(name))
    recorded = _recorded_pids()
    if recorded:
        # nginx's workers and the relay's children go with their process groups.
        for pid in recorded:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        _kill_pids(recorded)
    for i in range(len(NETNS)):
        _ip("link", "del", f"mst-h{i + 1}-br", check=False)
    _ip("link", "del", BRIDGE, check=False)
    for name in NETNS:
        _ip("netns", "del", name, check=False)
    with contextlib.suppress(OSError):  # a killed run's files (a crashed run keeps its logs)
        old = Path((RUN_DIR / "tmp").read_text())
        if old.name.startswith("mystage-two-hosts-") and not os.environ.get("E2E_KEEP_LOG"):
            shutil.rmtree(old, ignore_errors=True)
    # The kernel drops a namespace's links asynchronously: wait until they are gone.
    deadline = time.time() + 10
    while time.time() < deadline:
        links = _ip("-o", "link", "show", check=False).stdout
        if "mst-" not in links:
            break
        time.sleep(0.1)


def _network() -> None:
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    for i, (name, addr) in enumerate(zip(NETNS, HOST_IPS, strict=True)):
        outside, inside = f"mst-h{i + 1}-br", f"mst-h{i + 1}-ns"
        _ip("netns", "add", name)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", outside, "master", BRIDGE)
        _ip("link", "set", outside, "up")
        _ip("link", "set", inside, "netns", name)
        _ip("-n", name, "addr", "add", f"{addr}/24", "dev", inside)
        _ip("-n", name, "link", "set", inside, "up")
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "route", "add", "default", "via", GATEWAY)


def _relay_url(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the relay's address on the bridge."""
    return (
        sa.engine.make_url(url).set(host=GATEWAY, port=port).render_as_string(hide_password=False)
    )


def _wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, log=None) -> None:
    deadline = time.time() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-4000:] if log else ""
            raise RuntimeError(f"{url}: the process exited ({proc.returncode}): {tail}")
        try:
            if httpx.get(url, timeout=3, verify=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.time() > deadline:
            raise RuntimeError(f"{url}: not ready in {timeout:.0f} s")
        time.sleep(0.3)


@dataclass
class TwoHosts:
    url: str  # nginx: what a browser opens
    http_url: str  # nginx's plain-http server (redirects to https)
    host_urls: list[str]  # each host directly (from the root namespace)
    tmp: Path
    env: dict[str, str]
    workers: int
    procs: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    started: list[float] = field(default_factory=lambda: [0.0, 0.0])

    def log(self, i: int) -> str:
        return (self.tmp / f"host{i + 1}.log").read_text(errors="replace")

    def pids(self, i: int) -> list[int]:
        """Every process of host ``i`` (its ``reflex run`` and its workers)."""
        return netns_pids(NETNS[i])

    def _launch(self, i: int) -> None:
        env = dict(self.env)
        web = self.tmp / f"web{i + 1}"
        env.update(
            REFLEX_WEB_WORKDIR=str(web),
            REFLEX_STATES_WORKDIR=str(self.tmp / f"states{i + 1}"),
            GRANIAN_WORKERS=str(self.workers),
        )
        log = open(self.tmp / f"host{i + 1}.log", "a")  # noqa: SIM115
        cmd = [
            "ip", "netns", "exec", NETNS[i],
            str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod",
            "--frontend-port", str(APP_PORT), "--backend-port", str(APP_PORT),
            "--loglevel", "warning",
        ]  # fmt: skip
        self.procs[i] = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started[i] = time.time()

    def _wait(self, i: int, timeout: float = 300) -> None:
        url = self.host_urls[i]
        _wait_http(url + "/ping", timeout, self.procs[i], self.tmp / f"host{i + 1}.log")
        _wait_http(url + "/", timeout, self.procs[i], self.tmp / f"host{i + 1}.log")

    def start(self, i: int, wait: bool = True) -> None:
        """Start host ``i`` again (it compiles its front end: ~20 s)."""
        if self.pids(i):
            raise RuntimeError(f"host {i} is running")
        self._launch(i)
        if wait:
            self._wait(i)

    def kill(self, i: int) -> list[int]:
        """Kill every process of host ``i`` at once (SIGKILL: the machine died).  Returns
        the pids killed."""
        pids = self.pids(i)
        _kill_pids(pids)
        self._reap(i)
        return pids

    def stop(self, i: int) -> list[int]:
        """Stop host ``i`` as systemd would (SIGTERM, SIGKILL after 20 s)."""
        pids = self.pids(i)
        _kill_pids(pids, signal.SIGTERM, wait=20)
        _kill_pids([p for p in pids if _alive(p)])
        self._reap(i)
        return pids

    def _reap(self, i: int) -> None:
        if (proc := self.procs[i]) is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
            self.procs[i] = None

    def websocket_hosts(self) -> list[int]:
        """The hosts holding an open connection from nginx on the app's port: after the
        page loaded, only websockets stay open (the upstream has no keepalive pool)."""
        hosts = []
        for i, name in enumerate(NETNS):
            out = _ip(
                "netns", "exec", name, "ss", "-Htn", "state", "established",
                f"( sport = :{APP_PORT} )", check=False,
            )  # fmt: skip
            if any(GATEWAY + ":" in line for line in out.stdout.splitlines()):
                hosts.append(i)
        return hosts


def _copy_web(source: Path, dest: Path) -> None:
    """The compiled front end for one host, without its build output (each host builds its
    own) and with the node packages linked, not copied (20,000 files: 10 s per copy)."""
    top = str(source)
    shutil.copytree(
        source,
        dest,
        symlinks=True,
        ignore=lambda d, names: ["build", "node_modules"] if d == top else [],
    )
    (dest / "node_modules").symlink_to(source / "node_modules")


def _ensure_web(env: dict[str, str]) -> Path:
    """ROOT/.web with its node packages installed: a host has no network to install them
    (the e2e server made it already when other browser tests ran first)."""
    web = ROOT / ".web"
    if not (web / "node_modules").is_dir():
        subprocess.run(
            [str(ROOT / ".venv/bin/reflex"), "export", "--frontend-only", "--no-zip",
             "--loglevel", "warning"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return web


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    with open(RUN_DIR / "lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"two hosts are already set up by another process ({RUN_DIR / 'lock'})"
            ) from None
        yield


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (a CI timeout) runs the cleanup like an exception would."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    previous = None
    with contextlib.suppress(ValueError):  # not the main thread: leave it
        previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def base_env() -> dict[str, str]:
    """The environment of a production start (no mail, SMS or geocoder services)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SMTP_URL", "SMS_URL", "GEOCODER_URL", "REDIS_URL", "DATABASE_URL",
                     "PYTEST_CURRENT_TEST", "REFLEX_WEB_WORKDIR"}
    }  # fmt: skip
    env.update(
        DEV_MAILBOX="false",  # refused on https: mails wait in the outbox (no SMTP here)
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_HTTP_CLIENT_BIND_ADDRESS="0.0.0.0",
        REFLEX_BUN_PATH=str(ROOT / ".tools/node_modules/.bin/bun"),
    )
    return env


@contextlib.contextmanager
def two_hosts(
    db_url: str,
    redis_url: str,
    *,
    port: int,
    tls: bool = True,
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> Iterator[TwoHosts]:
    """Two hosts on ``db_url`` (PostgreSQL, prepared by the caller: `mystage setup`) and
    ``redis_url``, behind nginx on 127.0.0.1:``port`` (and ``port + 1``: the http server);
    the relay to the database and Redis uses ``port + 2`` and ``port + 3`` on the bridge.
    ``workers`` per host; ``env``: more settings for both hosts."""
    if reason := unavailable():
        raise RuntimeError(reason)
    scheme = "https" if tls else "http"
    public = f"{scheme}://127.0.0.1:{port}"
    with _lock(), _sigterm_unwinds():
        cleanup()
        tmp = Path(tempfile.mkdtemp(prefix="mystage-two-hosts-"))
        (RUN_DIR / "tmp").write_text(str(tmp))
        try:
            _network()
            # The relay to PostgreSQL and Redis, in the root namespace.
            db, rd = sa.engine.make_url(db_url), sa.engine.make_url(redis_url)
            pairs = [
                f"{GATEWAY}:{port + 2}={db.host or '127.0.0.1'}:{db.port or 5432}",
                f"{GATEWAY}:{port + 3}={rd.host or '127.0.0.1'}:{rd.port or 6379}",
            ]
            relay = subprocess.Popen(
                [sys.executable, "-m", "tests.support.tcp_relay", *pairs],
                cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True,
            )  # fmt: skip
            _record("relay", relay.pid)
            if relay.stdout.readline().strip() != "ready":
                raise RuntimeError("the TCP relay did not start")

            host_env = base_env()
            host_env.update(
                DATABASE_URL=_relay_url(db_url, port + 2),
                REDIS_URL=_relay_url(redis_url, port + 3),
                PORT=str(APP_PORT),
                PUBLIC_URL=public,
                PRIVATE_DIR=str(tmp / "private"),  # shared storage (NFS in production)
                TRUSTED_PROXIES=GATEWAY,  # nginx, as the hosts see it
            )
            host_env.update(env or {})
            source = _ensure_web(host_env)
            for i in range(len(NETNS)):
                _copy_web(source, tmp / f"web{i + 1}")

            h = TwoHosts(
                url=public,
                http_url=f"http://127.0.0.1:{port + 1}",
                host_urls=[f"http://{ip}:{APP_PORT}" for ip in HOST_IPS],
                tmp=tmp,
                env=host_env,
                workers=workers,
            )
            for i in range(len(NETNS)):
                h._launch(i)

            # nginx, meanwhile.
            prefix = tmp / "nginx"
            for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "log"):
                (prefix / sub).mkdir(parents=True)
            cert = self_signed(prefix) if tls else None
            site = prefix / "mystage.conf"
            site.write_text(
                render_site(
                    SITE.read_text(),
                    upstreams=[f"{ip}:{APP_PORT}" for ip in HOST_IPS],
                    https_port=port,
                    http_port=port + 1,
                    log_dir=prefix / "log",
                    cert=cert,
                )
            )
            conf = prefix / "nginx.conf"
            conf.write_text(nginx_main(prefix, site))
            test = subprocess.run(
                [NGINX, "-t", "-q", "-p", str(prefix), "-c", str(conf)],
                capture_output=True, text=True,
            )  # fmt: skip
            if test.returncode != 0:
                raise RuntimeError(f"nginx -t: {test.stderr}")
            nginx = subprocess.Popen(
                [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                stderr=open(prefix / "stderr.log", "w"),  # noqa: SIM115
                start_new_session=True,
            )
            _record("nginx", nginx.pid)

            for i in range(len(NETNS)):
                h._wait(i)
            _wait_http(public + "/ping", 30, nginx)
            yield h
        finally:
            cleanup()
            if os.environ.get("E2E_KEEP_LOG"):
                print(f"two hosts: logs kept in {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
                (RUN_DIR / "tmp").unlink(missing_ok=True)
