"""Load benchmark of the real thing: virtual users over Reflex's websocket protocol.

Usage::

    .venv/bin/python bench/load.py --config all                 # ≤ 15 min, demo data
    .venv/bin/python bench/load.py --config sqlite1 --quick     # ~2 min
    .venv/bin/python bench/load.py --config pg2redis --data campaign --steps 100,200,400
    .venv/bin/python bench/load.py --config sqlite1 --profile   # py-spy of the worker

Configurations (each on its own database and its own copy of the compiled front end):

- ``sqlite1``: one worker, SQLite (what `make run` serves);
- ``pg1``: one worker, PostgreSQL (database ``load_pg1``);
- ``pg2redis``: two granian workers (``GRANIAN_WORKERS=2``), PostgreSQL + Redis (db 11);
- ``twohosts``: two app hosts in network namespaces behind nginx, one PostgreSQL, one
  Redis (``tests/support/hosts.py``); skipped with a message when that module is absent;
- ``echo`` (always run last unless ``--no-echo``): the floor, a bare socket.io server
  answering the same frames with replies of the same sizes (``loadkit/echo.py``).

Data: ``demo`` (``make run``'s demo) or ``campaign`` (the demo plus bench/search.py's
generated offers, ``--offers``, 200,000 by default; generated once into a template).

Each configuration ramps 50 → 100 → 200 → 400 → 800 users (``--steps``), measures each
step over ``--window`` seconds once its users are in, and stops at saturation (p95 of all
actions over 2 s, or more than 1 % errors).  Prints per event kind p50/p95/p99 from send
to the delta that completes it, errors, events/s (frames sent by the clients), server CPU
and RSS per worker, Redis bytes of state per client; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from loadkit import profiling, servers  # noqa: E402
from loadkit.client import Frontend  # noqa: E402
from loadkit.runner import ms, print_step, ramp  # noqa: E402

CONFIGS = ("sqlite1", "pg1", "pg2redis", "twohosts")
PORT_BASE = 18000  # helper « load »: 18000-18199


def _hosts_module():
    try:
        from tests.support import hosts  # written by helper « hosts »
    except ImportError as exc:
        print(
            f"  twohosts: skipped — tests/support/hosts.py is not on this branch ({exc}). "
            "It provides `with two_hosts(db_url, redis_url, *, port) as h` (h.url, "
            "h.host_urls, h.kill(i), h.start(i), h.pids(i))."
        )
        return None
    return hosts


def run_config(config: str, args, port: int, budget_s: float) -> dict | None:
    """Prepare, start and ramp ``config``; its steps get ``budget_s`` seconds from the
    moment its server answers (a data set's first template is not counted)."""
    print(f"\n=== {config} ({args.data}) ===")
    kind = "sqlite" if config == "sqlite1" else "postgres"
    redis_url = servers.REDIS_URL if config in ("pg2redis", "twohosts") else None
    workers = 2 if config == "pg2redis" else None
    hosts = _hosts_module() if config == "twohosts" else None
    if config == "twohosts" and hosts is None:
        return None
    started = time.perf_counter()
    db_url = servers.prepare_database(kind, config, args.data, args.offers)
    prepare_s = time.perf_counter() - started
    fixture = servers_fixture(db_url, max(args.steps))
    print(
        f"  database and {len(fixture.pupils)} pupil sessions in {time.perf_counter() - started:.0f} s"
    )
    if config == "twohosts":
        if reason := getattr(hosts, "unavailable", lambda: None)():
            print(f"  twohosts: skipped — {reason}")
            return None
        try:  # plain http behind nginx when the module offers it (no TLS work in the figures)
            ctx = hosts.two_hosts(db_url, redis_url, port=port, tls=False)
        except TypeError:
            ctx = hosts.two_hosts(db_url, redis_url, port=port)
    else:
        ctx = servers.app_server(port, db_url, redis_url, workers)
    with ctx as h:
        if config == "twohosts":
            pids = [p for i in range(2) for p in _as_list(h.pids(i))]
            server = servers.Server(h.url, None, servers.web_workdir(), redis_url, None, pids)
        else:
            server = h
        deadline = time.time() + budget_s
        frontend = Frontend(server.web_dir if server.web_dir.exists() else ROOT / ".web")
        sampler = servers.ProcSampler(server)
        prof = profiling.Profiler(server, args.profile, config) if args.profile else None

        def on_step(step):
            print_step(config, step)

        steps, sizes = asyncio.run(
            ramp(
                server.url,
                fixture,
                frontend,
                args.steps,
                args.window,
                sampler=sampler,
                redis_probe=(lambda: servers.redis_state_bytes(redis_url)) if redis_url else None,
                deadline=deadline,
                on_step=on_step,
                profiler=prof,
            )
        )
        if prof:
            prof.report()
    return {
        "config": config,
        "steps": steps,
        "sizes": sizes,
        "fixture": fixture,
        "prepare_s": prepare_s if prepare_s > 60 else 0,
    }


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple, set)) else [x]


def servers_fixture(db_url: str, users: int):
    from loadkit.accounts import build_fixture

    return build_fixture(db_url, users)


