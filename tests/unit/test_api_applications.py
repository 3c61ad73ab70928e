"""Issue 19, operators' applications: the API lists, reads and decides the applications of
the operator's own offers (never another operator's: 404), with the employer's rules and
messages; « Postuler sur le site du partenaire » counts its clicks; each application event
is queued for the operator's webhook, delivered signed and retried after a failure."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mystage import clock
from mystage.api.partner import routes as partner_routes
from mystage.api.v1 import build_api
from mystage.models import (
    Application,
    AppState,
    Offer,
    Operator,
    OperatorToken,
    Outbox,
    OutboxStatus,
    Role,
    User,
)
from mystage.notify import delivery
from mystage.notify.webhook import verify
from mystage.services import admin_orgs
from mystage.services import applications as apps
from mystage.services.permissions import PermissionDenied
from tests.unit import test_application_views as _views
from tests.unit.test_applications import make_pupil, offer_of, post
from tests.unit.test_offers import NOW, make_user

A = AppState
# The fixtures of the employer's views' tests: a clean database at NOW, a reference school.
s = _views.s
school = _views.school

RAW_A = "mst_operateur_a_0123456789abcdef"
RAW_B = "mst_operateur_b_0123456789abcdef"
RAW_READ = "mst_operateur_a_lecture_seule_01"


def operator_with_token(s, name: str, raw: str, scopes="offers:read,offers:write,applications"):
    op = s.exec(select(Operator).where(Operator.name == name)).first()
    if op is None:
        op = Operator(name=name)
        s.add(op)
        s.commit()
    s.add(
        OperatorToken(
            operator_id=op.id, name="t", prefix=raw[:12], token_hash=admin_orgs.hash_api_token(raw),
            scopes=scopes, rate_per_minute=1000,
        )
    )  # fmt: skip
    s.commit()
    return op


@pytest.fixture
def world(s, school):
    """Operator A's offer (made in the UI by an employer of A's structure), a pupil who
    applied (sent); operator B with its own token."""
    _emp, offer_id = offer_of(s)
    op_a = operator_with_token(s, "Opérateur A", RAW_A)
    operator_with_token(s, "Opérateur A", RAW_READ, scopes="offers:read")
    op_b = operator_with_token(s, "Opérateur B", RAW_B)
    offer = s.get(Offer, offer_id)
    offer.operator_id, offer.remote_id = op_a.id, "A-17"
    s.add(offer)
    s.commit()
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    return op_a, op_b, offer_id, lea, app_id


@pytest.fixture
def client():
    with TestClient(build_api()) as c:
        yield c


def h(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def state_of(s, app_id) -> str:
    s.expire_all()
    return s.get(Application, app_id).state


def test_list_read_and_decide_as_the_employer(s, world, client):
    _a, _b, offer_id, _lea, app_id = world
    r = client.get(f"/offers/{offer_id}/applications", headers=h(RAW_A))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1 and body["items"][0]["id"] == app_id
    assert body["items"][0]["remote_id"] == "A-17" and body["items"][0]["state"] == "sent"
    r = client.get(f"/applications/{app_id}", headers=h(RAW_A))
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["pupil_first_name"] == "Léa" and v["motivation"]
    assert v["contact_visible"] is False and v["contact_phone"] == ""
    assert v["actions"] == ["read", "accept", "under_review", "refuse"]
    assert state_of(s, app_id) == A.SENT  # reading does not mark it read
    r = client.post(f"/applications/{app_id}/decision", json={"action": "read"}, headers=h(RAW_A))
    assert r.status_code == 200 and r.json()["state"] == "read"
    r = client.post(
        f"/applications/{app_id}/decision",
        json={"action": "accept", "message": "Bienvenue !"},
        headers=h(RAW_A),
    )
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["state"] == "accepted" and v["contact_visible"] is True and v["contact_phone"]
    assert v["actions"] == ["cancel"]
    assert state_of(s, app_id) == A.ACCEPTED
    # The same decision again: 409, with the machine's message.
    r = client.post(f"/applications/{app_id}/decision", json={"action": "accept"}, headers=h(RAW_A))
    assert r.status_code == 409 and r.json()["detail"]
    # The audit log names the operator's API account.
    api = admin_orgs.api_user(s, world[0].id)
    assert s.get(Application, app_id).decided_by_id == api.id


def test_field_errors_are_the_forms(s, world, client):
    app_id = world[4]
    r = client.post(f"/applications/{app_id}/decision", json={"action": "refuse"}, headers=h(RAW_A))
    assert r.status_code == 422
    assert r.json()["errors"] == {"reason": apps.MSG_REASON_REQUIRED}
    r = client.post(f"/applications/{app_id}/decision", json={"action": "nope"}, headers=h(RAW_A))
    assert r.status_code == 422 and "action" in r.json()["errors"]
    r = client.post(
        f"/applications/{app_id}/decision",
        json={"action": "refuse", "reason": "full", "message": "Désolé"},
        headers=h(RAW_A),
    )
    assert r.status_code == 200 and r.json()["refuse_reason_key"] == "full"
    assert state_of(s, app_id) == A.REFUSED


def test_another_operator_gets_404_and_changes_nothing(s, world, client):
    _a, _b, offer_id, _lea, app_id = world
    assert client.get(f"/offers/{offer_id}/applications", headers=h(RAW_B)).status_code == 404
    assert client.get(f"/applications/{app_id}", headers=h(RAW_B)).status_code == 404
    for action in ("read", "accept", "refuse", "cancel", "under_review"):
        r = client.post(
            f"/applications/{app_id}/decision",
            json={"action": action, "reason": "full", "message": "x"},
            headers=h(RAW_B),
        )
        assert r.status_code == 404, (action, r.text)
    assert state_of(s, app_id) == A.SENT
    # Unknown ids, no token, a token without the scope.
    assert client.get("/applications/999999", headers=h(RAW_A)).status_code == 404
    assert client.get(f"/applications/{app_id}").status_code == 401
    assert client.get(f"/applications/{app_id}", headers=h(RAW_READ)).status_code == 403


def test_applications_still_with_the_school_are_hidden(s, world, client):
    app_id = world[4]
    a = s.get(Application, app_id)
    a.state = A.AWAITING_SCHOOL
    s.add(a)
    s.commit()
    assert client.get(f"/applications/{app_id}", headers=h(RAW_A)).status_code == 404
    r = client.get(f"/offers/{world[2]}/applications", headers=h(RAW_A))
    assert r.json()["total"] == 0


def test_operator_api_account_permission_is_limited_to_its_operator(s, world):
    op_a, op_b, offer_id, *_ = world
    from mystage.services import permissions

    offer = s.get(Offer, offer_id)
    assert permissions.can_edit_offer(s, admin_orgs.api_user(s, op_a.id), offer)
    assert not permissions.can_edit_offer(s, admin_orgs.api_user(s, op_b.id), offer)
    person = make_user(s, email="ope@exemple.fr", role=Role.OPERATEUR)
    person.operator_id = op_a.id
    s.add(person)
    s.commit()
    assert not permissions.is_operator_api_account(person)  # a person who logs in


# --- partner site ------------------------------------------------------------------------------


def test_partner_site_link_counts_clicks_and_blocks_mystage_apply(s, world, school):
    offer_id = world[2]
    offer = s.get(Offer, offer_id)
    offer.apply_on_partner_site, offer.permalink = True, "https://partenaire.example/offre/17"
    s.add(offer)
    s.commit()
    tom = make_pupil(s, school, "tom@exemple.fr")
    ok, reason = apps.can_apply(s, tom, offer_id)
    assert not ok and reason == apps.MSG_PARTNER_SITE
    _id, errors = post(s, tom, offer_id)
    assert errors  # « Postuler » on MyStage is refused
    assert apps.partner_link(s, offer_id) == f"/api/offres/{offer_id}/partenaire"
    web = TestClient(Starlette(routes=partner_routes))
    for _ in range(2):
        r = web.get(f"/api/offres/{offer_id}/partenaire", follow_redirects=False)
        assert r.status_code == 302
        assert r.headers["location"] == "https://partenaire.example/offre/17"
        assert r.headers["cache-control"] == "no-store"
    s.expire_all()
    assert s.get(Offer, offer_id).partner_clicks == 2
    # Only http(s) permalinks; offers not in partner mode: 404, nothing counted.
    for link in ("javascript:alert(1)", "//evil.example/x", "/relatif", "https://"):
        offer = s.get(Offer, offer_id)
        offer.permalink = link
        s.add(offer)
        s.commit()
        assert apps.partner_link(s, offer_id) == ""
        r = web.get(f"/api/offres/{offer_id}/partenaire", follow_redirects=False)
        assert r.status_code == 404
    assert web.get("/api/offres/99999999999/partenaire").status_code == 404
    s.expire_all()
    assert s.get(Offer, offer_id).partner_clicks == 2


# --- webhooks ----------------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[dict[str, str], bytes]] = []
    answers: list[int] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        code = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.calls, Receiver.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def webhook_rows(s) -> list[Outbox]:
    s.expire_all()
    return list(s.exec(select(Outbox).where(Outbox.channel == "webhook").order_by(Outbox.id)))


def test_webhook_signed_and_retried_after_a_500(s, school, receiver):
    admin = make_user(s, email="admin@mystage.fr", role=Role.ADMIN)
    _emp, offer_id = offer_of(s)
    op = operator_with_token(s, "Opérateur W", RAW_A)
    assert admin_orgs.save_webhook(s, admin, op.id, {"webhook_url": "ftp://x"}) == {
        "webhook_url": admin_orgs.webhook_url_error("ftp://x")
    }
    assert admin_orgs.save_webhook(s, admin, op.id, {"webhook_url": receiver}) == {}
    secret, error = admin_orgs.new_webhook_secret(s, admin, op.id)
    assert error == "" and secret.startswith("whsec_")
    with pytest.raises(PermissionDenied):
        admin_orgs.new_webhook_secret(s, make_user(s, email="x@exemple.fr"), op.id)
    offer = s.get(Offer, offer_id)
    offer.operator_id, offer.remote_id = op.id, "W-1"
    s.add(offer)
    s.commit()
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {}
    rows = webhook_rows(s)
    assert [r.recipient for r in rows] == [f"operator:{op.id}"]
    assert json.loads(rows[0].body)["event"] == "new"
    Receiver.answers = [500]
    delivery.deliver_pending()
    assert len(Receiver.calls) == 1
    row = webhook_rows(s)[0]
    assert row.status == OutboxStatus.PENDING and "500" in row.last_error and row.attempts == 1
    clock.freeze(NOW + timedelta(minutes=2))  # after the first backoff
    delivery.deliver_pending()
    assert len(Receiver.calls) == 2
    assert webhook_rows(s)[0].status == OutboxStatus.SENT
    headers, body = Receiver.calls[-1]
    headers = {k.lower(): v for k, v in headers.items()}
    assert verify(secret, headers["x-mystage-timestamp"], body, headers["x-mystage-signature"])
    assert not verify("autre", headers["x-mystage-timestamp"], body, headers["x-mystage-signature"])
    payload = json.loads(body)
    assert payload == {
        "event": "new", "application_id": app_id, "offer_id": offer_id, "remote_id": "W-1",
        "state": "sent", "at": payload["at"],
    }  # fmt: skip
    assert headers["x-mystage-event"] == "new"
    # The next events: one row each, through the normal flow (the pupil withdraws).
    emp = s.get(User, s.get(Offer, offer_id).created_by_id)
    assert apps.decide_as_employer(s, emp, app_id, "accept", "Oui") == {}
    assert apps.transition(s, lea, app_id, "cancel_by_pupil", "Désolé") == ""
    events = [json.loads(r.body)["event"] for r in webhook_rows(s)]
    assert events == ["new", "accepted", "cancelled_by_pupil"]


def test_no_webhook_row_without_url(s, world):
    assert webhook_rows(s) == []
