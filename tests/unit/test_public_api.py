"""The public read API (``/api/v1/public``, mystage/api/v1/public.py) and its CORS.

Requests go through the app's own routes (``mystage.mystage.api``) wrapped as the server
wraps them: Reflex's two CORS layers (its own origins, with credentials), then
:class:`PublicCors` and the security headers outside.  Offers are inserted as in
tests/unit/test_search.py.  Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import warnings

import pytest
from reflex.app import App
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

from mystage.api.security import SecurityHeaders
from mystage.api.v1.cors import PublicCors
from mystage.api.v1.public import NO_RESERVATION
from mystage.models import OfferState, School
from mystage.services import search
from tests.unit.test_search import W1, make_offer, s  # noqa: F401  (fixture s)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

OTHER_SITE = "https://partenaire.example.org"


@pytest.fixture(scope="module")
def client():
    from mystage.mystage import api

    mid = Starlette()
    mid.mount("", api)
    App._add_cors(mid)
    top = Starlette()
    top.mount("", mid)
    App._add_cors(top)
    with TestClient(SecurityHeaders(PublicCors(top)), base_url="http://localhost:3000") as c:
        yield c


@pytest.fixture
def offers(s):  # noqa: F811
    school = s.query(School).first()
    out = {
        "open": make_offer(
            s, "Boulangerie du marché", tutor_name="Jeanne Tutrice", tutor_email="j@x.fr"
        ),
        "other": make_offer(s, "Garage de la gare", employer_name="Garage Dupont"),
        "rep": make_offer(s, "Réservée REP", reserved_rep=True),
        "qpv": make_offer(s, "Réservée QPV", reserved_qpv=True),
        "schools": make_offer(s, "Réservée au collège", school_ids=[school.id]),
        "draft": make_offer(s, "Brouillon", state=OfferState.DRAFT),
        "unpublished": make_offer(s, "Dépubliée", state=OfferState.UNPUBLISHED),
    }
    return {k: o.id for k, o in out.items()}


def test_list_is_the_ui_search_without_any_reserved_offer(client, s, offers):  # noqa: F811
    r = client.get("/api/v1/public/offers")
    assert r.status_code == 200, r.text
    body = r.json()
    ids = [o["id"] for o in body["items"]]
    assert sorted(ids) == sorted([offers["open"], offers["other"]])
    assert body["total"] == 2 and body["pages"] == 1 and body["page"] == 1
    expected = search.search(s, search.SearchCriteria(), viewer=NO_RESERVATION)
    assert ids == [row["id"] for row in expected.results]
    # The UI's anonymous search shows REP/QPV offers with a badge; the API never does.
    anonymous = [row["id"] for row in search.search(s, search.SearchCriteria()).results]
    assert offers["rep"] in anonymous
    assert "Tutrice" not in r.text and "j@x.fr" not in r.text
    assert body["items"][0]["url"].endswith(f"/offres/{ids[0]}")


def test_criteria_pagination_and_french_errors(client, offers):
    r = client.get("/api/v1/public/offers", params={"q": "boulangerie", "where": "Meaux"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [o["id"] for o in body["items"]] == [offers["open"]]
    assert body["place"].startswith("Meaux") and body["center"]["latitude"] > 48
    assert body["items"][0]["distance_km"] is not None

    r = client.get("/api/v1/public/offers", params={"per_page": 1, "page": 2})
    body = r.json()
    assert (body["total"], body["pages"], body["page"], len(body["items"])) == (2, 2, 2, 1)

    r = client.get("/api/v1/public/offers", params={"weeks": [W1.isoformat()], "level": "3e"})
    assert r.status_code == 200 and r.json()["total"] == 2

    r = client.get("/api/v1/public/offers", params={"where": "Zzyzx-sur-Rien"})
    assert r.status_code == 422
    assert r.json()["errors"] == {"where": search.MSG_PLACE}
    for bad in ({"per_page": 51}, {"radius_km": 61}, {"level": "6e"}, {"page": 0}):
        r = client.get("/api/v1/public/offers", params=bad)
        assert r.status_code == 422, bad
        assert list(r.json()["errors"]) == list(bad), r.json()


def test_detail_only_published_unreserved_no_personal_data(client, offers):
    r = client.get(f"/api/v1/public/offers/{offers['open']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["title"] == "Boulangerie du marché" and body["state"] == "published"
    assert body["weeks"][0]["monday"] == W1.isoformat()
    assert "Tutrice" not in r.text and "j@x.fr" not in r.text
    assert not {"contact", "tutor_name", "can_edit", "has_applied"} & set(body)
    for key in ("rep", "qpv", "schools", "draft", "unpublished"):
        r = client.get(f"/api/v1/public/offers/{offers[key]}")
        assert r.status_code == 404, key
        assert r.json() == {"detail": "Offre introuvable ou non publiée."}
    for bad in (0, -1, 10**30):
        assert client.get(f"/api/v1/public/offers/{bad}").status_code == 404


def test_cacheable_with_etag_and_304(client, offers):
    for path in ("/api/v1/public/offers", f"/api/v1/public/offers/{offers['open']}"):
        r = client.get(path)
        assert r.headers["cache-control"] == "public, max-age=60"
        etag = r.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200


def test_cors_open_on_public_paths_only(client, offers):
    r = client.get("/api/v1/public/offers", headers={"Origin": OTHER_SITE})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert "ETag" in r.headers["access-control-expose-headers"]
    # Errors too: the reader's script can show the message.
    r = client.get("/api/v1/public/offers/999999", headers={"Origin": OTHER_SITE})
    assert r.status_code == 404 and r.headers["access-control-allow-origin"] == "*"
    pre = client.options(
        "/api/v1/public/offers",
        headers={
            "Origin": OTHER_SITE,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "If-None-Match" in pre.headers["access-control-allow-headers"]
    # The operator API stays same-origin: Reflex's CORS layer refuses the other site.
    pre = client.options(
        "/api/v1/offers", headers={"Origin": OTHER_SITE, "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 400
    r = client.get("/api/v1/openapi.json", headers={"Origin": OTHER_SITE})
    assert "access-control-allow-origin" not in r.headers


def test_docs_page_lists_every_endpoint_in_french_without_script(client):
    from mystage.api.v1 import build_api

    r = client.get("/api/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script" not in html.lower() and "cdn" not in html.lower()
    assert "src=" not in html and "<link" not in html  # nothing loaded from elsewhere
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "Documentation de l'API MyStage" in html and "Authentification" in html
    doc = build_api().openapi()
    for path, item in doc["paths"].items():
        assert f"/api/v1{path}" in html, path
        for method in item:
            assert f"-X {method.upper()} " in html
    assert "curl -sS" in html and "import httpx" in html and "Successful Response" not in html
    assert 'id="schema-PublicOfferPage"' in html


def test_api_address_with_a_line_break_is_a_json_404(client):
    """Found by schemathesis: %0A in a path parameter fell outside the API's mount (`.*`
    stops at a line break) and got a text/plain 404 the schema does not document."""
    for method in ("GET", "PUT", "DELETE"):
        r = client.request(method, "/api/v1/offers/remote/a%0Ab")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/json"
        assert r.json() == {"detail": "Introuvable."}
    r = client.get("/api/v1/public/offers/x%0Dy")
    assert r.status_code == 404 and r.json() == {"detail": "Introuvable."}
