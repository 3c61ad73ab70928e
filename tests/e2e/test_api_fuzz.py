"""Schemathesis against the production server: every operation of ``/api/v1/openapi.json``,
with an operator's token, on the e2e server's database (SQLite, or PostgreSQL in the CI's
PostgreSQL pass).  Fails on any 5xx, any response (status code, content type, headers, body)
that the OpenAPI document does not describe, any operator route answering without its
token, and any operator route answering 2xx on another's offer or application (fuzz_hooks.py).
No browser: it runs once whatever E2E_VIEWPORTS says, after the browser tests (conftest.py).

``FUZZ_MAX_EXAMPLES`` (default 25 per operation and phase) and ``FUZZ_SEED`` tune a run;
the report (with a curl line reproducing each failure) is printed when it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Operator, OperatorToken
from mystage.services.admin_orgs import SCOPES, TOKEN_PREFIX, hash_api_token
from tests.e2e.conftest import ROOT, server_db

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",
    "others_objects_out_of_reach",  # fuzz_hooks.py
)
PHASES = "examples,coverage,fuzzing,stateful"
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
TIMEOUT_S = 600  # the whole run; a hang fails the test instead of blocking CI


def _foreign_ids() -> dict[str, str]:
    """Offers and applications that exist and are not the fuzzing operator's (the demo's):
    the hooks (fuzz_hooks.py) put them in path parameters, a 2xx on them fails."""
    engine = sa.create_engine(server_db())
    try:
        with engine.connect() as c:
            offers = c.execute(sa.text("SELECT id FROM offers ORDER BY id LIMIT 60")).scalars()
            offers = ",".join(str(x) for x in offers)
            apps = c.execute(sa.text("SELECT id FROM applications ORDER BY id LIMIT 60")).scalars()
            apps = ",".join(str(x) for x in apps)
    finally:
        engine.dispose()
    return {"FUZZ_FOREIGN_OFFERS": offers, "FUZZ_FOREIGN_APPLICATIONS": apps}


def _operator_token() -> str:
    """A fresh operator and its token (every scope, a limit the fuzzer never reaches) in the
    server's database, as the back office makes them: only the token's SHA-256 is stored."""
    raw = TOKEN_PREFIX + "fuzz" + uuid.uuid4().hex
    engine = sa.create_engine(server_db())
    try:
        with Session(engine) as s:
            op = Operator(
                name=f"Opérateur fuzz {uuid.uuid4().hex[:8]}", website="https://exemple.fr"
            )
            s.add(op)
            s.flush()
            s.add(
                OperatorToken(
                    operator_id=op.id,
                    name="fuzz",
                    prefix=raw[:12],
                    token_hash=hash_api_token(raw),
                    scopes=",".join(SCOPES),
                    rate_per_minute=1_000_000,
                )
            )
            s.commit()
    finally:
        engine.dispose()
    return raw


def _seed_offers(server: str, token: str, schema: dict) -> dict[str, str]:
    """A few offers of the fuzzing operator, made through ``POST /offers`` with the document's
    own example (the body's, else one per field): the hooks put their ids and remote ids in path parameters,
    so GET/PUT/DELETE/publish reach existing offers, not only 404s.  None when the route or
    its examples are missing (the run goes on without)."""
    post = schema["paths"].get("/offers", {}).get("post")
    if not post:
        return {}
    ref = post.get("requestBody", {}).get("content", {}).get("application/json", {})
    name = ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
    component = schema.get("components", {}).get("schemas", {}).get(name, {})
    props = component.get("properties", {})
    whole = (component.get("examples") or [None])[0]  # a whole offer, when documented
    body = dict(whole) if isinstance(whole, dict) else {}
    body = body or {k: v["examples"][0] for k, v in props.items() if v.get("examples")}
    ids, remote_ids = [], []
    for n in range(3):
        if "remote_id" in props:
            body["remote_id"] = f"fuzz-{n}"
        r = httpx.post(
            f"{server}/api/v1/offers", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if r.status_code < 300 and isinstance(r.json().get("id"), int):
            ids.append(str(r.json()["id"]))
            remote_ids.append(body.get("remote_id", ""))
        else:
            print(f"POST /offers with the documented examples: {r.status_code} {r.text[:300]}")
    return {"FUZZ_OWN_OFFERS": ",".join(ids), "FUZZ_OWN_REMOTE_IDS": ",".join(remote_ids)}


def test_api_fuzz_no_server_error_and_every_response_in_the_schema(server):
    token = _operator_token()
    me = httpx.get(f"{server}/api/v1/token", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text  # the token works before the fuzzer starts
    schema = httpx.get(f"{server}/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1"), schema.get("openapi")
    operations = sum(len(v) for v in schema["paths"].values())
    foreign = _foreign_ids()  # before the operator makes offers of its own
    seeds = _seed_offers(server, token, schema)

    work = tempfile.mkdtemp(prefix="mystage-fuzz-")  # its cwd: nothing written in the repo
    cmd = [
        str(ROOT / ".venv/bin/st"), "run", f"{server}/api/v1/openapi.json",
        "--url", f"{server}/api/v1",
        "--header", f"Authorization: Bearer {token}",
        "--checks", ",".join(CHECKS),
        "--phases", PHASES,
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",  # hypothesis is not thread-safe here (SystemError in ast.parse)
        "--request-timeout", "30",
        "--generation-database", "none",
        "--suppress-health-check", "too_slow",
        "--output-truncate", "false",
        "--no-color",
    ]  # fmt: skip
    if os.environ.get("FUZZ_SEED"):
        cmd += ["--seed", os.environ["FUZZ_SEED"]]
    start = time.monotonic()
    run = subprocess.run(
        cmd,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={
            **os.environ,
            **foreign,
            **seeds,
            "NO_COLOR": "1",
            "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
            "PYTHONPATH": str(ROOT),
        },
    )
    took = time.monotonic() - start
    shutil.rmtree(work, ignore_errors=True)
    own = len([x for x in seeds.get("FUZZ_OWN_OFFERS", "").split(",") if x])
    summary = (
        f"schemathesis: {operations} operations, {own} offers of its own, {took:.0f} s, "
        f"exit {run.returncode}"
    )
    print(summary)
    print(run.stdout[-3000:])
    if run.returncode != 0:
        pytest.fail(f"{summary}\n{run.stdout[-30000:]}\n{run.stderr[-3000:]}", pytrace=False)
