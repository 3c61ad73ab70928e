"""``--profile``: py-spy samples the server's workers during each measured window; the
report reads the last window (the saturated one when the ramp got there): the functions
most present in the stacks (inclusive), those on top of the stacks (self), and shares of
the usual suspects (autocomplete, search, SQL engines, Reflex's event processing, JSON,
pickling for Redis)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from loadkit.servers import ROOT, VAR

BUCKETS = {
    "place autocomplete (geo.suggest_communes)": ("suggest_communes",),
    "search service (services/search)": ("services/search",),
    "offer page (_load)": ("state/offers/public.py",),
    "PostgreSQL driver (psycopg)": ("psycopg",),
    "SQLAlchemy ORM/core": ("sqlalchemy",),
    "Reflex event processing": ("reflex_base/event", "reflex/state.py", "reflex/app.py"),
    "socket.io / engine.io": ("socketio", "engineio"),
    "JSON (de)serialisation": ("json/", "orjson", "format.py (json_dumps"),
    "pickle (Redis state)": ("pickle", "istate/manager/redis"),
    "maps (folium)": ("folium", "services/maps"),
    "session lookup (accounts)": ("services/accounts/sessions",),
}


def _py_spy() -> str | None:
    local = ROOT / ".venv" / "bin" / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class Profiler:
    def __init__(self, server, enabled: bool, config: str) -> None:
        self.server = server
        self.exe = _py_spy() if enabled else None
        self.config = config
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        self.last: list[Path] = []
        self.users = 0
        if enabled and not self.exe:
            print("  --profile: py-spy not found (pip install py-spy): no profile")

    def begin(self, users: int, seconds: float) -> None:
        if not self.exe:
            return
        self.users = users
        self.procs = []
        for p in self.server.processes():
            out = VAR / f"profile-{self.config}-{users}-{p.pid}.txt"
            cmd = [self.exe, "record", "-p", str(p.pid), "-d", str(int(seconds))]
            cmd += ["-r", "50", "-f", "raw", "-o", str(out), "--nonblocking"]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self.procs.append((proc, out))

    def end(self) -> None:
        if not self.procs:
            return
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.last = [out for _, out in self.procs if out.exists()]
        self.procs = []

    def report(self) -> None:
        if not self.last:
            return
        inclusive: Counter[str] = Counter()
        app: Counter[str] = Counter()
        own: Counter[str] = Counter()
        buckets: Counter[str] = Counter()
        total = 0
        idle = 0
        for path in self.last:
            for line in path.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                n = int(count)
                frames = stack.split(";")
                total += n
                top = frames[-1] if frames else ""
                if any(
                    w in top for w in ("select (", "epoll", "_run_once", "poll (", "wait (")
                ) and not any("mystage" in f for f in frames):
                    idle += n
                own[_short(top)] += n
                if "do_execute" in top or "do_execute" in (frames[-2] if len(frames) > 1 else ""):
                    buckets["SQL executing in the driver (cursor.execute)"] += n
                for f in {_short(f) for f in frames}:
                    inclusive[f] += n
                    if f.endswith(".py)") and "mystage/" in f and "mystage/db.py" not in f:
                        app[f] += n
                for name, needles in BUCKETS.items():
                    if any(any(nd in f for nd in needles) for f in frames):
                        buckets[name] += n
        if not total:
            return
        busy = max(1, total - idle)
        print(
            f"\n  profile of {self.config} at {self.users} users: {total} samples "
            f"({idle / total:.0%} idle in the event loop); shares of the busy samples:"
        )
        for name, n in buckets.most_common():
            print(f"    {n / busy:6.1%}  {name}")
        print("  app functions most present in the stacks (inclusive):")
        for f, n in app.most_common(15):
            print(f"    {n / busy:6.1%}  {f}")
        print("  top functions (inclusive, app and libraries):")
        shown = 0
        for f, n in inclusive.most_common(80):
            if any(s in f for s in ("<module>", "run (", "_run (", "serve", "asyncio/")):
                continue
            print(f"    {n / busy:6.1%}  {f}")
            shown += 1
            if shown >= 15:
                break
        print("  top of stack (self):")
        for f, n in own.most_common(10):
            print(f"    {n / busy:6.1%}  {f}")
        print(f"  raw stacks: {', '.join(str(p.relative_to(ROOT)) for p in self.last)}")


def _short(frame: str) -> str:
    """``func (path/to/site-packages/pkg/mod.py:12)`` → ``func (pkg/mod.py)``."""
    func, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3.11/", str(ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{func} ({where})"
