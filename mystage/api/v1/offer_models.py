"""The typed bodies of the operators' offer routes (the OpenAPI document is made from them).

Types are loose on purpose where the offer form checks the value itself: an empty title,
an unknown sector, a past week… are answered 422 with the form's French message, keyed by
the form's field name (``title``, ``sector_id``, ``weeks``, ``levels``…)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mystage import clock

REMOTE_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,80}$"
OfferStateName = Literal[
    "draft", "published", "unpublished", "full", "past", "pending", "activation"
]

_SHORT = 400
_LONG = 2000


class DayHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: str = Field("", max_length=10, examples=["09:00"])
    end: str = Field("", max_length=10, examples=["17:00"])


class OfferFields(BaseModel):
    """Every field of the four steps of the offer form, plus the partner-site fields."""

    model_config = ConfigDict(extra="forbid")

    # « Candidature sur le site du partenaire »
    permalink: str = Field(
        "", max_length=_SHORT, description="Adresse http(s) de l'offre sur votre site."
    )
    apply_on_partner_site: bool = Field(
        False,
        description="true : les élèves postulent sur votre site (lien « permalink », clics "
        "comptés) ; false : candidature sur MyStage.",
    )
    # Step 1 « Structure »
    employer_name: str = Field("", max_length=_SHORT, examples=["Boulangerie Martin"])
    employer_description: str = Field("", max_length=_LONG)
    employer_website: str = Field("", max_length=_SHORT)
    street: str = Field("", max_length=_SHORT, examples=["3 quai Ceineray"])
    postal_code: str = Field("", max_length=20, examples=["44000"])
    city: str = Field("", max_length=200, examples=["Nantes"])
    is_public: bool = False
    ministry: str = Field("", max_length=60, description="Institution de tutelle (public).")
    # Step 2 « Offre »
    title: str = Field("", max_length=_SHORT, examples=["Découverte du métier de boulanger"])
    description: str = Field("", max_length=_LONG)
    sector_id: int | None = Field(None, description="Secteur d'activité (identifiant).")
    work_environment: str = Field("", max_length=_LONG)
    accessibility_text: str = Field("", max_length=_LONG)
    handicap_visual: bool = False
    handicap_motor: bool = False
    handicap_mental: bool = False
    handicap_hearing: bool = False
    # Step 3 « Accueil »
    level_4e: bool = False
    level_3e: bool = False
    level_2de: bool = False
    seconde_period: Literal["", "both", "week1", "week2"] = ""
    all_year: bool = False
    weeks: list[str] = Field(
        default_factory=list,
        max_length=240,
        description="Semaines (le lundi, AAAA-MM-JJ, ou AAAA-Www) des collégiens.",
        examples=[["2026-11-16", "2026-11-23"]],
    )
    places: int = Field(1, description="Places par semaine (1 à 200).")
    week_places: dict[str, int] = Field(
        default_factory=dict, description="Places d'une semaine, si différent de « places »."
    )
    group_kind: Literal["individual", "group"] = "individual"
    max_per_group: int | None = None
    application_start: date | None = None
    application_end: date | None = None
    reserved_rep: bool = False
    reserved_qpv: bool = False
    reserved_school_ids: list[int] = Field(default_factory=list, max_length=100)
    # Step 4 « Infos pratiques »
    hours_mode: Literal["same", "per_day"] = "same"
    hours_start: str = Field("", max_length=10, examples=["09:00"])
    hours_end: str = Field("", max_length=10, examples=["17:00"])
    per_day: dict[str, DayHours] = Field(
        default_factory=dict, description="Horaires par jour (lundi … samedi)."
    )
    lunch_break: str = Field("", max_length=_LONG)
    meals_on_site: bool = False
    meals: str = Field("", max_length=_LONG)
    travel: str = Field("", max_length=_LONG)
    tutor_name: str = Field("", max_length=_SHORT)
    tutor_role: str = Field("", max_length=_SHORT)
    tutor_email: str = Field("", max_length=_SHORT)
    tutor_phone: str = Field("", max_length=60)
    contact_email: str = Field(
        "", max_length=_SHORT, description="Adresse qui reçoit les candidatures."
    )
    show_contact: bool = False


def _two_school_weeks(today: date) -> list[str]:
    """Two Mondays to come, at least three weeks away, outside July and August."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=3)
    found: list[str] = []
    while len(found) < 2:
        if monday.month not in (7, 8):
            found.append(monday.isoformat())
        monday += timedelta(weeks=1)
    return found


def _complete_example(schema: dict[str, Any], *_: Any) -> None:
    """A whole offer the form accepts (weeks to come, computed when the document is made),
    so the documentation's example — and an API fuzzer — creates a real offer."""
    schema["examples"] = [
        {
            "remote_id": "offre-2026-0042",
            "employer_name": "Boulangerie Martin",
            "employer_description": "Boulangerie artisanale du centre-ville.",
            "street": "3 quai Ceineray",
            "postal_code": "44000",
            "city": "Nantes",
            "title": "Découverte du métier de boulanger",
            "description": "Découvrir la fabrication du pain et la vente en boutique.",
            "sector_id": 1,
            "level_3e": True,
            "weeks": _two_school_weeks(clock.now().date()),
            "places": 2,
            "hours_start": "09:00",
            "hours_end": "17:00",
            "tutor_name": "Paul Martin",
            "tutor_email": "paul@boulangerie-martin.fr",
            "contact_email": "stages@tous-en-stage.fr",
        }
    ]


class OfferCreate(OfferFields):
    """A new offer, or the new version of the offer with this ``remote_id``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_complete_example)

    remote_id: str = Field(
        pattern=REMOTE_ID_PATTERN,
        description="Votre identifiant de l'offre : envoyer deux fois le même met à jour.",
        examples=["offre-2026-0042"],
    )


class WeekPlaces(BaseModel):
    week: date
    places: int
    places_taken: int


class OfferOut(BaseModel):
    """An offer of the operator, as saved."""

    id: int
    remote_id: str
    state: str = Field(description="draft, published, unpublished, full, past, pending…")
    state_label: str
    url: str = Field(description="La page publique de l'offre (chemin).")
    permalink: str
    apply_on_partner_site: bool
    partner_clicks: int
    employer_name: str
    employer_description: str
    employer_website: str
    street: str
    postal_code: str
    city: str
    is_public: bool
    ministry: str
    latitude: float | None
    longitude: float | None
    title: str
    description: str
    sector_id: int | None
    work_environment: str
    accessibility_text: str
    handicap_visual: bool
    handicap_motor: bool
    handicap_mental: bool
    handicap_hearing: bool
    level_4e: bool
    level_3e: bool
    level_2de: bool
    seconde_period: str
    all_year: bool
    weeks: list[date]
    places: int
    week_plan: list[WeekPlaces]
    places_left: int
    group_kind: str
    max_per_group: int
    application_start: date | None
    application_end: date | None
    reserved_rep: bool
    reserved_qpv: bool
    reserved_school_ids: list[int]
    hours_mode: str
    hours_start: str
    hours_end: str
    per_day: dict[str, DayHours]
    lunch_break: str
    meals_on_site: bool
    meals: str
    travel: str
    tutor_name: str
    tutor_role: str
    tutor_email: str
    tutor_phone: str
    contact_email: str
    show_contact: bool
    view_count: int
    created_at: datetime | None
    updated_at: datetime | None
    published_at: datetime | None


class OperatorOfferPage(BaseModel):
    items: list[OfferOut]
    total: int
    page: int
    per_page: int
