"""Outbox (mail/SMS), audit log, job runs, export jobs, platform settings, off-platform figures."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .base import created, dt, text


class Channel(StrEnum):
    MAIL = "mail"
    SMS = "sms"
    WEBHOOK = "webhook"  # issue 19: an application event POSTed to an operator's URL


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class Outbox(SQLModel, table=True):
    """A message to deliver, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=254, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    template: str = Field(default="", max_length=64)
    subject: str = Field(default="", max_length=200)
    body: str = text()
    action_url: str = Field(default="", max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    status: str = Field(default=OutboxStatus.PENDING, max_length=10)
    transport: str = Field(default="", max_length=10)  # smtp, sms, dev
    attempts: int = 0
    next_attempt_at: datetime | None = dt()
    claimed_at: datetime | None = dt()
    claim_id: str = Field(default="", max_length=32)
    sent_at: datetime | None = dt()
    last_error: str = text()
    created_at: datetime = created(index=True)


class AuditLog(SQLModel, table=True):
    """Every state change (applications, offers, conventions, accounts)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=24)
    entity_id: int
    action: str = Field(max_length=40)
    from_state: str = Field(default="", max_length=24)
    to_state: str = Field(default="", max_length=24)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    actor_role: str = Field(default="", max_length=32)  # or "system" for jobs
    message: str = text()
    created_at: datetime = created(index=True)


class JobRun(SQLModel, table=True):
    """Last run of each scheduled job (the runner decides what is due from here)."""

    __tablename__ = "job_runs"

    name: str = Field(primary_key=True, max_length=64)
    last_started_at: datetime | None = dt()
    last_finished_at: datetime | None = dt()
    last_status: str = Field(default="", max_length=16)
    last_count: int = 0
    last_error: str = text()
    lease_until: datetime | None = dt()  # single runner on SQLite / without advisory locks


class JobRunLog(SQLModel, table=True):
    """One run of a scheduled job (issue 18's « Tâches » page): start, end, rows, error."""

    __tablename__ = "job_run_log"
    __table_args__ = (sa.Index("ix_job_run_log_name_started", "name", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    started_at: datetime = created()
    finished_at: datetime | None = dt()
    status: str = Field(default="", max_length=16)  # ok, error
    count: int = 0
    error: str = text()
    trigger: str = Field(default="", max_length=16)  # loop, cli, admin (« Lancer maintenant »)


class OfferReport(SQLModel, table=True):
    """« Signaler cette offre »: a visitor's or user's report, decided by a moderator."""

    __tablename__ = "offer_reports"
    __table_args__ = (sa.Index("ix_offer_reports_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offers.id", index=True)
    reason: str = Field(max_length=32)
    text: str = Field(default="", sa_type=sa.Text())
    reporter_id: int | None = Field(default=None, foreign_key="users.id")
    client_key: str = Field(default="", max_length=64)  # hashed client address (rate limit)
    status: str = Field(default="open", max_length=16)  # open, dismissed, actioned
    decided_at: datetime | None = dt()
    decided_by_id: int | None = Field(default=None, foreign_key="users.id")
    decision_note: str = Field(default="", sa_type=sa.Text())
    created_at: datetime = created()


class ExportJob(SQLModel, table=True):
    __tablename__ = "export_jobs"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=32)
    params: str = text()  # JSON filters, already scoped to the requester
    status: str = Field(default="queued", max_length=10, index=True)  # queued/running/done/failed
    progress: int = 0
    total: int = 0
    file_path: str = Field(default="", max_length=300)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    expires_at: datetime | None = dt()
    error: str = text()
    created_at: datetime = created()
    started_at: datetime | None = dt()
    finished_at: datetime | None = dt()


class PlatformSetting(SQLModel, table=True):
    __tablename__ = "platform_settings"

    key: str = Field(primary_key=True, max_length=64)
    value: str = text()
    updated_at: datetime | None = dt()


class OffPlatformFigure(SQLModel, table=True):
    """« Stages pourvus hors plateforme », entered by partner associations (seed 001)."""

    __tablename__ = "off_platform_figures"

    id: int | None = Field(default=None, primary_key=True)
    entered_by_id: int = Field(foreign_key="users.id")
    operator_id: int | None = Field(default=None, foreign_key="operators.id")
    department_code: str = Field(default="", max_length=3, index=True)
    school_year: int = Field(index=True)
    kind: str = Field(default="", max_length=40)  # structure type
    sector_id: int | None = Field(default=None, foreign_key="sectors.id")
    count: int = 0
    created_at: datetime = created()
