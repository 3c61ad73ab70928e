"""The operators' offers API (issue 19): ``/api/v1/offers`` through FastAPI's TestClient on
the test database — the form's rules and messages, ``remote_id`` idempotency, one
operator never sees another's offers, revoked tokens and the rate limit, and an API offer
found by the search, on the map, and applied to through the normal flow."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from mystage import clock
from mystage.api.v1 import build_api
from mystage.models import Offer, OfferState, Operator, OperatorToken, Role, User
from mystage.services import admin_orgs, applications, offers, platform
from mystage.services.search import SearchCriteria, map_points, search
from tests.unit.test_applications import MOTIVATION, make_pupil, post, school_fixture  # noqa: F401
from tests.unit.test_offers import NOW, W1, W2, make_user, sector_id

RAW_A = "mst_" + "a" * 40
RAW_B = "mst_" + "b" * 40


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def make_operator(
    s, name: str, raw: str, scopes="offers:read,offers:write,applications", rate=1000
):
    op = Operator(name=name)
    s.add(op)
    s.flush()
    token = OperatorToken(
        operator_id=op.id, name="test", prefix=raw[:12], token_hash=admin_orgs.hash_api_token(raw),
        scopes=scopes, rate_per_minute=rate,
    )  # fmt: skip
    s.add(token)
    s.commit()
    return op.id, token.id


@pytest.fixture
def api(s):
    make_operator(s, "Tous en stage", RAW_A)
    make_operator(s, "JobIRL", RAW_B)
    return TestClient(build_api())


def h(raw=RAW_A) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def body(s, remote_id="offre-1", **over) -> dict:
    data = {
        "remote_id": remote_id,
        "employer_name": "Boulangerie Martin",
        "employer_description": "Boulangerie artisanale du centre-ville.",
        "street": "3 quai Ceineray",
        "postal_code": "44000",
        "city": "Nantes",
        "title": "Découverte du métier de boulanger",
        "description": "Découvrir la fabrication du pain et la vente en boutique.",
        "sector_id": sector_id(s),
        "handicap_motor": True,
        "level_3e": True,
        "weeks": [W1, W2],
        "places": 2,
        "hours_start": "09:00",
        "hours_end": "17:00",
        "tutor_name": "Paul Martin",
        "tutor_email": "paul@boulangerie-martin.fr",
        "tutor_phone": "02 40 99 15 44",
        "contact_email": "stages@tous-en-stage.fr",
    }
    data.update(over)
    return data


def test_the_documented_example_is_a_whole_offer(s, api):
    """The OpenAPI example of « POST /offers » passes the form's checks (the documentation's
    curl works as printed; the fuzz test seeds real offers from it)."""
    example = build_api().openapi()["components"]["schemas"]["OfferCreate"]["examples"][0]
    r = api.post("/offers", json=example, headers=h())
    assert r.status_code == 201, r.text
    r = api.post(f"/offers/{r.json()['id']}/publish", headers=h())
    assert r.status_code == 200 and r.json()["state"] == "published", r.text


def count_offers(s) -> int:
    s.expire_all()
    return s.execute(sa.select(sa.func.count(Offer.id))).scalar_one()


def test_create_then_same_remote_id_updates(s, api):
    r = api.post("/offers", json=body(s), headers=h())
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["state"] == "draft" and out["remote_id"] == "offre-1"
    assert out["weeks"] == [W1, W2] and out["places_left"] == 4
    assert out["latitude"] and out["is_public"] is False and out["handicap_motor"] is True
    offer_id = out["id"]
    r = api.post("/offers", json=body(s, title="Boulanger, un métier de passion"), headers=h())
    assert r.status_code == 200, r.text
    assert r.json()["id"] == offer_id and r.json()["title"] == "Boulanger, un métier de passion"
    assert count_offers(s) == 1
    offer = s.get(Offer, offer_id)
    api_user = s.get(User, offer.created_by_id)
    assert api_user.role == Role.OPERATEUR and offer.operator_id is not None
    # Read back by id and by remote id; listed.
    assert api.get(f"/offers/{offer_id}", headers=h()).json()["id"] == offer_id
    assert api.get("/offers/remote/offre-1", headers=h()).json()["id"] == offer_id
    page = api.get("/offers", headers=h()).json()
    assert page["total"] == 1 and page["items"][0]["id"] == offer_id


def test_field_errors_are_the_forms_messages_and_nothing_is_stored(s, api):
    r = api.post(
        "/offers",
        json=body(s, title="", street="1 rue qui n'existe pas", postal_code="00000", city="Zzyx",
                  sector_id=999999, level_3e=False, hours_end="08:00",
                  apply_on_partner_site=True),
        headers=h(),
    )  # fmt: skip
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert errors["title"] == offers.MSG_TITLE
    assert errors["sector_id"] == offers.MSG_SECTOR
    assert errors["levels"] == offers.MSG_LEVELS
    assert errors["hours_end"] == offers.MSG_HOUR_ORDER
    assert "postal_code" in errors or errors.get("street") == offers.MSG_STREET_NOT_FOUND
    assert "permalink" in errors
    assert count_offers(s) == 0
    # A past week, typed wrongly: the form's messages too.
    r = api.post("/offers", json=body(s, weeks=["2026-09-07"]), headers=h())
    assert r.status_code == 422 and "passée" in r.json()["errors"]["weeks"]
    r = api.post("/offers", json=body(s, weeks=["pas une semaine"]), headers=h())
    assert r.json()["errors"]["weeks"] == offers.MSG_WEEK_INVALID
    # Types refused by the schema: French messages as well.
    r = api.post("/offers", json=body(s, places="deux", remote_id="a b"), headers=h())
    assert r.status_code == 422 and set(r.json()["errors"]) >= {"places", "remote_id"}
    assert count_offers(s) == 0


def test_publish_unpublish_delete_and_partner_fields(s, api):
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    r = api.post(f"/offers/{offer_id}/publish", headers=h())
    assert r.status_code == 200 and r.json()["state"] == "published", r.text
    r = api.post(f"/offers/{offer_id}/publish", headers=h())
    assert r.status_code == 409 and "déjà" in r.json()["detail"]
    # A published offer edited stays published; partner-site mode set.
    data = body(s, apply_on_partner_site=True, permalink="https://tous-en-stage.fr/o/1")
    data.pop("remote_id")
    r = api.put(f"/offers/{offer_id}", json=data, headers=h())
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "published" and r.json()["apply_on_partner_site"] is True
    data["permalink"] = "javascript:alert(1)"
    r = api.put("/offers/remote/offre-1", json=data, headers=h())
    assert r.status_code == 422 and "permalink" in r.json()["errors"]
    assert api.post(f"/offers/{offer_id}/unpublish", headers=h()).json()["state"] == "unpublished"
    assert api.delete(f"/offers/{offer_id}", headers=h()).status_code == 204
    assert api.get(f"/offers/{offer_id}", headers=h()).status_code == 404
    assert s.get(Offer, offer_id).state == OfferState.REMOVED
    # The remote_id is free again: a new offer.
    r = api.post("/offers", json=body(s), headers=h())
    assert r.status_code == 201 and r.json()["id"] != offer_id


def test_review_moderation_holds_api_offers(s, api):
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    platform.set_setting(s, admin, offers.MODERATION_SETTING, "review")
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    r = api.post(f"/offers/{offer_id}/publish", headers=h())
    assert r.status_code == 200 and r.json()["state"] == "pending"


def test_email_moderation_does_not_hold_api_offers(s, api):
    """E-mail mode confirms an author's address: the API token already authenticates the
    operator (its technical account has no address a link could go to)."""
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    platform.set_setting(s, admin, offers.MODERATION_SETTING, "email")
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    r = api.post(f"/offers/{offer_id}/publish", headers=h())
    assert r.status_code == 200 and r.json()["state"] == "published"


def test_incomplete_offer_cannot_be_published(s, api):
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(draft_step=3))
    s.commit()
    r = api.post(f"/offers/{offer_id}/publish", headers=h())
    assert r.status_code == 409 and r.json()["detail"] == offers.MSG_INCOMPLETE


def test_operator_b_never_reaches_operator_a_offers(s, api):
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    data = body(s)
    data.pop("remote_id")
    for method, url, kw in [
        ("get", f"/offers/{offer_id}", {}),
        ("put", f"/offers/{offer_id}", {"json": data}),
        ("delete", f"/offers/{offer_id}", {}),
        ("post", f"/offers/{offer_id}/publish", {}),
        ("post", f"/offers/{offer_id}/unpublish", {}),
        ("get", "/offers/remote/offre-1", {}),
        ("put", "/offers/remote/offre-1", {"json": data}),
        ("delete", "/offers/remote/offre-1", {}),
    ]:
        r = getattr(api, method)(url, headers=h(RAW_B), **kw)
        assert r.status_code == 404, (method, url, r.text)
    assert api.get("/offers", headers=h(RAW_B)).json()["total"] == 0
    # B's own offer with the same remote_id is another offer.
    r = api.post("/offers", json=body(s), headers=h(RAW_B))
    assert r.status_code == 201 and r.json()["id"] != offer_id
    s.expire_all()
    a = s.get(Offer, offer_id)
    assert a.state == OfferState.DRAFT and a.title == "Découverte du métier de boulanger"


def test_tokens_scopes_revocation_and_rate_limit(s, api):
    assert api.get("/offers").status_code == 401
    assert api.get("/offers", headers=h("mst_nope")).status_code == 401
    _, tid = make_operator(s, "Lecteur", "mst_" + "r" * 40, scopes="offers:read", rate=3)
    reader = h("mst_" + "r" * 40)
    assert api.get("/offers", headers=reader).status_code == 200
    assert api.post("/offers", json=body(s), headers=reader).status_code == 403
    r = api.get("/offers", headers=reader)
    assert r.status_code == 200
    r = api.get("/offers", headers=reader)
    assert r.status_code == 429 and r.headers["Retry-After"] == "60"
    # Revoked: refused at once.
    assert api.get("/offers", headers=h()).status_code == 200
    s.execute(
        sa.update(OperatorToken)
        .where(OperatorToken.token_hash == admin_orgs.hash_api_token(RAW_A))
        .values(revoked_at=clock.now())
    )
    s.commit()
    assert api.get("/offers", headers=h()).status_code == 401


def test_api_offer_is_searched_mapped_and_applied_to(s, api, school):
    offer_id = api.post("/offers", json=body(s), headers=h()).json()["id"]
    assert api.post(f"/offers/{offer_id}/publish", headers=h()).status_code == 200
    s.expire_all()
    found = search(s, SearchCriteria(q="boulanger", where="Nantes", radius_km=10))
    assert offer_id in [r["id"] for r in found.results]
    points = map_points(s, SearchCriteria(where="Nantes", radius_km=10))
    assert offer_id in [p["id"] for p in points]
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {} and app_id
    assert applications is not None
