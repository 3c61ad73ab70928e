"""Accounts: sign-up, activation, login, lockout, rate limits, magic link, reset, sessions."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AccountStatus,
    AuditLog,
    AuthSession,
    LoginAttempt,
    OneTimeToken,
    Outbox,
    User,
)
from mystage.services import accounts
from mystage.services.accounts import passwords, ratelimit
from mystage.settings import get_settings

PW = "un stage à la boulangerie"
NEW_PW = "un autre mot de passe sûr"
IP = "203.0.113.7"


# --- helpers --------------------------------------------------------------------------------


def outbox(dbs, recipient: str) -> list[Outbox]:
    dbs.expire_all()
    stmt = select(Outbox).where(Outbox.recipient == recipient).order_by(Outbox.id)
    return list(dbs.exec(stmt))


def last_link(dbs, recipient: str, path: str) -> str:
    rows = outbox(dbs, recipient)
    assert rows, f"no message for {recipient}"
    url = rows[-1].action_url
    assert url.startswith(get_settings().public_url + path + "?token="), url
    assert url in rows[-1].body
    return parse_qs(urlparse(url).query)["token"][0]


def last_code(dbs, phone: str) -> str:
    rows = outbox(dbs, phone)
    assert rows and rows[-1].channel == "sms"
    return re.search(r"\b(\d{6})\b", rows[-1].body).group(1)


def signup(dbs, **kw) -> User:
    data = {
        "role": "eleve",
        "password": PW,
        "first_name": "Inès",
        "last_name": "Martin",
        "accept_terms": True,
    }
    data.update(kw)
    user, errors = accounts.register(dbs, **data)
    assert errors == {}
    return user


def active_user(dbs, **kw) -> User:
    data = {"role": "eleve", "password": PW, "first_name": "Léo", "last_name": "Petit"}
    data.update(kw)
    user, errors = accounts.create_active_account(dbs, **data)
    assert errors == {}
    dbs.commit()
    return user


def reload(dbs, user: User) -> User:
    dbs.expire_all()
    return dbs.get(User, user.id)


def audits(dbs, user: User, action: str) -> list[AuditLog]:
    dbs.expire_all()
    stmt = select(AuditLog).where(
        AuditLog.entity == "user", AuditLog.entity_id == user.id, AuditLog.action == action
    )
    return list(dbs.exec(stmt))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- identifiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ines.Martin@Exemple.FR ", "ines.martin@exemple.fr"),
        ("a+stage@sub.domaine.fr", "a+stage@sub.domaine.fr"),
        ("pas-une-adresse", None),
        ("a@b", None),
        ("a@@b.fr", None),
        ("a..b@c.fr", None),
        ("a b@c.fr", None),
        ("", None),
        (None, None),
        ("x" * 250 + "@a.fr", None),
    ],
)
def test_normalize_email(raw, expected):
    assert accounts.normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("07-12-34-56-78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("0696 12 34 56", "+596696123456"),  # Martinique
        ("0694 12 34 56", "+594694123456"),  # Guyane
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("0639 12 34 56", "+262639123456"),  # Mayotte
        ("+262 692 12 34 56", "+262692123456"),
        ("+590 690 12 34 56", "+590690123456"),
        ("+262 612 34 56 78", None),
        ("01 23 45 67 89", None),  # landline: no SMS
        ("06 12 34 56", None),
        ("06 12 34 56 78 9", None),
        ("+44 7911 123456", None),
        ("abc", None),
        (None, None),
    ],
)
def test_normalize_phone(raw, expected):
    assert accounts.normalize_phone(raw) == expected


def test_identifier_kind():
    assert accounts.identifier_kind("a@b.fr") == "email"
    assert accounts.identifier_kind("06 12 34 56 78") == "phone"
    assert accounts.identifier_kind("a@b") is None
    assert accounts.identifier_kind("bonjour") is None
    assert accounts.identifier_kind(None) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/espace/eleve", "/espace/eleve"),
        ("/offres?q=boulanger&rayon=10", "/offres?q=boulanger&rayon=10"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("espace", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_url(url, expected):
    assert accounts.safe_next_url(url) == expected


# --- sign-up --------------------------------------------------------------------------------


def test_register_errors_store_nothing(dbs):
    user, errors = accounts.register(
        dbs,
        role="admin",
        email="",
        phone="",
        password="court",
        first_name=" ",
        last_name="",
        accept_terms=False,
    )
    assert user is None
    assert errors == {
        "role": accounts.MSG_ROLE_INVALID,
        "email": accounts.MSG_IDENTIFIER_REQUIRED,
        "password": "Le mot de passe doit contenir au moins 12 caractères.",
        "first_name": accounts.MSG_FIRST_NAME_REQUIRED,
        "last_name": accounts.MSG_LAST_NAME_REQUIRED,
        "accept_terms": accounts.MSG_TERMS_REQUIRED,
    }
    assert dbs.exec(select(User)).all() == []
    assert dbs.exec(select(Outbox)).all() == []


def test_register_invalid_formats(dbs):
    _, errors = accounts.register(
        dbs,
        role="eleve",
        email="pas-une-adresse",
        phone="01 23 45 67 89",
        password=PW,
        first_name="A",
        last_name="B",
        accept_terms=True,
    )
    assert errors == {"email": accounts.MSG_EMAIL_INVALID, "phone": accounts.MSG_PHONE_INVALID}


def test_register_refuses_unknown_profile_fields(dbs):
    with pytest.raises(TypeError):
        accounts.register(
            dbs,
            role="eleve",
            email="a@b.fr",
            password=PW,
            first_name="A",
            last_name="B",
            accept_terms=True,
            status="active",
        )


def test_register_by_email_then_activate(dbs):
    user = signup(dbs, email="Ines.Martin@Exemple.fr", level="3e", consent_contact_email=True)
    assert user.id and user.status == AccountStatus.PENDING_ACTIVATION
    assert user.email == "ines.martin@exemple.fr" and user.level == "3e"
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash
    assert user.terms_accepted_at is not None

    raw = last_link(dbs, "ines.martin@exemple.fr", "/activation")
    tok = dbs.exec(select(OneTimeToken)).one()
    assert clock.as_utc(tok.expires_at) - clock.as_utc(tok.created_at) == timedelta(hours=48)

    # Not activated yet: right password → the activation message, wrong → generic.
    assert accounts.authenticate(dbs, "ines.martin@exemple.fr", PW, IP) == (
        None,
        accounts.MSG_NOT_ACTIVATED,
    )
    assert accounts.authenticate(dbs, "ines.martin@exemple.fr", "faux mot de passe", IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS,
    )

    activated, error = accounts.activate(dbs, raw)
    assert error is None and activated.id == user.id
    user = reload(dbs, user)
    assert user.status == AccountStatus.ACTIVE
    assert user.activated_at is not None and user.email_verified_at is not None
    assert len(audits(dbs, user, "activate")) == 1

    assert accounts.activate(dbs, raw) == (None, accounts.MSG_ACTIVATION_INVALID)
    logged, error = accounts.authenticate(dbs, " INES.MARTIN@exemple.fr", PW, IP)
    assert error is None and logged.id == user.id
    assert reload(dbs, user).last_login_at is not None


def _again(dbs, **kw):
    data = {
        "role": "employeur",
        "password": PW,
        "first_name": "A",
        "last_name": "B",
        "accept_terms": True,
    }
    data.update(kw)
    return accounts.register(dbs, **data)


def test_register_taken_address_answers_as_new_and_tells_the_owner(dbs):
    owner = signup(dbs, email="deja@exemple.fr", phone="06 12 34 56 78")
    assert [m.template for m in outbox(dbs, "deja@exemple.fr")] == ["activation"]
    assert _again(dbs, email="DEJA@exemple.fr", phone="+33 6 12 34 56 78") == (None, {})
    assert len(dbs.exec(select(User)).all()) == 1  # nothing created
    rows = outbox(dbs, "deja@exemple.fr")
    assert [m.template for m in rows] == ["activation", "signup_existing"]
    notice = rows[-1]
    # the owner is a pupil: « tu » (issue 16: the recipient's role decides)
    assert notice.subject == "Quelqu'un a voulu créer un compte MyStage avec ton adresse"
    assert notice.user_id == owner.id
    base = get_settings().public_url
    assert f"{base}/activation/renvoyer" in notice.body  # owner not activated yet
    assert "rien à faire" in notice.body
    assert "Un compte existe déjà" not in notice.body
    assert outbox(dbs, "+33612345678") == []  # the e-mail answered: no SMS
    assert accounts.MSG_EMAIL_TAKEN not in str(_again(dbs, email="deja@exemple.fr"))


def test_taken_address_notice_for_an_active_owner_at_most_hourly(dbs):
    active_user(dbs, email="actif@exemple.fr", first_name="Nour")
    for _ in range(3):
        assert _again(dbs, email="actif@exemple.fr") == (None, {})
    [notice] = outbox(dbs, "actif@exemple.fr")
    base = get_settings().public_url
    assert notice.body.startswith("Bonjour Nour,")
    assert f"{base}/connexion" in notice.body and f"{base}/mot-de-passe/oublie" in notice.body
    with clock.travel(timedelta(minutes=61)):
        assert _again(dbs, email="actif@exemple.fr") == (None, {})
    assert len(outbox(dbs, "actif@exemple.fr")) == 2


def test_taken_phone_only_signup_gets_a_short_sms(dbs):
    active_user(dbs, phone="06 22 33 44 55")
    assert _again(dbs, phone="0622334455") == (None, {})
    [sms] = outbox(dbs, "+33622334455")
    assert sms.channel == "sms" and sms.template == "sms_signup_existing"
    assert len(sms.body) <= 160 and "déjà" in sms.body
    assert not re.search(r"\b\d{6}\b", sms.body)  # no code: nothing to confirm
    assert len(dbs.exec(select(User)).all()) == 1


def test_new_address_with_a_taken_phone_creates_the_account_without_the_phone(dbs):
    active_user(dbs, phone="06 22 33 44 56", email="parent@exemple.fr")
    user = signup(dbs, email="enfant@exemple.fr", phone="06 22 33 44 56")
    assert user.email == "enfant@exemple.fr" and user.phone is None
    assert [m.template for m in outbox(dbs, "enfant@exemple.fr")] == ["activation"]
    assert outbox(dbs, "+33622334456") == [] and outbox(dbs, "parent@exemple.fr") == []


def test_taken_address_still_costs_a_password_hash(dbs, monkeypatch):
    active_user(dbs, email="temps@exemple.fr")
    hashed: list[str] = []
    real = passwords.hash_password

    def counting(password: str) -> str:
        hashed.append(password)
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    assert _again(dbs, email="temps@exemple.fr") == (None, {})
    assert _again(dbs, email="nouveau@exemple.fr")[0] is not None
    assert hashed == [PW, PW]  # the same work on both paths


def test_taken_address_with_form_errors_shows_only_the_form_errors(dbs):
    active_user(dbs, email="pris@exemple.fr")
    user, errors = _again(dbs, email="pris@exemple.fr", first_name="", password="court")
    assert user is None
    assert errors == {
        "first_name": accounts.MSG_FIRST_NAME_REQUIRED,
        "password": passwords.MSG_TOO_SHORT,
    }
    assert outbox(dbs, "pris@exemple.fr") == []  # nothing sent for a refused form


def test_deleted_owner_gets_no_notice(dbs):
    user = active_user(dbs, email="parti@exemple.fr")
    user.deleted_at = clock.now()
    dbs.commit()
    assert _again(dbs, email="parti@exemple.fr") == (None, {})
    assert outbox(dbs, "parti@exemple.fr") == []


def test_a_collège_evening_of_200_signups_from_one_address(dbs):
    """200 pupils of one collège behind one NAT sign up the same evening (by mail or by
    phone): all get their account; the per-address ceiling is far above."""
    for i in range(200):
        contact = {"phone": f"07 00 01 {i // 100:02d} {i % 100:02d}"} if i % 4 == 0 else {}
        contact = contact or {"email": f"eleve{i}@college.exemple.fr"}
        with clock.travel(timedelta(seconds=15 * i)):  # within the hour
            user, errors = accounts.register(
                dbs,
                role="eleve",
                password=f"un stage chez le boulanger {i}",
                first_name="Élève",
                last_name=f"Numéro {i}",
                accept_terms=True,
                ip=IP,
                **contact,
            )
        assert errors == {} and user is not None, (i, errors)
    assert len(dbs.exec(select(User)).all()) == 200
    assert len(dbs.exec(select(Outbox)).all()) == 200  # 150 mails, 50 SMS codes
    assert accounts.LIMITS["register_ip"].limit >= 300


def test_signup_ceiling_per_address(dbs):
    lim = accounts.LIMITS["register_ip"]
    key = ratelimit.ip_key(IP)
    for _ in range(lim.limit):
        ratelimit.record(dbs, "register", key, True)
    dbs.commit()
    user, errors = accounts.register(
        dbs,
        role="parent",
        email="tardif@exemple.fr",
        password=PW,
        first_name="A",
        last_name="B",
        accept_terms=True,
        ip=IP,
    )
    assert user is None and errors == {"email": accounts.MSG_SIGNUP_RATE_LIMITED}
    rows = len(dbs.exec(select(LoginAttempt)).all())
    accounts.register(dbs, role="parent", email="t2@exemple.fr", password=PW, first_name="A",
                      last_name="B", accept_terms=True, ip=IP)  # fmt: skip
    assert len(dbs.exec(select(LoginAttempt)).all()) == rows  # refused: not counted
    assert accounts.register(
        dbs, role="parent", email="t3@exemple.fr", password=PW, first_name="A",
        last_name="B", accept_terms=True, ip="192.0.2.77",
    )[1] == {}  # fmt: skip
    with clock.travel(lim.window + timedelta(minutes=1)):
        assert accounts.register(
            dbs, role="parent", email="tardif@exemple.fr", password=PW, first_name="A",
            last_name="B", accept_terms=True, ip=IP,
        )[1] == {}  # fmt: skip


def test_register_with_email_and_phone_sends_only_the_mail(dbs):
    user = signup(dbs, email="les2@exemple.fr", phone="06 99 88 77 66")
    assert len(outbox(dbs, "les2@exemple.fr")) == 1
    assert outbox(dbs, "+33699887766") == []
    assert user.phone == "+33699887766"


def test_activation_link_expires(dbs):
    signup(dbs, email="tard@exemple.fr")
    raw = last_link(dbs, "tard@exemple.fr", "/activation")
    with clock.travel(timedelta(hours=49)):
        assert accounts.activate(dbs, raw) == (None, accounts.MSG_ACTIVATION_INVALID)


def test_register_phone_only_confirm_with_code(dbs):
    user = signup(dbs, phone="07 12 34 56 78", role="eleve")
    assert user.email is None and user.phone == "+33712345678"
    code = last_code(dbs, "+33712345678")
    tok = dbs.exec(select(OneTimeToken)).one()
    assert clock.as_utc(tok.expires_at) - clock.as_utc(tok.created_at) == timedelta(minutes=15)

    assert accounts.confirm_phone(dbs, "07 12 34 56 78", wrong(code)) == (
        None,
        accounts.MSG_CODE_INVALID,
    )
    assert accounts.confirm_phone(dbs, "06 00 00 00 00", code) == (None, accounts.MSG_CODE_INVALID)
    confirmed, error = accounts.confirm_phone(dbs, "+33 7 12 34 56 78", code)
    assert error is None and confirmed.id == user.id
    user = reload(dbs, user)
    assert user.status == AccountStatus.ACTIVE and user.phone_verified_at is not None
    assert len(audits(dbs, user, "activate")) == 1

    for typed in ("07 12 34 56 78", "+33712345678", "0033 7 12 34 56 78"):
        logged, error = accounts.authenticate(dbs, typed, PW, IP)
        assert error is None and logged.id == user.id


def test_phone_code_dies_after_five_wrong(dbs):
    signup(dbs, phone="07 00 00 00 01")
    code = last_code(dbs, "+33700000001")
    for _ in range(5):
        assert (
            accounts.confirm_phone(dbs, "0700000001", wrong(code))[1] == accounts.MSG_CODE_INVALID
        )
    assert accounts.confirm_phone(dbs, "0700000001", code) == (None, accounts.MSG_CODE_INVALID)
    # A new code (resend) works.
    accounts.resend_activation(dbs, "07 00 00 00 01", IP)
    new_code = last_code(dbs, "+33700000001")
    assert accounts.confirm_phone(dbs, "0700000001", new_code)[1] is None


def test_resend_activation(dbs):
    signup(dbs, email="renvoi@exemple.fr")
    first = last_link(dbs, "renvoi@exemple.fr", "/activation")
    assert accounts.resend_activation(dbs, "renvoi@exemple.fr", IP) is None
    second = last_link(dbs, "renvoi@exemple.fr", "/activation")
    assert first != second
    assert accounts.activate(dbs, first)[1] == accounts.MSG_ACTIVATION_INVALID  # replaced
    assert accounts.activate(dbs, second)[1] is None
    # Unknown or already active: same silent answer, nothing sent.
    before = len(dbs.exec(select(Outbox)).all())
    assert accounts.resend_activation(dbs, "inconnu@exemple.fr", IP) is None
    assert accounts.resend_activation(dbs, "renvoi@exemple.fr", IP) is None
    assert accounts.resend_activation(dbs, "n'importe quoi", IP) is None
    assert len(dbs.exec(select(Outbox)).all()) == before


def test_resend_activation_is_rate_limited(dbs):
    signup(dbs, email="spam@exemple.fr")
    for i in range(accounts.LIMITS["resend_id"].limit + 3):
        accounts.resend_activation(dbs, "spam@exemple.fr", f"198.51.100.{i}")
    # 1 at sign-up + 5 resends, the rest refused silently.
    assert len(outbox(dbs, "spam@exemple.fr")) == 1 + accounts.LIMITS["resend_id"].limit


# --- password login -------------------------------------------------------------------------


def test_wrong_password_and_unknown_account_same_message(dbs):
    active_user(dbs, email="leo@exemple.fr")
    assert accounts.authenticate(dbs, "leo@exemple.fr", "mauvais mot de passe", IP) == (
        None,
        "Identifiant ou mot de passe incorrect.",
    )
    assert accounts.authenticate(dbs, "personne@exemple.fr", PW, IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS,
    )
    assert accounts.authenticate(dbs, "ni-mail-ni-tel", PW, IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS,
    )
    assert accounts.authenticate(dbs, "", "", IP) == (None, accounts.MSG_BAD_CREDENTIALS)


def test_status_messages_after_right_password_only(dbs):
    u = active_user(dbs, email="attente@exemple.fr", role="chef_etablissement")
    u.status = AccountStatus.PENDING_VALIDATION
    dbs.commit()
    assert accounts.authenticate(dbs, "attente@exemple.fr", PW, IP) == (
        None,
        accounts.MSG_PENDING_HEAD,
    )
    assert accounts.authenticate(dbs, "attente@exemple.fr", "mauvais mot de passe", IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS,
    )
    u.status = AccountStatus.DISABLED
    dbs.commit()
    assert accounts.authenticate(dbs, "attente@exemple.fr", PW, IP) == (None, accounts.MSG_DISABLED)


LOCK = accounts.LOCKOUT_THRESHOLD
BAD = "mauvais mot de passe"


def test_lockout_after_threshold_failures_then_unlock(dbs):
    user = active_user(dbs, email="bloque@exemple.fr")
    for _ in range(LOCK - 1):
        assert accounts.authenticate(dbs, "bloque@exemple.fr", BAD, IP) == (
            None,
            accounts.MSG_BAD_CREDENTIALS,
        )
    assert reload(dbs, user).failed_logins == LOCK - 1
    # The threshold-th failure locks.
    assert accounts.authenticate(dbs, "bloque@exemple.fr", BAD, IP) == (None, accounts.MSG_LOCKED)
    user = reload(dbs, user)
    assert user.locked_until is not None
    assert len(audits(dbs, user, "lockout")) == 1
    # Even the right password is refused while locked, from any address; the message says
    # what to do.
    assert accounts.authenticate(dbs, "bloque@exemple.fr", PW, IP) == (None, accounts.MSG_LOCKED)
    assert accounts.authenticate(dbs, "bloque@exemple.fr", PW, "192.0.2.1")[1] == (
        accounts.MSG_LOCKED
    )
    assert "Mot de passe oublié" in accounts.MSG_LOCKED and "lien de connexion" in (
        accounts.MSG_LOCKED
    )
    with clock.travel(timedelta(minutes=14)):
        assert accounts.authenticate(dbs, "bloque@exemple.fr", PW, IP)[1] == accounts.MSG_LOCKED
    with clock.travel(timedelta(minutes=16)):
        logged, error = accounts.authenticate(dbs, "bloque@exemple.fr", PW, IP)
        assert error is None and logged.id == user.id
    user = reload(dbs, user)
    assert user.failed_logins == 0 and user.locked_until is None


def test_success_resets_failure_streak(dbs):
    user = active_user(dbs, email="serie@exemple.fr")
    for _ in range(LOCK - 1):
        accounts.authenticate(dbs, "serie@exemple.fr", BAD, IP)
    assert accounts.authenticate(dbs, "serie@exemple.fr", PW, IP)[1] is None
    assert reload(dbs, user).failed_logins == 0
    for _ in range(LOCK - 1):
        accounts.authenticate(dbs, "serie@exemple.fr", BAD, IP)
    assert accounts.authenticate(dbs, "serie@exemple.fr", PW, IP)[1] is None  # not locked


def test_lockout_on_phone_path(dbs):
    active_user(dbs, phone="06 55 44 33 22")
    for _ in range(LOCK):
        accounts.authenticate(dbs, "06 55 44 33 22", BAD, IP)
    assert accounts.authenticate(dbs, "+33655443322", PW, IP) == (None, accounts.MSG_LOCKED)


def test_attempts_on_a_locked_account_are_not_counted(dbs):
    user = active_user(dbs, email="tenace@exemple.fr")
    for _ in range(LOCK):
        accounts.authenticate(dbs, "tenace@exemple.fr", BAD, IP)
    rows = len(dbs.exec(select(LoginAttempt)).all())
    locked_until = reload(dbs, user).locked_until
    # One try every 30 s for 14 minutes: refused, and nothing recorded or extended.
    for i in range(28):
        with clock.travel(timedelta(seconds=30 * i)):
            assert accounts.authenticate(dbs, "tenace@exemple.fr", BAD, IP)[1] == (
                accounts.MSG_LOCKED
            )
    assert len(dbs.exec(select(LoginAttempt)).all()) == rows
    assert reload(dbs, user).locked_until == locked_until
    with clock.travel(timedelta(minutes=15, seconds=1)):
        assert accounts.authenticate(dbs, "tenace@exemple.fr", PW, IP)[1] is None


def test_shared_address_failures_never_refuse_a_right_password(dbs):
    """Issue 12: a collège behind one NAT.  Dozens of failures on unknown addresses from the
    shared IP slow its logins down, but a pupil with the right password gets in."""
    victim = active_user(dbs, email="victime@exemple.fr")
    limit = accounts.LIMITS["login_ip"].limit
    for i in range(limit + 30):
        assert accounts.authenticate(dbs, f"inconnu{i}@exemple.fr", BAD, IP)[0] is None
    logged, error = accounts.authenticate(dbs, "victime@exemple.fr", PW, IP)
    assert error is None and logged.id == victim.id
    # Same on the phone path, for a phone account, from the same address.
    pupil = active_user(dbs, phone="06 10 20 30 40")
    logged, error = accounts.authenticate(dbs, "06 10 20 30 40", PW, IP)
    assert error is None and logged.id == pupil.id
    # A wrong password from there says why it is slow, and still counts for the account.
    assert accounts.authenticate(dbs, "victime@exemple.fr", BAD, IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS + " " + accounts.MSG_SLOWED,
    )
    assert reload(dbs, victim).failed_logins == 1
    assert "Trop de tentatives" not in accounts.MSG_SLOWED


def test_login_delay_grows_with_the_address_failures_and_is_capped(dbs):
    limit = accounts.LIMITS["login_ip"].limit
    delays = []
    for i in range(limit + 60):
        delays.append(accounts.login_delay(dbs, IP))
        accounts.authenticate(dbs, f"devine{i}@exemple.fr", BAD, IP)
    assert delays[:limit] == [0.0] * limit
    assert delays[limit] == accounts.LOGIN_DELAY_FIRST
    assert delays[limit + 10] == pytest.approx(accounts.LOGIN_DELAY_FIRST + 10 * 0.1)
    assert delays == sorted(delays) and max(delays) == accounts.LOGIN_DELAY_MAX
    assert accounts.login_delay(dbs, "192.0.2.50") == 0.0  # another address
    with clock.travel(timedelta(minutes=16)):
        assert accounts.login_delay(dbs, IP) == 0.0  # the window passed


def test_ipv6_addresses_count_per_64(dbs):
    limit = accounts.LIMITS["login_ip"].limit
    for i in range(limit):
        accounts.authenticate(dbs, f"x{i}@exemple.fr", BAD, f"2001:db8:1:2::{i:x}")
    assert accounts.login_delay(dbs, "2001:db8:1:2:ffff::1") > 0
    assert accounts.login_delay(dbs, "2001:db8:1:3::1") == 0.0


def test_unknown_identifier_locks_nobody_and_answers_like_a_lock(dbs):
    # Failures on an identifier that has no account: after the same threshold as a real
    # account, the same answer (nothing tells which identifiers exist); refused attempts
    # are not recorded, so one try every 30 s does not keep it up.
    for i in range(LOCK):
        assert accounts.authenticate(dbs, "06 01 01 01 01", "x" * 12, f"198.51.100.{i}") == (
            None,
            accounts.MSG_BAD_CREDENTIALS,
        )
    assert accounts.authenticate(dbs, "0601010101", "x" * 12, "198.51.100.250") == (
        None,
        accounts.MSG_LOCKED,
    )
    rows = len(dbs.exec(select(LoginAttempt)).all())
    for i in range(28):
        with clock.travel(timedelta(seconds=30 * i)):
            assert accounts.authenticate(dbs, "0601010101", "x" * 12, IP)[1] == (
                accounts.MSG_LOCKED
            )
    assert len(dbs.exec(select(LoginAttempt)).all()) == rows
    with clock.travel(timedelta(minutes=15, seconds=30)):
        assert accounts.authenticate(dbs, "0601010101", "x" * 12, IP)[1] == (
            accounts.MSG_BAD_CREDENTIALS
        )
    # Meanwhile nobody else was locked out, not even on the addresses used.
    active_user(dbs, email="voisin@exemple.fr")
    assert accounts.authenticate(dbs, "voisin@exemple.fr", PW, "198.51.100.3")[1] is None


def test_failures_store_no_identifier_in_clear(dbs):
    for i in range(3):
        accounts.authenticate(dbs, f"06 00 00 00 {i:02d}", BAD, IP)
    attempts = dbs.exec(select(LoginAttempt).where(LoginAttempt.scope == "login")).all()
    assert len(attempts) == 6  # one per address, one per identifier
    assert all("0600" not in a.key and "+33" not in a.key for a in attempts)


def test_password_login_returns_a_grant(dbs):
    active_user(dbs, email="grant@exemple.fr")
    grant, error = accounts.password_login(dbs, "grant@exemple.fr", PW, IP, "/espace/eleve")
    assert error is None and grant
    _token, next_url = accounts.exchange_login_grant(dbs, grant, IP, "pytest")
    assert next_url == "/espace/eleve"
    assert accounts.password_login(dbs, "grant@exemple.fr", "non non non non", IP) == (
        None,
        accounts.MSG_BAD_CREDENTIALS,
    )


def test_rehash_on_login(dbs):
    user = active_user(dbs, email="rehash@exemple.fr")
    old = user.password_hash
    passwords.use_fast_hashing(False)
    try:
        assert accounts.authenticate(dbs, "rehash@exemple.fr", PW, IP)[1] is None
        new = reload(dbs, user).password_hash
        assert new != old and "m=19456" in new
    finally:
        passwords.use_fast_hashing(True)


# --- grants and sessions --------------------------------------------------------------------


def test_grant_single_use_and_next_url_sanitized(dbs):
    user = active_user(dbs, email="s@exemple.fr")
    grant = accounts.issue_login_grant(dbs, user, "//evil.example/x")
    token, next_url = accounts.exchange_login_grant(dbs, grant, IP, "Firefox")
    assert next_url == "/"
    assert accounts.user_for_session(dbs, token).id == user.id
    assert accounts.exchange_login_grant(dbs, grant, IP, "Firefox") is None

    grant = accounts.issue_login_grant(dbs, user, "/offres/12")
    assert accounts.exchange_login_grant(dbs, grant, IP, "")[1] == "/offres/12"
    assert accounts.exchange_login_grant(dbs, "inconnu", IP, "") is None
    assert accounts.exchange_login_grant(dbs, None, IP, "") is None


def test_grant_expires_after_two_minutes(dbs):
    user = active_user(dbs, email="g2@exemple.fr")
    grant = accounts.issue_login_grant(dbs, user)
    with clock.travel(timedelta(minutes=3)):
        assert accounts.exchange_login_grant(dbs, grant, IP, "") is None


def test_grant_of_disabled_user_refused(dbs):
    user = active_user(dbs, email="g3@exemple.fr")
    grant = accounts.issue_login_grant(dbs, user)
    user.status = AccountStatus.DISABLED
    dbs.commit()
    assert accounts.exchange_login_grant(dbs, grant, IP, "") is None


def test_session_stores_only_hash_and_expires(dbs):
    user = active_user(dbs, email="sess@exemple.fr")
    token = accounts.create_session(dbs, user, IP, "Mozilla/5.0 " + "x" * 400)
    row = dbs.exec(select(AuthSession)).one()
    assert row.token_hash != token and len(row.token_hash) == 64
    assert len(row.user_agent) == 255
    days = get_settings().session_days
    assert clock.as_utc(row.expires_at) - clock.as_utc(row.created_at) == timedelta(days=days)
    assert accounts.user_for_session(dbs, token).id == user.id
    assert accounts.user_for_session(dbs, "autre") is None
    assert accounts.user_for_session(dbs, None) is None
    with clock.travel(timedelta(days=days, minutes=1)):
        assert accounts.user_for_session(dbs, token) is None


def test_session_last_seen_throttled(dbs):
    user = active_user(dbs, email="vu@exemple.fr")
    token = accounts.create_session(dbs, user, IP, "")

    def last_seen():
        dbs.expire_all()
        return clock.as_utc(dbs.exec(select(AuthSession)).one().last_seen_at)

    first = last_seen()
    with clock.travel(timedelta(minutes=3)):
        accounts.user_for_session(dbs, token)
        assert last_seen() == first
    with clock.travel(timedelta(minutes=6)):
        accounts.user_for_session(dbs, token)
        assert last_seen() > first


def test_session_revocation(dbs):
    user = active_user(dbs, email="rev@exemple.fr")
    t1 = accounts.create_session(dbs, user, IP, "")
    t2 = accounts.create_session(dbs, user, IP, "")
    t3 = accounts.create_session(dbs, user, IP, "")
    assert accounts.revoke_session(dbs, t1) is True
    assert accounts.revoke_session(dbs, t1) is False
    assert accounts.user_for_session(dbs, t1) is None
    assert accounts.revoke_all_sessions(dbs, user.id, except_token=t3) == 1
    assert accounts.user_for_session(dbs, t2) is None
    assert accounts.user_for_session(dbs, t3).id == user.id
    # A disabled account has no live session.
    user.status = AccountStatus.DISABLED
    dbs.commit()
    assert accounts.user_for_session(dbs, t3) is None


# --- magic link -----------------------------------------------------------------------------


def test_magic_link_single_use(dbs):
    user = active_user(dbs, email="magie@exemple.fr")
    assert accounts.request_magic_link(dbs, "Magie@exemple.fr", IP, "/espace") is None
    raw = last_link(dbs, "magie@exemple.fr", "/connexion/lien")
    logged, error = accounts.consume_magic_link(dbs, raw, IP)
    assert error is None and logged.id == user.id
    assert accounts.consume_magic_link(dbs, raw, IP) == (None, accounts.MSG_MAGIC_INVALID)


def test_magic_link_grant_keeps_next_url(dbs):
    active_user(dbs, email="magie2@exemple.fr")
    accounts.request_magic_link(dbs, "magie2@exemple.fr", IP, "/offres/3")
    raw = last_link(dbs, "magie2@exemple.fr", "/connexion/lien")
    grant, error = accounts.magic_link_grant(dbs, raw, IP)
    assert error is None
    assert accounts.exchange_login_grant(dbs, grant, IP, "")[1] == "/offres/3"
    assert accounts.magic_link_grant(dbs, raw, IP) == (None, accounts.MSG_MAGIC_INVALID)


def test_magic_link_expires(dbs):
    active_user(dbs, email="magie3@exemple.fr")
    accounts.request_magic_link(dbs, "magie3@exemple.fr", IP)
    raw = last_link(dbs, "magie3@exemple.fr", "/connexion/lien")
    with clock.travel(timedelta(minutes=21)):
        assert accounts.consume_magic_link(dbs, raw, IP) == (None, accounts.MSG_MAGIC_INVALID)


def test_magic_link_unknown_or_inactive_sends_nothing(dbs):
    signup(dbs, email="pasactive@exemple.fr")
    before = len(dbs.exec(select(Outbox)).all())
    assert accounts.request_magic_link(dbs, "inconnu@exemple.fr", IP) is None
    assert accounts.request_magic_link(dbs, "pasactive@exemple.fr", IP) is None
    assert accounts.request_magic_link(dbs, "pas une adresse", IP) is None
    assert len(dbs.exec(select(Outbox)).all()) == before


def test_magic_link_rate_limits(dbs):
    active_user(dbs, email="flood@exemple.fr")
    for i in range(accounts.LIMITS["magic_id"].limit + 2):
        accounts.request_magic_link(dbs, "flood@exemple.fr", f"198.51.100.{i}")
    assert len(outbox(dbs, "flood@exemple.fr")) == accounts.LIMITS["magic_id"].limit
    # Wrong links from one IP are limited; refused ones are not counted (no extension).
    limit = accounts.LIMITS["magic_consume_ip"].limit
    for _ in range(limit):
        assert accounts.consume_magic_link(dbs, "devine", IP)[1] == accounts.MSG_MAGIC_INVALID
    for _ in range(5):
        assert accounts.consume_magic_link(dbs, "devine", IP) == (None, accounts.MSG_RATE_LIMITED)
    scope = select(LoginAttempt).where(LoginAttempt.scope == "magic_consume")
    assert len(dbs.exec(scope).all()) == limit
    # A valid link still opens from that shared address (it cannot be guessed).
    raw = last_link(dbs, "flood@exemple.fr", "/connexion/lien")
    assert accounts.consume_magic_link(dbs, raw, IP)[1] is None


def test_magic_link_unlocks_a_locked_account(dbs):
    user = active_user(dbs, email="debloque@exemple.fr")
    for _ in range(accounts.LOCKOUT_THRESHOLD):
        accounts.authenticate(dbs, "debloque@exemple.fr", "mauvais mot de passe", IP)
    assert accounts.authenticate(dbs, "debloque@exemple.fr", PW, IP)[1] == accounts.MSG_LOCKED
    accounts.request_magic_link(dbs, "debloque@exemple.fr", IP)
    raw = last_link(dbs, "debloque@exemple.fr", "/connexion/lien")
    assert accounts.consume_magic_link(dbs, raw, IP)[1] is None
    assert reload(dbs, user).locked_until is None
    assert accounts.authenticate(dbs, "debloque@exemple.fr", PW, IP)[1] is None


# --- password reset and change --------------------------------------------------------------


def test_reset_by_email_link(dbs):
    user = active_user(dbs, email="oubli@exemple.fr")
    session_token = accounts.create_session(dbs, user, IP, "")
    for _ in range(accounts.LOCKOUT_THRESHOLD):
        accounts.authenticate(dbs, "oubli@exemple.fr", "mauvais mot de passe", IP)
    assert reload(dbs, user).locked_until is not None

    assert accounts.request_password_reset(dbs, "OUBLI@exemple.fr", IP) == "email"
    raw = last_link(dbs, "oubli@exemple.fr", "/mot-de-passe/nouveau")
    # A weak password is refused and the link stays usable.
    assert accounts.reset_password(dbs, raw, "court") == (
        None,
        {"password": passwords.MSG_TOO_SHORT},
    )
    done, errors = accounts.reset_password(dbs, raw, NEW_PW)
    assert errors == {} and done.id == user.id
    user = reload(dbs, user)
    assert user.locked_until is None and user.failed_logins == 0
    assert accounts.user_for_session(dbs, session_token) is None  # sessions revoked
    assert len(audits(dbs, user, "password_reset")) == 1
    assert accounts.reset_password(dbs, raw, "encore un autre mot") == (
        None,
        {"token": accounts.MSG_RESET_INVALID},
    )
    assert accounts.authenticate(dbs, "oubli@exemple.fr", PW, IP)[1] == (
        accounts.MSG_BAD_CREDENTIALS
    )
    assert accounts.authenticate(dbs, "oubli@exemple.fr", NEW_PW, IP)[1] is None


def test_reset_link_expires_after_one_hour(dbs):
    active_user(dbs, email="oubli2@exemple.fr")
    accounts.request_password_reset(dbs, "oubli2@exemple.fr", IP)
    raw = last_link(dbs, "oubli2@exemple.fr", "/mot-de-passe/nouveau")
    with clock.travel(timedelta(minutes=61)):
        assert accounts.reset_password(dbs, raw, NEW_PW)[1] == {"token": accounts.MSG_RESET_INVALID}


def test_reset_unknown_accounts_same_answer(dbs):
    assert accounts.request_password_reset(dbs, "personne@exemple.fr", IP) == "email"
    assert accounts.request_password_reset(dbs, "06 01 02 03 04", IP) == "phone"
    assert accounts.request_password_reset(dbs, "n'importe quoi", IP) == "unknown"
    assert dbs.exec(select(Outbox)).all() == []


def test_reset_by_sms_code(dbs):
    user = active_user(dbs, phone="06 44 55 66 77")
    token = accounts.create_session(dbs, user, IP, "")
    assert accounts.request_password_reset(dbs, "06 44 55 66 77", IP) == "phone"
    code = last_code(dbs, "+33644556677")
    assert accounts.reset_password_with_code(dbs, "0644556677", wrong(code), NEW_PW) == (
        None,
        {"code": accounts.MSG_CODE_INVALID},
    )
    assert accounts.reset_password_with_code(dbs, "0644556677", code, "court")[1] == {
        "password": passwords.MSG_TOO_SHORT
    }
    done, errors = accounts.reset_password_with_code(dbs, "+33 6 44 55 66 77", code, NEW_PW)
    assert errors == {} and done.id == user.id
    assert accounts.user_for_session(dbs, token) is None
    assert accounts.reset_password_with_code(dbs, "0644556677", code, NEW_PW)[1] == {
        "code": accounts.MSG_CODE_INVALID
    }
    assert accounts.authenticate(dbs, "06 44 55 66 77", NEW_PW, IP)[1] is None


def test_reset_activates_a_pending_account(dbs):
    user = signup(dbs, email="jamaisactive@exemple.fr")
    accounts.request_password_reset(dbs, "jamaisactive@exemple.fr", IP)
    raw = last_link(dbs, "jamaisactive@exemple.fr", "/mot-de-passe/nouveau")
    assert accounts.reset_password(dbs, raw, NEW_PW)[1] == {}
    assert reload(dbs, user).status == AccountStatus.ACTIVE


def test_reset_is_rate_limited(dbs):
    active_user(dbs, email="reset@exemple.fr")
    for _ in range(accounts.LIMITS["reset_id"].limit + 3):
        assert accounts.request_password_reset(dbs, "reset@exemple.fr", IP) == "email"
    assert len(outbox(dbs, "reset@exemple.fr")) == accounts.LIMITS["reset_id"].limit


def test_change_password(dbs):
    user = active_user(dbs, email="change@exemple.fr")
    here = accounts.create_session(dbs, user, IP, "")
    elsewhere = accounts.create_session(dbs, user, IP, "")
    assert accounts.change_password(dbs, user, "pas le bon mot", NEW_PW) == {
        "current_password": accounts.MSG_CURRENT_PASSWORD
    }
    assert accounts.change_password(dbs, user, PW, "court") == {
        "new_password": passwords.MSG_TOO_SHORT
    }
    assert accounts.change_password(dbs, user, PW, PW) == {
        "new_password": accounts.MSG_SAME_PASSWORD
    }
    assert accounts.change_password(dbs, user, PW, NEW_PW, keep_token=here) == {}
    assert accounts.user_for_session(dbs, here).id == user.id
    assert accounts.user_for_session(dbs, elsewhere) is None
    assert accounts.authenticate(dbs, "change@exemple.fr", NEW_PW, IP)[1] is None


def test_change_password_guessing_is_limited(dbs):
    user = active_user(dbs, email="devine@exemple.fr")
    for _ in range(accounts.LIMITS["change_password_user"].limit):
        accounts.change_password(dbs, user, "au hasard 123", NEW_PW)
    assert accounts.change_password(dbs, user, PW, NEW_PW) == {
        "current_password": accounts.MSG_RATE_LIMITED
    }


# --- accounts created by the CLI ------------------------------------------------------------


def test_create_active_account(dbs):
    admin, errors = accounts.create_active_account(
        dbs, role="admin", email="Admin@Exemple.fr", password=PW, first_name="Ada"
    )
    assert errors == {}
    dbs.commit()
    assert admin.status == AccountStatus.ACTIVE and admin.activated_at is not None
    assert admin.email == "admin@exemple.fr"
    assert accounts.authenticate(dbs, "admin@exemple.fr", PW, IP)[1] is None
    _, errors = accounts.create_active_account(
        dbs, role="roi", email="admin@exemple.fr", password="court"
    )
    assert set(errors) == {"role", "email", "password"}
    _, errors = accounts.create_active_account(dbs, role="eleve", password=PW)
    assert errors == {"email": accounts.MSG_IDENTIFIER_REQUIRED}
