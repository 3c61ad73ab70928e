"""Permissions: every function asked as every role, anonymous and inactive accounts."""

from __future__ import annotations

import pytest

from mystage import settings
from mystage.models import AccountStatus, Role, User
from mystage.services import permissions
from mystage.services.permissions import PermissionDenied, require


def make(role: Role, status: str = AccountStatus.ACTIVE, uid: int = 1) -> User:
    return User(id=uid, role=role, status=status, email=f"{role}@exemple.fr")


ROLES = list(Role)
INACTIVE = [
    AccountStatus.PENDING_ACTIVATION,
    AccountStatus.PENDING_VALIDATION,
    AccountStatus.REFUSED,
    AccountStatus.DISABLED,
]


@pytest.mark.parametrize("role", ROLES)
def test_every_active_role_is_authenticated(role):
    assert permissions.is_authenticated(make(role))


@pytest.mark.parametrize("status", INACTIVE)
@pytest.mark.parametrize("role", [Role.ELEVE, Role.ADMIN])
def test_inactive_accounts_can_do_nothing(role, status):
    user = make(role, status)
    assert not permissions.is_authenticated(user)
    assert not permissions.can_view_profile(user)
    assert not permissions.can_change_password(user)
    assert not permissions.can_admin(user)


def test_deleted_or_unsaved_user_is_nobody():
    deleted = make(Role.ADMIN)
    deleted.deleted_at = deleted.created_at
    assert not permissions.is_authenticated(deleted)
    assert not permissions.can_admin(deleted)
    assert not permissions.is_authenticated(User(role=Role.ADMIN, status=AccountStatus.ACTIVE))


def test_anonymous():
    assert not permissions.is_authenticated(None)
    assert not permissions.can_view_profile(None)
    assert not permissions.can_change_password(None)
    assert not permissions.can_admin(None)


@pytest.mark.parametrize("role", ROLES)
def test_profile_own_or_admin(role):
    me = make(role, uid=1)
    other = make(Role.ELEVE, uid=2)
    assert permissions.can_view_profile(me)
    assert permissions.can_view_profile(me, me)
    assert permissions.can_view_profile(me, other) == (role == Role.ADMIN)
    assert permissions.can_view_profile(me, "pas un utilisateur") == (role == Role.ADMIN)


@pytest.mark.parametrize("role", ROLES)
def test_change_password_only_own(role):
    me = make(role, uid=1)
    assert permissions.can_change_password(me)
    assert permissions.can_change_password(me, me)
    assert not permissions.can_change_password(me, make(Role.ELEVE, uid=2))


@pytest.mark.parametrize("role", ROLES)
def test_admin_only_for_admins(role):
    assert permissions.can_admin(make(role)) == (role == Role.ADMIN)


@pytest.fixture
def dev_mailbox(monkeypatch):
    def set_flag(value: str | None):
        if value is None:
            monkeypatch.delenv("DEV_MAILBOX", raising=False)
        else:
            monkeypatch.setenv("DEV_MAILBOX", value)
        settings.reload()

    yield set_flag
    monkeypatch.undo()
    settings.reload()


@pytest.mark.parametrize("who", [None, *ROLES])
def test_dev_mailbox_follows_the_setting(dev_mailbox, who):
    user = make(who) if who else None
    dev_mailbox("1")
    assert permissions.can_view_dev_mailbox(user)
    dev_mailbox("0")
    assert not permissions.can_view_dev_mailbox(user)


def test_dev_mailbox_off_unless_asked_for(dev_mailbox, monkeypatch):
    for unset in ("SMTP_URL", "SMS_URL"):
        monkeypatch.delenv(unset, raising=False)
    dev_mailbox(None)  # no transport configured no longer turns it on
    assert not permissions.can_view_dev_mailbox(make(Role.ADMIN))
    monkeypatch.setenv("PUBLIC_URL", "https://mystage.exemple.fr")
    dev_mailbox("true")  # never on a public https address
    assert not permissions.can_view_dev_mailbox(make(Role.ADMIN))


def test_require():
    require(True)
    with pytest.raises(PermissionDenied) as exc:
        require(permissions.can_admin(make(Role.ELEVE)))
    assert "accès" in exc.value.message
    with pytest.raises(PermissionDenied, match="Réservé"):
        require(False, "Réservé aux administrateurs.")


def test_role_sets_come_from_the_models():
    assert {Role.ADMIN} == permissions.ADMINS
    assert Role.CHEF_ETABLISSEMENT in permissions.STAFF
    assert Role.REFERENT_DEPARTEMENTAL in permissions.REFERENTS
    assert Role.EMPLOYEUR in permissions.OFFER_POSTERS
    assert set(Role) == permissions.ALL_ROLES
