"""Schemathesis hooks for tests/e2e/test_api_fuzz.py (loaded by ``st run`` through
``SCHEMATHESIS_HOOKS``): path parameters often take the ids of objects that exist — the
fuzzing operator's own offers (``FUZZ_OWN_OFFERS``, ``FUZZ_OWN_REMOTE_IDS``: the fuzzer reaches
past the 404s) and others' (the demo employers' offers, their pupils' applications:
``FUZZ_FOREIGN_OFFERS``, ``FUZZ_FOREIGN_APPLICATIONS``) — and a check fails when an operator
route hands one of the others' out or changes it (any 2xx)."""

from __future__ import annotations

import os
import re

import schemathesis
from hypothesis import strategies as st


def _ids(name: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, "").split(",") if x.strip()]


FOREIGN = {"offers": _ids("FUZZ_FOREIGN_OFFERS"), "applications": _ids("FUZZ_FOREIGN_APPLICATIONS")}
OWN = _ids("FUZZ_OWN_OFFERS")
OWN_REMOTE = [x for x in os.environ.get("FUZZ_OWN_REMOTE_IDS", "").split(",") if x]
POOL = sorted({*OWN, *FOREIGN["offers"], *FOREIGN["applications"]})
_FIRST_ID = re.compile(r"^/(offers|applications)/\{([^}]+)\}")


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    """Half the path parameters replaced by an id that exists (its own or someone else's)."""
    if not path_parameters:
        return st.just(path_parameters)

    def values(name, value):
        pool = POOL if type(value) is int else OWN_REMOTE if "remote" in name else []
        return st.one_of(st.just(value), st.sampled_from(pool)) if pool else st.just(value)

    return st.fixed_dictionaries({k: values(k, v) for k, v in path_parameters.items()})


@schemathesis.check
def others_objects_out_of_reach(ctx, response, case):
    """``/offers/{id}…`` and ``/applications/{id}…`` (the operator routes) never answer 2xx
    for an offer or an application that is not the token's operator's."""
    match = _FIRST_ID.match(case.operation.path)
    if match is None or not 200 <= response.status_code < 300:
        return None
    kind, name = match.groups()
    value = (case.path_parameters or {}).get(name)
    if type(value) is int and value in FOREIGN[kind]:
        raise AssertionError(
            f"{case.method} {case.operation.path} avec {name}={value} (un objet d'un autre) "
            f"a répondu {response.status_code}"
        )
    return None
