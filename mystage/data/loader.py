"""Load the embedded reference data (``mystage/data/*.csv[.gz]``) into the database.

``import_reference()`` is idempotent and set-based: for each table it reads the current
rows once, compares them with the files on their natural key, then issues one bulk
INSERT for new rows, one executemany UPDATE for changed rows and (for tables nothing
references by foreign key) one DELETE for rows gone from the files.  A second run on an
up-to-date database writes nothing.  Everything happens in one transaction.

Rows referenced by other tables are never deleted (schools, sectors, departments) and the
school-space columns of ``schools`` (e-mail, settings, registration…) are never touched.
``schools`` holds the collèges (``schools.csv``, kind "college", with the file's QPV flag)
and the lycées (``lycees.csv``, kind "lycee", with ``seconde_gt``); a lycée's ``qpv`` is
never written here (it is set when an admin confirms the head's declaration).
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from mystage import db
from mystage.models import Commune, CommuneAlias, Department, NafCode, School, Sector
from mystage.services.geo import reset_place_index
from mystage.services.text import fold

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent


def data_file(name: str) -> Path:
    """Path of ``name`` (``"communes.csv"``), compressed or not."""
    for candidate in (DATA_DIR / name, DATA_DIR / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"Fichier de référence introuvable : {name} dans {DATA_DIR}")


def read_csv(name: str) -> Iterator[dict[str, str]]:
    """Rows of an embedded CSV file as dicts of strings (codes keep their leading zeros)."""
    path = data_file(name)
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {k: (v or "").strip() for k, v in row.items()}


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _int(value: str) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


# --- row builders (CSV row → table columns) -------------------------------------------


def _departments() -> list[dict[str, Any]]:
    return [
        {
            "code": r["department_code"],
            "name": r["name"],
            "region_code": r["region_code"],
            "region_name": r["region_name"],
            "academy": r["academy"],
            "chef_lieu_insee_code": r["chef_lieu_insee_code"],
            "zone": r["zone"] or "metro",
        }
        for r in read_csv("departments.csv")
    ]


def _communes() -> list[dict[str, Any]]:
    return [
        {
            "insee_code": r["insee_code"],
            "name": r["name"],
            "search_name": fold(r["name"]),
            "postal_code": r["postal_code"],
            "department_code": r["department_code"],
            "latitude": float(r["latitude"]),
            "longitude": float(r["longitude"]),
            "population": _int(r["population"]),
            "type": r["type"] or "commune",
            "parent_insee_code": r["parent_insee_code"],
        }
        for r in read_csv("communes.csv")
    ]


def _aliases() -> list[dict[str, Any]]:
    return [
        {
            "alias_name": r["alias_name"],
            "search_name": fold(r["alias_name"]),
            "insee_code": r["insee_code"],
            "department_code": r["department_code"],
        }
        for r in read_csv("commune_aliases.csv")
    ]


def _sectors() -> list[dict[str, Any]]:
    return [
        {
            "name": r["name"],
            "slug": r["slug"],
            "onisep_url": r["onisep_url"],
            "uuid": r["monstage_uuid"],
        }
        for r in read_csv("sectors.csv")
    ]


def _naf() -> list[dict[str, Any]]:
    return [
        {
            "code": r["code"],
            "code_compact": r["code_compact"],
            "label": r["label"],
            "division_code": r["division_code"],
            "division_label": r["division_label"],
            "section_code": r["section_code"],
            "section_label": r["section_label"],
        }
        for r in read_csv("naf.csv")
    ]


def _school_row(r: dict[str, str], kind: str) -> dict[str, Any]:
    return {
        "uai": r["uai"].upper(),
        "name": r["name"],
        "search_name": fold(f"{r['name']} {r['commune']}"),
        "kind": kind,
        "sector": r["sector"] or "public",
        "private_contract": r["private_contract"],
        "status": r["status"] or "open",
        "address": r["address"],
        "postal_code": r["postal_code"],
        "commune": r["commune"],
        "insee_code": r["insee_code"],
        "department_code": r["department_code"],
        "academy": r["academy"],
        "latitude": _float(r["latitude"]),
        "longitude": _float(r["longitude"]),
        "ep": r["ep"],
    }


def _schools() -> list[dict[str, Any]]:
    """Collèges, with the file's QPV flag."""
    return [
        {**_school_row(r, "college"), "qpv": r["qpv"] == "1", "qpv_code": r["qpv_code"]}
        for r in read_csv("schools.csv")
    ]


