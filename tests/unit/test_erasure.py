"""« Supprimer mon compte » (RGPD art. 17): after the deletion no table row and no private
file holds the pupil's names, e-mail, phone or CV; login is refused; the pending
applications are withdrawn and the employer told; the employer's list shows « Élève
(compte supprimé) »; the erasure is set-based and idempotent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    AuthSession,
    Favorite,
    OneTimeToken,
    Outbox,
    PupilCV,
    Role,
    School,
    User,
    metadata,
)
from mystage.services import accounts, offers
from mystage.services.accounts import passwords
from mystage.services.privacy.account_deletion import delete_my_account, deletion_blockers
from mystage.services.privacy.erasure import anonymise_users
from mystage.services.text import DELETED_PUPIL
from mystage.settings import get_settings
from tests.unit.test_applications import post
from tests.unit.test_offers import NOW, W2, complete_offer, employer

PW = "Tartine-Croquante-47!"
FIRST, LAST = "Zoélie", "Quertonneau"
EMAIL = "zoelie.quertonneau@exemple.fr"
PHONE = "+33698765412"
TYPED_EMAIL = "zq.parents@exemple.fr"
REFERENCE = {"communes", "commune_aliases", "departments", "sectors", "naf_codes", "schools"}


def _school(s) -> School:
    school = s.exec(
        select(School).where(School.ep == "", School.qpv.is_(False)).order_by(School.uai)
    ).first()
    school.validation_required, school.search_scope = False, "national"
    s.add(school)
    s.commit()
    return school


def _pupil(s, school, email=EMAIL, phone=PHONE, first=FIRST, last=LAST, pw=PW) -> User:
    user = User(
        email=email, phone=phone, role=Role.ELEVE, status="active", first_name=first,
        last_name=last, school_id=school.id, level="3e", parental_authorization_at=NOW,
        password_hash=passwords.hash_password(pw),
    )  # fmt: skip
    s.add(user)
    s.commit()
    return user


def _cv(s, user) -> str:
    folder = get_settings().private_dir / "cv"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"cv/erasure-{user.id}.pdf"
    (get_settings().private_dir / name).write_bytes(b"%PDF-1.4 " + LAST.encode())
    s.add(PupilCV(user_id=user.id, schooling=f"Collège de {LAST}", pdf_path=name))
    s.commit()
    return name


def _dump(s) -> str:
    """Every row of every non-reference table, as text."""
    s.expire_all()
    out = []
    for table in metadata.sorted_tables:
        if table.name in REFERENCE:
            continue
        for row in s.execute(sa.select(table)).all():
            out.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(out)


def _world(s):
    clock.freeze(NOW)
    school = _school(s)
    emp, _ = employer(s)
    offer_id = complete_offer(s, emp, places="2")
    pupil = _pupil(s, school)
    cv = _cv(s, pupil)
    app_id, errors = post(s, pupil, offer_id, contact_email=TYPED_EMAIL)
    assert errors == {}
    app2, errors = post(s, pupil, offer_id, week=W2)
    assert errors == {}
    s.add(Favorite(user_id=pupil.id, offer_id=offer_id))
    s.commit()
    accounts.create_session(s, pupil, "203.0.113.7", "pytest")
    s.commit()
    return {"school": school, "emp": emp, "offer_id": offer_id, "pupil": pupil, "cv": cv,
            "apps": [app_id, app2]}  # fmt: skip


def test_deletion_leaves_no_trace(reference_db, dbs):
    s = dbs
    w = _world(s)
    pupil = w["pupil"]
    before = _dump(s)
    assert LAST in before and EMAIL in before  # the scan does see them
    assert delete_my_account(s, pupil, "mauvais", True) == {"password": "Mot de passe incorrect."}
    assert delete_my_account(s, pupil, PW, False)["confirm"]
    assert delete_my_account(s, pupil, PW, True) == {}
    dump = _dump(s)
    for needle in (FIRST, LAST, EMAIL, PHONE, PHONE[3:], TYPED_EMAIL, "06 12 34 56 78",
                   "0612345678", "erasure-", "découvrir le métier"):  # fmt: skip
        assert needle not in dump, needle
    private = get_settings().private_dir
    assert not (private / w["cv"]).exists()
    for path in private.rglob("*"):
        if path.is_file():
            assert LAST.encode() not in path.read_bytes(), path
    # The rows stay, anonymous: the counts stay true.
    s.expire_all()
    user = s.get(User, pupil.id)
    assert user.anonymized_at is not None and user.status == "disabled"
    assert user.email is None and user.phone is None and user.password_hash is None
    states = [s.get(Application, i).state for i in w["apps"]]
    assert states == [AppState.CANCELLED_BY_PUPIL] * 2
    assert s.exec(select(AuthSession).where(AuthSession.user_id == pupil.id)).all() == []
    assert s.exec(select(OneTimeToken).where(OneTimeToken.user_id == pupil.id)).all() == []
    assert s.exec(select(Favorite).where(Favorite.user_id == pupil.id)).all() == []
    # The employer is told, without the pupil's name.
    told = s.exec(select(Outbox).where(Outbox.template == "app_employer_cancelled_by_pupil")).all()
    assert len(told) == 2 and all(DELETED_PUPIL in m.body for m in told)
    # Login refused, a second deletion refused.
    user, message = accounts.authenticate(s, EMAIL, PW, "203.0.113.7")
    assert user is None and message
    assert delete_my_account(s, s.get(User, pupil.id), PW, True) != {}


def test_employer_list_shows_deleted_pupil(reference_db, dbs):
    s = dbs
    w = _world(s)
    assert delete_my_account(s, w["pupil"], PW, True) == {}
    rows, total = offers.employer_applications(s, w["emp"], tab="done")
    assert total == 2 and {r["pupil_name"] for r in rows} == {DELETED_PUPIL}
    from mystage.services import applications

    view = applications.employer_view(s, w["emp"], w["apps"][0])
    assert view["pupil_name"] == DELETED_PUPIL


def test_confirmed_internship_blocks(reference_db, dbs):
    s = dbs
    w = _world(s)
    s.execute(
        sa.update(Application)
        .where(Application.id == w["apps"][0])
        .values(state=AppState.CONFIRMED)
    )
    s.commit()
    blockers = deletion_blockers(s, w["pupil"])
    assert blockers and blockers[0]["href"] == "/espace/eleve/candidatures"
    errors = delete_my_account(s, w["pupil"], PW, True)
    assert errors["form"].startswith("Ton compte")
    s.expire_all()
    assert s.get(User, w["pupil"].id).anonymized_at is None


def test_owner_with_live_offers_is_blocked(reference_db, dbs):
    s = dbs
    w = _world(s)
    blockers = deletion_blockers(s, w["emp"])
    assert any(b["href"] == "/espace/employeur" for b in blockers)
    assert delete_my_account(s, w["emp"], "un stage à la boulangerie", True)


def test_anonymise_is_set_based_and_idempotent(reference_db, dbs):
    s = dbs
    clock.freeze(NOW)
    school = _school(s)
    ids = [
        _pupil(s, school, f"p{i}@exemple.fr", f"+336000000{i:02d}", "Prénom", f"Nom{i}").id
        for i in range(7)
    ]
    assert anonymise_users(s, ids, clock.now()) == 7
    s.commit()
    assert anonymise_users(s, ids, clock.now()) == 0
    s.commit()
    assert "Nom3" not in _dump(s)


# --- retention ---------------------------------------------------------------------------------


def test_retention_pupils_outbox_audit_idempotent(reference_db, dbs):
    from datetime import UTC, datetime, timedelta

    from mystage.jobs import runner
    from mystage.models import AuditLog
    from mystage.services.privacy import retention

    s = dbs
    w = _world(s)  # 5 October 2026: Zoélie signed up this school year
    school = w["school"]
    old = _pupil(s, school, "ancien@exemple.fr", "+33600000099", "Ancien", "Eleverton")
    old.created_at = datetime(2025, 10, 1, tzinfo=UTC)
    old.last_login_at = datetime(2026, 6, 20, tzinfo=UTC)
    back = _pupil(s, school, "revenu@exemple.fr", "+33600000098", "Revenu", "Encoreici")
    back.created_at = datetime(2025, 10, 1, tzinfo=UTC)
    back.last_login_at = datetime(2026, 9, 10, tzinfo=UTC)  # came back this school year
    s.add_all([old, back])
    s.add(AuditLog(entity="offer", entity_id=1, action="x", actor_id=w["emp"].id,
                   actor_role="employeur", message="vieux", created_at=NOW - timedelta(days=6 * 365)))  # fmt: skip
    s.execute(sa.update(Outbox).values(status="sent"))  # delivered
    s.commit()
    # Before the grace period: 1 September 2026 + 60 days is not reached on 5 October.
    assert retention.pupils_due(s, NOW) == []
    later = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
    assert retention.pupils_due(s, later) == [old.id]
    clock.freeze(later)
    assert runner.run_job("retention") >= 2
    s.expire_all()
    assert s.get(User, old.id).anonymized_at is not None
    assert s.get(User, back.id).anonymized_at is None
    assert s.get(User, w["pupil"].id).anonymized_at is None
    # The mails of October are older than 30 days: emptied.
    assert all(m.body == "" for m in s.exec(select(Outbox)).all())
    row = s.exec(select(AuditLog).where(AuditLog.message == "vieux")).first()
    assert row is None
    assert runner.run_job("retention") == 0  # idempotent
    assert "Eleverton" not in _dump(s)
    clock.freeze(None)


def test_privacy_page_states_the_delays_in_force():
    from mystage.pages.content.pied_de_page.donnees import DONNEES

    conf = get_settings()
    section = next(sec for sec in DONNEES.sections if sec.id == "conservation")
    text = repr(section)
    for value in (
        f"{conf.retention_pupil_grace_days} jours après",
        f"{conf.retention_outbox_body_days} jours",
        f"{conf.retention_audit_years} ans",
        f"{conf.retention_convention_years} ans après la semaine de stage",
        f"{conf.retention_session_days} jours après leur expiration",
    ):
        assert value in text, value


def test_a_team_member_deleting_their_account_hands_their_offers_to_the_owner(reference_db, dbs):
    """A colleague's published offer does not block their deletion: it goes to the owner
    (as when a member leaves), so its applications keep a recipient."""
    from mystage.models import Offer, StructureMember
    from mystage.services import structures

    s = dbs
    clock.freeze(NOW)
    owner, st = employer(s, email="patron.erasure@exemple.fr", siret="35600000000048")
    colleague = User(
        email="collegue.erasure@exemple.fr", role=Role.EMPLOYEUR, status="active",
        first_name="Ida", last_name="Vermeulen", password_hash=passwords.hash_password(PW),
    )  # fmt: skip
    s.add(colleague)
    s.commit()
    s.add(StructureMember(structure_id=st.id, user_id=colleague.id, status="active"))
    s.commit()
    offer_id = complete_offer(s, colleague)
    offer = s.get(Offer, offer_id)
    assert offer.structure_id == st.id
    offer.recipient_user_id = colleague.id
    s.commit()
    assert deletion_blockers(s, colleague) == []
    assert delete_my_account(s, colleague, PW, True) == {}
    s.expire_all()
    offer = s.get(Offer, offer_id)
    assert (offer.created_by_id, offer.recipient_user_id) == (owner.id, owner.id)
    assert structures.active_member_ids(s, st.id) == [owner.id]
    assert "Vermeulen" not in _dump(s)
