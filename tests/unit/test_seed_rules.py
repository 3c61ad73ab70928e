"""Rules of the seeds (issue 15, part 2): deactivating closes accepted applications and a
confirmation needs a published offer (003), a suspended offer stays in the search (003),
the school's radius when applying (002), the référent's copy and the mandatory school
validation (000), no age rule since 2019 (observation rules), refusal reasons (000)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage.models import Application, AppState, AuditLog, Offer, OfferState, School
from mystage.services import applications as apps
from mystage.services import offers
from tests.unit import test_applications as base
from tests.unit.test_applications import accepted, app, mails, make_pupil, offer_of, post, week_row
from tests.unit.test_offers import W2

A = AppState
s = base.s  # fixtures
school_fixture = base.school_fixture


@pytest.fixture
def set_school(s, school):
    """``set_school(s, school, **columns)``: the reference school's columns, restored after
    the test."""
    saved: dict[str, object] = {}

    def change(s, school: School, **values) -> School:
        for k, v in values.items():
            saved.setdefault(k, getattr(school, k))
            setattr(school, k, v)
        s.add(school)
        s.commit()
        return school

    yield change
    change(s, s.get(School, school.id), **saved)


# --- 1. Désactiver / Supprimer close accepted applications; confirm needs a published offer --


def test_deactivate_refuses_accepted_not_confirmed_applications(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    a_lea = accepted(s, emp, lea, offer_id)
    a_tom, _ = post(s, tom, offer_id)
    a_zoe = accepted(s, emp, zoe, offer_id, week=W2)
    assert apps.confirm(s, zoe, a_zoe) == ""
    assert offers.pending_applications_count(s, offer_id) == 2  # Léa accepted, Tom sent
    assert offers.transition(s, emp, offer_id, "deactivate") == ""
    a = app(s, a_lea)
    assert a.state == A.REFUSED and a.refuse_message == offers.MSG_DEACTIVATED
    assert app(s, a_tom).state == A.REFUSED
    assert app(s, a_zoe).state == A.CONFIRMED  # a confirmed internship is cancelled explicitly
    mail = mails(s, "offer_withdrawn_pupil", to="lea@exemple.fr")
    assert len(mail) == 1 and "tu ne peux plus confirmer" in mail[0].body  # « tu »: a pupil
    assert mail[0].subject == "Ce stage n'est plus possible"
    other = mails(s, "offer_withdrawn_pupil", to="tom@exemple.fr")
    assert len(other) == 1 and other[0].subject == "Ta candidature n'a pas été retenue"
    audit = s.exec(
        select(AuditLog)
        .where(AuditLog.entity == "application", AuditLog.entity_id == a_lea)
        .order_by(AuditLog.id)
    ).all()
    assert [(r.from_state, r.to_state) for r in audit][-1] == (A.ACCEPTED, A.REFUSED)
    # Léa cannot confirm any more.
    assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    assert app(s, a_lea).state == A.REFUSED
    assert week_row(s, offer_id).places_taken == 0


def test_remove_refuses_accepted_applications(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea = accepted(s, emp, lea, offer_id)
    assert offers.transition(s, emp, offer_id, "remove") == ""
    a = app(s, a_lea)
    assert a.state == A.REFUSED and a.refuse_message == offers.MSG_REMOVED_REFUSAL
    assert "supprimé" in mails(s, "offer_withdrawn_pupil", to="lea@exemple.fr")[0].body


def test_confirm_needs_a_published_offer(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea = accepted(s, emp, lea, offer_id)
    # « Dépublier » is a pause: the accepted application stays, but cannot be confirmed.
    assert offers.transition(s, emp, offer_id, "unpublish") == ""
    assert app(s, a_lea).state == A.ACCEPTED
    assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    assert apps.transition(s, lea, a_lea, "confirm") == apps.MSG_OFFER_GONE
    assert app(s, a_lea).state == A.ACCEPTED and week_row(s, offer_id).places_taken == 0
    # A removed or past offer too (state changed behind the services' back).
    for state in (OfferState.REMOVED, OfferState.PAST, OfferState.DRAFT):
        s.execute(sa.update(Offer).where(Offer.id == offer_id).values(state=state))
        s.commit()
        assert apps.confirm(s, lea, a_lea) == apps.MSG_OFFER_GONE
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(state=OfferState.UNPUBLISHED))
    s.commit()
    assert offers.transition(s, emp, offer_id, "republish") == ""
    assert apps.confirm(s, lea, a_lea) == ""
    assert app(s, a_lea).state == A.CONFIRMED


# --- 3. the school's radius when applying (seed 002) ------------------------------------------


def test_school_radius_is_enforced_when_applying(s, school, set_school):
    _, offer_id = offer_of(s)  # Nantes; the school is in the Ain (about 500 km away)
    lea = make_pupil(s, school, "lea@exemple.fr")
    set_school(s, school, search_scope="radius", search_radius_km=60)
    msg = (
        "Cette offre est à plus de 60 km de ton établissement. Ton établissement peut ouvrir "
        "la recherche à toute la France."
    )
    assert apps.can_apply(s, lea, offer_id) == (False, msg)
    assert post(s, lea, offer_id) == (None, {"form": msg})
    set_school(s, school, search_radius_km=30)
    assert apps.can_apply(s, lea, offer_id)[1].startswith("Cette offre est à plus de 30 km")
    # A school near Nantes (Rezé, about 5 km): allowed with the same radius.
    set_school(s, school, latitude=47.18, longitude=-1.55)
    assert apps.can_apply(s, lea, offer_id) == (True, "")
    set_school(s, school, search_radius_km=1)
    assert apps.can_apply(s, lea, offer_id)[0] is False
    # National scope: every offer.
    set_school(s, school, latitude=45.96, longitude=5.36, search_scope="national")
    assert apps.can_apply(s, lea, offer_id) == (True, "")
    app_id, errors = post(s, lea, offer_id)
    assert errors == {} and app_id


# --- 5. no age rule since 2019 ---------------------------------------------------------------------------


def test_a_pupil_under_14_may_observe_in_a_private_company(s, school):
    """Since 1 January 2019 (loi n° 2018-771 du 5 septembre 2018, art. 19, amending code du
    travail L. 4153-1 2°), pupils of the last two years of collège observe « quel que soit
    leur âge », private companies included: the level counts, not the age.  Issue 15 asked
    for the former rule (under 14: public employers or family businesses only); it is not
    applied, and this test keeps it so."""
    emp, offer_id = offer_of(s)  # a bakery (private), weeks of 16 and 23 November 2026
    young = make_pupil(s, school, "young@exemple.fr", birth_date=date(2013, 1, 15))  # 13
    assert apps.can_apply(s, young, offer_id) == (True, "")
    app_id, errors = post(s, young, offer_id)
    assert errors == {} and app_id


# --- 2. a suspended offer stays in the search (seed 003) ---------------------------------------


def test_suspended_offer_stays_listed_with_applications_closed(s, school):
    from mystage.services import search

    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    a_lea, _ = post(s, lea, offer_id)

    def row():
        found = search.search(s, search.SearchCriteria(where="Nantes"))
        return next((r for r in found.results if r["id"] == offer_id), None)

    assert row()["applications_closed"] is False
    assert offers.offer_view(s, offer_id)["applications_closed"] is False
    assert offers.transition(s, emp, offer_id, "close_applications") == ""
    assert row()["applications_closed"] is True  # still listed
    view = offers.offer_view(s, offer_id)
    assert view["applications_closed"] is True and view["application_open"] is False
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    assert apps.can_apply(s, tom, offer_id)[0] is False
    assert app(s, a_lea).state == A.SENT  # the applications received stay
    # Deactivated: gone from the search.
    assert offers.transition(s, emp, offer_id, "deactivate") == ""
    assert row() is None


# --- 4. the référent's copy and the mandatory school validation (seed 000) ---------------------


def test_referent_mail_has_the_school_mailbox_in_copy(s, school, set_school):
    from mystage.models import Outbox

    set_school(s, school, validation_required=True, email="ce.0010002x@ac-lyon.fr")
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    zoe = make_pupil(s, school, "zoe@exemple.fr", first_name="Zoé")
    a_lea, _ = post(s, lea, offer_id, referent_email="Prof.Dupont@ac-lyon.fr")
    request = mails(s, "app_school_validate", to="prof.dupont@ac-lyon.fr")
    copy = mails(s, "app_school_validate", to="ce.0010002x@ac-lyon.fr")
    assert len(request) == 1 and len(copy) == 1
    assert copy[0].subject == "Copie : " + request[0].subject
    assert copy[0].body.startswith("Copie pour information du message envoyé à prof.dupont@")
    assert request[0].body in copy[0].body and copy[0].action_url == request[0].action_url
    # The school's own référent address (not its mailbox): copied too; the mailbox itself:
    # one mail, no copy.
    post(s, tom, offer_id)  # référent: referent@college.fr (the school's setting)
    assert len(mails(s, "app_school_validate", to="referent@college.fr")) == 1
    assert len(mails(s, "app_school_validate", to="ce.0010002x@ac-lyon.fr")) == 2
    post(s, zoe, offer_id, referent_email="ce.0010002x@ac-lyon.fr")
    assert len(mails(s, "app_school_validate", to="ce.0010002x@ac-lyon.fr")) == 3
    # The copies are deduplicated like the messages (a second move queues nothing).
    n = len(s.exec(select(Outbox)).all())
    apps.move(s, "route_to_school", [Application.id == a_lea])
    assert len(s.exec(select(Outbox)).all()) == n


def test_copy_delivered_by_smtp(s, school, set_school):
    from mystage.notify.delivery import deliver_pending
    from mystage.notify.transports import SmtpTransport
    from tests.integration.test_smtp_delivery import SmtpServer

    set_school(s, school, validation_required=True, email="ce.0010002x@ac-lyon.fr")
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    post(s, lea, offer_id, referent_email="refuse@ac-lyon.fr")  # a wrong address…
    server = SmtpServer()
    server.start()
    try:
        deliver_pending(batch=20, transports={"mail": SmtpTransport(server.url)})
    finally:
        server.stop()
    got = {m["rcpt"][0]: m["msg"] for m in server.messages}
    copy = got["ce.0010002x@ac-lyon.fr"]  # …does not stop the school's copy
    assert copy["To"] == "ce.0010002x@ac-lyon.fr"
    assert copy["Subject"].startswith("Copie : ")
    assert "Copie pour information du message envoyé à refuse@ac-lyon.fr" in copy.get_content()
    assert "refuse@ac-lyon.fr" not in got


def test_school_validation_mandatory_deployment(s, school, set_school, monkeypatch):
    from mystage import settings
    from mystage.services import platform, schools
    from tests.unit.test_applications import staff

    set_school(s, school, validation_required=False)
    _, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    head = staff(s, school, "ce.0010002x@ac-lyon.fr", role="chef_etablissement")
    assert platform.school_validates(school) is False
    monkeypatch.setenv("SCHOOL_VALIDATION", "mandatory")
    settings.reload()
    try:
        assert platform.school_validates(school) is True
        app_id, _ = post(s, lea, offer_id)
        assert app(s, app_id).state == A.AWAITING_SCHOOL
        got = schools.school_settings(s, head)
        assert got["validation_required"] is True and got["validation_locked"] is True
        data = {"search_scope": "national", "validation_required": False}
        assert schools.update_settings(s, head, data) == {}
        s.expire_all()
        assert s.get(School, school.id).validation_required is False  # the choice is kept
        assert settings.get_settings().config_errors() == []
        monkeypatch.setenv("SCHOOL_VALIDATION", "toujours")
        assert "SCHOOL_VALIDATION=toujours" in settings.reload().config_errors()[0]
    finally:
        monkeypatch.delenv("SCHOOL_VALIDATION")
        settings.reload()
    assert schools.school_settings(s, head)["validation_locked"] is False
    assert settings.get_settings().school_validation == "school"


# --- 6. refusal reasons (seed 000) ---------------------------------------------------------------


def test_refusal_needs_a_reason_shown_to_the_pupil(s, school):
    from mystage.services import pupils

    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id, _ = post(s, lea, offer_id)

    def unchanged():
        a = app(s, app_id)
        n = len(
            s.exec(
                select(AuditLog).where(
                    AuditLog.entity == "application", AuditLog.entity_id == app_id
                )
            ).all()
        )
        return a.state, a.refuse_reason, a.refuse_message, n, len(mails(s, "app_refused"))

    before = unchanged()
    for reason, error in (
        (None, apps.MSG_REASON_REQUIRED),
        ("", apps.MSG_REASON_REQUIRED),
        ("complet", apps.MSG_REASON_UNKNOWN),
        (["full"], apps.MSG_REASON_UNKNOWN),
        ({"k": 1}, apps.MSG_REASON_UNKNOWN),
    ):
        assert apps.transition(s, emp, app_id, "refuse", "Désolé.", reason=reason) == error
        assert apps.decide_as_employer(s, emp, app_id, "refuse", "Désolé.", reason) == {
            "reason": error
        }
        assert unchanged() == before
    assert apps.transition(s, emp, app_id, "refuse", "Désolé.", reason="full") == ""
    a = app(s, app_id)
    assert (a.state, a.refuse_reason, a.refuse_message) == (A.REFUSED, "full", "Désolé.")
    last = s.exec(
        select(AuditLog)
        .where(AuditLog.entity == "application", AuditLog.entity_id == app_id)
        .order_by(AuditLog.id.desc())
    ).first()
    assert last.action == "refuse" and last.message == "Motif : Offre complète. Désolé."
    (mail,) = mails(s, "app_refused", to="lea@exemple.fr")
    assert "Motif du refus : Offre complète." in mail.body and "Désolé." in mail.body
    (row,) = pupils.my_applications(s, lea)
    assert row["refuse_reason"] == "Offre complète" and row["employer_message"] == "Désolé."
    assert apps.employer_view(s, emp, app_id)["refuse_reason"] == "Offre complète"
    # Already refused: a second click says so (the reason is not asked again).
    assert apps.decide_as_employer(s, emp, app_id, "refuse") == {"form": apps.MSG_ALREADY}
    assert apps.REFUSE_REASONS == {
        "full": "Offre complète",
        "profile": "Profil ne correspondant pas",
        "week": "Semaine indisponible",
        "other": "Autre",
    }


def test_export_has_the_refusal_reason(s, school):
    from mystage.services.exports.applications import refuse_motive

    assert refuse_motive("refused", "profile", "") == "Profil ne correspondant pas"
    assert refuse_motive("refused", "", offers.MSG_DEACTIVATED) == "Offre désactivée"
    assert refuse_motive("refused", "", offers.MSG_REMOVED_REFUSAL) == "Offre supprimée"
    assert refuse_motive("refused", "", "Un message privé à l'élève") == ""
    assert refuse_motive("confirmed", "full", "") == ""
