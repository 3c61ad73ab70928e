"""Run Alembic migrations programmatically (``python -m mystage migrate``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from mystage.settings import ROOT, get_settings

# Tables and indexes created by hand-written migrations, not declared on the models.
UNMODELLED = {
    "offers_fts",
    "ix_offers_search_tsv",
    "ix_offers_search_count",
    "ix_offers_search_recent",
    "ix_offers_search_geo",
    "ix_offer_weeks_free",
    # 0005: statistics (services/stats/ SUMMARY is Core, not a model)
    "stats_summary",
    "ix_stats_summary_lookup",
    "ix_applications_stats",
    "ix_offer_weeks_stats",
    "ix_offers_stats",
}


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url or get_settings().database_url
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
