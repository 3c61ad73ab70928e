"""The pupil's handlers called as an anonymous visitor, as another pupil, as an employer
and with crafted arguments: refused without raising, nothing changed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import Application, AppState, Favorite, PupilCV
from mystage.services import accounts, pupils
from mystage.services import applications as apps
from mystage.state.offers import OfferPageState
from mystage.state.pupils import (
    ApplyState,
    CVState,
    FavoritesState,
    MyApplicationsState,
    PupilSpaceState,
)
from tests.state.conftest import make_state, run_handler
from tests.unit.test_applications import (
    MOTIVATION,
    make_pupil,
    offer_of,
    post,
    school_fixture,  # noqa: F401  (fixture « school »)
)
from tests.unit.test_offers import NOW, W1, W2

PDF = b"%PDF-1.4\n%%EOF\n"
CRAFTED = [None, "", "abc", -1, 1.5, True, [], {}, [1], {"id": 1}, "9" * 40]


class FakeUpload:
    """What Reflex hands to an upload handler (only ``read`` is used)."""

    def __init__(self, data):
        self.data = data
        self.name = "cv.pdf"

    async def read(self, n: int = -1):
        return self.data if n < 0 else self.data[:n]


def _cookie(s, user) -> str:
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def _target(spec) -> str:
    """The URL of an ``rx.redirect`` (empty for anything else)."""
    return str(getattr(spec, "args", "")) if spec is not None else ""


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def world(s, school):
    owner, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    return s, owner, offer_id, lea, tom


def _apply_state(cookie: str, offer_id) -> ApplyState:
    return make_state(ApplyState, cookie=cookie, path=f"/offres/{offer_id}/postuler")


def _states(s) -> dict[int, str]:
    s.expire_all()
    return {a.id: a.state for a in s.exec(select(Application))}


@pytest.mark.asyncio
async def test_anonymous_is_sent_to_log_in(world):
    s, _owner, offer_id, lea, _tom = world
    app_id, _ = post(s, lea, offer_id)
    before = _states(s)

    page = _apply_state("", offer_id)
    await page.load()
    assert page.found and not page.allowed and page.blocked == "login"
    assert page.signup_url == f"/inscription?role=eleve&offre={offer_id}"
    (redirect,) = await run_handler(page.submit({"week": W2, "motivation": MOTIVATION}))
    assert "/connexion" in _target(redirect)
    assert "/connexion" in _target(await page.toggle_favorite())

    mine = make_state(MyApplicationsState, path="/espace/eleve/candidatures")
    assert "/connexion" in _target(await mine.load())
    mine.ask(app_id, "cancel_by_pupil")
    assert "/connexion" in _target(await mine.do_action({"message": "x"}))

    cv = make_state(CVState, path="/espace/eleve/cv")
    assert "/connexion" in _target(await cv.load())
    assert "/connexion" in _target(await cv.save({"schooling": "piraté"}))
    assert "/connexion" in _target(await cv.upload_pdf([FakeUpload(PDF)]))
    assert "/connexion" in _target(await cv.delete_pdf())

    fav = make_state(FavoritesState, path="/espace/eleve/favoris")
    assert "/connexion" in _target(await fav.load())
    assert "/connexion" in _target(await fav.remove(offer_id))

    offer_page = make_state(OfferPageState, path=f"/offres/{offer_id}")
    await offer_page.load()
    assert not offer_page.is_favorite
    redirect = _target(await offer_page.toggle_favorite())
    assert f"/connexion?suivant=/offres/{offer_id}" in redirect

    space = make_state(PupilSpaceState, path="/espace")
    await space.load()
    assert not space.is_pupil

    assert _states(s) == before
    assert s.exec(select(PupilCV)).all() == [] and s.exec(select(Favorite)).all() == []


@pytest.mark.asyncio
async def test_another_pupils_application_is_refused(world):
    s, _owner, offer_id, lea, tom = world
    app_id, _ = post(s, lea, offer_id)
    before = _states(s)
    mine = make_state(
        MyApplicationsState, cookie=_cookie(s, tom), path="/espace/eleve/candidatures"
    )
    await mine.load()
    assert mine.rows == [] and mine.denied == ""
    for action in ("cancel_by_pupil", "confirm"):
        mine.ask(app_id, action)
        assert mine.dialog_open
        await mine.do_action({"message": "Je prends sa place"})
        assert mine.error == apps.MSG_DENIED and mine.notice == ""
    assert _states(s) == before


@pytest.mark.asyncio
async def test_crafted_arguments_never_raise(world):
    s, _owner, offer_id, lea, _tom = world
    app_id, _ = post(s, lea, offer_id)
    before = _states(s)
    cookie = _cookie(s, lea)

    mine = make_state(MyApplicationsState, cookie=cookie, path="/espace/eleve/candidatures")
    await mine.load()
    for raw in CRAFTED:
        for action in (raw, "accept", "withdraw", "refuse"):
            mine.dialog_open = False
            mine.ask(raw, action)
            assert not mine.dialog_open
        mine.ask(raw, "cancel_by_pupil")
        for form in (None, "x", [1], {"message": ["a"]}, {"message": "x" * 10_000}):
            await mine.do_action(form)
    # A crafted dialog state reaches the service, which refuses.
    mine.dialog_action, mine.dialog_app_id = "accept", app_id
    await mine.do_action({})
    assert mine.error == apps.MSG_UNKNOWN_ACTION
    assert _states(s) == before
    mine.set_dialog_open("yes")
    assert mine.dialog_open is False

    page = _apply_state(cookie, offer_id)
    await page.load()
    assert page.allowed
    for form in (None, "x", [W2], {"week": 5, "motivation": None}, {"week": ["a"]}):
        await run_handler(page.submit(form))
        assert page.errors and not page.done
    assert _states(s) == before

    for raw in CRAFTED:
        page = make_state(ApplyState, cookie=cookie, path=f"/offres/{raw}/postuler")
        await page.load()
        assert not page.found
        assert await run_handler(page.submit({"week": W2, "motivation": MOTIVATION})) == []
        assert page.errors == {"form": pupils.MSG_OFFER_MISSING}
        assert page.scroll_to_id.startswith("apply-errors#")  # the page scrolls to the message
        await page.toggle_favorite()
        assert not page.is_favorite

    cv = make_state(CVState, cookie=cookie, path="/espace/eleve/cv")
    await cv.load()
    for form in (None, "x", [1]):
        await cv.save(form)
        assert not cv.saved
    for files in (None, "x", [], [1], [None], {"a": 1}, [FakeUpload("texte")]):
        await cv.upload_pdf(files)
        assert cv.pdf_error
    await cv.upload_pdf([FakeUpload(b"<html>not a pdf</html>")])
    assert cv.pdf_error == pupils.MSG_PDF_FORMAT
    await cv.upload_pdf([FakeUpload(b"%PDF-" + b"0" * pupils.CV_PDF_MAX_BYTES)])
    assert cv.pdf_error == pupils.MSG_PDF_SIZE
    assert pupils.own_cv_pdf(s, lea) is None

    fav = make_state(FavoritesState, cookie=cookie, path="/espace/eleve/favoris")
    await fav.load()
    for raw in CRAFTED:
        await fav.remove(raw)
    assert s.exec(select(Favorite)).all() == []


@pytest.mark.asyncio
async def test_employer_calling_pupil_handlers(world):
    s, owner, offer_id, lea, _tom = world
    app_id, _ = post(s, lea, offer_id)
    before = _states(s)
    cookie = _cookie(s, owner)

    mine = make_state(MyApplicationsState, cookie=cookie, path="/espace/eleve/candidatures")
    await mine.load()
    assert mine.denied == pupils.MSG_PUPILS_ONLY and mine.rows == []
    mine.ask(app_id, "cancel_by_pupil")
    await mine.do_action({})
    assert mine.error == pupils.MSG_PUPILS_ONLY and mine.rows == []

    page = _apply_state(cookie, offer_id)
    await page.load()
    assert page.blocked == "role" and not page.allowed
    await run_handler(
        page.submit({"week": W2, "motivation": MOTIVATION, "contact_phone": "0612345678"})
    )
    assert "form" in page.errors and not page.done
    await page.toggle_favorite()
    assert not page.is_favorite and page.favorite_error == pupils.MSG_PUPILS_ONLY

    cv = make_state(CVState, cookie=cookie, path="/espace/eleve/cv")
    await cv.load()
    assert cv.denied == pupils.MSG_PUPILS_ONLY
    await cv.save({"schooling": "x"})
    assert cv.errors == {"form": pupils.MSG_PUPILS_ONLY}
    await cv.upload_pdf([FakeUpload(PDF)])
    assert cv.pdf_error == pupils.MSG_PUPILS_ONLY

    fav = make_state(FavoritesState, cookie=cookie, path="/espace/eleve/favoris")
    await fav.load()
    assert fav.denied == pupils.MSG_PUPILS_ONLY

    space = make_state(PupilSpaceState, cookie=cookie, path="/espace")
    await space.load()
    assert not space.is_pupil

    assert _states(s) == before
    assert s.exec(select(PupilCV)).all() == [] and s.exec(select(Favorite)).all() == []


@pytest.mark.asyncio
async def test_pupil_applies_confirms_and_keeps_a_cv(world):
    s, owner, offer_id, lea, _tom = world
    cookie = _cookie(s, lea)
    # She signed up from this offer's « Postuler »: « Mon espace » brings her back to it.
    lea.targeted_offer_id = offer_id
    s.add(lea)
    s.commit()
    space = make_state(PupilSpaceState, cookie=cookie, path="/espace")
    await space.load()
    assert space.targeted["id"] == str(offer_id)

    page = _apply_state(cookie, offer_id)
    await page.load()
    assert page.allowed and [w["iso"] for w in page.weeks] == [W1, W2]
    assert page.values["contact_email"] == "lea@exemple.fr" and page.cv_empty
    await run_handler(
        page.submit({"week": "", "motivation": "trop court", "contact_phone": "06 11 22 33 44"})
    )
    assert set(page.errors) == {"week", "motivation"} and not page.done
    assert page.values["contact_phone"] == "06 11 22 33 44"  # what was typed is kept
    await run_handler(
        page.submit({"week": W1, "motivation": MOTIVATION, "contact_phone": "06 11 22 33 44"})
    )
    assert page.done and not page.done_to_school and page.errors == {}
    assert page.scroll_to_id.startswith("contenu#")  # back to the top, to the confirmation
    (app,) = s.exec(select(Application)).all()
    await space.load()
    assert space.targeted == {}  # applied: the card goes

    offer_page = make_state(OfferPageState, cookie=cookie, path=f"/offres/{offer_id}")
    await offer_page.load()
    await offer_page.toggle_favorite()
    assert offer_page.is_favorite
    await offer_page.toggle_favorite()
    assert not offer_page.is_favorite
    await page.toggle_favorite()
    assert page.is_favorite

    assert apps.transition(s, owner, app.id, "accept", "Rendez-vous lundi.") == ""
    mine = make_state(MyApplicationsState, cookie=cookie, path="/espace/eleve/candidatures")
    await mine.load()
    (row,) = mine.rows
    assert row["id"] == str(app.id) and row["can_confirm"] == "1"
    assert row["employer_message"] == "Rendez-vous lundi."
    mine.ask(row["id"], "confirm")
    assert mine.dialog_open and "autres candidatures" in mine.dialog_text
    await mine.do_action({})
    assert mine.error == "" and "confirmé" in mine.notice and not mine.dialog_open
    assert mine.rows[0]["state"] == AppState.CONFIRMED

    cv = make_state(CVState, cookie=cookie, path="/espace/eleve/cv")
    await cv.load()
    await cv.save({"schooling": "3e B", "interests": "x" * 1001})
    assert cv.errors == {"interests": pupils.MSG_CV_TOO_LONG} and not cv.saved
    assert cv.values["interests"] == "x" * 1001  # kept for correction
    await cv.save({"schooling": "3e B", "interests": "Le vélo"})
    assert cv.saved and cv.values["schooling"] == "3e B"
    await cv.upload_pdf([FakeUpload(PDF)])
    assert cv.pdf_error == "" and cv.has_pdf and pupils.own_cv_pdf(s, lea) == PDF
    await cv.delete_pdf()
    assert not cv.has_pdf and pupils.own_cv_pdf(s, lea) is None

    fav = make_state(FavoritesState, cookie=cookie, path="/espace/eleve/favoris")
    await fav.load()
    assert [r["offer_id"] for r in fav.rows] == [str(offer_id)]
    await fav.remove(fav.rows[0]["offer_id"])
    assert fav.rows == []

    space = make_state(PupilSpaceState, cookie=cookie, path="/espace")
    await space.load()
    assert space.is_pupil and space.authorized and not space.cv_empty
    assert space.counts["confirmed"] == "1" and space.favorites == "0"
