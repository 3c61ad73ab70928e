"""Issue 16 « Schools »: the class roster (paste, invitations, linking), the class code, the
class table's counts and kept rows, « Relancer », « Tu peux maintenant postuler »."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import OneTimeToken, Outbox, Role, RosterEntry, SchoolClass, User
from mystage.services import accounts, schools
from mystage.services.permissions import PermissionDenied
from tests.unit.test_schools import (
    CRAFTED,
    NOW,
    PW,
    UAI_A,
    UAI_B,
    application,
    count,
    head,
    klass,
    mails,
    member,
    offer,
    pupil,
    school,
)
from tests.unit.test_schools import school_db as _school_db  # noqa: F401

PASTE = """MARTIN Léa ; lea.martin@exemple.fr
Dupont Théo ; 06 12 34 56 78

NGUYEN Anh
DE LA TOUR Jean-Pierre\tparent.delatour@exemple.fr
"""


def invitation_token(mail: Outbox) -> str:
    return parse_qs(urlparse(mail.action_url).query)["invitation"][0]


def _pupil_form(**kw) -> dict:
    data = {
        "email": "", "phone": "", "password": PW, "first_name": "Léa", "last_name": "Martin",
        "accept_terms": True, "birth_date": "2012-03-14", "gender": "f",
    }  # fmt: skip
    data.update(kw)
    return data


@pytest.fixture
def setup(s):
    a = school(s, UAI_A)
    c = klass(s, a, "3e A")
    other = klass(s, a, "3e B")
    h = head(s, a)
    pp = member(s, a, "pp@ac-creteil.fr", scope="classes", classes=[c])
    pp_b = member(s, a, "pp.b@ac-creteil.fr", scope="classes", classes=[other])
    return {"school": a, "class": c, "other": other, "head": h, "pp": pp, "pp_b": pp_b}


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "first", "last", "contact"),
    [
        ("MARTIN Léa ; lea.martin@exemple.fr", "Léa", "MARTIN", "lea.martin@exemple.fr"),
        ("Martin Léa Marie;0612345678", "Léa Marie", "Martin", "+33612345678"),
        ("DE LA TOUR Jean", "Jean", "DE LA TOUR", ""),
        ("Martin, Léa", "Léa", "Martin", ""),
        ("Martin Léa lea@exemple.fr", "Léa", "Martin", "lea@exemple.fr"),
        ("Martin Léa 06 12 34 56 78", "Léa", "Martin", "+33612345678"),
        ("NGUYEN ANH\t07.12.34.56.78", "Anh", "NGUYEN", "+33712345678"),
    ],
)
def test_lines_are_read_tolerantly(line, first, last, contact):
    out = schools.parse_roster(line)[0][0]
    assert (out["first_name"], out["last_name"], out["contact"], out["error"]) == (
        first,
        last,
        contact,
        "",
    )


def test_paste_errors_are_per_line_in_french():
    text = "MARTIN Léa ; lea@exemple\nDupont\nMARTIN Léa\nOK Élève ; 01 23 45 67 89\n\nBon Élève"
    lines, error = schools.parse_roster(text)
    assert error == ""
    assert [x["line"] for x in lines] == [1, 2, 3, 4, 6]
    assert "ni une adresse e-mail ni un numéro de portable" in lines[0]["error"]
    assert "nom et le prénom" in lines[1]["error"]
    assert "déjà sur la ligne 1" in lines[2]["error"]
    assert "portable" in lines[3]["error"]  # a landline cannot get an SMS
    assert lines[4]["error"] == ""
    assert schools.parse_roster("   \n ")[1] != ""
    assert "80" in schools.parse_roster("\n".join(f"A{i} B" for i in range(81)))[1]
    for bad in [x for x in CRAFTED if not isinstance(x, str)]:
        assert schools.parse_roster(bad) == ([], schools.MSG_ROSTER_EMPTY)


# --- adding, previewing ------------------------------------------------------------------------


def test_paste_with_an_error_stores_nothing_unless_only_the_good_lines(s, setup):
    c, pp = setup["class"], setup["pp"]
    text = PASTE + "Bad ; pas-un-contact\n"
    preview = schools.preview_roster(s, pp, c.id, text)
    assert (preview["valid"], preview["invalid"]) == (4, 1)
    assert count(s, RosterEntry) == 0  # a preview stores nothing
    result, errors = schools.add_roster(s, pp, c.id, text)
    assert result == {} and len(errors["lines"]) == 5
    assert count(s, RosterEntry) == 0 and mails(s) == []
    result, errors = schools.add_roster(s, pp, c.id, text, only_valid=True)
    assert errors == {} and result == {"added": 4, "invited": 3}
    assert count(s, RosterEntry, RosterEntry.class_id == c.id) == 4
    invitation = mails(s, "class_invitation", to="lea.martin@exemple.fr")[0]
    assert "/inscription/eleve?invitation=" in invitation.action_url
    assert "Léa" in invitation.body and "3e A" in invitation.body
    sms = mails(s, "sms_class_invitation")
    assert [m.recipient for m in sms] == ["+33612345678"] and len(sms[0].body) <= 160
    tok = s.exec(select(OneTimeToken).where(OneTimeToken.target == "lea.martin@exemple.fr")).one()
    assert tok.expires_at - tok.created_at == timedelta(days=30)
    assert invitation_token(invitation) not in (tok.token_hash, tok.payload)  # hashed
    # The same list again: every line is already listed.
    again = schools.preview_roster(s, pp, c.id, PASTE)
    assert again["invalid"] == 4 and "déjà dans la liste" in again["lines"][0]["error"]


def test_add_one_pupil_checks_each_field(s, setup):
    c, pp = setup["class"], setup["pp"]
    result, errors = schools.add_roster_pupil(
        s, pp, c.id, {"first_name": "", "last_name": "Martin", "contact": "0123"}
    )
    assert result == {} and set(errors) == {"first_name", "contact"}
    result, errors = schools.add_roster_pupil(
        s, pp, c.id, {"first_name": "Léa", "last_name": "Martin", "contact": ""}
    )
    assert errors == {} and result == {"added": 1, "invited": 0}
    _, errors = schools.add_roster_pupil(s, pp, c.id, {"first_name": "LEA", "last_name": "martin"})
    assert "déjà" in errors["last_name"]


def test_roster_is_only_for_staff_of_that_class(s, setup):
    c, pp_b = setup["class"], setup["pp_b"]
    other_school = school(s, UAI_B)
    stranger = head(s, other_school)
    pupil_user = pupil(s, setup["school"], c)
    for who in (pp_b, stranger, pupil_user, None):
        with pytest.raises(PermissionDenied):
            schools.add_roster(s, who, c.id, PASTE)
        with pytest.raises(PermissionDenied):
            schools.preview_roster(s, who, c.id, PASTE)
        with pytest.raises(PermissionDenied):
            schools.set_class_code(s, who, c.id)
        with pytest.raises(PermissionDenied):
            schools.remind_class(s, who, c.id)
    schools.add_roster(s, setup["head"], c.id, PASTE)
    rid = s.exec(select(RosterEntry.id)).first()
    for who in (pp_b, stranger, pupil_user):
        with pytest.raises(PermissionDenied):
            schools.remove_roster(s, who, rid)
        with pytest.raises(PermissionDenied):
            schools.resend_roster_invitation(s, who, rid)
        with pytest.raises(PermissionDenied):
            schools.class_table(s, who, c.id)
    for bad in CRAFTED:
        with pytest.raises(PermissionDenied):
            schools.remove_roster(s, setup["pp"], bad)
    assert count(s, RosterEntry) == 4


def test_class_table_shows_listed_pupils_with_counts(s, setup):
    a, c, pp = setup["school"], setup["class"], setup["pp"]
    p1 = pupil(s, a, c, authorized=True)
    p2 = pupil(s, a, c)
    application(s, p1, offer(s))
    schools.add_roster(s, pp, c.id, PASTE)
    table = schools.class_table(s, pp, c.id)
    assert [r["id"] for r in table["rows"]] == sorted([p1.id, p2.id], key=lambda i: i)
    assert len(table["roster"]) == 4
    lea = next(r for r in table["roster"] if r["first_name"] == "Léa")
    assert lea["contact"] == "lea.martin@exemple.fr" and lea["invited_on"] == "05/10/2026"
    assert table["counts"] == {
        "": 6, "sans_candidature": 1, "en_attente": 1, "confirme": 0,
        "sans_autorisation": 1, "pas_inscrit": 4,
    }  # fmt: skip
    only = schools.class_table(s, pp, c.id, filter="pas_inscrit")
    assert only["rows"] == [] and len(only["roster"]) == 4
    assert schools.class_table(s, pp, c.id, filter="sans_autorisation")["roster"] == []
    # The head's empty class: 0 everywhere.
    empty = schools.class_table(s, setup["head"], setup["other"].id)
    assert empty["counts"][""] == 0 and empty["rows"] == [] and empty["roster"] == []


def test_remove_and_resend(s, setup):
    c, pp = setup["class"], setup["pp"]
    schools.add_roster(s, pp, c.id, PASTE)
    lea = s.exec(select(RosterEntry).where(RosterEntry.first_name == "Léa")).one()
    anh = s.exec(select(RosterEntry).where(RosterEntry.first_name == "Anh")).one()
    assert "une heure" in schools.resend_roster_invitation(s, pp, lea.id)
    assert "Pas de contact" in schools.resend_roster_invitation(s, pp, anh.id)
    first = invitation_token(mails(s, "class_invitation", to="lea.martin@exemple.fr")[0])
    clock.freeze(NOW + timedelta(hours=2))
    assert schools.resend_roster_invitation(s, pp, lea.id) == ""
    assert schools.class_by_invitation(s, first)[0] is None  # the old link died
    second = invitation_token(mails(s, "class_invitation", to="lea.martin@exemple.fr")[-1])
    assert schools.class_by_invitation(s, second)[0]["first_name"] == "Léa"
    assert schools.remove_roster(s, pp, lea.id) == ""
    assert schools.class_by_invitation(s, second)[0] is None
    assert count(s, RosterEntry) == 3


# --- signing up from the invitation, the code, or on one's own ---------------------------------


def test_invitation_sign_up_links_the_row(s, setup):
    c, pp = setup["class"], setup["pp"]
    schools.add_roster(s, pp, c.id, PASTE)
    token = invitation_token(mails(s, "class_invitation", to="lea.martin@exemple.fr")[0])
    info, error = schools.class_by_invitation(s, token)
    assert error == "" and info["class_name"] == "3e A" and info["level"] == "3e"
    assert info["email"] == "lea.martin@exemple.fr" and info["last_name"] == "MARTIN"
    # Errors: nothing stored, the link stays usable.
    user, errors = schools.register_class_pupil(
        s, invitation=token, data=_pupil_form(email="lea.martin@exemple.fr", birth_date="")
    )
    assert user is None and "birth_date" in errors
    # School and class come from the link, whatever the client sends.
    user, errors = schools.register_class_pupil(
        s, invitation=token,
        data=_pupil_form(email="lea.martin@exemple.fr", school_id=999, class_id=999),
    )  # fmt: skip
    assert errors == {}
    assert (user.school_id, user.class_id, user.level) == (c.school_id, c.id, "3e")
    entry = s.exec(select(RosterEntry).where(RosterEntry.first_name == "Léa")).one()
    assert entry.user_id == user.id and entry.contact == ""  # the contact is erased
    assert schools.class_by_invitation(s, token)[0] is None  # single use
    table = schools.class_table(s, pp, c.id)
    assert [r["id"] for r in table["rows"]] == [user.id]  # one row: the account's
    assert len(table["roster"]) == 3


def test_class_code_sign_up_and_own_sign_up_link_by_name(s, setup):
    a, c, pp = setup["school"], setup["class"], setup["pp"]
    schools.add_roster(s, pp, c.id, PASTE)
    code = schools.set_class_code(s, pp, c.id)
    assert len(code) == 6 and schools.normalize_code(code.lower()) == code
    info, _ = schools.class_by_code(s, code[:3] + "-" + code[3:].lower(), "198.51.100.1")
    assert info["class_name"] == "3e A" and info["school_name"]
    user, errors = schools.register_class_pupil(
        s, code=code, data=_pupil_form(first_name="Anh", last_name="Nguyen",
                                       email="anh@exemple.fr"), ip="198.51.100.1",
    )  # fmt: skip
    assert errors == {} and user.class_id == c.id
    anh = s.exec(select(RosterEntry).where(RosterEntry.first_name == "Anh")).one()
    assert anh.user_id == user.id
    # Théo signs up on /inscription on his own, in the class: linked when the table loads.
    theo, _ = accounts.register_pupil(
        s, email="theo@exemple.fr", password=PW, first_name="Théo", last_name="DUPONT",
        accept_terms=True, level="3e", school_id=a.id, class_id=c.id, birth_date="2012-01-02",
    )  # fmt: skip
    table = schools.class_table(s, pp, c.id)
    assert {r["id"] for r in table["rows"]} == {user.id, theo.id}
    assert {r["first_name"] for r in table["roster"]} == {"Léa", "Jean-Pierre"}
    # Regenerated: the old code stops; revoked: no code.
    new = schools.set_class_code(s, pp, c.id)
    assert schools.class_by_code(s, code, "198.51.100.1")[0] is None
    assert schools.set_class_code(s, pp, c.id, revoke=True) == ""
    assert schools.class_by_code(s, new, "198.51.100.1")[1] == schools.MSG_CODE_UNKNOWN


def test_wrong_codes_are_rate_limited(s, setup):
    code = schools.set_class_code(s, setup["pp"], setup["class"].id)
    for _ in range(20):
        assert schools.class_by_code(s, "ZZZZZZ", "203.0.113.7")[0] is None
    assert schools.class_by_code(s, code, "203.0.113.7") == (None, schools.MSG_CODE_LIMITED)
    assert schools.class_by_code(s, code, "203.0.113.8")[0] is not None  # another address


def test_roster_goes_with_its_class_and_its_school_year(s, setup):
    c, other, h = setup["class"], setup["other"], setup["head"]
    schools.add_roster(s, h, other.id, "MARTIN Léa ; lea@exemple.fr")
    schools.set_class_code(s, h, other.id)
    assert schools.delete_class(s, h, other.id) == ""
    assert count(s, RosterEntry, RosterEntry.class_id == other.id) == 0
    assert s.get(SchoolClass, other.id).join_code is None
    schools.add_roster(s, h, c.id, PASTE)
    assert schools.purge_roster(s) == 0
    s.execute(sa.update(RosterEntry).values(school_year=RosterEntry.school_year - 1))
    s.commit()
    assert schools.purge_roster(s) == 4


# --- « Relancer » --------------------------------------------------------------------------


def test_remind_once_a_week_set_based(s, setup):
    a, c, pp = setup["school"], setup["class"], setup["pp"]
    applied = pupil(s, a, c)
    application(s, applied, offer(s))
    by_mail = pupil(s, a, c)
    by_sms = pupil(s, a, c, email=None, phone="+33698765432")
    pupil(s, a, setup["other"])  # another class: not reminded
    result = schools.remind_class(s, pp, c.id)
    assert result == {"reminded": 2, "waiting": 0, "without": 2, "next_on": "12/10/2026"}
    assert [m.user_id for m in mails(s, "class_reminder")] == [by_mail.id]
    assert [m.recipient for m in mails(s, "sms_class_reminder")] == ["+33698765432"]
    assert len(mails(s, "sms_class_reminder")[0].body) <= 160
    clock.freeze(NOW + timedelta(days=3))
    late = pupil(s, a, c)
    result = schools.remind_class(s, pp, c.id)
    assert result == {"reminded": 1, "waiting": 2, "without": 3, "next_on": "12/10/2026"}
    assert [m.user_id for m in mails(s, "class_reminder")] == [by_mail.id, late.id]
    clock.freeze(NOW + timedelta(days=7, hours=1))
    assert schools.remind_class(s, pp, c.id)["reminded"] == 2
    assert by_sms.id  # (used)


# --- « Tu peux maintenant postuler » --------------------------------------------------------


def test_authorization_tells_the_pupil_once_and_undo_withdraws(s, setup):
    a, c, pp = setup["school"], setup["class"], setup["pp"]
    lea = pupil(s, a, c, first_name="Léa")
    assert schools.record_authorization(s, pp, lea.id) == {}
    notice = mails(s, "authorization_recorded", to=lea.email)
    assert len(notice) == 1 and "Tu peux maintenant postuler" in notice[0].subject
    assert notice[0].action_url.endswith("/espace/eleve/favoris")
    assert notice[0].next_attempt_at > clock.now()  # held back for « Annuler »
    assert schools.record_authorization(s, pp, lea.id) == {}  # same authorization again
    assert len(mails(s, "authorization_recorded")) == 1
    assert schools.undo_authorization(s, pp, lea.id) == ""
    assert mails(s, "authorization_recorded") == []  # not sent yet: withdrawn
    assert schools.record_authorization(s, pp, lea.id) == {}
    sent = mails(s, "authorization_recorded")[0]
    sent.status, sent.attempts = "sent", 1
    s.add(sent)
    s.commit()
    assert schools.undo_authorization(s, pp, lea.id) == ""
    assert len(mails(s)) == 1  # nothing when it is unticked; the sent one stays


def test_tick_all_tells_each_pupil_set_based(s, setup):
    a, c, pp = setup["school"], setup["class"], setup["pp"]
    done = pupil(s, a, c, authorized=True)
    sms = pupil(s, a, c, email=None, phone="+33611111111")
    mail = pupil(s, a, c)
    n, errors = schools.record_class_authorizations(s, pp, c.id)
    assert (n, errors) == (2, {})
    assert [m.user_id for m in mails(s, "authorization_recorded")] == [mail.id]
    assert [m.user_id for m in mails(s, "sms_authorization_recorded")] == [sms.id]
    assert done.id not in [m.user_id for m in mails(s)]
    assert schools.record_class_authorizations(s, pp, c.id)[0] == 0
    assert len(mails(s)) == 2


def test_models_know_the_roster():
    assert RosterEntry.__tablename__ == "class_roster"
    assert User.__tablename__ == "users" and Role.ELEVE
