"""deploy/backup.sh and deploy/restore.sh, run for real: a PostgreSQL database with the
demo data and its private files is backed up, restored into another database and another
PRIVATE_DIR, and compared table by table and file by file; a damaged backup is refused;
--replace puts a changed copy back; the retention keeps BACKUP_KEEP backups.

PostgreSQL: ``DEPLOY_PG_URL`` (a server URL whose user may CREATE DATABASE), else the
server of ``TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/postgres``;
the databases are ``deploy_bk_<pid>_*``, dropped at the end.  Skipped, with the reason,
when pg_dump / pg_restore / psql are missing or the server does not answer.  The SQLite
round trip needs nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"


def _server_url() -> str:
    url = os.environ.get("DEPLOY_PG_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    if not url.startswith(("postgres", "postgresql")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    return urlunsplit(parts._replace(path="/postgres", query=""))


def _db_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def _env(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PRIVATE_DIR", "REDIS_URL", "BACKUP_DIR", "BACKUP_KEEP"}
    }
    return {**env, **values}


def _run(cmd: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in cmd], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _tables(url: str) -> dict[str, tuple[int, str]]:
    """Every table: (rows, md5 of all its rows in a stable order); every sequence's value."""
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    out: dict[str, tuple[int, str]] = {}
    try:
        with eng.connect() as conn:
            names = conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            for name in sorted(names):
                rows, digest = conn.execute(
                    sa.text(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) "
                        f"ORDER BY t::text), '')) FROM \"{name}\" t"
                    )
                ).one()
                out[name] = (rows, digest)
            for seq in conn.execute(
                sa.text("SELECT sequencename, last_value FROM pg_sequences")
            ).all():
                out[f"sequence {seq[0]}"] = (seq[1] or 0, "")
    finally:
        eng.dispose()
    return out


@pytest.fixture(scope="module")
def pg():
    missing = [t for t in ("pg_dump", "pg_restore", "psql") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} absent(s) : apt-get install postgresql-client")
    server = _server_url()
    try:
        eng = sa.create_engine(
            server.replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 3},
        )
        with eng.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure: no server for this test
        pytest.skip(f"PostgreSQL injoignable ({server}) : {type(exc).__name__}")
    prefix = f"deploy_bk_{os.getpid()}"
    names = [f"{prefix}_src", f"{prefix}_dst"]

    def drop():
        with eng.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with eng.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield {"src": _db_url(server, names[0]), "dst": _db_url(server, names[1])}
    finally:
        drop()
        eng.dispose()


