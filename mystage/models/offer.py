"""Offers (every field of the seeds' forms 003/004), weeks with places, reservations, favourites."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


class OfferState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    FULL = "full"
    PAST = "past"
    REMOVED = "removed"
    # Issue 18, platform setting « offer_moderation »: « Publier » submits the offer to the
    # moderators (review mode) or mails its author an activation link (e-mail mode).
    PENDING = "pending"
    ACTIVATION = "activation"


OFFER_STATE_LABELS = {
    OfferState.DRAFT: "Brouillon",
    OfferState.PUBLISHED: "Publiée",
    OfferState.UNPUBLISHED: "Dépubliée",
    OfferState.FULL: "Complète",
    OfferState.PAST: "Passée",
    OfferState.REMOVED: "Supprimée",
    OfferState.PENDING: "En attente de modération",
    OfferState.ACTIVATION: "À valider par e-mail",
}

# Offers that nobody but their editors (and moderators, from the back office) may see.
PRIVATE_OFFER_STATES = frozenset(
    {OfferState.DRAFT, OfferState.REMOVED, OfferState.PENDING, OfferState.ACTIVATION}
)


class Offer(SQLModel, table=True):
    __tablename__ = "offers"
    __table_args__ = (
        sa.Index("ix_offers_lat_lon", "latitude", "longitude"),
        sa.Index("ix_offers_state_places", "state", "places_left"),
        sa.Index("ix_offers_window", "application_start", "application_end"),
        sa.UniqueConstraint("operator_id", "remote_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(default=OfferState.DRAFT, max_length=16, index=True)
    draft_step: int = 1  # last step reached in the form (1..4)
    structure_id: int | None = Field(default=None, foreign_key="structures.id", index=True)
    space_id: int | None = Field(default=None, foreign_key="employer_spaces.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    operator_id: int | None = Field(default=None, foreign_key="operators.id", index=True)
    remote_id: str | None = Field(default=None, max_length=100)  # operator API id
    permalink: str = Field(default="", max_length=300)  # operator's own page
    # Issue 19: « candidature sur le site du partenaire » (the offer page links to
    # ``permalink``, clicks counted) instead of the MyStage workflow.
    apply_on_partner_site: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    partner_clicks: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    mother_id: int | None = Field(default=None, foreign_key="offers.id")  # duplicated from
    school_year: int = Field(default=0, index=True)

    # Step 1: structure as shown on the offer (prefilled, may differ from head office)
    employer_name: str = Field(default="", max_length=200)
    employer_description: str = text()
    employer_website: str = Field(default="", max_length=300)
    is_public: bool = False
    # « Institution de tutelle » (slug of services/ministries.py; "" for private employers):
    # the scope of a ministry-bound référent central.
    ministry: str = Field(
        default="", max_length=40, index=True, sa_column_kwargs={"server_default": ""}
    )
    street: str = Field(default="", max_length=250)
    postal_code: str = Field(default="", max_length=5)
    city: str = Field(default="", max_length=100)
    insee_code: str = Field(default="", max_length=5)
    department_code: str = Field(default="", max_length=3, index=True)
    academy: str = Field(default="", max_length=60, index=True)
    latitude: float | None = None
    longitude: float | None = None

    # Step 2: the offer
    title: str = Field(default="", max_length=150)
    description: str = text()  # ≤ 1,000 characters
    sector_id: int | None = Field(default=None, foreign_key="sectors.id", index=True)
    work_environment: str = text()  # ≤ 1,000
    accessibility_text: str = text()  # ≤ 1,000
    handicap_visual: bool = False
    handicap_motor: bool = False
    handicap_mental: bool = False
    handicap_hearing: bool = False
    is_accessible: bool = Field(default=False, index=True)  # any of the four

    # Step 3: accueil
    level_4e: bool = Field(default=False, index=True)
    level_3e: bool = Field(default=True, index=True)
    level_2de: bool = Field(default=False, index=True)
    seconde_period: str = Field(default="", max_length=10)  # "both", "week1", "week2"
    all_year: bool = False
    places_total: int = 1
    group_kind: str = Field(default="individual", max_length=10)  # individual / group
    max_per_group: int = 1
    places_left: int = Field(default=0)  # sum over future weeks, kept by the services
    application_start: date | None = None
    application_end: date | None = None
    reserved_rep: bool = Field(default=False, index=True)  # REP/REP+ collèges only
    reserved_qpv: bool = Field(default=False, index=True)  # QPV lycées only
    reserved_schools: bool = Field(default=False, index=True)  # see offer_schools
    first_week: date | None = Field(default=None, index=True)
    last_week: date | None = Field(default=None, index=True)

    # Step 4: infos pratiques
    hours_mode: str = Field(default="same", max_length=8)  # "same" or "per_day"
    hours: str = text()  # JSON: {"start": "09:00", "end": "17:00"} or per weekday
    lunch_break: str = text()
    meals: str = text()  # meals on site and their cost
    meals_on_site: bool = False
    travel: str = text()  # travel during the internship and costs
    tutor_name: str = Field(default="", max_length=150)
    tutor_role: str = Field(default="", max_length=150)
    tutor_email: str = Field(default="", max_length=254)
    tutor_phone: str = Field(default="", max_length=20)
    contact_phone: str = Field(default="", max_length=20)
    contact_email: str = Field(default="", max_length=254)  # who receives applications
    recipient_user_id: int | None = Field(default=None, foreign_key="users.id")
    show_contact: bool = False  # employer consented: contact shown to pupils who applied

    # Search and lifecycle
    search_text: str = text()  # folded words of title/sector/description/employer (search index)
    # What the user typed in a step that did not validate yet, JSON {"<step>": {field: value}}:
    # shown again by the form (services.offers.load_step), never published.
    draft_form: str = Field(default="", sa_type=sa.Text(), sa_column_kwargs={"server_default": ""})
    view_count: int = 0
    published_at: datetime | None = dt(index=True)
    unpublished_at: datetime | None = dt()
    removed_at: datetime | None = dt()
    owner_notified_at: datetime | None = dt()  # told the offer left the search
    # Moderation (issue 18; platform setting « offer_moderation »): when the offer was last
    # submitted for publication, the moderator's last decision and its reason (shown to
    # the author after a refusal, kept until the next submission).
    submitted_at: datetime | None = dt()
    moderated_at: datetime | None = dt()
    moderated_by_id: int | None = Field(default=None, foreign_key="users.id")
    moderation_reason: str = Field(
        default="", sa_type=sa.Text(), sa_column_kwargs={"server_default": ""}
    )
    created_at: datetime = created(index=True)
    updated_at: datetime | None = dt()


class OfferWeek(SQLModel, table=True):
    __tablename__ = "offer_weeks"
    __table_args__ = (
        sa.UniqueConstraint("offer_id", "week_start"),
        sa.Index("ix_offer_weeks_week_offer", "week_start", "offer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offers.id", index=True)
    week_start: date  # Monday of the ISO week
    places: int = 1
    places_taken: int = 0  # confirmed applications (conditional update on confirm)


class OfferSchool(SQLModel, table=True):
    """Offer reserved to named établissements."""

    __tablename__ = "offer_schools"
    __table_args__ = (sa.UniqueConstraint("offer_id", "school_id"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offers.id", index=True)
    school_id: int = Field(foreign_key="schools.id", index=True)


class Favorite(SQLModel, table=True):
    __tablename__ = "favorites"
    __table_args__ = (sa.UniqueConstraint("user_id", "offer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    offer_id: int = Field(foreign_key="offers.id", index=True)
    created_at: datetime = created()
