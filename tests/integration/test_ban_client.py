"""The BAN address API client against a real local HTTP server replaying BAN responses.

The server (stdlib ``http.server`` in a thread) records every request and answers with a
fixture from ``tests/fixtures/ban/``, an HTTP 500, garbage, or nothing in time.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mystage import settings
from mystage.services import geo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ban"

NANTES_ADDRESS = "2 rue de l'Hôtel de Ville 44000 Nantes"


class BanReplay:
    """Controls what the fake BAN answers and remembers what it was asked."""

    def __init__(self) -> None:
        self.status = 200
        self.fixture = "housenumber_nantes.json"
        self.body: bytes | None = None  # raw body instead of a fixture
        self.delay = 0.0
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                parts = urlsplit(self.path)
                with replay.lock:
                    replay.requests.append(
                        {
                            "path": parts.path,
                            "query": parse_qs(parts.query),
                            "headers": dict(self.headers),
                        }
                    )
                if replay.delay:
                    time.sleep(replay.delay)
                if replay.status != 200:
                    body = json.dumps({"code": replay.status, "message": "Erreur"}).encode()
                elif replay.body is not None:
                    body = replay.body
                else:
                    body = (FIXTURES / replay.fixture).read_bytes()
                try:
                    self.send_response(replay.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args) -> None:
                pass

        return Handler


def _set_geocoder(url: str | None) -> None:
    if url is None:
        os.environ.pop("GEOCODER_URL", None)
    else:
        os.environ["GEOCODER_URL"] = url
    settings.reload()


@pytest.fixture
def ban():
    replay = BanReplay()
    server = ThreadingHTTPServer(("127.0.0.1", 0), replay.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    previous = os.environ.get("GEOCODER_URL")
    _set_geocoder(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield replay
    finally:
        _set_geocoder(previous)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def s(reference_db, dbs):
    return dbs


def _embedded_nantes(s) -> geo.GeoResult:
    """What the embedded data say for Nantes 44000 (geocoder switched off)."""
    url = os.environ.pop("GEOCODER_URL")
    settings.reload()
    try:
        r = geo.geocode(s, "44000")
    finally:
        os.environ["GEOCODER_URL"] = url
        settings.reload()
    assert r is not None and r.city == "Nantes"
    return r


def test_address_found_uses_server_coordinates(s, ban):
    r = geo.geocode_address(s, NANTES_ADDRESS)
    assert r is not None
    assert (r.latitude, r.longitude) == (47.218371, -1.553621)  # [lon, lat] in GeoJSON
    assert r.precision == "address"
    assert r.label == "2 Rue de l'Hôtel de Ville 44000 Nantes"
    assert (r.postal_code, r.insee_code, r.city, r.department_code) == (
        "44000",
        "44109",
        "Nantes",
        "44",
    )
    # The request really reached the server, with the expected query string.
    assert len(ban.requests) == 1
    req = ban.requests[0]
    assert req["path"] == "/search/"
    assert req["query"] == {"q": [NANTES_ADDRESS], "limit": ["1"]}


def test_geocode_sends_addresses_to_ban_but_not_places(s, ban):
    r = geo.geocode(s, NANTES_ADDRESS)
    assert r.precision == "address" and r.latitude == 47.218371
    assert len(ban.requests) == 1
    # Postal codes, departments and commune names stay local (no network round trip).
    assert geo.geocode(s, "Nantes").insee_code == "44109"
    assert geo.geocode(s, "77").precision == "department"
    assert geo.geocode(s, "93200").insee_code == "93066"
    assert len(ban.requests) == 1


def test_street_result(s, ban):
    ban.fixture = "street_paris.json"
    r = geo.geocode_address(s, "rue de la Paix Paris")
    assert r.precision == "address"
    assert (r.insee_code, r.postal_code, r.city) == ("75102", "75002", "Paris")
    assert (r.latitude, r.longitude) == (48.868999, 2.331397)
    assert ban.requests[0]["query"]["q"] == ["rue de la Paix Paris"]


def test_municipality_result_is_commune_precision(s, ban):
    ban.fixture = "municipality_meaux.json"
    r = geo.geocode_address(s, "Meaux")
    assert (r.precision, r.insee_code, r.label) == ("commune", "77284", "Meaux")
    assert (r.latitude, r.longitude) == (48.960074, 2.878741)


@pytest.mark.parametrize(
    "failure",
    ["http_500", "http_503", "empty", "low_score", "not_json", "wrong_shape", "bad_coords"],
)
def test_failures_fall_back_to_embedded_commune(s, ban, failure):
    expected = _embedded_nantes(s)
    if failure.startswith("http_"):
        ban.status = int(failure[5:])
    elif failure == "empty":
        ban.fixture = "empty.json"
    elif failure == "low_score":
        ban.fixture = "low_score.json"
    elif failure == "not_json":
        ban.body = b"<html><body>Bad Gateway</body></html>"
    elif failure == "wrong_shape":
        ban.body = b'{"type": "FeatureCollection", "features": [{"geometry": null}]}'
    elif failure == "bad_coords":
        data = json.loads((FIXTURES / "housenumber_nantes.json").read_text())
        data["features"][0]["geometry"]["coordinates"] = ["abc", None]
        ban.body = json.dumps(data).encode()
    r = geo.geocode_address(s, "12 rue de la Paix 44000 Nantes")
    assert len(ban.requests) == 1  # the server was asked…
    assert r is not None  # …and the embedded data answered
    assert r.precision == "commune"
    assert (r.latitude, r.longitude) == (expected.latitude, expected.longitude)
    assert (r.insee_code, r.postal_code, r.city) == ("44109", "44000", "Nantes")


def test_timeout_falls_back_quickly(s, ban, monkeypatch):
    monkeypatch.setattr("mystage.services.geo.geocoding.BAN_TIMEOUT_S", 0.3)
    ban.delay = 2.0
    expected = _embedded_nantes(s)
    started = time.perf_counter()
    r = geo.geocode_address(s, "12 rue de la Paix 44000 Nantes")
    elapsed = time.perf_counter() - started
    assert len(ban.requests) == 1
    assert elapsed < 1.5
    assert (r.latitude, r.longitude, r.precision) == (
        expected.latitude,
        expected.longitude,
        "commune",
    )


def test_unreachable_server_falls_back(s):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    previous = os.environ.get("GEOCODER_URL")
    _set_geocoder(f"http://127.0.0.1:{port}")
    try:
        r = geo.geocode_address(s, "12 rue de la Paix 44000 Nantes")
    finally:
        _set_geocoder(previous)
    assert r is not None and (r.city, r.precision) == ("Nantes", "commune")


def test_bad_input_never_reaches_the_server(s, ban):
    for q in ("", "   ", None, "x" * 500, "a"):
        assert geo.geocode_address(s, q) is None
        assert geo.geocode(s, q) is None
    assert ban.requests == []


def test_injection_string_returns_none(s, ban):
    ban.fixture = "low_score.json"  # what the real BAN answers to such text
    for q in ("'; DROP TABLE communes; --", "1' OR '1'='1"):
        assert geo.geocode(s, q) is None
        assert geo.geocode_address(s, q) is None
    assert all(r["path"] == "/search/" for r in ban.requests)
    assert ban.requests[0]["query"]["q"] == ["'; DROP TABLE communes; --"]
