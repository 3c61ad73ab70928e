"""`python -m mystage check-config`: a production start refused on each dangerous setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mystage import config_check
from mystage.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

# Every variable the check reads: cleared before each test, so the suite's own settings
# (SQLite, DEV_MAILBOX=true, PASSWORD_HASH_FAST) never leak in.
VARS = (
    "DATABASE_URL REDIS_URL PUBLIC_URL PORT SMTP_URL SMS_URL SMS_TOKEN DEV_MAILBOX "
    "COOKIE_SECURE TRUSTED_PROXIES PRIVATE_DIR SEAL_CERT_PATH SEAL_KEY_PATH SEAL_KEY_PASSWORD "
    "SCHOOL_VALIDATION GRANIAN_WORKERS PASSWORD_HASH_FAST LOG_FORMAT LOG_LEVEL"
).split()


def production_env(tmp_path: Path) -> dict[str, str]:
    """A configuration fit for production (what deploy/mystage.env.example asks for)."""
    cert, key = tmp_path / "seal.pem", tmp_path / "seal.key"
    cert.write_text("cert")
    key.write_text("key")
    return {
        "DATABASE_URL": "postgresql://mystage:Vq8r-2kLx-9PzT@db.interne:5432/mystage",
        "REDIS_URL": "redis://:Tm4w-8hJq-3NcY@redis.interne:6379/0",
        "PUBLIC_URL": "https://stages.exemple.fr",
        "SMTP_URL": "smtp+starttls://mystage:Hx7b-4Rty-2WqE@smtp.exemple.fr:587",
        "SMS_URL": "https://sms.exemple.fr/api/send",
        "SMS_TOKEN": "sk_9f3a1c77e0b24d6e",
        "TRUSTED_PROXIES": "127.0.0.1",
        "PRIVATE_DIR": str(tmp_path / "private"),
        "SEAL_CERT_PATH": str(cert),
        "SEAL_KEY_PATH": str(key),
        "GRANIAN_WORKERS": "4",
        "LOG_FORMAT": "json",
    }


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    values = production_env(tmp_path)

    def settings(**changes: str | None) -> Settings:
        for name, value in {**values, **changes}.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        return Settings()

    return settings


def errors(s: Settings) -> dict[str, str]:
    return {
        f.setting: f.fr + " " + f.en for f in config_check.check(s, cpus=2) if f.level == "erreur"
    }


def warnings(s: Settings) -> set[str]:
    return {f.setting for f in config_check.check(s, cpus=2) if f.level == "attention"}


def test_production_configuration_passes(env, capsys):
    s = env()
    assert config_check.check(s, cpus=2) == []
    assert config_check.run(s) == 0
    assert "Configuration acceptée pour la production" in capsys.readouterr().out


def test_the_embedded_default_is_refused_for_production(env):
    s = env(**{name: None for name in VARS})
    found = errors(s)
    assert {"PUBLIC_URL", "SMTP_URL"} <= set(found)
    assert "localhost" in found["PUBLIC_URL"]
    assert {"DATABASE_URL", "SMS_URL", "TRUSTED_PROXIES", "SEAL_CERT_PATH"} <= warnings(s)


def test_dev_mailbox_with_smtp_is_refused(env):
    found = errors(env(DEV_MAILBOX="true"))
    assert "/dev/mails" in found["DEV_MAILBOX"]
    assert "SMTP_URL/SMS_URL" in found["DEV_MAILBOX"]
    # Without SMTP the dev mailbox is refused too (mail would never leave).
    found = errors(env(DEV_MAILBOX="true", SMTP_URL=None, SMS_URL=None, SMS_TOKEN=None))
    assert "resteraient sur la page /dev/mails" in found["DEV_MAILBOX"]
    assert "SMTP_URL" in found


def test_cookie_not_secure_on_https_is_refused(env):
    found = errors(env(COOKIE_SECURE="false"))
    assert "COOKIE_SECURE=false" in found["COOKIE_SECURE"]
    assert "Avec une adresse https" in found["COOKIE_SECURE"]


def test_public_url_must_be_https_and_public(env):
    found = errors(env(PUBLIC_URL="http://stages.exemple.fr"))
    assert "n'est pas une adresse https" in found["PUBLIC_URL"]
    assert "Not an https address" in found["PUBLIC_URL"]
    found = errors(env(PUBLIC_URL="https://127.0.0.1"))
    assert "désigne cette machine" in found["PUBLIC_URL"]


def test_no_smtp_is_refused(env):
    found = errors(env(SMTP_URL=None))
    assert "aucun serveur SMTP" in found["SMTP_URL"]


def test_smtp_password_in_clear_to_a_remote_host_is_refused(env):
    found = errors(env(SMTP_URL="smtp://u:Hx7b-4Rty-2WqE@smtp.exemple.fr:25"))
    assert "passerait en clair" in found["SMTP_URL"]
    # A local relay without TLS is normal (postfix on the machine).
    assert "SMTP_URL" not in errors(env(SMTP_URL="smtp://localhost:25"))


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("DATABASE_URL", "postgresql://mystage:CHANGE-ME@db.interne/mystage", "valeur d'exemple"),
        ("DATABASE_URL", "postgresql://postgres:postgres@db.interne/mystage", "par défaut"),
        ("DATABASE_URL", "postgresql://mystage:court@db.interne/mystage", "moins de 12"),
        ("REDIS_URL", "redis://:redis@redis.interne:6379/0", "par défaut"),
        ("SMTP_URL", "smtps://u:password@smtp.exemple.fr:465", "par défaut"),
        ("SMS_TOKEN", "change-me-token", "valeur d'exemple"),
        ("SEAL_KEY_PASSWORD", "secret", "par défaut"),
    ],
)
def test_default_and_weak_secrets_are_refused(env, name, value, why):
    found = errors(env(**{name: value}))
    assert why in found[name]


def test_database_without_password_is_fine(env):
    # Peer authentication over the Unix socket: no password to be weak.
    assert errors(env(DATABASE_URL="postgresql:///mystage?host=/run/postgresql")) == {}


def test_sqlite_with_several_workers_is_refused(env):
    found = errors(env(DATABASE_URL="sqlite:////srv/mystage/var/mystage.db"))
    assert "SQLite avec 4 workers" in found["DATABASE_URL"]
    # Reflex's own default with Redis is min(2 × CPU + 1, 8): 5 on 2 cores.
    found = errors(env(DATABASE_URL="sqlite:////srv/m.db", GRANIAN_WORKERS=None))
    assert "SQLite avec 5 workers" in found["DATABASE_URL"]
    # One worker on SQLite: a warning only.
    s = env(DATABASE_URL="sqlite:////srv/m.db", GRANIAN_WORKERS="1", REDIS_URL=None)
    assert errors(s) == {}
    assert "DATABASE_URL" in warnings(s)


def test_several_workers_without_redis_are_refused(env):
    found = errors(env(REDIS_URL=None))
    assert "GRANIAN_WORKERS=4 sans REDIS_URL" in found["REDIS_URL"]
    assert errors(env(REDIS_URL=None, GRANIAN_WORKERS=None)) == {}  # Reflex: 1 worker


def test_test_settings_are_refused(env):
    assert "argon2id au rabais" in errors(env(PASSWORD_HASH_FAST="1"))["PASSWORD_HASH_FAST"]
    assert "LOG_FORMAT" in errors(env(LOG_FORMAT="xml"))
    assert "LOG_LEVEL" in errors(env(LOG_LEVEL="bavard"))


def test_settings_the_app_refuses_anyway_are_reported(env, tmp_path):
    found = errors(env(SEAL_KEY_PATH=str(tmp_path / "absent.key")))
    assert "fichier introuvable" in found["SEAL_KEY_PATH"]
    assert "« mandatory »" in errors(env(SCHOOL_VALIDATION="toujours"))["SCHOOL_VALIDATION"]


def test_private_dir_must_be_writable(env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert "PRIVATE_DIR" in errors(env(PRIVATE_DIR=str(blocker / "private")))


def test_strict_refuses_warnings(env, capsys):
    s = env(SMS_URL=None, SMS_TOKEN=None)
    assert config_check.run(s) == 0
    assert config_check.run(s, strict=True) == 1
    assert "Configuration refusée pour la production" in capsys.readouterr().out


def _cli(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARS}
    return subprocess.run(
        [sys.executable, "-m", "mystage", "check-config"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_exit_codes(tmp_path):
    good = production_env(tmp_path)
    done = _cli(good)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration acceptée" in done.stdout
    done = _cli({**good, "COOKIE_SECURE": "false", "DEV_MAILBOX": "true"})
    assert done.returncode == 1
    assert "[ERREUR] COOKIE_SECURE" in done.stdout
    assert "[ERREUR] DEV_MAILBOX" in done.stdout
    assert "Configuration refusée pour la production : 2 erreur(s)" in done.stdout


def _template() -> dict[str, str]:
    """deploy/mystage.env.example as the systemd units read it (NAME=value, quotes)."""
    values = {}
    for line in (ROOT / "deploy" / "mystage.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.strip('"')
    return values


def test_the_env_template_is_refused_until_filled_in(env, tmp_path):
    template = {
        **_template(),
        "PRIVATE_DIR": str(tmp_path / "private"),
        "SEAL_CERT_PATH": None,
        "SEAL_KEY_PATH": None,
    }
    found = errors(env(**template))
    assert {"PUBLIC_URL", "DATABASE_URL", "REDIS_URL", "SMTP_URL", "MAIL_FROM"} <= set(found)
    assert {"SMS_URL", "SMS_TOKEN"} <= set(found)
    assert "CHANGE-ME" in found["PUBLIC_URL"]
    filled = {
        name: value.replace("stages.CHANGE-ME.fr", "stages.exemple.fr")
        .replace("smtp.CHANGE-ME.fr", "smtp.exemple.fr")
        .replace("sms.CHANGE-ME.fr", "sms.exemple.fr")
        .replace("CHANGE-ME", "Kq7v-Wd3m-Zr8p")
        if value
        else value
        for name, value in template.items()
    }
    s = env(**filled)
    assert errors(s) == {}
    assert warnings(s) == {"SEAL_CERT_PATH"}  # the template leaves the seal to be chosen
    assert s.log_format == "json" and not s.jobs_in_process
