"""One-time tokens (links) and SMS codes; rate-limit counters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from mystage import clock, db
from mystage.models import OneTimeToken, TokenPurpose
from mystage.services import accounts
from mystage.services.accounts import ratelimit, tokens


@pytest.fixture
def user(dbs):
    u, errors = accounts.create_active_account(
        dbs, role="eleve", phone="06 11 22 33 44", password="mot de passe du test"
    )
    assert not errors
    dbs.commit()
    return u


def test_issue_stores_only_a_hash(dbs, user):
    raw = tokens.issue(dbs, TokenPurpose.ACTIVATION, user_id=user.id, target="a@b.fr")
    dbs.commit()
    assert len(raw) >= 40
    row = dbs.exec(select(OneTimeToken)).one()
    assert row.token_hash == tokens.hash_token(raw) != raw
    assert len(row.token_hash) == 64
    assert raw not in (row.payload or "")


def test_consume_is_single_use(dbs, user):
    raw = tokens.issue(dbs, TokenPurpose.MAGIC_LINK, user_id=user.id, payload={"next": "/x"})
    dbs.commit()
    tok = tokens.consume(dbs, TokenPurpose.MAGIC_LINK, raw)
    assert tok is not None and tok.used_at is not None
    assert tokens.payload_of(tok) == {"next": "/x"}
    dbs.commit()
    assert tokens.consume(dbs, TokenPurpose.MAGIC_LINK, raw) is None


def test_consume_in_two_sessions_only_one_wins(dbs, user):
    raw = tokens.issue(dbs, TokenPurpose.LOGIN_GRANT, user_id=user.id)
    dbs.commit()
    with db.session() as a:
        assert tokens.consume(a, TokenPurpose.LOGIN_GRANT, raw) is not None
        a.commit()
    with db.session() as b:
        assert tokens.consume(b, TokenPurpose.LOGIN_GRANT, raw) is None


def test_consume_refuses_wrong_purpose_unknown_and_junk(dbs, user):
    raw = tokens.issue(dbs, TokenPurpose.PASSWORD_RESET, user_id=user.id)
    dbs.commit()
    assert tokens.consume(dbs, TokenPurpose.ACTIVATION, raw) is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, "inconnu") is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, "") is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, None) is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, "x" * 5000) is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, raw) is not None


def test_consume_refuses_expired(dbs, user):
    raw = tokens.issue(dbs, TokenPurpose.PASSWORD_RESET, user_id=user.id, ttl=timedelta(hours=1))
    dbs.commit()
    with clock.travel(timedelta(minutes=61)):
        assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, raw) is None
    assert tokens.consume(dbs, TokenPurpose.PASSWORD_RESET, raw) is not None


def test_invalidate(dbs, user):
    raw1 = tokens.issue(dbs, TokenPurpose.ACTIVATION, user_id=user.id)
    raw2 = tokens.issue(dbs, TokenPurpose.ACTIVATION, user_id=user.id)
    assert tokens.invalidate(dbs, TokenPurpose.ACTIVATION, user_id=user.id) == 2
    dbs.commit()
    assert tokens.consume(dbs, TokenPurpose.ACTIVATION, raw1) is None
    assert tokens.consume(dbs, TokenPurpose.ACTIVATION, raw2) is None


def _code(dbs, user, action="activation", ttl=tokens.CODE_TTL):
    code = tokens.issue_code(
        dbs, TokenPurpose.PHONE_CODE, user_id=user.id, target=user.phone, action=action, ttl=ttl
    )
    dbs.commit()
    return code


def _verify(dbs, user, code, action="activation"):
    tok = tokens.verify_code(
        dbs, TokenPurpose.PHONE_CODE, user_id=user.id, target=user.phone, code=code, action=action
    )
    dbs.commit()
    return tok


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_and_hashed(dbs, user):
    code = _code(dbs, user)
    assert len(code) == 6 and code.isdigit()
    row = dbs.exec(select(OneTimeToken)).one()
    assert code not in row.token_hash and code not in row.payload
    # The same code for another phone or user hashes differently (salted).
    assert row.token_hash != tokens.hash_token(code)


def test_code_single_use_and_spaces_ok(dbs, user):
    code = _code(dbs, user)
    assert _verify(dbs, user, f" {code[:3]} {code[3:]} ") is not None
    assert _verify(dbs, user, code) is None


def test_code_dies_after_five_wrong_attempts(dbs, user):
    code = _code(dbs, user)
    for _ in range(tokens.MAX_CODE_ATTEMPTS):
        assert _verify(dbs, user, _wrong(code)) is None
    assert _verify(dbs, user, code) is None
    row = dbs.exec(select(OneTimeToken).execution_options(populate_existing=True)).one()
    assert row.used_at is not None and row.attempts == tokens.MAX_CODE_ATTEMPTS


def test_code_four_wrong_then_right(dbs, user):
    code = _code(dbs, user)
    for _ in range(tokens.MAX_CODE_ATTEMPTS - 1):
        assert _verify(dbs, user, _wrong(code)) is None
    assert _verify(dbs, user, code) is not None


def test_code_expires_and_actions_are_separate(dbs, user):
    code = _code(dbs, user, ttl=timedelta(minutes=15))
    assert _verify(dbs, user, code, action="reset") is None  # not a reset code
    with clock.travel(timedelta(minutes=16)):
        assert _verify(dbs, user, code) is None


def test_new_code_replaces_the_old_one(dbs, user):
    first = _code(dbs, user)
    second = _code(dbs, user)
    if first != second:
        assert _verify(dbs, user, first) is None
    assert _verify(dbs, user, second) is not None


def test_code_junk_input(dbs, user):
    code = _code(dbs, user)
    for junk in (None, "abcdef", "1234567", code + "0"):
        assert _verify(dbs, user, junk) is None
    assert _verify(dbs, user, code) is not None  # 4 attempts used, the 5th is right


def test_ratelimit_window_and_failures_only(dbs):
    key = ratelimit.ident_key("Quelqu.Un@Exemple.fr ")
    assert key == ratelimit.ident_key("quelqu.un@exemple.fr")
    assert "exemple" not in key
    window = timedelta(minutes=10)
    for _ in range(3):
        ratelimit.record(dbs, "test", key, False)
    ratelimit.record(dbs, "test", key, True)
    dbs.commit()
    assert ratelimit.count(dbs, "test", key, window) == 4
    assert ratelimit.count(dbs, "test", key, window, failures_only=True) == 3
    assert not ratelimit.check(dbs, "test", key, 3, window, failures_only=True)
    assert ratelimit.check(dbs, "test", key, 4, window, failures_only=True)
    assert ratelimit.check(dbs, "other", key, 1, window)
    assert ratelimit.check(dbs, "test", ratelimit.ip_key("10.0.0.1"), 1, window)
    with clock.travel(timedelta(minutes=11)):
        assert ratelimit.check(dbs, "test", key, 1, window)
        assert ratelimit.purge(dbs, clock.now() - window) == 4
    dbs.commit()