def _lycees() -> list[dict[str, Any]]:
    """Lycées, with the ministry's « teaches a 2de GT » flag.  No QPV columns: the file has
    no trustworthy QPV flag for lycées, so ``qpv`` is only set by an admin confirming the
    head's declaration (:mod:`mystage.services.schools.qpv`) and never touched here."""
    return [
        {**_school_row(r, "lycee"), "seconde_gt": r.get("seconde_gt", "")}
        for r in read_csv("lycees.csv")
    ]


# --- generic set-based sync -----------------------------------------------------------


def _dedupe(rows: Iterable[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in key), row)
    return list(out.values())


def sync_table(
    conn: sa.Connection,
    table: sa.Table,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    *,
    delete_missing: bool,
) -> dict[str, int]:
    """Make ``table`` hold ``rows`` (matched on ``key``); only the given columns are written.

    Returns ``{"inserted": n, "updated": n, "deleted": n}``.
    """
    rows = _dedupe(rows, key)
    if not rows:
        return {"inserted": 0, "updated": 0, "deleted": 0}
    columns = list(rows[0])
    values = [c for c in columns if c not in key]
    pk = [c.name for c in table.primary_key.columns]
    select_cols = list(dict.fromkeys([*pk, *columns]))
    existing: dict[tuple, sa.RowMapping] = {}
    for row in conn.execute(sa.select(*(table.c[c] for c in select_cols))).mappings():
        existing[tuple(row[k] for k in key)] = row

    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        k = tuple(row[c] for c in key)
        current = existing.pop(k, None)
        if current is None:
            inserts.append(row)
        elif any(current[c] != row[c] for c in values):
            params = {f"k_{c}": row[c] for c in key}
            params.update({f"v_{c}": row[c] for c in values})
            updates.append(params)

    if inserts:
        for start in range(0, len(inserts), 5000):
            conn.execute(table.insert(), inserts[start : start + 5000])
    if updates and values:
        stmt = (
            table.update()
            .where(sa.and_(*(table.c[c] == sa.bindparam(f"k_{c}") for c in key)))
            .values({c: sa.bindparam(f"v_{c}") for c in values})
        )
        conn.execute(stmt, updates)
    deleted = 0
    if delete_missing and existing:
        ids = [tuple(r[c] for c in pk) for r in existing.values()]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            if len(pk) == 1:
                cond = table.c[pk[0]].in_([i[0] for i in chunk])
            else:
                cond = sa.tuple_(*(table.c[c] for c in pk)).in_(chunk)
            conn.execute(table.delete().where(cond))
        deleted = len(ids)
    return {"inserted": len(inserts), "updated": len(updates), "deleted": deleted}


# (table key in the result, model, natural key, row builders, delete rows gone from the file).
# Each builder's rows are synced on their own (their columns only): collèges and lycées share
# ``schools`` but not the same columns (lycées' ``qpv`` is never written from a file).  A
# table with several builders must not delete missing rows (each builder sees the others').
_PLAN = (
    ("departments", Department, ("code",), (_departments,), False),
    ("communes", Commune, ("insee_code", "postal_code"), (_communes,), True),
    ("commune_aliases", CommuneAlias, ("alias_name", "insee_code"), (_aliases,), True),
    ("sectors", Sector, ("slug",), (_sectors,), False),
    ("naf_codes", NafCode, ("code",), (_naf,), True),
    ("schools", School, ("uai",), (_schools, _lycees), False),
)


def import_reference(url: str | None = None) -> dict[str, int]:
    """Load or refresh every reference table; returns the row count of each table.

    Idempotent: unchanged rows are left alone, so a second run only reads.
    """
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with db.engine(url).begin() as conn:
        for name, model, key, builders, delete_missing in _PLAN:
            table = model.__table__
            for build in builders:
                rows = build()
                changes = sync_table(conn, table, key, rows, delete_missing=delete_missing)
                if any(changes.values()):
                    log.info("reference %s (%s): %s", name, build.__name__.strip("_"), changes)
            counts[name] = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    # The place autocomplete's in-memory index of this process is rebuilt at its next use
    # (the workers of a running server read the new data when they restart).
    reset_place_index()
    log.info("reference data imported in %.2f s: %s", time.perf_counter() - started, counts)
    return counts
