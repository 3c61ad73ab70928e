"""Schemathesis hooks for tests/e2e/test_api_fuzz.py (loaded by ``st run`` through
``SCHEMATHESIS_HOOKS``): path parameters often take the ids of objects that exist but belong to
others (the demo employers' offers, their pupils' applications: ``FUZZ_FOREIGN_OFFERS``,
``FUZZ_FOREIGN_APPLICATIONS``), and a check fails when an operator route hands one out or
changes it (any 2xx)."""

from __future__ import annotations

import os
import re

import schemathesis
from hypothesis import strategies as st


def _ids(name: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, "").split(",") if x.strip()]


FOREIGN = {"offers": _ids("FUZZ_FOREIGN_OFFERS"), "applications": _ids("FUZZ_FOREIGN_APPLICATIONS")}
POOL = sorted({*FOREIGN["offers"], *FOREIGN["applications"]})
_FIRST_ID = re.compile(r"^/(offers|applications)/\{([^}]+)\}")


@schemathesis.hook
def flatmap_path_parameters(ctx, path_parameters):
    """Half the integer path parameters replaced by an id that exists (someone else's)."""
    if not path_parameters or not POOL:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            k: st.one_of(st.just(v), st.sampled_from(POOL)) if type(v) is int else st.just(v)
            for k, v in path_parameters.items()
        }
    )


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
