"""The ramp: add virtual users step by step (50, 100, 200, …), measure each step over a
window once its users are in, stop at saturation (p95 of all actions over 2 s, or more
than 1 % errors), print a table per step and a summary."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

import aiohttp

from loadkit.client import Frontend, Result, Tab
from loadkit.scenarios import Fixture, virtual_user

SATURATED_P95_S = 2.0
SATURATED_ERRORS = 0.01


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class Recorder:
    def __init__(self) -> None:
        self.key_bytes: dict[str, list[int]] = defaultdict(list)  # whole run, for the echo
        self.reset()

    def reset(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.nbytes: dict[str, list[int]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_kinds: dict[str, int] = defaultdict(int)
        self.sent = 0

    def __call__(self, kind: str, res: Result) -> None:
        if kind != "search (submit→results)":  # a sum of two recorded exchanges
            self.sent += 1
        if res.ok:
            self.lat[kind].append(res.latency)
            self.nbytes[kind].append(res.nbytes)
            if res.key:
                self.key_bytes[res.key].append(res.nbytes)
        else:
            self.errors[kind] += 1
            self.error_kinds[res.error.split(":")[0]] += 1


@dataclass
class Step:
    users: int
    seconds: float
    kinds: dict[str, dict]
    sent: int
    errors: int
    proc: dict | None
    redis: dict | None
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def events_per_s(self) -> float:
        return self.sent / self.seconds

    def all_latencies(self) -> list[float]:
        return [x for k in self.kinds.values() for x in k["lat"]]

    @property
    def p95(self) -> float:
        return pct(self.all_latencies(), 95)

    @property
    def error_rate(self) -> float:
        return self.errors / max(1, self.sent)

    @property
    def saturated(self) -> bool:
        return self.p95 > SATURATED_P95_S or self.error_rate > SATURATED_ERRORS


def _summarise(rec: Recorder) -> dict[str, dict]:
    out = {}
    for kind in sorted(set(rec.lat) | set(rec.errors)):
        lat = rec.lat.get(kind, [])
        out[kind] = {
            "n": len(lat),
            "errors": rec.errors.get(kind, 0),
            "lat": lat,
            "p50": pct(lat, 50),
            "p95": pct(lat, 95),
            "p99": pct(lat, 99),
            "bytes": statistics.mean(rec.nbytes[kind]) if rec.nbytes.get(kind) else 0,
        }
    return out


async def ramp(
    url: str,
    fixture: Fixture,
    frontend: Frontend,
    steps: list[int],
    window_s: float,
    sampler=None,
    redis_probe=None,
    deadline: float | None = None,
    seed: int = 2026,
    on_step=None,
    profiler=None,
) -> tuple[list[Step], dict[str, int]]:
    rec = Recorder()
    conn = aiohttp.TCPConnector(limit=0, force_close=False)
    http = aiohttp.ClientSession(connector=conn)
    tasks: list[asyncio.Task] = []
    results: list[Step] = []

    def make_tab(cookie: str | None) -> Tab:
        return Tab(http, url, frontend, rec, cookie)

    try:
        for target in steps:
            if deadline is not None and time.time() + window_s + 10 > deadline:
                print(f"  (time budget reached: step {target} skipped)")
                break
            # New users arrive over a few seconds (not a connect storm), then a settling
            # window before measuring, so every user is in its loop.
            new = target - len(tasks)
            spread = min(10.0, max(2.0, new / 25))
            for _ in range(new):
                n = len(tasks)
                tasks.append(asyncio.create_task(virtual_user(n, make_tab, fixture, seed)))
                await asyncio.sleep(spread / max(1, new))
            await asyncio.sleep(min(5.0, window_s / 4))
            rec.reset()
            if sampler:
                sampler.begin()
            if profiler:
                profiler.begin(target, window_s)
            t0 = time.perf_counter()
            await asyncio.sleep(window_s)
            seconds = time.perf_counter() - t0
            if profiler:
                await asyncio.to_thread(profiler.end)
            snap = (rec.lat, rec.nbytes, rec.errors, rec.sent, rec.error_kinds)
            rec.reset()
            frozen = Recorder()
            frozen.lat, frozen.nbytes, frozen.errors, frozen.sent, frozen.error_kinds = snap
            proc = sampler.end() if sampler else None
            redis = redis_probe() if redis_probe else None
            step = Step(
                target,
                seconds,
                _summarise(frozen),
                frozen.sent,
                sum(frozen.errors.values()),
                proc,
                redis,
                dict(frozen.error_kinds),
            )
            results.append(step)
            if on_step:
                on_step(step)
            if step.saturated:
                break
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await http.close()
    sizes = {k: int(statistics.median(v)) for k, v in rec.key_bytes.items() if v}
    return results, sizes


# --- printing ---------------------------------------------------------------------------


def ms(x: float) -> str:
    return "-" if x != x else f"{x * 1000:.0f}"


def print_step(label: str, step: Step) -> None:
    proc = step.proc or {}
    workers = proc.get("workers") or []
    cpu = " ".join(f"{w['cpu']:.0f}%" for w in workers) or "-"
    rss = " ".join(f"{w['rss_mb']:.0f}" for w in workers) or "-"
    flag = "  SATURATED" if step.saturated else ""
    print(
        f"\n[{label}] {step.users} users, {step.seconds:.0f} s: {step.events_per_s:.0f} events/s, "
        f"p95 all {ms(step.p95)} ms, errors {step.errors} ({step.error_rate:.1%}){flag}"
    )
    print(
        f"  server workers CPU {cpu}  RSS MB {rss}  | load generator CPU "
        f"{proc.get('generator_cpu', 0):.0f}%  machine CPU {proc.get('machine_cpu', 0):.0f}%"
    )
    if step.redis:
        r = step.redis
        print(
            f"  Redis state: {r['bytes_per_client'] / 1024:.1f} KB per client "
            f"({r['keys_per_client']:.1f} keys, max {r.get('max_bytes', 0) / 1024:.1f} KB, "
            f"{r['clients']} clients)"
        )
    if step.error_kinds:
        print("  errors: " + ", ".join(f"{k} ×{v}" for k, v in step.error_kinds.items()))
    print(f"  {'event kind':<28}{'n':>6}{'err':>5}{'p50':>7}{'p95':>7}{'p99':>7}{'KB':>7}")
    for kind, k in step.kinds.items():
        print(
            f"  {kind:<28}{k['n']:>6}{k['errors']:>5}{ms(k['p50']):>7}{ms(k['p95']):>7}"
            f"{ms(k['p99']):>7}{k['bytes'] / 1024:>7.1f}"
        )


def peak(steps: list[Step]) -> Step | None:
    ok = [s for s in steps if not s.saturated] or steps
    return max(ok, key=lambda s: s.events_per_s) if ok else None


def random_seed() -> int:
    return random.randrange(1 << 30)
