"""Cost of the password rules (zxcvbn taught French) next to one argon2id hash.

Every place a password is set runs ``passwords.password_error`` once (twice for a reset by
link) in a database thread; the baseline is the argon2id hash the same request computes
anyway.  Inputs: realistic passwords of the sign-up forms, then adversarial ones (long,
full of l33t symbols, random) that someone could post again and again.  Prints figures,
asserts nothing.

    .venv/bin/python bench/passwords.py [-n 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mystage.services.accounts import passwords  # noqa: E402

INPUTS = ("Inès", "Martin", "ines.martin@exemple.fr", "06 12 34 56 78")


def realistic(rng: random.Random) -> str:
    words = ["stage", "boulangerie", "girafe", "nuage", "Loire", "vélo", "rouge", "jardin"]
    return rng.choice(
        [
            " ".join(rng.sample(words, 3)),
            "azertyuiop" + str(rng.randint(1000, 9999)),
            rng.choice(words).capitalize() + str(rng.randint(2000, 2026)) + "!",
            "un stage à la " + rng.choice(words) + " " + str(rng.randint(1, 99)),
        ]
    )


def adversarial(rng: random.Random) -> str:
    pool = rng.choice(["4@8({[<3691!|7+0$5%2abcdefgh", string.printable[:94], "a1!|l7"])
    return "".join(rng.choice(pool) for _ in range(128))


def measure(fn, values: list[str]) -> list[float]:
    out = []
    for v in values:
        t = time.perf_counter()
        fn(v)
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (
        f"{name:34} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    n = parser.parse_args().n
    rng = random.Random(12)
    passwords.use_fast_hashing(False)  # the production cost
    print(line("argon2id hash (baseline)", measure(passwords.hash_password, ["x" * 16] * 20)))
    real = [realistic(rng) for _ in range(n)]
    bad = [adversarial(rng) for _ in range(n)]
    check = lambda p: passwords.password_error(p, INPUTS)  # noqa: E731
    print(line("password_error, realistic", measure(check, real)))
    print(line("password_error, adversarial 128", measure(check, bad)))


if __name__ == "__main__":
    main()