def run_echo(args, port: int, sizes: dict, fixture, deadline: float, steps: list[int]) -> dict:
    print("\n=== echo (bare socket.io, same frames, same reply sizes) ===")
    env = {k: v for k, v in os.environ.items() if k != "GRANIAN_WORKERS"}
    env["LOAD_ECHO_SIZES"] = json.dumps(sizes)
    env["LOAD_ECHO_MARKERS"] = json.dumps(
        {"search": fixture.names.search, "offer": fixture.names.offer}
    )
    env["PYTHONPATH"] = str(ROOT / "bench")
    log = open(servers.VAR / "echo.log", "w")  # noqa: SIM115
    cmd = [str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--log-level", "warning", "loadkit.echo:app"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT / "bench", env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                import httpx

                httpx.get(url + "/_event/?EIO=4&transport=polling", timeout=1)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.2)
        server = servers.Server(url, proc, servers.VAR / "none")
        results, _ = asyncio.run(
            ramp(
                url,
                fixture,
                Frontend(None),
                steps,
                args.window,
                sampler=servers.ProcSampler(server),
                deadline=deadline,
                on_step=lambda s: print_step("echo", s),
            )
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # granian waits for its 800 sockets: no summary lost
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    return {"config": "echo", "steps": results}


def _kind_p95(step, prefix: str) -> float:
    if step is None:
        return float("nan")
    for kind, v in step.kinds.items():
        if kind.startswith(prefix):
            return v["p95"]
    return float("nan")


def summary(runs: list[dict], data: str) -> None:
    echo = next((r for r in runs if r["config"] == "echo"), None)
    print(f"\n=== summary ({data} data; events/s = frames sent by the clients) ===")
    print(
        f"{'config':<10}{'users ok':>9}{'sat. at':>8}{'peak ev/s':>10}{'search p95@100':>15}"
        f"{'hydrate p95@100':>16}{'p95 all@100':>12}{'× echo@100':>11}{'err@peak':>9}"
        f"{'state KB/client':>16}"
    )
    echo100 = next((s for s in echo["steps"] if s.users == 100), None) if echo else None
    for r in runs:
        steps = r["steps"]
        if not steps:
            continue
        ok = [s for s in steps if not s.saturated]
        sat = next((s.users for s in steps if s.saturated), None)
        best = max(steps, key=lambda s: s.events_per_s)
        at100 = next((s for s in steps if s.users == 100), None)
        p95 = at100.p95 if at100 else float("nan")
        ratio = f"{p95 / echo100.p95:.0f}×" if echo100 and at100 and r is not echo else "-"
        redis = next((s.redis for s in reversed(steps) if s.redis), None)
        print(
            f"{r['config']:<10}{(ok[-1].users if ok else 0):>9}{sat or '-':>8}"
            f"{best.events_per_s:>10.0f}{ms(_kind_p95(at100, 'search (')):>15}"
            f"{ms(_kind_p95(at100, 'hydrate /offres')):>16}{ms(p95):>12}{ratio:>11}"
            f"{best.errors:>9}"
            f"{(redis['bytes_per_client'] / 1024 if redis else float('nan')):>16.1f}"
        )
    print(
        "users ok: the largest step under p95 2 s and 1 % errors; sat. at: the first step "
        "over it; peak ev/s: the best step's events/s; × echo@100: p95 of all actions at "
        "100 users over the echo's with the same clients (ms: send → the delta completing "
        "the action)."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="sqlite1", choices=(*CONFIGS, "all"))
    ap.add_argument("--data", default="demo", choices=("demo", "campaign"))
    ap.add_argument("--offers", type=int, default=200_000, help="campaign offers")
    ap.add_argument("--steps", default="50,100,200,400,800", help="users per step")
    ap.add_argument("--window", type=float, default=20.0, help="seconds measured per step")
    ap.add_argument("--quick", action="store_true", help="steps 50,100,200, 10 s windows")
    ap.add_argument("--max-minutes", type=float, default=15.0, help="whole-run budget")
    ap.add_argument("--port", type=int, default=PORT_BASE)
    ap.add_argument("--no-echo", action="store_true")
    ap.add_argument("--profile", action="store_true", help="py-spy on the workers per step")
    ap.add_argument("--drop", action="store_true", help="drop the load_* databases at the end")
    ap.add_argument(
        "--app-dir",
        help="serve the app of another checkout (e.g. a worktree of an earlier commit, "
        "same schema) to the same clients: a before/after",
    )
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # servers stopped on the way out
    args.steps = [int(x) for x in args.steps.split(",") if x.strip()]
    if args.quick:
        args.steps = [s for s in args.steps if s <= 200] or [50, 100, 200]
        args.window = min(args.window, 10.0)
    configs = list(CONFIGS) if args.config == "all" else [args.config]
    if args.app_dir:
        servers.APP_DIR = Path(args.app_dir).resolve()
        print(f"app served from {servers.APP_DIR}")
    deadline = time.time() + args.max_minutes * 60  # without the first build of templates
    servers.VAR.mkdir(parents=True, exist_ok=True)
    runs = []
    for i, config in enumerate(configs):
        # Each remaining configuration (and the echo) gets an equal share of what is left.
        left = len(configs) - i + (0 if args.no_echo else 0.5)
        share = max(60.0, (deadline - time.time()) / left)
        port = args.port + (50 if config == "twohosts" else i)  # two hosts use port..port+3
        started = time.time()
        run = run_config(config, args, port, share)
        if run:
            deadline += run.get("prepare_s", 0)  # a template built once does not count
        elif time.time() - started > 60:
            deadline += time.time() - started
        if run:
            runs.append(run)
    if runs and not args.no_echo:
        sizes = runs[0]["sizes"]
        top = (
            max(s.users for r in runs for s in r["steps"]) if any(r["steps"] for r in runs) else 100
        )
        steps = [s for s in args.steps if s <= top]
        echo_deadline = max(deadline, time.time() + 120) + 60
        runs.append(run_echo(args, args.port + 10, sizes, runs[0]["fixture"], echo_deadline, steps))
    summary(runs, args.data)
    if args.drop:
        servers.drop_databases(keep_templates=False)


if __name__ == "__main__":
    main()
