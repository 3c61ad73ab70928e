"""The school's search scope (set by the head) is a pupil's starting search: the area around
the school with the school's radius, or all of France."""

from __future__ import annotations

from sqlmodel import select

from mystage.models import School
from mystage.state.search import _run_search
from tests.unit.test_schools import UAI_A, pupil, school_db  # noqa: F401  (the « s » fixture)


def test_pupil_search_starts_from_the_school_scope(s):
    school = s.exec(select(School).where(School.uai == UAI_A)).one()
    lea = pupil(s, school, None)
    school.search_scope, school.search_radius_km = "radius", 30
    s.add(school)
    s.commit()
    out = _run_search(s, {}, lea.id, False)
    assert out["criteria"].get("lieu") == school.postal_code
    assert out["criteria"].get("rayon") == "30"

    school.search_scope = "national"
    s.add(school)
    s.commit()
    out = _run_search(s, {}, lea.id, False)
    assert "lieu" not in out["criteria"] and "rayon" not in out["criteria"]

    # Criteria the pupil typed win over the defaults.
    out = _run_search(s, {"lieu": "Nantes", "rayon": "10"}, lea.id, False)
    assert out["criteria"]["lieu"] == "Nantes" and out["criteria"]["rayon"] == "10"
