"""Issue 12: the client address recorded by the HTTP login route, through a real server
(uvicorn on 127.0.0.1) receiving forged X-Forwarded-For headers: ignored while the peer is
not a trusted proxy, used (right-most untrusted entry) once TRUSTED_PROXIES names it."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette

from mystage.api.auth_routes import routes
from mystage.models import AuthSession, User
from mystage.services import accounts

PW = "un stage à la mairie du village"


@pytest.fixture
def base_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # proxy_headers=False: uvicorn would otherwise rewrite the peer itself from the header
    # (it trusts 127.0.0.1 by default); granian, which serves `reflex run --env prod`, never
    # does, so our rule is the only one applied.
    config = uvicorn.Config(
        Starlette(routes=routes),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def login_from(dbs, base_url: str, forwarded_for: str) -> str:
    """Open a session through ``/api/session`` with a forged X-Forwarded-For; the address
    the server recorded for it."""
    user = dbs.exec(select(User).where(User.email == "nat@exemple.fr")).first()
    if user is None:
        user, errors = accounts.create_active_account(
            dbs, role="eleve", email="nat@exemple.fr", password=PW, first_name="Nat"
        )
        assert not errors
        dbs.commit()
    grant = accounts.issue_login_grant(dbs, user)
    response = httpx.get(
        f"{base_url}/api/session",
        params={"grant": grant},
        headers={"X-Forwarded-For": forwarded_for},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    dbs.rollback()
    rows = dbs.exec(
        select(AuthSession).order_by(AuthSession.id).execution_options(populate_existing=True)
    ).all()
    return rows[-1].ip


def test_forged_header_from_an_untrusted_peer_is_ignored(dbs, base_url, trusted):
    trusted(None)  # the default: no proxy trusted
    assert login_from(dbs, base_url, "198.51.100.23") == "127.0.0.1"
    trusted("10.0.0.0/8")  # a proxy, but not this peer
    assert login_from(dbs, base_url, "198.51.100.23") == "127.0.0.1"


def test_header_of_a_trusted_proxy_is_used(dbs, base_url, trusted):
    trusted("127.0.0.1")
    assert login_from(dbs, base_url, "198.51.100.23") == "198.51.100.23"
    # The client's own additions on the left are not believed.
    assert login_from(dbs, base_url, "6.6.6.6, 198.51.100.24") == "198.51.100.24"
