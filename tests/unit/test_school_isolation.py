"""Cross-school proof (the national platform's hole: any school staff could update another
school's weeks): the head, a restricted teacher, a whole-school CPE, a pending and a
removed member of school A call every school function with school B's ids — classes,
weeks, pupils, settings, staff, invitations, applications, exports — and get refusals,
while nothing of school B changes.  Within school A, a teacher restricted to one class
sees only it, and pending or removed members see nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage.models import Application as App
from mystage.models import (
    AppState,
    OneTimeToken,
    Role,
    School,
    SchoolClass,
    SchoolWeek,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import applications, permissions, schools
from mystage.services.permissions import PermissionDenied
from tests.unit.test_schools import (  # noqa: F401  (school_db: the « s » fixture)
    UAI_A,
    UAI_B,
    account,
    application,
    head,
    klass,
    member,
    offer,
    pupil,
    school,
    school_db,
)

A = AppState


@pytest.fixture
def world(s):
    a, b = school(s, UAI_A), school(s, UAI_B)
    o = offer(s)
    # School A.
    ha = head(s, a)
    a1, a2 = klass(s, a, "3e A"), klass(s, a, "3e B")
    ta = member(s, a, "prof.a1@ac-creteil.fr", scope="classes", classes=[a1])
    cpe = member(s, a, "cpe@ac-creteil.fr", role=Role.PERSONNEL)
    pending = member(s, a, "attente@ac-creteil.fr", status="pending", classes=[a1])
    removed = member(s, a, "parti@ac-creteil.fr", status="removed")
    pa1 = pupil(s, a, a1, authorized=True)
    pa2 = pupil(s, a, a2, authorized=True)
    app_a1 = application(s, pa1, o, A.AWAITING_SCHOOL)
    app_a2 = application(s, pa2, o, A.AWAITING_SCHOOL)
    # School B.
    hb = head(s, b)
    b1, b2 = klass(s, b, "3e Nantes 1"), klass(s, b, "3e Nantes 2")
    mb_pending = member(s, b, "demande@ac-nantes.fr", status="pending")
    mb_active = member(s, b, "actif@ac-nantes.fr", scope="classes", classes=[b1])
    pb1 = pupil(s, b, b1, authorized=True)
    pb2 = pupil(s, b, b1)
    app_b = application(s, pb1, o, A.AWAITING_SCHOOL, referent_email="ce.0440284v@ac-nantes.fr")
    assert schools.set_weeks(s, hb, ["2027-01-11"]) == {}
    assert schools.invite_staff(s, hb, {"email": "nouveau@ac-nantes.fr", "function": "cpe"}) == {}
    invitation = s.exec(
        select(OneTimeToken).where(OneTimeToken.target == "nouveau@ac-nantes.fr")
    ).one()

    def mid(user):
        return s.exec(select(StaffMembership.id).where(StaffMembership.user_id == user.id)).one()

    return {
        "a": a, "b": b, "ha": ha, "ta": ta, "cpe": cpe, "pending": pending, "removed": removed,
        "a1": a1, "a2": a2, "pa1": pa1, "pa2": pa2, "app_a1": app_a1, "app_a2": app_a2,
        "hb": hb, "b1": b1, "b2": b2, "pb1": pb1, "pb2": pb2, "app_b": app_b,
        "mb_pending": mid(mb_pending), "mb_active": mid(mb_active), "invitation": invitation.id,
    }  # fmt: skip


def snapshot_b(s, w) -> dict:
    """Everything of school B a handler could change."""
    s.expire_all()
    b = w["b"].id
    sch = s.get(School, b)
    users_b = select(User.id).where(User.school_id == b)
    return {
        "school": tuple(getattr(sch, f) for f in schools_fields()),
        "classes": s.execute(
            sa.select(SchoolClass.id, SchoolClass.name, SchoolClass.level, SchoolClass.deleted_at)
            .where(SchoolClass.school_id == b)
            .order_by(SchoolClass.id)
        ).all(),
        "weeks": s.execute(
            sa.select(SchoolWeek.class_id, SchoolWeek.week_start, SchoolWeek.school_year)
            .where(SchoolWeek.school_id == b)
            .order_by(SchoolWeek.week_start)
        ).all(),
        "users": s.execute(
            sa.select(
                User.id,
                User.class_id,
                User.parental_authorization_at,
                User.parental_authorization_by_id,
                User.staff_scope,
                User.status,
            )  # fmt: skip
            .where(User.school_id == b)
            .order_by(User.id)
        ).all(),
        "memberships": s.execute(
            sa.select(StaffMembership.id, StaffMembership.status)
            .where(StaffMembership.school_id == b)
            .order_by(StaffMembership.id)
        ).all(),
        "staff_classes": s.execute(
            sa.select(StaffClass.user_id, StaffClass.class_id, StaffClass.is_main_teacher)
            .where(StaffClass.user_id.in_(users_b))
            .order_by(StaffClass.id)
        ).all(),
        "applications": s.execute(
            sa.select(App.id, App.state, App.school_message, App.decided_by_id)
            .where(App.school_id == b)
            .order_by(App.id)
        ).all(),
        "invitations": s.execute(
            sa.select(OneTimeToken.id, OneTimeToken.used_at)
            .where(OneTimeToken.purpose == "invitation")
            .order_by(OneTimeToken.id)
        ).all(),
    }


def schools_fields():
    return ("email", "registered_at", "validation_required", "search_scope",
            "search_radius_km", "referent_email", "updated_at")  # fmt: skip


def calls_with_b_ids(s, w):
    """(name, callable(user)) for every school function, aimed at school B."""
    b, b1, b2, pb1, pb2 = w["b"].id, w["b1"].id, w["b2"].id, w["pb1"].id, w["pb2"].id
    a1 = w["a1"].id
    return [
        ("classes", lambda u: schools.classes(s, u, school_id=b)),
        ("create_class", lambda u: schools.create_class(s, u, "Intrus", school_id=b)),
        ("rename_class", lambda u: schools.rename_class(s, u, b1, "Intrus")),
        ("delete_class", lambda u: schools.delete_class(s, u, b2)),
        ("move_pupil B→B", lambda u: schools.move_pupil(s, u, pb1, b2)),
        ("move_pupil B→A", lambda u: schools.move_pupil(s, u, pb1, a1)),
        ("move_pupil A→B", lambda u: schools.move_pupil(s, u, w["pa1"].id, b1)),
        ("move_pupil B→none", lambda u: schools.move_pupil(s, u, pb1, None)),
        ("school_weeks", lambda u: schools.school_weeks(s, u, school_id=b)),
        ("set_weeks school", lambda u: schools.set_weeks(s, u, ["2026-12-07"], school_id=b)),
        ("set_weeks B class", lambda u: schools.set_weeks(s, u, ["2026-12-07"], class_id=b1)),
        ("school_settings", lambda u: schools.school_settings(s, u, school_id=b)),
        (
            "update_settings",
            lambda u: schools.update_settings(
                s, u, {"search_scope": "national", "validation_required": False}, school_id=b
            ),
        ),
        ("record_authorization", lambda u: schools.record_authorization(s, u, pb2)),
        ("record_class_authorizations", lambda u: schools.record_class_authorizations(s, u, b1)),
        ("undo_authorization", lambda u: schools.undo_authorization(s, u, pb1)),
        ("authorization_sheet", lambda u: schools.authorization_sheet(s, u, b1)),
        ("school_table", lambda u: schools.school_table(s, u, school_id=b)),
        ("class_table", lambda u: schools.class_table(s, u, b1)),
        ("pupil_applications", lambda u: schools.pupil_applications(s, u, pb1)),
        ("application_tabs", lambda u: schools.application_tabs(s, u, "referents", school_id=b)),
        ("school_table_xlsx", lambda u: schools.school_table_xlsx(s, u, school_id=b)),
        ("class_table_xlsx", lambda u: schools.class_table_xlsx(s, u, b1)),
        ("staff_list", lambda u: schools.staff_list(s, u, school_id=b)),
        ("decide_staff", lambda u: schools.decide_staff(s, u, w["mb_pending"], True)),
        ("remove_staff", lambda u: schools.remove_staff(s, u, w["mb_active"])),
        (
            "set_staff_rights",
            lambda u: schools.set_staff_rights(s, u, w["mb_active"], scope="school"),
        ),
        (
            "invite_staff",
            lambda u: schools.invite_staff(
                s, u, {"email": "x@ac-nantes.fr", "function": "cpe"}, school_id=b
            ),
        ),
        ("cancel_invitation", lambda u: schools.cancel_invitation(s, u, w["invitation"])),
    ]


CALLERS = ["ha", "ta", "cpe", "pending", "removed"]


@pytest.mark.parametrize("caller", CALLERS)
def test_no_staff_of_school_a_reads_or_changes_school_b(s, world, caller):
    user = world[caller]
    before = snapshot_b(s, world)
    for name, call in calls_with_b_ids(s, world):
        with pytest.raises(PermissionDenied):
            result = call(user)
            pytest.fail(f"{caller} / {name} answered {result!r}")
        s.rollback()
    # The application of school B: no validation through the transition service either.
    app_b = s.get(App, world["app_b"].id)
    assert not permissions.can_validate_application(user, app_b, s=s)
    for action in ("school_validate", "school_refuse"):
        assert applications.transition(s, user, app_b.id, action, "Non") == applications.MSG_DENIED
    assert snapshot_b(s, world) == before


@pytest.mark.parametrize("caller", ["ha", "ta", "cpe"])
def test_own_lists_never_show_school_b(s, world, caller):
    user = world[caller]
    b_classes = {world["b1"].id, world["b2"].id}
    assert not {c["id"] for c in schools.classes(s, user)} & b_classes
    assert not {r["id"] for r in schools.school_table(s, user)["rows"]} & b_classes
    tabs = schools.application_tabs(s, user, "referents")
    assert world["app_b"].id not in {r["id"] for r in tabs["rows"]}
    assert "ce.0440284v@ac-nantes.fr" not in {r["email"] for r in tabs["referents"]}
    weeks = schools.school_weeks(s, user)
    assert weeks["school"] == [] and not {c["id"] for c in weeks["classes"]} & b_classes
    assert schools.school_settings(s, user)["school_id"] == world["a"].id
    assert schools.space_context(s, user)["school_id"] == world["a"].id


def test_restricted_teacher_sees_only_their_class(s, world):
    ta, a1, a2 = world["ta"], world["a1"], world["a2"]
    assert [c["id"] for c in schools.classes(s, ta)] == [a1.id]
    assert [r["id"] for r in schools.school_table(s, ta)["rows"]] == [a1.id]  # no « sans classe »
    assert [r["id"] for r in schools.class_table(s, ta, a1.id)["rows"]] == [world["pa1"].id]
    tabs = schools.application_tabs(s, ta, "a_valider")
    assert [r["id"] for r in tabs["rows"]] == [world["app_a1"].id]
    assert tabs["counts"]["a_valider"] == 1
    for call in (
        lambda: schools.class_table(s, ta, a2.id),
        lambda: schools.class_table(s, ta, 0),
        lambda: schools.class_table_xlsx(s, ta, a2.id),
        lambda: schools.pupil_applications(s, ta, world["pa2"].id),
        lambda: schools.record_authorization(s, ta, world["pa2"].id),
        lambda: schools.undo_authorization(s, ta, world["pa2"].id),
        lambda: schools.record_class_authorizations(s, ta, a2.id),
        lambda: schools.authorization_sheet(s, ta, a2.id),
        lambda: schools.move_pupil(s, ta, world["pa2"].id, a1.id),
        lambda: schools.move_pupil(s, ta, world["pa1"].id, a2.id),
        lambda: schools.staff_list(s, ta),
        lambda: schools.set_weeks(s, ta, ["2026-12-07"]),
    ):
        with pytest.raises(PermissionDenied):
            call()
    app_a1 = s.get(App, world["app_a1"].id)
    app_a2 = s.get(App, world["app_a2"].id)
    assert permissions.can_validate_application(ta, app_a1, s=s)
    assert not permissions.can_validate_application(ta, app_a2, s=s)
    got = schools.pupil_applications(s, ta, world["pa1"].id)["applications"]
    assert [a["action"] for a in got[0]["actions"]] == ["school_validate", "school_refuse"]


@pytest.mark.parametrize("caller", ["pending", "removed"])
def test_pending_or_removed_member_sees_nothing(s, world, caller):
    user = world[caller]
    ctx = schools.space_context(s, user)
    assert ctx["member_status"] in ("pending", "removed") and ctx["class_ids"] == []
    assert permissions.school_of_staff(s, user) is None
    assert permissions.visible_class_ids(s, user) == set()
    assert not permissions.can_view_school(s, user, world["a"].id)
    assert not permissions.can_view_class(s, user, world["a1"])
    assert not permissions.can_view_pupil(s, user, world["pa1"])
    assert not permissions.can_validate_application(user, s.get(App, world["app_a1"].id), s=s)
    for call in (
        lambda: schools.classes(s, user),
        lambda: schools.school_table(s, user),
        lambda: schools.class_table(s, user, world["a1"].id),
        lambda: schools.pupil_applications(s, user, world["pa1"].id),
        lambda: schools.application_tabs(s, user),
        lambda: schools.school_weeks(s, user),
        lambda: schools.school_settings(s, user),
        lambda: schools.record_authorization(s, user, world["pa1"].id),
        lambda: schools.school_table_xlsx(s, user),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_school_b_head_still_acts_and_admin_needs_the_school(s, world):
    """The refusals above are not a broken service: B's own head and an admin succeed."""
    hb = world["hb"]
    assert schools.rename_class(s, hb, world["b1"].id, "3e Nantes A") == {}
    assert schools.decide_staff(s, hb, world["mb_pending"], True) == ""
    assert [r["name"] for r in schools.school_table(s, hb)["rows"]][:2] == [
        "3e Nantes 2",
        "3e Nantes A",
    ]
    admin = account(s, Role.ADMIN, "admin@exemple.fr", None)
    with pytest.raises(PermissionDenied):
        schools.classes(s, admin)
    assert len(schools.classes(s, admin, school_id=world["b"].id)) == 2
    assert schools.record_authorization(s, admin, world["pb2"].id) == {}
