"""Conventions (issue 14): each party's form, the state machine, signing by code (one by one
and in group), voiding on edit, the legal representatives' links, paper mode, the jobs, and
who may do what (crafted calls refused)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AuditLog,
    Convention,
    ConventionLink,
    ConventionState,
    OneTimeToken,
    Outbox,
    Role,
    School,
    Signature,
)
from mystage.services import applications as apps
from mystage.services import conventions
from mystage.services.conventions import signing
from tests.unit import test_applications as base
from tests.unit.test_applications import accepted, make_pupil, offer_of, staff

s = base.s
school = base.school_fixture
other_school = base.other_school
C = ConventionState

WEEK = {
    "lundi": ("09:00", "16:30", "12:00", "13:00"),
    "mardi": ("09:00", "16:30", "12:00", "13:00"),
    "mercredi": ("09:00", "12:00", "", ""),
    "jeudi": ("09:00", "16:30", "12:00", "13:00"),
    "vendredi": ("09:00", "16:00", "12:00", "13:00"),
}


def employer_form(**over) -> dict[str, str]:
    data = {
        "rep_name": "Claire Martin",
        "rep_function": "Gérante",
        "rep_email": "claire@boulangerie-martin.fr",
        "tutor_name": "Paul Martin",
        "tutor_function": "Boulanger",
        "tutor_email": "paul@boulangerie-martin.fr",
        "tutor_phone": "01 23 45 67 89",
        "lunch": "Pause déjeuner d'une heure.",
        "activities": "Observer la fabrication du pain.",
        "preparation": "",
        "learning": "Les métiers de la boulangerie.",
    }
    for day in conventions.DAYS:
        start, end, b1, b2 = WEEK.get(day, ("", "", "", ""))
        data.update({f"{day}_start": start, f"{day}_end": end, f"{day}_break_start": b1,
                     f"{day}_break_end": b2})  # fmt: skip
    data.update(over)
    return data


def school_form(**over) -> dict[str, str]:
    data = {
        "rep1_name": "Sophie Petit",
        "rep1_email": "sophie.petit@exemple.fr",
        "rep1_phone": "06 11 22 33 44",
        "rep2_name": "",
        "rep2_email": "",
        "rep2_phone": "",
        "emergency_name": "Sophie Petit",
        "emergency_phone": "06 11 22 33 44",
        "pupil_address": "3 rue des Lilas, 77100 Meaux",
        "teacher_name": "Marc Durand",
        "teacher_email": "marc.durand@ac-creteil.fr",
        "teacher_phone": "",
    }
    data.update(over)
    return data


@pytest.fixture
def flow(s, school):
    """A confirmed internship: its convention in draft, the employer, the head, the pupil."""
    emp, offer_id = offer_of(s)
    emp.phone = "+33655443322"
    s.add(emp)
    head = staff(s, school, "ce.0770001a@ac-creteil.fr", role=Role.CHEF_ETABLISSEMENT)
    lea = make_pupil(s, school, "lea@exemple.fr", phone="+33612345678")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.confirm(s, lea, app_id) == ""
    conv = s.execute(sa.select(Convention).where(Convention.application_id == app_id)).scalar_one()
    return {"emp": emp, "head": head, "pupil": lea, "conv": conv, "offer_id": offer_id}


def reload(s, conv_id) -> Convention:
    s.expire_all()
    return s.get(Convention, conv_id)


def last_code(s, to: str) -> str:
    s.expire_all()
    row = s.exec(
        select(Outbox)
        .where(Outbox.recipient == to, Outbox.template.in_(["sms_conv_code", "conv_code"]))
        .order_by(Outbox.id.desc())
    ).first()
    return re.search(r"\b(\d{6})\b", row.body).group(1)


def sign_as(s, *, ids, user=None, link=None, to: str, drawing="", typed="Prénom Nom"):
    err, said = conventions.request_code(s, user=user, link=link, convention_ids=ids, ip="10.0.0.1")
    assert err == "", err
    code = last_code(s, to)
    return conventions.sign(
        s, user=user, link=link, convention_ids=ids, code=code, drawing=drawing,
        typed_name="" if drawing else typed, ip="10.0.0.1", user_agent="pytest",
    )  # fmt: skip


def legal_link(s, conv_id) -> str:
    """Issue a fresh link as the mails do (the raw token is only in the mail)."""
    from mystage.services.conventions.access import load

    return signing.issue_link(s, load(s, conv_id), "legal_rep_1")


def to_validated(s, flow):
    cid = flow["conv"].id
    assert conventions.save_employer_part(s, flow["emp"], cid, employer_form(), submit=True) == {}
    assert conventions.save_school_part(s, flow["head"], cid, school_form(), submit=True) == {}
    assert reload(s, cid).state == C.VALIDATED
    return cid


def test_employer_hours_are_checked_against_the_rules_for_minors(s, flow):
    cid = flow["conv"].id
    errors = conventions.save_employer_part(
        s, flow["emp"], cid, employer_form(lundi_start="08:00", lundi_end="17:00",
                                           lundi_break_start="12:00", lundi_break_end="13:00"),
        submit=True,
    )  # fmt: skip
    assert "7 h" in errors["lundi"] and reload(s, cid).state == C.DRAFT
    errors = conventions.save_employer_part(
        s, flow["emp"], cid, employer_form(mardi_start="14:00", mardi_end="20:30",
                                           mardi_break_start="17:00", mardi_break_end="17:30"),
        submit=True,
    )  # fmt: skip
    assert "20 h" in errors["mardi"]
    errors = conventions.save_employer_part(
        s, flow["emp"], cid, employer_form(rep_email="pas-un-mail", tutor_name=""), submit=True
    )
    assert errors == {"rep_email": conventions.forms.MSG_EMAIL,
                      "tutor_name": conventions.forms.MSG_REQUIRED}  # fmt: skip
    assert reload(s, cid).version == 1  # nothing stored
    assert conventions.save_employer_part(s, flow["emp"], cid, employer_form(), submit=True) == {}
    conv = reload(s, cid)
    assert conv.state == C.EMPLOYER_DONE and conv.version == 2 and conv.employer_completed_at
    stored = json.loads(conv.employer_fields)
    assert stored["timetable"]["mercredi"]["end"] == "12:00"
    assert stored["representative"]["name"] == "Claire Martin"
    # the school is told
    assert base.mails(s, template="conv_to_school", to="ce.0770001a@ac-creteil.fr")


def test_school_weekly_limit_from_its_preset(s, flow):
    head = flow["head"]
    values = conventions.preset_values(s, head)
    assert values["mode"] == "online" and values["week_max_hours"] == "35"
    assert conventions.save_preset(s, head, {**values, "week_max_hours": "60"}) == {
        "week_max_hours": conventions.forms.MSG_HOURS
    }
    assert conventions.save_preset(s, head, {**values, "week_max_hours": "20",
                                             "clauses": "Tenue correcte exigée."}) == {}  # fmt: skip
    errors = conventions.save_employer_part(s, flow["emp"], flow["conv"].id, employer_form(),
                                            submit=True)  # fmt: skip
    assert "20 h" in errors["semaine"]
    school_part = json.loads(reload(s, flow["conv"].id).school_fields)
    assert school_part["terms"]["clauses"] == "Tenue correcte exigée."  # flowed into the draft
    # a teacher may not edit the preset
    teacher = staff(s, s.get(School, head.school_id), "prof@ac-creteil.fr")
    assert "form" in conventions.save_preset(s, teacher, values)


def test_school_validation_needs_the_employer_and_its_fields(s, flow):
    cid = flow["conv"].id
    errors = conventions.save_school_part(s, flow["head"], cid, school_form(), submit=True)
    assert errors["form"] == conventions.forms.MSG_NOT_EMPLOYER_DONE
    assert conventions.save_employer_part(s, flow["emp"], cid, employer_form(), submit=True) == {}
    errors = conventions.save_school_part(
        s, flow["head"], cid, school_form(rep1_phone="01 23 45 67 89", rep1_email="",
                                          teacher_name=""), submit=True)  # fmt: skip
    assert errors["rep1_phone"] == conventions.forms.MSG_MOBILE
    assert errors["teacher_name"] == conventions.forms.MSG_REQUIRED
    assert reload(s, cid).state == C.EMPLOYER_DONE
    assert conventions.save_school_part(s, flow["head"], cid, school_form(), submit=True) == {}
    assert reload(s, cid).state == C.VALIDATED
    # the legal representative gets a personal link by mail and SMS; the others a mail
    assert base.mails(s, template="conv_to_sign", to="sophie.petit@exemple.fr")
    assert base.mails(s, template="sms_conv_to_sign", to="+33611223344")
    assert base.mails(s, template="conv_to_sign", to="lea@exemple.fr")
    assert s.exec(select(ConventionLink).where(ConventionLink.convention_id == cid)).first()


def test_codes_wrong_reused_expired_and_brute_force(s, flow):
    cid = to_validated(s, flow)
    lea = flow["pupil"]
    err, said = conventions.request_code(s, user=lea, convention_ids=[cid], ip="10.0.0.2")
    assert err == "" and said == "Code envoyé par SMS au 06 •• •• •• 78."
    code = last_code(s, "+33612345678")
    wrong = "000000" if code != "000000" else "111111"
    kw = {"user": lea, "convention_ids": [cid], "typed_name": "Léa Petit", "ip": "10.0.0.2"}
    assert conventions.sign(s, code=wrong, **kw) == {"code": signing.MSG_CODE}
    assert conventions.sign(s, code="12", **kw) == {"code": signing.MSG_CODE_FORMAT}
    # checked before the drawing: a wrong one refused, the right one kept valid for sign
    check = {"user": lea, "convention_ids": [cid], "ip": "10.0.0.2"}
    assert conventions.check_code(s, code=wrong, **check) == signing.MSG_CODE
    assert conventions.check_code(s, code=code, **check) == ""
    assert conventions.sign(s, code=code, **kw) == {}
    sig = s.exec(select(Signature).where(Signature.convention_id == cid)).one()
    assert sig.signatory_role == "pupil" and sig.method == "sms" and sig.sent_to.endswith("78")
    assert len(sig.document_hash) == 64 and sig.typed_name == "Léa Petit"
    assert sig.ip == "10.0.0.2"
    # reuse: the pupil has signed, and the code is spent
    assert conventions.sign(s, code=code, **kw) == {"form": signing.MSG_NOT_SIGNABLE}
    assert reload(s, cid).state == C.SIGNING
    # expiry and brute force, on the head (code by mail: no mobile)
    head = flow["head"]
    hk = {"user": head, "convention_ids": [cid], "typed_name": "Marc Chef", "ip": "10.0.0.3"}
    assert conventions.request_code(s, user=head, convention_ids=[cid], ip="10.0.0.3")[0] == ""
    code = last_code(s, "ce.0770001a@ac-creteil.fr")
    clock.freeze(clock.now() + timedelta(minutes=11))
    assert conventions.sign(s, code=code, **hk) == {"code": signing.MSG_CODE}
    conventions.request_code(s, user=head, convention_ids=[cid], ip="10.0.0.3")
    code = last_code(s, "ce.0770001a@ac-creteil.fr")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert conventions.sign(s, code=wrong, **hk) == {"code": signing.MSG_CODE}
    assert conventions.sign(s, code=code, **hk) == {"code": signing.MSG_CODE}  # dead after 5
    # codes are stored hashed
    assert all(code not in t.token_hash for t in s.exec(select(OneTimeToken)))
    # too many codes for one signatory
    for _ in range(5):
        conventions.request_code(s, user=head, convention_ids=[cid], ip="10.0.0.3")
    err, _ = conventions.request_code(s, user=head, convention_ids=[cid], ip="10.0.0.3")
    assert err == signing.MSG_TOO_MANY


def test_an_edit_after_a_signature_voids_it(s, flow):
    cid = to_validated(s, flow)
    assert sign_as(s, ids=[cid], user=flow["pupil"], to="+33612345678") == {}
    assert reload(s, cid).state == C.SIGNING
    form = employer_form(activities="Observer la fabrication du pain et la vente.")
    assert conventions.save_employer_part(s, flow["emp"], cid, form, submit=True) == {}
    conv = reload(s, cid)
    assert conv.state == C.EMPLOYER_DONE  # the school validates the new text again
    sig = s.exec(select(Signature).where(Signature.convention_id == cid)).one()
    assert sig.voided_at is not None
    assert base.mails(s, template="conv_voided", to="lea@exemple.fr")
    assert base.mails(s, template="conv_to_employer_again")
    actions = s.exec(select(AuditLog.action).where(AuditLog.entity == "convention",
                                                    AuditLog.entity_id == cid)).all()  # fmt: skip
    assert "void_signatures" in actions and "reopen" in actions


def test_everyone_signs_and_the_pdf_is_sealed(s, flow, tmp_path):
    cid = to_validated(s, flow)
    link = legal_link(s, cid)
    view = conventions.link_view(s, link)
    assert view["my_role"] == "legal_rep_1" and view["can_sign"] and view["sent_to"].endswith("44")
    assert sign_as(s, ids=[cid], link=link, to="+33611223344") == {}
    assert sign_as(s, ids=[cid], user=flow["pupil"], to="+33612345678") == {}
    assert sign_as(s, ids=[cid], user=flow["emp"], to="+33655443322") == {}
    assert reload(s, cid).state == C.SIGNING
    assert sign_as(s, ids=[cid], user=flow["head"], to="ce.0770001a@ac-creteil.fr") == {}
    conv = reload(s, cid)
    assert conv.state == C.SIGNED and conv.pdf_path and conv.sealed_at
    data = conventions.pdf_bytes(s, user=flow["pupil"], uuid=conv.uuid)
    assert data.startswith(b"%PDF")
    from mystage.services.conventions import seal

    assert seal.verify_seal(data)[0]
    assert base.mails(s, template="conv_signed", to="sophie.petit@exemple.fr")
    assert conventions.pdf_bytes(s, link=link, uuid=conv.uuid) == data


def test_group_signing_one_code_one_signature_per_convention(s, flow, school):
    cid = to_validated(s, flow)
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    app2 = accepted(s, flow["emp"], tom, flow["offer_id"])
    assert apps.confirm(s, tom, app2) == ""
    cid2 = s.execute(sa.select(Convention.id).where(Convention.application_id == app2)).scalar_one()
    assert conventions.save_employer_part(s, flow["emp"], cid2, employer_form(), submit=True) == {}
    assert conventions.save_school_part(s, flow["head"], cid2, school_form(), submit=True) == {}
    rows = conventions.school_list(s, flow["head"])
    assert {r["id"] for r in rows if r["can_sign"]} == {str(cid), str(cid2)}
    assert sign_as(s, ids=[cid, cid2], user=flow["head"], to="ce.0770001a@ac-creteil.fr") == {}
    sigs = s.exec(select(Signature).where(Signature.signatory_role == "school_head")).all()
    assert sorted(x.convention_id for x in sigs) == sorted([cid, cid2])
    assert not any(r["can_sign"] for r in conventions.school_list(s, flow["head"]))


def test_others_are_refused_everywhere(s, flow, school, other_school):
    cid = to_validated(s, flow)
    conv = reload(s, cid)
    other_emp, _ = offer_of(s, email="autre@exemple.fr", siret="55210055400013")
    other_head = staff(s, other_school, "ce.autre@ac-creteil.fr", role=Role.CHEF_ETABLISSEMENT)
    other_pupil = make_pupil(s, school, "autre.eleve@exemple.fr", first_name="Zoé")
    for who in (None, other_emp, other_head, other_pupil):
        assert conventions.view(s, who, cid) is None
        assert conventions.pdf_bytes(s, user=who, uuid=conv.uuid) is None
        assert conventions.save_employer_part(s, who, cid, employer_form(), submit=True) == {
            "form": conventions.forms.MSG_NOT_FOUND
        }
        assert conventions.save_school_part(s, who, cid, school_form(), submit=True) == {
            "form": conventions.forms.MSG_NOT_FOUND
        }
        assert conventions.request_code(s, user=who, convention_ids=[cid], ip="1.1.1.1")[0]
        assert conventions.sign(s, user=who, convention_ids=[cid], code="123456",
                                typed_name="A B", ip="1.1.1.1") != {}  # fmt: skip
        assert conventions.set_paper_signed(s, who, cid, True) != ""
    # crafted values
    for bad in ("1 OR 1=1", -1, 2**40, True, [cid], {"id": cid}, None):
        assert conventions.view(s, flow["emp"], bad) is None
    assert conventions.link_view(s, "x" * 40) is None and conventions.link_view(s, None) is None
    assert conventions.pdf_bytes(s, link="x" * 43, uuid=conv.uuid) is None
    # an employer cannot sign as the school, nor sign a list mixing roles
    assert conventions.request_code(s, user=flow["emp"], convention_ids=[cid, 999999],
                                    ip="1.1.1.1")[0]  # fmt: skip


def test_paper_mode_without_any_signature(s, flow):
    head = flow["head"]
    values = conventions.preset_values(s, head)
    assert conventions.save_preset(s, head, {**values, "mode": "paper"}) == {}
    cid = flow["conv"].id
    assert conventions.view(s, head, cid)["mode"] == "paper"
    assert conventions.set_paper_signed(s, head, cid, True) == ""
    conv = reload(s, cid)
    assert conv.state == C.SIGNED and conv.paper
    assert conventions.view(s, flow["pupil"], cid)["state_label"] == "Signée (papier)"
    assert conventions.set_paper_signed(s, head, cid, False) == ""
    assert reload(s, cid).state == C.DRAFT
    # online signing is not offered in paper mode
    assert conventions.save_employer_part(s, flow["emp"], cid, employer_form(), submit=True) == {}
    assert conventions.save_school_part(s, head, cid, school_form(), submit=True) == {}
    err, _ = conventions.request_code(s, user=head, convention_ids=[cid], ip="1.1.1.1")
    assert err == signing.MSG_NOT_SIGNABLE


def test_reminders_and_the_school_warning(s, flow):
    cid = to_validated(s, flow)
    assert conventions.send_reminders(s) == 0  # validated just now
    clock.freeze(clock.now() + timedelta(days=3, minutes=1))
    conv = reload(s, cid)
    if conv.week_start < clock.today_paris():
        pytest.skip("the reference week is already past at the frozen date")
    assert conventions.send_reminders(s) == 1
    s.commit()
    assert conventions.send_reminders(s) == 0  # spaced
    assert base.mails(s, template="conv_reminder", to="lea@exemple.fr")
    clock.freeze(None)


def test_the_school_is_warned_five_school_days_before_the_week(s, flow):
    cid = to_validated(s, flow)
    week = reload(s, cid).week_start
    assert week > clock.today_paris() + timedelta(days=7)
    assert conventions.warn_schools(s) == 0  # the week is further away
    # the Monday before the week (5 school days): one mail listing the pupil
    clock.freeze(datetime.combine(week - timedelta(days=7), time(8), tzinfo=UTC))
    assert conventions.warn_schools(s) == 1
    s.commit()
    (mail,) = base.mails(s, template="conv_school_warning")
    assert mail.recipient == "ce.0770001a@ac-creteil.fr"
    assert "PETIT Léa" in mail.body and "ne peut pas avoir lieu" in mail.body
    assert conventions.warn_schools(s) == 0  # once
    clock.freeze(None)
