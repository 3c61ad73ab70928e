"""Issue 16 — « Employers » and « Words and messages »: a copy told from its original, a
deactivated offer told from an unpublished one, the buttons of an application per state,
the step 3 warning about the window, « tu » for pupils, lower-case week labels inside
sentences, SMS cut at a word past one segment, the login redirect keeping the query."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from mystage import clock
from mystage.models import AppState
from mystage.notify import templates
from mystage.notify.sms_text import fit_sms, one_segment, sms_units
from mystage.services import accounts, offers, weeks
from mystage.services import applications as apps
from tests.unit import test_applications as base
from tests.unit.test_applications import accepted, make_pupil, offer_of, post
from tests.unit.test_offers import W2, complete_offer, employer, get, step_data

A = AppState
s = base.s  # fixtures
school_fixture = base.school_fixture


# --- « Dupliquer »: « … (copie) » and « Copie de l'offre n° N » ------------------------------


def test_copy_title_says_copy_and_fits_the_column():
    assert offers.copy_title("Boulanger") == "Boulanger (copie)"
    assert offers.copy_title("Boulanger (copie)") == "Boulanger (copie)"  # not « (copie) (copie) »
    long = "Atelier " + " ".join(["pâtisserie-chocolaterie"] * 8)
    title = offers.copy_title(long)
    assert len(title) <= 150 and title.endswith("… (copie)")
    assert title[: -len("… (copie)")] in long  # cut at a word
    assert not title[: -len("… (copie)")].endswith(("-", " "))


def test_duplicate_is_told_from_its_original(s):
    user, _ = employer(s, email="copie@boulangerie.fr", siret="73282932000074")
    offer_id = complete_offer(s, user)
    new_id, error = offers.duplicate(s, user, offer_id)
    assert error == ""
    original, copy = get(s, offer_id), get(s, new_id)
    assert copy.title == original.title + " (copie)"
    assert offers.form_heading(s, copy) == f"Copie de l'offre n° {offer_id}"
    assert offers.form_heading(s, original) == f"Modifier l'offre n° {offer_id}"
    # the employer edits the title: the copy keeps it (only the form's heading says « copie »)
    data = step_data(s, 2, title="Boulangerie Martin – Vendeur en boutique")
    assert offers.save_step(s, user, new_id, 2, data) == {}
    assert get(s, new_id).title == "Boulangerie Martin – Vendeur en boutique"
    renewed, _ = offers.duplicate(s, user, offer_id, next_year=True)
    assert get(s, renewed).title == original.title  # a renewal: next year's weeks tell it
    assert offers.form_heading(s, get(s, renewed)) == f"Renouvellement de l'offre n° {offer_id}"
    draft = offers.create_draft(s, user)
    assert offers.form_heading(s, get(s, draft)) == "Déposer une offre"


# --- « Désactivée » with what happened ---------------------------------------------------------


def _row(s, user, offer_id) -> dict:
    rows, _ = offers.employer_offers(s, user, offer_id=offer_id)
    return rows[0]


def test_deactivated_offer_says_so_and_what_happened(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    tom = make_pupil(s, school, "tom@exemple.fr", first_name="Tom")
    accepted(s, emp, lea, offer_id)
    post(s, tom, offer_id)
    assert offers.transition(s, emp, offer_id, "deactivate") == ""
    row = _row(s, emp, offer_id)
    today = clock.today_paris().strftime("%d/%m/%Y")
    assert (row["state"], row["badge"], row["state_label"]) == (
        "unpublished",
        "deactivated",
        "Désactivée",
    )
    assert row["state_note"] == f"2 candidatures refusées le {today}"
    # « Republier » (still possible) puts it back online; « Dépublier » is only a pause
    assert offers.transition(s, emp, offer_id, "republish") == ""
    row = _row(s, emp, offer_id)
    assert (row["badge"], row["state_label"], row["state_note"]) == ("published", "Publiée", "")
    assert offers.transition(s, emp, offer_id, "unpublish") == ""
    row = _row(s, emp, offer_id)
    assert (row["badge"], row["state_label"], row["state_note"]) == ("unpublished", "Dépubliée", "")


def test_deactivation_note_words():
    assert offers.deactivations is not None
    from mystage.services.offers.lifecycle import deactivation_note

    assert deactivation_note(1, "12/12/2026") == "1 candidature refusée le 12/12/2026"
    assert deactivation_note(3, "12/12/2026") == "3 candidatures refusées le 12/12/2026"
    assert deactivation_note(0, "12/12/2026") == "le 12/12/2026, sans candidature en cours"


def test_preview_of_a_deactivated_offer(s):
    from mystage.state.offers.preview import _preview, flatten_view

    user, _ = employer(s, email="apercu@boulangerie.fr", siret="73282932000074")
    offer_id = complete_offer(s, user)
    assert offers.transition(s, user, offer_id, "deactivate") == ""
    view, _missing, _ctx = _preview(s, user, offer_id)
    flat = flatten_view(view)
    assert flat["state_label"] == "Désactivée" and flat["badge"] == "deactivated"
    assert flat["state_note"].startswith("le ") and "sans candidature" in flat["state_note"]


# --- the employer's buttons per state ------------------------------------------------------------


def test_buttons_say_what_they_do_in_each_state(s, school):
    emp, offer_id = offer_of(s)
    lea = make_pupil(s, school, "lea@exemple.fr")
    app_id = accepted(s, emp, lea, offer_id)
    assert apps.employer_view(s, emp, app_id)["actions"] == [
        {"action": "cancel_by_employer", "label": "Annuler mon accord"}
    ]
    assert apps.confirm(s, lea, app_id) == ""
    assert apps.employer_view(s, emp, app_id)["actions"] == [
        {"action": "cancel_by_employer", "label": "Annuler le stage"}
    ]
    assert apps.decide_as_employer(s, emp, app_id, "cancel_by_employer", "Fermeture.") == {}
    assert base.app(s, app_id).state == A.CANCELLED_BY_EMPLOYER
    assert apps.employer_view(s, emp, app_id)["actions"] == []
    assert [b["label"] for b in apps.employer_buttons(A.UNDER_REVIEW)] == ["Accepter", "Refuser"]


# --- step 3: the window closes long before some weeks ------------------------------------------


def test_window_warning_words():
    end = date(2027, 2, 4)
    assert offers.window_warning(None, [date(2027, 6, 7)]) == ""
    assert offers.window_warning(end, [date(2027, 1, 11), date(2027, 3, 1)]) == ""
    text = offers.window_warning(end, [date(2026, 12, 14), date(2027, 6, 7)])
    assert "4 février 2027" in text and "la semaine du 7 au 11 juin 2027" in text
    assert "cette semaine" in text
    two = offers.window_warning(end, [date(2027, 6, 7), date(2027, 6, 14)])
    assert "et 1 autre semaine" in two and "ces semaines" in two


def test_window_warning_of_a_saved_offer(s):
    user, _ = employer(s, email="fenetre@boulangerie.fr", siret="73282932000074")
    offer_id = complete_offer(s, user, publish=False)
    assert offers.window_warning_of(s, user, offer_id) == ""
    data = step_data(s, 3, application_end="2026-10-06")
    data["weeks"] = [W2, "2027-01-11"]
    assert offers.save_step(s, user, offer_id, 3, data) == {}  # a warning, not an error
    text = offers.window_warning_of(s, user, offer_id)
    assert "6 octobre 2026" in text and "semaine du 11 au 15 janvier 2027" in text


# --- « tu » for pupils, « vous » for the others -----------------------------------------------


def test_account_messages_take_the_recipients_role(s, school):
    pupil = make_pupil(s, school, "ines@exemple.fr", first_name="Inès")
    emp, _ = offer_of(s)
    from mystage.services.accounts.activation import send_activation_mail

    for user in (pupil, emp):
        send_activation_mail(s, user)
    s.commit()
    [to_pupil] = base.mails(s, "activation", to="ines@exemple.fr")
    assert to_pupil.subject == "Active ton compte MyStage"
    assert (
        "Ton compte MyStage a bien été créé" in to_pupil.body and "ouvre ce lien" in to_pupil.body
    )
    assert "vous" not in to_pupil.body.lower().replace("l'équipe", "")
    [to_employer] = base.mails(s, "activation", to=emp.email)
    assert to_employer.subject == "Activez votre compte MyStage"
    _, sms = templates.render("sms_phone_code", code="123456", tu=True)
    assert "ton code" in sms and "Ne le donne à personne" in sms and one_segment(sms)


@pytest.mark.parametrize(
    "name,ctx",
    [
        ("password_reset", {"url": "/x"}),
        ("magic_link", {"url": "/x"}),
        ("signup_existing", {}),
        ("offer_withdrawn_pupil", {"url": "/offres", "offer_title": "Boulanger"}),
        ("conv_code", {"code": "123456"}),
        (
            "conv_event",
            {"url": "/x", "event": "to_sign", "pupil_name": "Léa Petit", "offer_title": "B",
             "week_label": "Semaine du 14 au 18 décembre 2026"},
        ),
    ],
)  # fmt: skip
def test_pupil_templates_say_tu(name, ctx):
    extra = {} if name == "offer_withdrawn_pupil" else {"tu": True}
    subject, body = templates.render(name, **ctx, **extra)
    text = (subject + " " + body).lower()
    for word in (" vous ", " votre ", " vos ", "ouvrez", "connectez"):
        assert word not in text, (name, word)


# --- week labels in lower case inside sentences -----------------------------------------------


def test_week_labels_inside_sentences():
    assert weeks.in_sentence("Semaine du 14 au 18 décembre 2026") == (
        "semaine du 14 au 18 décembre 2026"
    )
    assert weeks.in_sentence("Du 15 au 26 juin 2027 (2 semaines)").startswith("du 15")
    assert weeks.in_sentence("REP+") == "REP+"
    label = "Semaine du 14 au 18 décembre 2026"
    _, body = templates.render(
        "app_new_employer", url="/x", pupil_name="Léa", offer_title="Boulanger", week_label=label
    )
    assert "pour la semaine du 14 au 18 décembre 2026" in body and "Semaine du" not in body
    subject, body = templates.render(
        "conv_school_warning", url="/x", week_label=label, pupils=["Léa Petit"]
    )
    assert "stage de la semaine du 14" in subject and "Semaine du" not in body
    _, body = templates.render(
        "conv_event", url="/x", event="to_employer", pupil_name="Léa", offer_title="B",
        week_label=label,
    )  # fmt: skip
    assert "(semaine du 14 au 18 décembre 2026)" in body


# --- SMS: one segment, cut at a word -----------------------------------------------------------


def test_sms_units_count_as_the_network():
    assert sms_units("é è à ù") == ("gsm7", 7)
    assert sms_units("{€}") == ("gsm7", 6)  # the extension set counts twice
    assert sms_units("ê") == ("ucs2", 1)
    assert one_segment("a" * 160) and not one_segment("a" * 161)
    assert one_segment("ê" * 70) and not one_segment("ê" * 71)


def test_acceptance_sms_cuts_the_title_at_a_word_only_when_needed():
    long = "Boulangerie Aux Délices – Alimentation – Boulanger pâtissier et vente en boutique"
    _, sms = templates.render(
        "sms_app_pupil_event", url="/espace/eleve/candidatures", event="accepted", offer_title=long
    )
    assert one_segment(sms) and sms_units(sms)[0] == "gsm7"
    title = sms.split("MyStage : ", 1)[1].split(" : candidature acceptée", 1)[0]
    assert title.endswith("...") and "–" not in title
    kept = title[:-3]
    assert long.replace("–", "-").startswith(kept)  # whole words only
    assert long.replace("–", "-")[len(kept)] == " " and not kept.endswith(("-", " "))
    _, short = templates.render(
        "sms_app_pupil_event", url="/x", event="accepted", offer_title="Boulanger"
    )
    assert "Boulanger : candidature acceptée" in short and "..." not in short


def test_fit_sms_in_ucs2_uses_the_one_character_ellipsis():
    title = "Ателье хлебопечения и кондитерских изделий для учеников колледжа"  # not GSM
    sms = fit_sms(lambda t: f"MyStage : {t} : ok", title)
    assert sms_units(sms)[0] == "ucs2" and one_segment(sms) and "…" in sms
    assert fit_sms(lambda t: f"MyStage : {t}", "Court") == "MyStage : Court"


# --- the login redirect keeps the whole address -------------------------------------------------


@pytest.mark.parametrize(
    "next_url,back",
    [
        ("/espace/employeur?onglet=traitees", "/espace/employeur?onglet=traitees"),
        ("/offres?lieu=Meaux&rayon=10", "/offres?lieu=Meaux&rayon=10"),
        ("//evil.example", "/"),
        ("https://evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("/espace\r\nSet-Cookie: x", "/"),
    ],
)
def test_login_url_keeps_the_query_and_stays_on_the_site(next_url, back):
    url = accounts.login_url(next_url)
    assert url.startswith("/connexion?suivant=")
    assert parse_qs(urlsplit(url).query)["suivant"] == [back]


def test_login_page_keeps_the_query_of_suivant():
    from mystage.state.accounts.login import _safe_next

    assert _safe_next("/espace/employeur?onglet=traitees") == "/espace/employeur?onglet=traitees"
    assert _safe_next("//evil.example") == "/espace"
    assert _safe_next("") == "/espace"


# --- statistics: readable bars, one colour per measure ------------------------------------------


def test_one_colour_per_measure_on_both_statistics_pages():
    import inspect
    import re

    from mystage.components import charts
    from mystage.pages.stats import dashboard, public

    colours = list(charts.MEASURE_COLORS.values())
    assert len(colours) == len(set(colours))  # two measures never share a colour
    for module in (dashboard, public):
        source = inspect.getsource(module)
        for fixed in ("charts.BLUE", "charts.ORANGE", "charts.GREEN", "charts.RED"):
            assert fixed not in source, (module.__name__, fixed)
        # no series (data key, label, colour) with a colour of its own
        assert not re.search(r'\("\w+",\s*"[^"]*",\s*"#', source), module.__name__


def test_schools_are_drawn_as_the_share_registered():
    from mystage.state.stats.dashboard import _with_rate

    rows = _with_rate([
        {"label": "Collèges", "eligible": 140, "registered": 2},
        {"label": "Lycées", "eligible": 0, "registered": 0},
    ])  # fmt: skip
    assert [r["registered_rate"] for r in rows] == [1, 0]
    assert rows[0]["eligible"] == 140  # the counts stay in the table under the chart
