"""« Mon compte »: names, e-mail change by link, mobile change by SMS code, sessions list,
password change notices (services.accounts.profile_changes and sessions)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, AuthSession, OneTimeToken, Outbox, Role, User
from mystage.notify.sms_text import one_segment, sms_units
from mystage.notify.templates import render
from mystage.services import accounts, permissions
from mystage.services.accounts import tokens

PW = "un stage à la boulangerie"
NEW_PW = "trois hérons verts sur la digue"
IP = "203.0.113.7"


def _user(s, email="ines@exemple.fr", phone=None, role=Role.ELEVE, first="Inès") -> User:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, phone=phone, password=PW, first_name=first, last_name="Martin"
    )
    assert not errors, errors
    s.commit()
    return user


def _mails(s, to: str) -> list[Outbox]:
    s.expire_all()
    return list(s.exec(select(Outbox).where(Outbox.recipient == to).order_by(Outbox.id)))


def _token_of(row: Outbox) -> str:
    return parse_qs(urlparse(row.action_url).query)["token"][0]


def _code(s, phone: str) -> str:
    rows = _mails(s, phone)
    assert rows and rows[-1].channel == "sms"
    return re.search(r"\b(\d{6})\b", rows[-1].body).group(1)


def _audits(s, user_id: int) -> list[str]:
    s.expire_all()
    rows = s.exec(
        select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == user_id)
    ).all()
    return [r.action for r in rows]


# --- names -----------------------------------------------------------------------------------


def test_names_checked_like_signup_and_audited(dbs):
    u = _user(dbs)
    errors = accounts.change_names(dbs, u.id, "  ", "x" * 101)
    assert set(errors) == {"first_name", "last_name"}
    dbs.expire_all()
    assert dbs.get(User, u.id).first_name == "Inès"
    assert accounts.change_names(dbs, u.id, " Inès-Marie\x00 ", "Martin Dupont") == {}
    dbs.expire_all()
    me = dbs.get(User, u.id)
    assert (me.first_name, me.last_name) == ("Inès-Marie", "Martin Dupont")
    assert "name_change" in _audits(dbs, u.id)


def test_names_refused_for_a_disabled_account(dbs):
    u = _user(dbs)
    u.status = "disabled"
    dbs.add(u)
    dbs.commit()
    assert accounts.change_names(dbs, u.id, "A", "B") == {"form": accounts.MSG_DISABLED}


# --- e-mail ----------------------------------------------------------------------------------


def test_email_change_link_to_new_address_old_one_told(dbs):
    u = _user(dbs)
    sent, errors = accounts.request_email_change(dbs, u.id, " Nouvelle@Exemple.fr ", IP)
    assert errors == {} and sent == "nouvelle@exemple.fr"
    link = _mails(dbs, "nouvelle@exemple.fr")
    assert len(link) == 1 and "/espace/compte/courriel?token=" in link[0].action_url
    assert "Confirme" in link[0].subject  # « tu » for a pupil
    told = _mails(dbs, "ines@exemple.fr")
    assert len(told) == 1 and "nouvelle@exemple.fr" in told[0].body
    dbs.expire_all()
    assert dbs.get(User, u.id).email == "ines@exemple.fr"  # nothing changed yet
    user, message = accounts.confirm_email_change(dbs, _token_of(link[0]))
    assert message == "" and user.email == "nouvelle@exemple.fr"
    assert user.email_verified_at is not None
    assert any(m.template == "email_changed" for m in _mails(dbs, "ines@exemple.fr"))
    assert {"email_change_asked", "email_change"} <= set(_audits(dbs, u.id))
    # Single use; the account logs in with the new address only.
    assert accounts.confirm_email_change(dbs, _token_of(link[0]))[0] is None
    assert accounts.authenticate(dbs, "nouvelle@exemple.fr", PW, IP)[0] is not None
    assert accounts.authenticate(dbs, "ines@exemple.fr", PW, IP)[0] is None


def test_email_change_bad_input_and_same_address(dbs):
    u = _user(dbs)
    assert accounts.request_email_change(dbs, u.id, "pas une adresse", IP)[1] == {
        "email": accounts.MSG_EMAIL_INVALID
    }
    assert "email" in accounts.request_email_change(dbs, u.id, "INES@exemple.fr", IP)[1]
    assert accounts.request_email_change(dbs, u.id, None, IP)[1] == {
        "email": accounts.MSG_EMAIL_INVALID
    }
    assert _mails(dbs, "ines@exemple.fr") == []


def test_email_taken_is_not_revealed_then_refused_at_the_link(dbs):
    u = _user(dbs)
    _user(dbs, email="prise@exemple.fr", first="Autre")
    sent, errors = accounts.request_email_change(dbs, u.id, "prise@exemple.fr", IP)
    assert errors == {} and sent == "prise@exemple.fr"  # same answer as a free address
    row = [m for m in _mails(dbs, "prise@exemple.fr") if m.template == "email_change_link"][0]
    user, message = accounts.confirm_email_change(dbs, _token_of(row))
    assert user is None and "autre compte" in message
    dbs.expire_all()
    assert dbs.get(User, u.id).email == "ines@exemple.fr"


def test_newer_request_voids_the_older_link(dbs):
    u = _user(dbs)
    accounts.request_email_change(dbs, u.id, "un@exemple.fr", IP)
    accounts.request_email_change(dbs, u.id, "deux@exemple.fr", IP)
    old = _mails(dbs, "un@exemple.fr")[-1]
    assert accounts.confirm_email_change(dbs, _token_of(old))[0] is None
    new = _mails(dbs, "deux@exemple.fr")[-1]
    assert accounts.confirm_email_change(dbs, _token_of(new))[0].email == "deux@exemple.fr"


def test_email_link_expires(dbs):
    u = _user(dbs)
    accounts.request_email_change(dbs, u.id, "tard@exemple.fr", IP)
    row = _mails(dbs, "tard@exemple.fr")[-1]
    with clock.travel(accounts.EMAIL_CHANGE_TTL + timedelta(minutes=1)):
        assert accounts.confirm_email_change(dbs, _token_of(row))[0] is None
    assert accounts.confirm_email_change(dbs, "n'importe quoi")[0] is None
    assert accounts.confirm_email_change(dbs, None)[0] is None


def test_email_change_rate_limited_per_account(dbs):
    u = _user(dbs)
    for i in range(5):
        assert accounts.request_email_change(dbs, u.id, f"a{i}@exemple.fr", IP)[1] == {}
    sent, errors = accounts.request_email_change(dbs, u.id, "a9@exemple.fr", IP)
    assert sent is None and errors == {"email": accounts.MSG_RATE_LIMITED}
    assert _mails(dbs, "a9@exemple.fr") == []


def test_email_link_of_a_disabled_account_does_nothing(dbs):
    u = _user(dbs)
    accounts.request_email_change(dbs, u.id, "neuf@exemple.fr", IP)
    dbs.expire_all()
    me = dbs.get(User, u.id)
    me.status = "disabled"
    dbs.add(me)
    dbs.commit()
    row = _mails(dbs, "neuf@exemple.fr")[-1]
    assert accounts.confirm_email_change(dbs, _token_of(row))[0] is None


# --- mobile ----------------------------------------------------------------------------------


def test_phone_change_by_sms_code(dbs):
    u = _user(dbs, phone="0611111111")
    sent, errors = accounts.request_phone_change(dbs, u.id, "07 22 33 44 55", IP)
    assert errors == {} and sent == "+33722334455"
    code = _code(dbs, "+33722334455")
    tok = dbs.exec(select(OneTimeToken).where(OneTimeToken.user_id == u.id)).all()[-1]
    assert tokens.payload_of(tok)["change"] is True and tok.target == "+33722334455"
    wrong = "000000" if code != "000000" else "111111"
    assert accounts.confirm_phone_change(dbs, u.id, "+33722334455", wrong)[1] == {
        "code": accounts.MSG_CODE_INVALID
    }
    number, errors = accounts.confirm_phone_change(dbs, u.id, "+33722334455", code)
    assert errors == {} and number == "+33722334455"
    dbs.expire_all()
    me = dbs.get(User, u.id)
    assert me.phone == "+33722334455" and me.phone_verified_at is not None
    assert any(m.template == "phone_changed" for m in _mails(dbs, "ines@exemple.fr"))
    assert "phone_change" in _audits(dbs, u.id)
    # The code served once.
    assert accounts.confirm_phone_change(dbs, u.id, "+33722334455", code)[0] is None


def test_phone_only_account_told_on_the_old_number(dbs):
    u = _user(dbs, email=None, phone="0611111111")
    accounts.request_phone_change(dbs, u.id, "0622222222", IP)
    code = _code(dbs, "+33622222222")
    assert accounts.confirm_phone_change(dbs, u.id, "0622222222", code)[1] == {}
    old = _mails(dbs, "+33611111111")
    assert old and old[-1].template == "sms_account_changed"


def test_phone_code_dies_after_five_wrong_tries(dbs):
    u = _user(dbs)
    accounts.request_phone_change(dbs, u.id, "0633333333", IP)
    code = _code(dbs, "+33633333333")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert accounts.confirm_phone_change(dbs, u.id, "0633333333", wrong)[0] is None
    assert accounts.confirm_phone_change(dbs, u.id, "0633333333", code)[0] is None
    dbs.expire_all()
    assert dbs.get(User, u.id).phone is None


def test_phone_code_of_one_account_does_not_serve_another(dbs):
    a = _user(dbs)
    b = _user(dbs, email="b@exemple.fr", first="Bob")
    accounts.request_phone_change(dbs, a.id, "0644444444", IP)
    code = _code(dbs, "+33644444444")
    assert accounts.confirm_phone_change(dbs, b.id, "0644444444", code)[0] is None
    dbs.expire_all()
    assert dbs.get(User, b.id).phone is None


def test_phone_taken_refused_with_a_clear_message(dbs):
    u = _user(dbs)
    _user(dbs, email="autre@exemple.fr", phone="0655555555", first="Autre")
    sent, errors = accounts.request_phone_change(dbs, u.id, "06 55 55 55 55", IP)
    assert errors == {}  # the code goes to that phone: only its owner can read it
    code = _code(dbs, "+33655555555")
    number, errors = accounts.confirm_phone_change(dbs, u.id, "0655555555", code)
    assert number is None and "autre compte" in errors["code"]
    dbs.expire_all()
    assert dbs.get(User, u.id).phone is None


def test_phone_bad_input_and_limits(dbs):
    u = _user(dbs, phone="0611111111")
    assert accounts.request_phone_change(dbs, u.id, "01 23 45 67 89", IP)[1] == {
        "phone": accounts.MSG_PHONE_INVALID
    }
    assert "phone" in accounts.request_phone_change(dbs, u.id, "+33 6 11 11 11 11", IP)[1]
    for _ in range(5):
        assert accounts.request_phone_change(dbs, u.id, "0666666666", IP)[1] == {}
    assert accounts.request_phone_change(dbs, u.id, "0677777777", IP)[1] == {
        "phone": accounts.MSG_RATE_LIMITED
    }


# --- password --------------------------------------------------------------------------------


def test_password_change_keeps_this_session_revokes_others_and_tells(dbs):
    u = _user(dbs, role=Role.EMPLOYEUR, email="emp@exemple.fr", first="Eve")
    here = accounts.create_session(dbs, u, IP, "Firefox")
    other = accounts.create_session(dbs, u, IP, "Chrome")
    assert accounts.change_password(dbs, u, PW, NEW_PW, keep_token=here) == {}
    assert accounts.user_for_session(dbs, here) is not None
    assert accounts.user_for_session(dbs, other) is None
    told = _mails(dbs, "emp@exemple.fr")
    assert told[-1].template == "password_changed" and "Votre mot de passe" in told[-1].subject


# --- sessions --------------------------------------------------------------------------------


def test_sessions_listed_with_device_masked_ip_and_current(dbs):
    u = _user(dbs)
    ua = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    here = accounts.create_session(dbs, u, "198.51.100.23", ua)
    accounts.create_session(dbs, u, "2001:db8:1234::1", "Mozilla/5.0 (Windows NT 10.0) Firefox/120")
    dead = accounts.create_session(dbs, u, IP, "x")
    accounts.revoke_session(dbs, dead)
    rows = accounts.live_sessions(dbs, u.id, here)
    assert len(rows) == 2
    assert rows[0]["current"] and rows[0]["device"] == "Safari sur iPhone"
    assert rows[0]["ip"] == "198.51.100.•••"
    assert rows[1]["device"] == "Firefox sur Windows" and rows[1]["ip"] == "2001:db8:…"
    assert "23" not in rows[0]["ip"]


def test_device_labels():
    assert accounts.device_label("") == "Appareil inconnu"
    assert accounts.device_label("Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile") == (
        "Chrome sur Android"
    )
    assert accounts.device_label("Mozilla/5.0 (Windows NT 10.0) Chrome/120 Edg/120") == (
        "Edge sur Windows"
    )
    assert accounts.masked_ip("n'importe quoi") == ""


def test_revoke_one_session_only_ones_own(dbs):
    a = _user(dbs)
    b = _user(dbs, email="b@exemple.fr", first="Bob")
    accounts.create_session(dbs, a, IP, "x")
    b_token = accounts.create_session(dbs, b, IP, "x")
    b_row = dbs.exec(select(AuthSession).where(AuthSession.user_id == b.id)).one()
    assert accounts.revoke_user_session(dbs, a.id, b_row.id) is False
    assert accounts.user_for_session(dbs, b_token) is not None
    assert not permissions.can_revoke_session(a, b_row)
    assert permissions.can_revoke_session(b, b_row)
    assert accounts.revoke_user_session(dbs, b.id, b_row.id) is True
    dbs.expire_all()
    assert accounts.user_for_session(dbs, b_token) is None


def test_sign_out_everywhere(dbs):
    u = _user(dbs)
    here = accounts.create_session(dbs, u, IP, "x")
    accounts.create_session(dbs, u, IP, "y")
    assert accounts.sign_out_everywhere(dbs, u.id, here) == 1
    assert accounts.user_for_session(dbs, here) is not None
    assert accounts.sign_out_everywhere(dbs, u.id, None) == 1
    assert accounts.user_for_session(dbs, here) is None
    assert {"sessions_revoked_others", "sessions_revoked_all"} <= set(_audits(dbs, u.id))


# --- messages --------------------------------------------------------------------------------


def test_sms_fit_one_gsm_segment():
    for tu in (True, False):
        _, body = render("sms_phone_change_code", code="123456", valid_minutes=15, tu=tu)
        assert one_segment(body) and sms_units(body)[0] == "gsm7"
        for what in ("phone", "password"):
            _, body = render("sms_account_changed", what=what, tu=tu)
            assert one_segment(body) and sms_units(body)[0] == "gsm7", body


def test_mails_say_tu_to_pupils():
    subject, body = render("password_changed", first_name="Inès", tu=True)
    assert "Ton" in subject and "vous" not in body.lower().replace("nous", "")
    subject, body = render("email_change_link", url="http://x/y", tu=False)
    assert "Confirmez" in subject
