"""Wait until the app answers ``/_health`` with 200 (systemd ``ExecStartPost``).

    python deploy/wait_health.py [--url URL] [--timeout SECONDS]

Default URL ``http://127.0.0.1:$PORT/_health`` (PORT from the environment file, 3000).
``reflex run --env prod`` builds the front end before it listens (one to a few minutes):
with this step ``systemctl start mystage-web`` returns only once the host can take
traffic, so an upgrade host by host never takes the next one down too early.
Exit 0 when healthy, 1 at the deadline.  Standard library only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own URL
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    port = os.environ.get("PORT") or "3000"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}/_health")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--every", type=float, default=2.0)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    while True:
        if healthy(args.url):
            print(f"{args.url} : 200, prêt.")
            return 0
        if time.monotonic() >= deadline:
            print(
                f"{args.url} ne répond pas 200 après {args.timeout:.0f} s "
                "(not healthy in time): journalctl -u mystage-web",
                file=sys.stderr,
            )
            return 1
        time.sleep(args.every)


if __name__ == "__main__":
    raise SystemExit(main())
