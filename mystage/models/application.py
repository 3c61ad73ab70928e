"""Applications (every state and timestamp of the workflow), CV, conventions and signatures."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


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
    pdf_path: str = Field(default="", max_length=300)
    created_at: datetime = created()
    employer_completed_at: datetime | None = dt()
    validated_at: datetime | None = dt()
    signed_at: datetime | None = dt()
    cancelled_at: datetime | None = dt()
    updated_at: datetime | None = dt()


class Signature(SQLModel, table=True):
    __tablename__ = "signatures"
    __table_args__ = (sa.UniqueConstraint("convention_id", "signatory_role"),)

    id: int | None = Field(default=None, primary_key=True)
    convention_id: int = Field(foreign_key="conventions.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    signatory_role: str = Field(max_length=20)  # employer, school_head, legal_representative, pupil
    signer_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=20)
    ip: str = Field(default="", max_length=64)
    image_path: str = Field(default="", max_length=300)
    signed_at: datetime = created()
