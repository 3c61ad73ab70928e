"""Convention and application mails with « Espaces »: every member following the offer's
space gets their own mail (one outbox row, one dedupe key each); who unticked does not."""

from __future__ import annotations

from sqlmodel import select

from mystage.models import Outbox
from mystage.services import structures
from tests.unit import test_applications as base
from tests.unit import test_convention_flow as cf
from tests.unit.test_offers import add_member, make_user

s = base.s
school = base.school_fixture
flow = cf.flow


def _rows(s, template: str) -> list[Outbox]:
    s.expire_all()
    return list(s.exec(select(Outbox).where(Outbox.template == template)))


def test_convention_to_sign_reaches_every_member_of_the_space(s, flow):
    emp = flow["emp"]
    st = structures.structure_for_user(s, emp)
    paul = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, paul)
    nina = make_user(s, email="nina@boulangerie-martin.fr", first_name="Nina")
    add_member(s, st, nina)
    space = structures.first_space(s, st.id)
    assert structures.set_notify(s, nina, space.id, False) == ""
    cf.to_validated(s, flow)
    to_sign = _rows(s, "conv_to_sign")
    employer_side = sorted(
        m.recipient for m in to_sign if m.recipient.endswith("@boulangerie-martin.fr")
    )
    assert employer_side == ["claire@boulangerie-martin.fr", "paul@boulangerie-martin.fr"]
    assert len({m.dedupe_key for m in to_sign}) == len(to_sign)
    paul_mail = [m for m in to_sign if m.recipient == "paul@boulangerie-martin.fr"][0]
    assert paul_mail.user_id == paul.id and "Bonjour Paul" in paul_mail.body
