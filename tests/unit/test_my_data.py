"""« Mes données »: the zip holds everything about the caller and nothing about the others
(two pupils, an employer, a school head), opens, and is served to its owner only."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import clock, settings
from mystage.api.auth_routes import COOKIE_NAME
from mystage.api.my_data import routes
from mystage.jobs import exports as export_jobs
from mystage.jobs import privacy_export
from mystage.models import (
    Application,
    AuditLog,
    Convention,
    ExportJob,
    Favorite,
    Outbox,
    PupilCV,
    Role,
)
from mystage.services import accounts, audit
from mystage.services import applications as apps
from mystage.services.privacy import my_data
from mystage.services.privacy import my_data_download as files
from tests.unit.test_applications import make_pupil, post, staff
from tests.unit.test_applications import s as _s
from tests.unit.test_applications import school_fixture as _school
from tests.unit.test_offers import complete_offer, employer

s = _s
school = _school

PDF = b"%PDF-1.4\n% CV de Lea\n%%EOF\n"
SIGNED = b"%PDF-1.7\n% convention signee\n%%EOF\n"


@pytest.fixture
def world(s, school):
    emp, st = employer(s, email="gaspard@vermeil-bois.fr", siret="73282932000074")
    emp.first_name, emp.last_name, emp.phone = "Gaspard", "Vermeil", "+33698765432"
    s.add(emp)
    s.commit()
    offer_id = complete_offer(s, emp)
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678", first_name="Léa")
    noe = make_pupil(s, school, "noe.girard@exemple.fr", phone="+33611112222", first_name="Noé")
    noe.last_name = "Girard"
    s.add(noe)
    head = staff(s, school, "helene.roux@ac-exemple.fr", role=Role.CHEF_ETABLISSEMENT)
    head.first_name, head.last_name, head.phone = "Hélène", "Roux", "+33155554444"
    s.add(head)
    # Léa's CV with its PDF in private storage.
    cv_dir = settings.get_settings().private_dir / "cv"
    cv_dir.mkdir(parents=True, exist_ok=True)
    (cv_dir / "lea-test.pdf").write_bytes(PDF)
    s.add(
        PupilCV(user_id=lea.id, schooling="3e B", interests="Cuisine", pdf_path="cv/lea-test.pdf")
    )
    s.add(Favorite(user_id=lea.id, offer_id=offer_id))
    s.commit()
    lea_app, errors = post(s, lea, offer_id)
    assert errors == {}
    noe_app, errors = post(s, noe, offer_id)
    assert errors == {}
    assert apps.transition(s, emp, lea_app, "read") == ""
    assert apps.transition(s, emp, lea_app, "review", "Je regarde ton dossier.") == ""
    assert apps.transition(s, emp, lea_app, "accept", "Bienvenue chez nous !") == ""
    assert apps.transition(s, emp, noe_app, "read") == ""
    # The head acted about both pupils (an authorization, a class list naming Noé).
    audit.record(s, "user", lea.id, "parental_authorization", head, message="2026-10-01")
    audit.record(s, "school_class", 1, "roster_link", head, message="Noé Girard")
    # Léa's signed convention (a sealed PDF every party received).
    conv_dir = settings.get_settings().private_dir / "conventions"
    conv_dir.mkdir(parents=True, exist_ok=True)
    (conv_dir / "conv-test.pdf").write_bytes(SIGNED)
    s.add(
        Convention(
            uuid="0b6f2f8e-0000-4000-8000-000000000001", application_id=lea_app,
            state="signed", pdf_path="conventions/conv-test.pdf", signed_at=clock.now(),
        )
    )  # fmt: skip
    s.commit()
    return {"emp": emp, "lea": lea, "noe": noe, "head": head, "offer": offer_id,
            "lea_app": lea_app, "noe_app": noe_app}  # fmt: skip


def traces(user) -> list[str]:
    """What identifies a person: names, e-mail, phone (as stored and as typed)."""
    out = [user.first_name, user.last_name, user.email]
    if user.phone:
        out += [user.phone, "0" + user.phone[3:]]
    return [t for t in out if t]


def dump(s, user) -> str:
    data, _ = my_data.collect(s, user)
    return my_data.to_json(data).decode("utf-8")


def test_pupil_gets_her_data_and_nothing_of_the_others(s, world):
    text = dump(s, world["lea"])
    data = json.loads(text)
    assert data["compte"]["courriel"] == "lea@exemple.fr"
    assert data["compte"]["telephone"] == "+33612345678"
    assert data["etablissement"]["nom"]
    app = data["candidatures"][0]
    assert app["id"] == world["lea_app"] and app["etat"] == "accepted"
    assert app["messages"]["employeur_acceptation"] == "Bienvenue chez nous !"
    assert app["messages"]["employeur_a_l_etude"] == "Je regarde ton dossier."
    assert [h["action"] for h in app["historique"]] == [
        "submit",
        "send",
        "read",
        "review",
        "accept",
    ]
    assert app["historique"][0]["par"] == "moi" and app["historique"][2]["par"] == "Employeur"
    assert app["cv_pdf_envoye"] == "fichiers/cv.pdf"
    assert len(data["candidatures"]) == 1  # not Noé's
    assert data["favoris"][0]["offre_id"] == world["offer"]
    assert data["cv"]["pdf"] == "fichiers/cv.pdf"
    assert data["conventions"][0]["pdf_signe"].startswith("fichiers/convention-")
    assert any(j["action"] == "parental_authorization" for j in data["journal"])
    assert "password_hash" not in text and "token_hash" not in text
    assert all(t in text for t in traces(world["lea"])[:3])  # the scan would see a name
    for other in ("noe", "emp", "head"):
        for trace in traces(world[other]):
            assert trace not in text, (other, trace)
    assert "referent@college.fr" not in text  # the school's referent, copied on the app


def test_employer_and_head_get_their_own_account_only(s, world):
    emp_text = dump(s, world["emp"])
    emp = json.loads(emp_text)
    assert emp["compte"]["courriel"] == "gaspard@vermeil-bois.fr"
    assert [o["id"] for o in emp["offres_creees"]] == [world["offer"]]
    assert emp["candidatures"] == [] and emp["structures"][0]["role"] == "propriétaire"
    assert any(j["action"] == "accept" for j in emp["journal"])
    head_text = dump(s, world["head"])
    head = json.loads(head_text)
    assert head["compte"]["nom"] == "Roux"
    assert any(j["action"] == "roster_link" and j["message"] == "" for j in head["journal"])
    for text in (emp_text, head_text):
        for pupil in ("lea", "noe"):
            for trace in traces(world[pupil]):
                assert trace not in text, (pupil, trace)
    for trace in traces(world["head"]):
        assert trace not in emp_text
    for trace in traces(world["emp"]):
        assert trace not in head_text


def test_small_zip_at_once_opens_with_json_and_files(s, world):
    lea = world["lea"]
    res = files.request(s, lea)
    assert res["status"] == "ready" and res["url"].startswith("/api/mes-donnees/")
    raw = res["url"].rsplit("/", 1)[1]
    path, name = files.download_path(s, lea, raw)
    assert name.startswith("mes-donnees-mystage-") and name.endswith(".zip")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        data = json.loads(zf.read("mes-donnees.json"))
        assert zf.read("fichiers/cv.pdf") == PDF
        conv = [n for n in names if n.startswith("fichiers/convention-")]
        assert len(conv) == 1 and zf.read(conv[0]) == SIGNED
    assert data["compte"]["id"] == lea.id
    # Audit row of the request; the request listed on the page.
    s.expire_all()
    assert s.exec(select(AuditLog).where(AuditLog.action == "my_data_export")).one()
    listed = files.my_files(s, lea)
    assert listed[0]["download_url"] == f"/api/mes-donnees/fichier/{res['job_id']}"
    assert files.download_path_of_job(s, lea, res["job_id"]) is not None


def test_nobody_else_downloads_it(s, world):
    lea = world["lea"]
    res = files.request(s, lea)
    raw = res["url"].rsplit("/", 1)[1]
    for other in (world["noe"], world["emp"], world["head"], None):
        assert files.download_path(s, other, raw) is None
        assert files.download_path_of_job(s, other, res["job_id"]) is None
        assert files.my_files(s, other) == [] or other is not None
    assert files.my_files(s, world["noe"]) == []
    for crafted in ("", "x" * 30, None, 12, raw[:-2] + "zz", "../../etc/passwd"):
        assert files.download_path(s, lea, crafted) is None
    for crafted in (None, "1; DROP", -1, 2**63, True, res["job_id"] + 1):
        assert files.download_path_of_job(s, lea, crafted) is None
    # The statistics exports' route does not serve it either.
    from mystage.services import exports

    assert exports.download_path(s, lea, raw) is None
    # Expired after the hour.
    clock.freeze(clock.now() + files.INSTANT_LINK + timedelta(minutes=1))
    assert files.download_path(s, lea, raw) is None
    assert files.my_files(s, lea)[0]["download_url"] == ""


def test_large_is_prepared_by_the_job_and_mailed(s, world, monkeypatch):
    monkeypatch.setenv("MY_DATA_SYNC_MAX_BYTES", "10")
    settings.reload()
    try:
        emp = world["emp"]
        res = files.request(s, emp)
        assert res["status"] == "queued" and "par e-mail" in res["message"]
        again = files.request(s, emp)
        assert again["status"] == "queued" and "déjà en préparation" in again["message"]
        # The statistics exports' runner leaves it alone.
        assert export_jobs.exports_run(s) == 0
        assert privacy_export.my_data_run(s) == 1
        s.expire_all()
        mail = s.exec(select(Outbox).where(Outbox.template == "my_data_ready")).one()
        assert mail.recipient == emp.email and "/api/mes-donnees/" in mail.action_url
        assert "Vos données" in mail.subject
        raw = mail.action_url.rsplit("/", 1)[1]
        path, _ = files.download_path(s, emp, raw)
        with zipfile.ZipFile(path) as zf:
            assert json.loads(zf.read("mes-donnees.json"))["compte"]["id"] == emp.id
        assert files.download_path(s, world["lea"], raw) is None
        job = s.get(ExportJob, res["job_id"])
        assert job.status == "done" and job.kind == files.KIND
        # A pupil without e-mail gets an SMS in « tu ».
        lea = world["lea"]
        lea.email = None
        s.add(lea)
        s.commit()
        res = files.request(s, lea)
        assert res["status"] == "queued" and "par SMS" in res["message"]
        assert "Tes données" in res["message"]
        assert privacy_export.my_data_run(s) == 1
        s.expire_all()
        sms = s.exec(select(Outbox).where(Outbox.template == "sms_my_data_ready")).one()
        assert sms.recipient == "+33612345678" and "tes données" in sms.body
    finally:
        monkeypatch.delenv("MY_DATA_SYNC_MAX_BYTES")
        settings.reload()


def test_rate_limit_and_inactive_accounts(s, world):
    lea = world["lea"]
    for _ in range(files.MAX_PER_DAY):
        assert files.request(s, lea)["status"] == "ready"
    res = files.request(s, lea)
    assert res["status"] == "error" and "Réessaie demain" in res["error"]
    assert files.request(s, None)["status"] == "error"
    noe = world["noe"]
    noe.status = "disabled"
    s.add(noe)
    s.commit()
    assert files.request(s, noe)["status"] == "error"
    assert s.exec(select(ExportJob).where(ExportJob.user_id == noe.id)).all() == []


def test_the_job_refuses_an_account_disabled_meanwhile(s, world, monkeypatch):
    monkeypatch.setenv("MY_DATA_SYNC_MAX_BYTES", "10")
    settings.reload()
    try:
        emp = world["emp"]
        res = files.request(s, emp)
        emp.status = "disabled"
        s.add(emp)
        s.commit()
        assert privacy_export.my_data_run(s) == 0
        s.expire_all()
        assert s.get(ExportJob, res["job_id"]).status == "failed"
        assert not s.exec(select(Outbox).where(Outbox.template == "my_data_ready")).all()
    finally:
        monkeypatch.delenv("MY_DATA_SYNC_MAX_BYTES")
        settings.reload()


def test_expired_files_are_purged(s, world):
    from mystage.services import exports

    res = files.request(s, world["lea"])
    path, _ = files.download_path(s, world["lea"], res["url"].rsplit("/", 1)[1])
    assert path.is_file()
    clock.freeze(clock.now() + timedelta(hours=2))
    exports.purge_expired(s)
    assert not path.exists()
    assert s.get(ExportJob, res["job_id"]).status == "expired"


# --- the route ------------------------------------------------------------------------------


@pytest.fixture
def client():
    with TestClient(
        Starlette(routes=routes), base_url="https://testserver", follow_redirects=False
    ) as c:
        yield c


def cookie_for(s, user) -> dict[str, str]:
    token = accounts.create_session(s, user, "203.0.113.9", "pytest")
    s.commit()
    return {"cookie": f"{COOKIE_NAME}={token}"}


def test_route_serves_the_owner_only(s, world, client):
    lea = world["lea"]
    res = files.request(s, lea)
    r = client.get(res["url"], headers=cookie_for(s, lea))
    assert r.status_code == 200 and r.headers["content-type"] == files.ZIP_MIME
    assert r.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert json.loads(zf.read("mes-donnees.json"))["compte"]["id"] == lea.id
    again = f"/api/mes-donnees/fichier/{res['job_id']}"
    assert client.get(again, headers=cookie_for(s, lea)).status_code == 200
    for other in (world["noe"], world["emp"]):
        for url in (res["url"], again):
            r = client.get(url, headers=cookie_for(s, other))
            assert r.status_code == 404 and b"PK" not in r.content[:2]
    r = client.get(res["url"])
    assert r.status_code == 303 and r.headers["location"].startswith("/connexion?suivant=")
    assert client.get("/api/mes-donnees/court", headers=cookie_for(s, lea)).status_code == 404


def test_application_rows_stay_untouched(s, world):
    before = [(a.id, a.state) for a in s.exec(select(Application).order_by(Application.id))]
    files.request(s, world["lea"])
    s.expire_all()
    assert [(a.id, a.state) for a in s.exec(select(Application).order_by(Application.id))] == before


def test_an_erased_account_loses_its_files_at_once(s, world):
    """« Supprimer mon compte » / retention: the zip goes with the account, not at its
    link's expiry; another person's stays."""
    from mystage import clock
    from mystage.services.privacy.erasure import anonymise_users

    lea, emp = world["lea"], world["emp"]
    mine = files.request(s, lea)
    theirs = files.request(s, emp)
    token = mine["url"].rsplit("/", 1)[1]
    path, _ = files.download_path(s, lea, token)
    assert path.exists()
    assert anonymise_users(s, [lea.id], clock.now()) == 1
    s.commit()
    s.expire_all()
    assert not path.exists()
    assert s.get(ExportJob, mine["job_id"]) is None
    assert files.download_path(s, emp, theirs["url"].rsplit("/", 1)[1]) is not None
