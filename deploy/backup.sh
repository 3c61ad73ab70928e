#!/usr/bin/env bash
# MyStage backup: the database (pg_dump custom format, or a SQLite online copy) and the
# private files (PRIVATE_DIR: CVs, conventions, signatures, logos, exports, the seal key),
# with SHA-256 checksums and a retention of the last BACKUP_KEEP backups.
#
#   deploy/backup.sh [--env-file /etc/mystage/mystage.env]
#
# Reads DATABASE_URL and PRIVATE_DIR (the app's settings) and:
#   BACKUP_DIR   where backups go (default /var/backups/mystage)
#   BACKUP_KEEP  complete backups kept, the oldest deleted first (default 14)
# Writes BACKUP_DIR/mystage-<UTC date>/ {db.dump | db.sqlite3, private.tar.gz, MANIFEST,
# SHA256SUMS}, built under a ".partial" name and renamed when complete: a directory without
# that suffix is a whole backup. Prints its path on stdout. Exit 0 on success, 1 on error,
# 2 on a usage error. The backup holds personal data and the seal's private key: it is
# written mode 0700/0600; copy it off the machine (deploy/README.md, « Sauvegardes »).
set -euo pipefail
umask 077

die() { echo "backup.sh : $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --env-file)
      [ $# -ge 2 ] || { echo "usage : backup.sh [--env-file FICHIER]" >&2; exit 2; }
      [ -r "$2" ] || die "fichier d'environnement illisible : $2"
      set -a; # shellcheck disable=SC1090
      . "$2"; set +a
      shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "usage : backup.sh [--env-file FICHIER]" >&2; exit 2 ;;
  esac
done

: "${DATABASE_URL:?DATABASE_URL manquant (DATABASE_URL missing)}"
: "${PRIVATE_DIR:?PRIVATE_DIR manquant (PRIVATE_DIR missing)}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/mystage}
BACKUP_KEEP=${BACKUP_KEEP:-14}
case "$BACKUP_KEEP" in ''|*[!0-9]*) die "BACKUP_KEEP doit être un nombre : $BACKUP_KEEP" ;; esac
[ "$BACKUP_KEEP" -ge 1 ] || die "BACKUP_KEEP doit valoir au moins 1"
[ -d "$PRIVATE_DIR" ] || die "PRIVATE_DIR introuvable : $PRIVATE_DIR"

mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"

# One backup at a time (a timer firing while a long one runs waits for nothing: it stops).
exec 9>"$BACKUP_DIR/.lock"
flock -n 9 || die "une autre sauvegarde est en cours (another backup is running)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name="mystage-$stamp"
work="$BACKUP_DIR/$name.partial"
[ ! -e "$BACKUP_DIR/$name" ] || die "existe déjà : $BACKUP_DIR/$name"
rm -rf "$work"
mkdir "$work"
trap 'rm -rf "$work"' EXIT

# The app's URLs name the driver (postgresql+psycopg://); libpq wants postgresql://.
db_url=$DATABASE_URL
case "$db_url" in
  postgres://*|postgresql://*|postgresql+*://*)
    db_url="postgresql://${db_url#*://}"
    kind=postgresql
    pg_dump --format=custom --compress=6 --no-owner --no-privileges \
      --file="$work/db.dump" --dbname="$db_url" \
      || die "pg_dump a échoué (pg_dump failed)"
    db_file=db.dump
    tool=$(pg_dump --version)
    ;;
  sqlite:///*|sqlite+aiosqlite:///*)
    kind=sqlite
    path="${db_url#*:///}"  # sqlite:////abs/file.db or sqlite:///relative.db
    path=${path%%\?*}
    [ -f "$path" ] || die "base SQLite introuvable : $path"
    # The online backup API: a consistent copy while the app keeps writing.
    python3 - "$path" "$work/db.sqlite3" <<'PY' || die "copie SQLite en échec (SQLite copy failed)"
import pathlib, sqlite3, sys
src = sqlite3.connect(pathlib.Path(sys.argv[1]).resolve().as_uri() + "?mode=ro", uri=True)
dst = sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
sys.exit(0 if ok == "ok" else 1)
PY
    db_file=db.sqlite3
    tool="python3 sqlite3 $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')"
    ;;
  *) die "DATABASE_URL non pris en charge : ${db_url%%://*}://…" ;;
esac

# Files after the database: a file newer than the dump is harmless (no row points at it).
tar --create --gzip --file="$work/private.tar.gz" --directory="$PRIVATE_DIR" \
  --exclude=./seal/.lock . \
  || die "archive de PRIVATE_DIR en échec (tar failed)"

{
  echo "name=$name"
  echo "created_utc=$stamp"
  echo "host=$(hostname)"
  echo "database=$kind"
  echo "database_file=$db_file"
  echo "tool=$tool"
  echo "private_dir=$PRIVATE_DIR"
  echo "private_files=$(tar --list --gzip --file="$work/private.tar.gz" | grep -vc '/$' || true)"
} >"$work/MANIFEST"
(cd "$work" && sha256sum "$db_file" private.tar.gz MANIFEST >SHA256SUMS)
(cd "$work" && sha256sum --check --quiet SHA256SUMS) || die "sommes de contrôle incorrectes"

mv "$work" "$BACKUP_DIR/$name"
trap - EXIT

# Retention: the newest BACKUP_KEEP complete backups stay; leftovers of crashed runs go.
find "$BACKUP_DIR" -maxdepth 1 -type d -name 'mystage-*.partial' -mmin +1440 \
  -exec rm -rf {} +
mapfile -t all < <(find "$BACKUP_DIR" -maxdepth 1 -type d -name 'mystage-*Z' -printf '%f\n' | sort)
if [ "${#all[@]}" -gt "$BACKUP_KEEP" ]; then
  for old in "${all[@]:0:${#all[@]}-BACKUP_KEEP}"; do
    rm -rf "${BACKUP_DIR:?}/$old"
  done
fi

echo "$BACKUP_DIR/$name"
