"""Map documents (services/maps.py, services/map_store.py): render time and size of the
statistics map (2,000 communes) and of a search map, next to a baseline measured in the
same run — the same points drawn the folium way (one ``folium.Marker`` with its
``Tooltip`` and ``Popup`` per point, one block of JavaScript each), which is what the app
did before issue 12.  Also: store + read + Content-Security-Policy of one document (what
``/api/carte/<key>`` does per request).  Prints figures, asserts nothing.

    .venv/bin/python bench/maps.py [--points 2000] [-n 5]
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402

from mystage.services import map_store, maps  # noqa: E402


def _points(n: int, seed: int = 12) -> list[maps.Point]:
    rnd = random.Random(seed)
    return [
        maps.Point(
            rnd.uniform(42.5, 51.0),
            rnd.uniform(-4.5, 8.0),
            f"Commune {i} : {rnd.randint(1, 40)} offres",
            f"/offres/{i}" if i % 2 else "",
        )
        for i in range(n)
    ]


def _baseline(points: list[maps.Point]) -> str:
    """One folium Marker + Tooltip + Popup per point (the former render_map)."""
    m = maps._LocalMap(location=[46.6, 2.4], zoom_start=6, tiles=None)
    layer = maps._LocalCluster().add_to(m)
    for p in points:
        text = html.escape(p.label)
        body = f'<a href="{html.escape(p.url)}" target="_top">{text}</a>' if p.url else text
        folium.Marker(
            [p.latitude, p.longitude], popup=folium.Popup(body, max_width=260), tooltip=p.label
        ).add_to(layer)
    return m.get_root().render()


def _time(fn, n: int) -> tuple[float, object]:
    out = None
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("-n", type=int, default=5, help="runs per measure (median)")
    args = ap.parse_args()
    print(f"{'map':<28} {'way':<22} {'render ms':>10} {'KiB':>8} {'gzip KiB':>9}")
    for name, n_points in (("statistics", args.points), ("search", 150)):
        pts = _points(n_points)
        for way, fn in (
            ("app (JSON + 1 script)", lambda pts=pts: maps.render_map(pts, cluster=True, fit=True)),
            ("baseline (folium)", lambda pts=pts: _baseline(pts)),
        ):
            ms, doc = _time(fn, args.n)
            raw = doc.encode()
            print(
                f"{name + f' ({n_points} pts)':<28} {way:<22} {ms:>10.1f} "
                f"{len(raw) / 1024:>8.1f} {len(gzip.compress(raw)) / 1024:>9.1f}"
            )
    doc = maps.render_map(_points(args.points), cluster=True, fit=True)
    map_store.reset()
    ms_put, url = _time(lambda: map_store.publish(doc), args.n)
    key = map_store.key_from_url(url)
    ms_get, _ = _time(lambda: map_store.get(key), args.n)
    ms_csp, _ = _time(lambda: maps.content_security_policy(doc), args.n)
    print(
        f"\nstatistics document, in-process store: publish {ms_put:.2f} ms, "
        f"get {ms_get:.3f} ms, CSP of the document {ms_csp:.2f} ms"
    )


if __name__ == "__main__":
    main()
