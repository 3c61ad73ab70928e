"""Applications (every state and timestamp of the workflow), CV, conventions and signatures."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import UTCDateTime, created, dt, text


class AppState(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_SCHOOL = "awaiting_school"
    REFUSED_BY_SCHOOL = "refused_by_school"
    SENT = "sent"  # sent to the employer (directly, or once the school validated)
    READ = "read"
    UNDER_REVIEW = "under_review"  # « à l'étude »
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    CANCELLED_BY_PUPIL = "cancelled_by_pupil"
    CANCELLED_BY_EMPLOYER = "cancelled_by_employer"
    WITHDRAWN = "withdrawn"  # the pupil confirmed another offer
    PLACE_UNAVAILABLE = "place_unavailable"  # another pupil took the last place
    EXPIRED = "expired"  # no employer answer in 15 days (30 when « à l'étude »)
    EXPIRED_BY_PUPIL = "expired_by_pupil"  # not confirmed within 15 days of acceptance


APP_STATE_LABELS = {
    AppState.SUBMITTED: "Envoyée",
    AppState.AWAITING_SCHOOL: "En attente de validation par l'établissement",
    AppState.REFUSED_BY_SCHOOL: "Refusée par l'établissement",
    AppState.SENT: "Transmise à l'employeur",
    AppState.READ: "Lue par l'employeur",
    AppState.UNDER_REVIEW: "À l'étude",
    AppState.ACCEPTED: "Acceptée : à confirmer",
    AppState.CONFIRMED: "Stage confirmé",
    AppState.REFUSED: "Refusée par l'employeur",
    AppState.CANCELLED_BY_PUPIL: "Annulée par l'élève",
    AppState.CANCELLED_BY_EMPLOYER: "Annulée par l'employeur",
    AppState.WITHDRAWN: "Retirée (autre stage confirmé)",
    AppState.PLACE_UNAVAILABLE: "Place plus disponible",
    AppState.EXPIRED: "Expirée (pas de réponse)",
    AppState.EXPIRED_BY_PUPIL: "Expirée (non confirmée)",
}

PENDING_STATES = frozenset(
    {
        AppState.SUBMITTED,
        AppState.AWAITING_SCHOOL,
        AppState.SENT,
        AppState.READ,
        AppState.UNDER_REVIEW,
    }
)


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "offer_id", "week_start"),
        sa.Index("ix_applications_state_sent", "state", "sent_at"),
        sa.Index("ix_applications_offer_state", "offer_id", "state"),
        sa.Index("ix_applications_pupil_week", "pupil_id", "week_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="users.id", index=True)
    offer_id: int = Field(foreign_key="offers.id", index=True)
    week_start: date = Field(index=True)
    # A seconde's period: 1 or 2 consecutive weeks from ``week_start`` (one application,
    # one decision, one confirmation, one internship).
    week_count: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    state: str = Field(default=AppState.SUBMITTED, max_length=24, index=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_classes.id", index=True)
    school_year: int = Field(default=0, index=True)

    motivation: str = text()
    contact_phone: str = Field(default="", max_length=20)
    contact_email: str = Field(default="", max_length=254)
    referent_email: str = Field(default="", max_length=254)
    cv_snapshot: str = text()  # JSON copy of the CV sections at submission
    cv_file: str = Field(default="", max_length=300)  # private storage path

    school_message: str = text()
    review_message: str = text()
    accept_message: str = text()
    refuse_message: str = text()
    # Why the employer refused (key of services.applications.REFUSE_REASONS).
    refuse_reason: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    cancel_message: str = text()

    created_at: datetime = created()
    submitted_at: datetime | None = dt()
    school_validated_at: datetime | None = dt()
    school_refused_at: datetime | None = dt()
    sent_at: datetime | None = dt()
    read_at: datetime | None = dt()
    reviewed_at: datetime | None = dt()
    accepted_at: datetime | None = dt()
    confirmed_at: datetime | None = dt()
    refused_at: datetime | None = dt()
    cancelled_at: datetime | None = dt()
    withdrawn_at: datetime | None = dt()
    expired_at: datetime | None = dt()
    employer_reminded_at: datetime | None = dt()
    pupil_reminded_at: datetime | None = dt()
    updated_at: datetime | None = dt(index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")


class PupilCV(SQLModel, table=True):
    """« Mon CV »: structured sections and an optional private PDF."""

    __tablename__ = "pupil_cvs"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True, index=True)
    schooling: str = text()
    interests: str = text()
    languages: str = text()
    qualities: str = text()
    pdf_path: str = Field(default="", max_length=300)
    updated_at: datetime | None = dt()


class ConventionState(StrEnum):
    DRAFT = "draft"
    EMPLOYER_DONE = "employer_done"
    VALIDATED = "validated"  # school part done, ready to sign
    SIGNING = "signing"
    SIGNED = "signed"
    CANCELLED = "cancelled"


class Convention(SQLModel, table=True):
    """Convention de stage (tripartite).  Party-specific fields live in JSON columns."""

    __tablename__ = "conventions"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36, unique=True, index=True)
    application_id: int = Field(foreign_key="applications.id", unique=True, index=True)
    state: str = Field(default=ConventionState.DRAFT, max_length=16, index=True)
    week_start: date | None = None
    employer_fields: str = text()  # JSON: representative, tutor, hours, activities…
    school_fields: str = text()  # JSON: school representative, teacher, legal representatives…
    legal_terms: str = text()
    pdf_path: str = Field(default="", max_length=300)  # the sealed PDF once signed by all
    version: int = 1  # bumped by every edit: a signature is of one version's text
    paper: bool = False  # « Convention signée (papier) » ticked by the school
    reminder_count: int = 0
    created_at: datetime = created()
    employer_completed_at: datetime | None = dt()
    validated_at: datetime | None = dt()
    signed_at: datetime | None = dt()
    cancelled_at: datetime | None = dt()
    reminded_at: datetime | None = dt()
    school_warned_at: datetime | None = dt()
    sealed_at: datetime | None = dt()
    updated_at: datetime | None = dt()


SIGNATORY_ROLES = ("employer", "school_head", "legal_rep_1", "legal_rep_2", "pupil")


class Signature(SQLModel, table=True):
    """One party's signature of one version of a convention's text.  An edit after it voids
    it (``voided_at``): the row stays as evidence, a new signature is asked for."""

    __tablename__ = "signatures"
    __table_args__ = (
        # one live signature per party (voided ones are kept)
        sa.Index(
            "ux_signatures_live_role",
            "convention_id",
            "signatory_role",
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = Field(foreign_key="conventions.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    signatory_role: str = Field(max_length=20)  # one of SIGNATORY_ROLES
    signer_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=20)
    method: str = Field(default="", max_length=8)  # "sms" or "mail": how the code was sent
    sent_to: str = Field(default="", max_length=80)  # masked: « 06 •• •• •• 78 »
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
    typed_name: str = Field(default="", max_length=200)  # instead of a drawing
    image_path: str = Field(default="", max_length=300)  # the drawn PNG (private storage)
    document_hash: str = Field(default="", max_length=64)  # SHA-256 of the text signed
    version: int = 1
    signed_at: datetime = created()
    voided_at: datetime | None = dt()


class ConventionLink(SQLModel, table=True):
    """A legal representative's personal signing link (no account): single-purpose,
    stored hashed, expiring, revoked when the school changes that representative."""

    __tablename__ = "convention_links"

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = Field(foreign_key="conventions.id", index=True)
    role: str = Field(max_length=20)  # legal_rep_1 / legal_rep_2
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = created()
    expires_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    revoked_at: datetime | None = dt()
