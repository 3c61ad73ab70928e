#!/bin/sh
# `python -m mystage …` with the production settings, for the administrator's commands:
#
#   sudo -u mystage /srv/mystage/app/deploy/manage.sh check-config
#   sudo -u mystage /srv/mystage/app/deploy/manage.sh migrate
#   sudo -u mystage /srv/mystage/app/deploy/manage.sh job list
#
# Reads MYSTAGE_ENV_FILE (default /etc/mystage/mystage.env) the way the systemd units do,
# runs from the checkout this script is in, with its .venv. Exit code: the command's.
set -eu
app=$(cd "$(dirname "$0")/.." && pwd)
env_file=${MYSTAGE_ENV_FILE:-/etc/mystage/mystage.env}
if [ ! -r "$env_file" ]; then
  echo "manage.sh : $env_file illisible (lancez-le en tant que mystage, ou MYSTAGE_ENV_FILE=…)" >&2
  exit 1
fi
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
cd "$app"
exec "$app/.venv/bin/python" -m mystage "$@"
