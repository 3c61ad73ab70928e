"""Exports: files (header, frozen row, autofilter, dates), columns per viewer, scopes, row
counts equal to the database, small vs background path, the job, the link, the purge."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.jobs import exports as export_jobs
from mystage.models import (
    Application,
    AppState,
    ExportJob,
    Offer,
    Outbox,
    Role,
    School,
    Sector,
    Structure,
    StructureMember,
)
from mystage.services import exports, stats
from mystage.services.exports import jobs as export_job_runner
from mystage.services.permissions import PermissionDenied
from mystage.settings import get_settings
from tests.unit import test_stats as _base
from tests.unit.test_stats import OCT, YEAR, app, user

# Fixtures shared with the statistics tests (same hand-counted world).
s = _base.s
world = _base.world
ref77 = _base.ref77
ref44 = _base.ref44
central = _base.central


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def rows_of(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, r, strict=True)) for r in values[1:]]


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


@pytest.fixture
def employer(s, world):
    """The owner of the private structure (offers o1, o4, o5, o6, o7)."""
    u = user(s, "claire@boulangerie-martin.fr", Role.EMPLOYEUR)
    st = s.exec(select(Structure).where(Structure.name == "Boulangerie Martin")).one()
    s.add(StructureMember(structure_id=st.id, user_id=u.id, role="owner", status="active"))
    s.commit()
    return u


# --- the file ---------------------------------------------------------------------------------


def test_offers_file_layout_and_rows(s, world, ref77):
    res = exports.request_export(s, ref77, "offers", {})
    assert res["status"] == "ready" and res["mime"] == exports.XLSX_MIME
    assert res["filename"] == "mystage-offres-2026-10-05.xlsx"
    wb = book(res["data"])
    ws = wb.active
    assert ws.title == "Offres"
    assert headers(ws)[:10] == [
        "O.ID", "TITRE", "CONTACT", "TELEPHONE", "EMAIL", "VILLE", "CODE_POSTAL",
        "DEPARTEMENT", "CREATION", "DEBUT",
    ]  # fmt: skip
    for name in ("FIN", "PLACES", "E.ID", "SECTEUR", "PLACES_RESTANTES", "ETAT", "SEMAINES"):
        assert name in headers(ws)
    assert ws.freeze_panes == "A2"
    n_cols = len(headers(ws))
    expected = s.exec(
        select(sa.func.count())
        .select_from(Offer)
        .where(Offer.department_code == "77", Offer.school_year == YEAR, Offer.state != "draft")
    ).one()
    assert expected == 4  # o1, o2, o3 and the removed o5
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(n_cols)}{expected + 1}"
    assert ws.max_row == expected + 1 == res["rows"] + 1
    head = ws["A1"]
    assert head.font.b and head.fill.fgColor.rgb.endswith("E3E3FD")
    assert ws.column_dimensions["B"].width >= 30
    rows = {r["O.ID"]: r for r in rows_of(ws)}
    o1 = world["o"][0]
    r1 = rows[o1.id]
    assert r1["PLACES"] == 3 and r1["NB_SEMAINES"] == 2 and r1["VILLE"] == "Meaux"
    assert r1["SEMAINES"] == "12/10/2026, 16/11/2026"
    assert r1["DEBUT"] == datetime(2026, 10, 12) and r1["FIN"] == datetime(2026, 11, 20)
    assert isinstance(r1["CREATION"], datetime)
    assert r1["CREATION"] == datetime(2026, 10, 5, 10, 0)  # 08:00 UTC shown in Paris time
    assert r1["ETAT"] == "Publiée" and r1["TYPE_STRUCTURE"] == "Privé"
    assert r1["CANDIDATURES"] == 2 and r1["STAGES_CONFIRMES"] == 1
    row2 = list(ws.iter_rows(min_row=2, max_row=2))[0]
    cells = dict(zip(headers(ws), row2, strict=True))
    assert cells["DEBUT"].is_date and cells["DEBUT"].number_format == "dd/mm/yyyy"
    assert cells["CREATION"].number_format == "dd/mm/yyyy hh:mm"
    assert world["o"][5].id not in rows  # 44


def test_text_is_never_a_formula():
    buf = io.BytesIO()
    cols = [exports.Col("A"), exports.Col("B", exports.INT), exports.Col("C", exports.DATE)]
    n = exports.write_xlsx(
        buf, "T", cols, [("=HYPERLINK(\"x\")", 3, date(2026, 1, 5)), (None, None, None)],
        constant_memory=False,
    )  # fmt: skip
    assert n == 2
    ws = book(buf.getvalue()).active
    assert ws["A2"].value == '=HYPERLINK("x")' and ws["A2"].data_type == "s"
    assert ws["B2"].value == 3 and ws["C2"].value == datetime(2026, 1, 5)
    assert ws["A3"].value is None


# --- applications: columns per viewer and scope ---------------------------------------------


def test_applications_for_a_referent_have_every_column_within_scope(s, world, ref77):
    p1 = world["p"][0]
    p1.birth_date = date(2012, 10, 13)  # 13 on Monday 12 October 2026, 14 the next day
    p1.gender = "f"
    s.add(p1)
    s.commit()
    res = exports.request_export(s, ref77, "applications", {})
    ws = book(res["data"]).active
    hs = headers(ws)
    for name in (
        "CANDIDATURE_ID", "AVIS_EMPLOYEUR", "AVIS_REFERENT", "AVIS_ELEVE", "ETAT_OFFRE",
        "DATE_MISE_A_JOUR_CANDIDATURE", "GENRE_ELEVE", "PRENOM", "NOM", "AGE", "TELEPHONE",
        "EMAIL", "NOM_ETABLISSEMENT", "VILLE", "ETABLISSEMENT_PRIORITAIRE", "NOM_EMPLOYEUR", "TITRE_STAGE",
        "PRENOM_REFERENT", "NOM_REFERENT", "EMAIL_REFERENT", "SEMAINE", "UAI", "DEPARTEMENT",
    ):  # fmt: skip
        assert name in hs, name
    assert "ADRESSE" not in hs  # no pupil address is stored
    expected = s.exec(
        select(sa.func.count())
        .select_from(Application)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Offer.department_code == "77", Application.school_year == YEAR)
    ).one()
    rows = rows_of(ws)
    assert len(rows) == expected == 7
    assert {r["DEPARTEMENT"] for r in rows} == {"77"}
    a1 = next(
        r
        for r in rows
        if r["PRENOM"] == "Anne"
        and r["AVIS_ELEVE"] == "CONFIRMÉ"
        and r["SEMAINE"] == datetime(2026, 10, 12)
    )  # noqa: E501
    assert a1["AGE"] == 13 and a1["GENRE_ELEVE"] == "Fille"
    assert a1["ETABLISSEMENT_PRIORITAIRE"] == "REP" and a1["AVIS_EMPLOYEUR"] == "ACCEPTÉ"
    assert a1["ETAT_CANDIDATURE"] == "Stage confirmé"
    assert isinstance(a1["DATE_MISE_A_JOUR_CANDIDATURE"], datetime)


def test_applications_for_an_employer_are_its_own_and_minimal(s, world, employer):
    o1 = world["o"][0]
    p3 = world["p"][2]
    app(s, p3, o1, OCT, AppState.AWAITING_SCHOOL.value)  # still with the school: not shown
    res = exports.request_export(s, employer, "applications", {})
    ws = book(res["data"]).active
    hs = headers(ws)
    for hidden in ("GENRE_ELEVE", "AGE", "UAI", "ADRESSE", "DATE_CANDIDATURE"):
        assert hidden not in hs
    assert {"PRENOM", "NOM", "TELEPHONE", "EMAIL", "NOM_ETABLISSEMENT", "TITRE_STAGE"} <= set(hs)
    own = [o.id for o in world["o"] if o.structure_id == o1.structure_id]
    expected = s.exec(
        select(sa.func.count())
        .select_from(Application)
        .where(
            Application.offer_id.in_(own),
            Application.state.not_in(exports.NOT_SENT_STATES),
        )
    ).one()
    rows = rows_of(ws)
    assert len(rows) == expected == 5  # a1, a2, a6, a8 and last year's a9
    assert {r["O.ID"] for r in rows} <= set(own)
    assert "EN ATTENTE" not in {r["AVIS_REFERENT"] for r in rows}
    # The employer's own offers file: its structure's offers, every year.
    offers = rows_of(book(exports.request_export(s, employer, "offers", {})["data"]).active)
    assert sorted(r["O.ID"] for r in offers) == sorted(own)
    # A school year filter narrows it.
    offers = exports.request_export(s, employer, "offers", {"school_year": "2025"})
    assert [r["O.ID"] for r in rows_of(book(offers["data"]).active)] == [world["o"][6].id]


def test_referent_77_cannot_export_44(s, world, ref77, ref44):
    for kind in ("offers", "applications", "rep_schools"):
        res = exports.request_export(s, ref77, kind, {"department": "44"})
        assert res["notices"]["department"] == stats.MSG_DEPARTMENT_SCOPE
        rows = rows_of(book(res["data"]).active)
        assert rows and {r["DEPARTEMENT"] for r in rows} == {"77"}, kind
    res = exports.request_export(s, ref44, "applications", {})
    assert {r["DEPARTEMENT"] for r in rows_of(book(res["data"]).active)} == {"44"}


@pytest.mark.parametrize("kind", list(exports.EXPORT_KINDS))
def test_pupils_parents_and_anonymous_are_refused(s, world, kind):
    pupil = world["p"][0]
    parent = user(s, f"parent-{kind}@exemple.fr", Role.PARENT)
    for who in (pupil, parent, None, "admin", 3):
        with pytest.raises(PermissionDenied):
            exports.request_export(s, who, kind, {})


@pytest.mark.parametrize("kind", ["rep_schools", "stats_sector", "stats_structure"])
def test_employers_get_no_territory_exports(s, world, employer, kind):
    with pytest.raises(PermissionDenied):
        exports.request_export(s, employer, kind, {})


@pytest.mark.parametrize("kind", [None, 3, "users", ["offers"], {"k": 1}])
def test_unknown_kinds_and_junk_params(s, world, ref77, kind):
    assert exports.request_export(s, ref77, kind, {})["status"] == "error"
    res = exports.request_export(s, ref77, "offers", ["junk"])
    assert res["status"] == "ready"


# --- REP schools and statistics -------------------------------------------------------------


def test_rep_schools_registered_filters(s, world, ref77):
    def count(registered: bool | None) -> int:
        stmt = (
            select(sa.func.count())
            .select_from(School)
            .where(School.department_code == "77", School.ep.in_(("REP", "REP+")))
            .where(School.status == "open")
        )
        if registered is True:
            stmt = stmt.where(School.registered_at.is_not(None))
        elif registered is False:
            stmt = stmt.where(School.registered_at.is_(None))
        return s.exec(stmt).one()

    for choice, flag in (("tous", None), ("inscrits", True), ("non_inscrits", False)):
        res = exports.request_export(s, ref77, "rep_schools", {"registered": choice})
        rows = rows_of(book(res["data"]).active)
        assert len(rows) == count(flag), choice
        assert {r["TYPE"] for r in rows} <= {"REP", "REP+"}
        if flag is not None:
            assert {r["INSCRIT"] for r in rows} == {"Oui" if flag else "Non"}
    rep = world["rep"]
    rows = rows_of(book(exports.request_export(s, ref77, "rep_schools", {})["data"]).active)
    mine = next(r for r in rows if r["UAI"] == rep.uai)
    assert mine["CANDIDATURES"] == 2 and mine["STAGES_CONFIRMES"] == 1
    assert isinstance(mine["DATE_INSCRIPTION"], datetime)
    res = exports.request_export(s, ref77, "rep_schools", {"registered": ["x"]})
    assert res["notices"]["registered"] == exports.MSG_REGISTERED


def test_stats_by_sector_and_structure(s, world, ref77):
    res = exports.request_export(s, ref77, "stats_sector", {})
    rows = rows_of(book(res["data"]).active)
    n_sectors = s.exec(select(sa.func.count()).select_from(Sector)).one()
    assert len(rows) == n_sectors  # every sector, zeros included
    s1 = next(r for r in rows if r["SECTEUR"] == world["s1"].name)
    assert (s1["OFFRES"], s1["PLACES_PROPOSEES"], s1["PLACES_POURVUES"]) == (2, 4, 2)
    assert s1["TAUX_REMPLISSAGE"] == 0.5 and s1["CANDIDATURES"] == 3
    assert sum(r["OFFRES"] for r in rows) == 3
    res = exports.request_export(s, ref77, "stats_structure", {})
    rows = {r["TYPE_STRUCTURE"]: r for r in rows_of(book(res["data"]).active)}
    assert set(rows) == {"Public", "Privé", "Association"}
    assert rows["Association"]["PLACES_PROPOSEES"] == 4


# --- the background path ----------------------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr("mystage.services.exports.request.SMALL_LIMIT", 2)
    monkeypatch.setattr("mystage.services.exports.xlsx.PROGRESS_EVERY", 2)


def token_of(mail: Outbox) -> str:
    return mail.action_url.rsplit("/", 1)[1]


def test_large_export_runs_in_the_background_and_mails_a_link(
    s, world, ref77, small_limit, monkeypatch
):
    seen: list[int] = []
    real = export_job_runner._set_progress
    monkeypatch.setattr(
        export_job_runner, "_set_progress", lambda jid, n: (seen.append(n), real(jid, n))
    )
    res = exports.request_export(s, ref77, "applications", {"department": "44"})
    assert res["status"] == "queued" and res["rows"] == 7
    assert "transmis par e-mail" in res["message"]
    job = s.get(ExportJob, res["job_id"])
    assert (job.status, job.total, job.user_id, job.kind) == ("queued", 7, ref77.id, "applications")
    assert json.loads(job.params)["departments"] == ["77"]  # already scoped
    status = exports.export_status(s, ref77, job.id)
    assert status["status_label"] == "En attente" and status["percent"] == 0

    assert export_jobs.exports_run(s) == 1
    s.expire_all()
    job = s.get(ExportJob, res["job_id"])
    assert job.status == "done" and job.progress == job.total == 7
    assert seen[-1] == 7 and len(seen) >= 3  # progress every 2 rows, then the total
    path = get_settings().private_dir / job.file_path
    assert path.is_file() and path.parent.name == "exports"
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh)
    assert wb.active.max_row == 8 and wb.active.freeze_panes == "A2"
    assert exports.export_status(s, ref77, job.id)["percent"] == 100
    (mail,) = s.exec(select(Outbox).where(Outbox.template == "export_ready")).all()
    assert mail.recipient == ref77.email and "/api/exports/" in mail.action_url
    assert "7 jours" in mail.body and mail.action_url in mail.body
    raw = token_of(mail)
    assert job.token_hash != raw and len(job.token_hash) == 64
    # The link opens only for the requester, before it expires.
    found = exports.download_path(s, ref77, raw)
    assert found is not None and found[0] == path.resolve()
    assert found[1].endswith(".xlsx")
    assert exports.download_path(s, world["p"][0], raw) is None
    assert exports.download_path(s, None, raw) is None
    assert exports.download_path(s, ref77, raw[:-2] + "xx") is None
    assert exports.export_status(s, world["p"][0], job.id) is None
    clock.freeze(_base.NOW + timedelta(days=8))
    assert exports.download_path(s, ref77, raw) is None
    assert export_jobs.exports_purge(s) == 1
    s.expire_all()
    job = s.get(ExportJob, res["job_id"])
    assert job.status == "expired" and not path.exists() and job.file_path == ""
    assert [e["status"] for e in exports.my_exports(s, ref77)] == ["expired"]


def test_the_job_checks_rights_again(s, world, ref77, small_limit):
    res = exports.request_export(s, ref77, "applications", {})
    ref77.status = "disabled"
    s.add(ref77)
    s.commit()
    assert export_jobs.exports_run(s) == 0
    s.expire_all()
    job = s.get(ExportJob, res["job_id"])
    assert job.status == "failed" and job.error == exports.MSG_DENIED and not job.file_path
    assert not s.exec(select(Outbox).where(Outbox.template == "export_ready")).all()
    assert not list((get_settings().private_dir / "exports").glob(f"{job.id}-*"))


def test_two_runners_never_take_the_same_export(s, world, ref77, small_limit):
    res = exports.request_export(s, ref77, "offers", {})
    assert res["status"] == "queued"
    first = exports.claim_next(s)
    assert first is not None and first.id == res["job_id"]
    assert exports.claim_next(s) is None


def test_stuck_exports_fail_after_a_day(s, world, ref77, small_limit):
    res = exports.request_export(s, ref77, "offers", {})
    exports.claim_next(s)
    clock.freeze(_base.NOW + timedelta(days=2))
    export_jobs.exports_purge(s)
    s.expire_all()
    assert s.get(ExportJob, res["job_id"]).status == "failed"


def test_no_rows_is_an_error(s, world, ref77):
    res = exports.request_export(s, ref77, "applications", {"school_year": "2019"})
    assert res == {"status": "error", "error": exports.MSG_EMPTY, "notices": {}, "rows": 0}


def test_employer_export_status_is_private(s, world, employer, ref77, small_limit):
    res = exports.request_export(s, employer, "applications", {})
    assert res["status"] == "queued"
    assert exports.export_status(s, ref77, res["job_id"]) is None
    assert exports.export_status(s, employer, "junk") is None
    assert exports.export_status(s, employer, res["job_id"])["total"] == 5


def test_age_on():
    assert exports.age_on(date(2012, 10, 13), date(2026, 10, 12)) == 13
    assert exports.age_on(date(2012, 10, 12), date(2026, 10, 12)) == 14
    assert exports.age_on(None, date(2026, 10, 12)) is None
