#!/usr/bin/env bash
# MyStage restore: puts a backup made by deploy/backup.sh back, after checking its
# SHA-256 sums.
#
#   deploy/restore.sh [--env-file FILE] [--replace] BACKUP     restore into DATABASE_URL
#                                                              and PRIVATE_DIR
#   deploy/restore.sh --verify BACKUP                          check only (sums, archive,
#                                                              dump readable); changes nothing
#
# BACKUP is a directory BACKUP_DIR/mystage-<date> written by backup.sh.
# Without --replace the target database must have no table and PRIVATE_DIR must be empty
# or absent (a restore into a new database, e.g. to try a backup: deploy/README.md).
# With --replace the database's objects are dropped and recreated from the dump, and the
# current PRIVATE_DIR is moved aside to PRIVATE_DIR.avant-restauration-<date> (kept).
# Stop the app first (systemctl stop mystage-web mystage-jobs). Exit 0 on success, 1 on
# error, 2 on a usage error.
set -euo pipefail
umask 077

die() { echo "restore.sh : $*" >&2; exit 1; }
usage() {
  echo "usage : restore.sh [--env-file FICHIER] [--replace] SAUVEGARDE | --verify SAUVEGARDE" >&2
  exit 2
}

replace=false
verify=false
backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file)
      [ $# -ge 2 ] || usage
      [ -r "$2" ] || die "fichier d'environnement illisible : $2"
      set -a; # shellcheck disable=SC1090
      . "$2"; set +a
      shift 2 ;;
    --replace) replace=true; shift ;;
    --verify) verify=true; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) usage ;;
    *) [ -z "$backup" ] || usage; backup=$1; shift ;;
  esac
done
[ -n "$backup" ] || usage
[ -d "$backup" ] || die "sauvegarde introuvable : $backup"
case "$backup" in *.partial|*.partial/) die "sauvegarde incomplète (.partial) : $backup" ;; esac
[ -f "$backup/SHA256SUMS" ] || die "SHA256SUMS absent : ce n'est pas une sauvegarde complète"

# 1. Checksums: a damaged or tampered backup is refused before anything is touched.
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) \
  || die "sommes de contrôle incorrectes : sauvegarde altérée (checksum mismatch)"
db_file=$(sed -n 's/^database_file=//p' "$backup/MANIFEST")
case "$db_file" in db.dump|db.sqlite3) ;; *) die "MANIFEST illisible (database_file)" ;; esac
tar --list --gzip --file="$backup/private.tar.gz" >/dev/null || die "private.tar.gz illisible"
if [ "$db_file" = db.dump ]; then
  pg_restore --list "$backup/db.dump" >/dev/null || die "db.dump illisible par pg_restore"
fi
if $verify; then
  echo "Sauvegarde vérifiée : $backup (sommes, archive et base lisibles)."
  exit 0
fi

: "${DATABASE_URL:?DATABASE_URL manquant (DATABASE_URL missing)}"
: "${PRIVATE_DIR:?PRIVATE_DIR manquant (PRIVATE_DIR missing)}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# 2. Database.
db_url=$DATABASE_URL
case "$db_url" in
  postgres://*|postgresql://*|postgresql+*://*)
    [ "$db_file" = db.dump ] || die "sauvegarde SQLite, base cible PostgreSQL : non pris en charge"
    db_url="postgresql://${db_url#*://}"
    tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$db_url" --command \
      "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema')") \
      || die "base cible injoignable (target database unreachable)"
    if [ "$tables" != 0 ] && ! $replace; then
      die "la base cible contient déjà $tables table(s) : restaurez dans une base vide, ou --replace"
    fi
    opts=(--no-owner --no-privileges --exit-on-error --single-transaction)
    $replace && opts+=(--clean --if-exists)
    pg_restore "${opts[@]}" --dbname="$db_url" "$backup/db.dump" \
      || die "pg_restore a échoué : la base est inchangée (une seule transaction)"
    ;;
  sqlite:///*|sqlite+aiosqlite:///*)
    [ "$db_file" = db.sqlite3 ] || die "sauvegarde PostgreSQL, base cible SQLite : non pris en charge"
    path="${db_url#*:///}"  # sqlite:////abs/file.db or sqlite:///relative.db
    path=${path%%\?*}
    if [ -e "$path" ] && ! $replace; then
      die "le fichier SQLite existe déjà : $path (--replace pour le remplacer)"
    fi
    mkdir -p "$(dirname "$path")"
    [ -e "$path" ] && mv "$path" "$path.avant-restauration-$stamp"
    rm -f "$path-wal" "$path-shm"
    cp "$backup/db.sqlite3" "$path.restauration"
    mv "$path.restauration" "$path"
    ;;
  *) die "DATABASE_URL non pris en charge : ${db_url%%://*}://…" ;;
esac

# 3. Private files.
if [ -d "$PRIVATE_DIR" ] && [ -n "$(ls -A "$PRIVATE_DIR")" ]; then
  $replace || die "PRIVATE_DIR n'est pas vide : $PRIVATE_DIR (--replace pour le mettre de côté)"
  mv "$PRIVATE_DIR" "$PRIVATE_DIR.avant-restauration-$stamp"
fi
mkdir -p "$PRIVATE_DIR"
tar --extract --gzip --file="$backup/private.tar.gz" --directory="$PRIVATE_DIR" \
  --no-same-owner || die "extraction de private.tar.gz en échec"

echo "Restauration terminée depuis $backup."
echo "Ensuite : python -m mystage migrate (si la version de l'application est plus récente),"
echo "python -m mystage check-config, puis systemctl start mystage-web mystage-jobs."