def test_backup_and_restore_postgresql(pg, tmp_path):
    src_private, dst_private = tmp_path / "src-private", tmp_path / "dst-private"
    backups = tmp_path / "backups"
    src = _env(DATABASE_URL=pg["src"], PRIVATE_DIR=str(src_private))
    # The demo: users, offers, applications, signed conventions (PDFs), the seal's key.
    done = _run([sys.executable, "-m", "mystage", "setup"], src)
    assert done.returncode == 0, done.stderr[-3000:]
    odd = src_private / "cv" / "élève avec espace.pdf"
    odd.parent.mkdir(parents=True, exist_ok=True)
    odd.write_bytes(b"%PDF-1.4 \x00\xff")
    before_files = _files(src_private)
    assert any(p.startswith("conventions/") for p in before_files)
    assert "seal/cachet-cle.pem" in before_files
    before = _tables(pg["src"])
    assert before["users"][0] > 100 and before["communes"][0] > 30_000

    # Retention: two older backups exist, BACKUP_KEEP=2 keeps the newest one and this one.
    for old in ("mystage-20200101T000000Z", "mystage-20200102T000000Z"):
        (backups / old).mkdir(parents=True)
    done = _run(
        [BACKUP],
        {**src, "DATABASE_URL": src["DATABASE_URL"].replace("postgresql", "postgresql+psycopg"),
         "BACKUP_DIR": str(backups), "BACKUP_KEEP": "2"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    assert made.parent == backups and made.name.startswith("mystage-")
    assert sorted(p.name for p in backups.iterdir() if p.name != ".lock") == sorted(
        ["mystage-20200102T000000Z", made.name]
    )
    assert sorted(p.name for p in made.iterdir()) == [
        "MANIFEST", "SHA256SUMS", "db.dump", "private.tar.gz",
    ]  # fmt: skip
    assert (made.stat().st_mode & 0o777) == 0o700
    assert (made / "db.dump").stat().st_mode & 0o077 == 0  # personal data, the seal key
    assert "database=postgresql" in (made / "MANIFEST").read_text()

    assert _run([RESTORE, "--verify", made], _env()).returncode == 0

    # Restore into another database and another PRIVATE_DIR; the app sees its schema at head.
    dst = _env(DATABASE_URL=pg["dst"], PRIVATE_DIR=str(dst_private))
    done = _run([RESTORE, made], dst)
    assert done.returncode == 0, done.stderr
    assert _tables(pg["dst"]) == before
    assert _files(dst_private) == before_files
    done = _run([sys.executable, "-m", "mystage", "migrate"], dst)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _tables(pg["dst"]) == before

    # A second restore into the same database is refused: it is not empty.
    done = _run([RESTORE, made], dst)
    assert done.returncode == 1
    assert "contient déjà" in done.stderr

    # --replace puts back a copy that changed since (rows deleted, a file added).
    eng = sa.create_engine(pg["dst"].replace("postgresql://", "postgresql+psycopg://"))
    with eng.begin() as conn:
        conn.execute(sa.text("DELETE FROM favorites"))
        conn.execute(sa.text("UPDATE offers SET title = 'abîmé'"))
    eng.dispose()
    (dst_private / "cv" / "nouveau.pdf").write_bytes(b"%PDF")
    done = _run([RESTORE, "--replace", made], dst)
    assert done.returncode == 0, done.stderr
    assert _tables(pg["dst"]) == before
    assert _files(dst_private) == before_files
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("dst-private.avant-restauration-")]
    assert len(aside) == 1 and (aside[0] / "cv" / "nouveau.pdf").exists()


def test_a_damaged_backup_is_refused_before_anything_is_touched(pg, tmp_path):
    private = tmp_path / "private"
    (private / "cv").mkdir(parents=True)
    (private / "cv" / "a.pdf").write_bytes(b"%PDF-1.4")
    env = _env(DATABASE_URL=pg["src"], PRIVATE_DIR=str(private), BACKUP_DIR=str(tmp_path / "b"))
    done = _run([BACKUP], env)
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    damaged = tmp_path / "damaged"
    shutil.copytree(made, damaged)
    data = bytearray((damaged / "private.tar.gz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / "private.tar.gz").write_bytes(bytes(data))
    target = _env(DATABASE_URL=pg["dst"], PRIVATE_DIR=str(tmp_path / "target"))
    for cmd in ([RESTORE, "--verify", damaged], [RESTORE, "--replace", damaged]):
        done = _run(cmd, target)
        assert done.returncode == 1
        assert "sommes de contrôle incorrectes" in done.stderr
    assert not (tmp_path / "target").exists()
    # An unfinished backup (.partial) is never restored.
    partial = tmp_path / "b" / "mystage-20990101T000000Z.partial"
    shutil.copytree(made, partial)
    done = _run([RESTORE, "--verify", partial], target)
    assert done.returncode == 1 and "incomplète" in done.stderr


def test_backup_and_restore_sqlite(tmp_path):
    """The embedded default: an online copy of the SQLite file, same checks."""
    db = tmp_path / "var" / "mystage.db"
    private = tmp_path / "private"
    src = _env(DATABASE_URL=f"sqlite:///{db}", PRIVATE_DIR=str(private))
    done = _run([sys.executable, "-m", "mystage", "migrate"], src)
    assert done.returncode == 0, done.stderr[-2000:]
    eng = sa.create_engine(f"sqlite:///{db}")
    with eng.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO sectors (name, slug, onisep_url, uuid) "
                "VALUES ('Métiers du bois', 'bois', '', 'u-1')"
            )
        )
    (private / "conventions").mkdir(parents=True)
    (private / "conventions" / "c.pdf").write_bytes(b"%PDF-1.7")
    done = _run([BACKUP], {**src, "BACKUP_DIR": str(tmp_path / "backups")})
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    assert (made / "db.sqlite3").exists()
    restored = tmp_path / "restored" / "mystage.db"
    dst = _env(DATABASE_URL=f"sqlite:///{restored}", PRIVATE_DIR=str(tmp_path / "p2"))
    done = _run([RESTORE, made], dst)
    assert done.returncode == 0, done.stderr
    out = sa.create_engine(f"sqlite:///{restored}")
    with out.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM sectors")).scalars().all() == [
            "Métiers du bois"
        ]
    out.dispose()
    eng.dispose()
    assert _files(tmp_path / "p2") == _files(private)
    done = _run([RESTORE, made], dst)
    assert done.returncode == 1 and "existe déjà" in done.stderr
