"""``python -m mystage check-config``: is this configuration fit for a production start?

The web app itself refuses to start only on settings that are wrong anywhere
(:meth:`Settings.config_errors`).  A production host runs this check first (the systemd
units' ``ExecStartPre``, deploy/README.md): it also refuses what is fine for ``make run``
on a laptop but dangerous on a public site — a dev mailbox, a session cookie without
``Secure``, an http or loopback ``PUBLIC_URL``, no SMTP, placeholder or weak passwords,
SQLite or in-process state with several workers, the tests' cheap password hashing.

Each finding says what is wrong and what to do, in French then in English.  Errors make
the command exit 1 (the unit then does not start); warnings are printed and exit 0, or 1
with ``--strict``.  ``make run`` never calls it: the embedded default stays one command.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mystage.settings import LOOPBACK_HOSTS, Settings

ERROR = "erreur"
WARNING = "attention"

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Passwords that are a default, an example or a first guess (compared lower-case).
WEAK_PASSWORDS = frozenset(
    {
        "",
        "admin",
        "administrateur",
        "azerty",
        "azertyuiop",
        "changeme",
        "default",
        "demo",
        "mystage",
        "motdepasse",
        "pass",
        "passw0rd",
        "password",
        "postgres",
        "qwerty",
        "redis",
        "root",
        "secret",
        "stage-demo-2026",
        "test",
        "toor",
        "12345678",
        "123456789",
        "1234567890",
    }
)
# A value still holding the template's placeholder (deploy/mystage.env.example).
PLACEHOLDER_MARKS = ("change-me", "changeme", "change_me", "a-remplacer", "xxxxxx", "<", ">")
MIN_SECRET_LENGTH = 12


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR or WARNING
    setting: str
    fr: str
    en: str

    def render(self) -> str:
        mark = "ERREUR" if self.level == ERROR else "ATTENTION"
        return f"[{mark}] {self.setting} : {self.fr}\n    ({self.en})"


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return f"[{host}]" if ":" in host else host


def _is_local(host: str) -> bool:
    if host in LOOPBACK_HOSTS or host.endswith(".localhost") or host == "":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _password(url: str) -> str | None:
    """The password of ``scheme://user:password@host/…``, or None when there is none."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return None if password is None else unquote(password)


def weak_secret(value: str | None) -> str | None:
    """Why ``value`` is no secret ("placeholder", "default", "short"), or None if it may be."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if any(mark in lowered for mark in PLACEHOLDER_MARKS):
        return "placeholder"
    if lowered in WEAK_PASSWORDS:
        return "default"
    if len(value) < MIN_SECRET_LENGTH:
        return "short"
    return None


_WEAK_FR = {
    "placeholder": "contient encore la valeur d'exemple du modèle",
    "default": "est un mot de passe par défaut ou trop connu",
    "short": f"fait moins de {MIN_SECRET_LENGTH} caractères",
}
_WEAK_EN = {
    "placeholder": "still holds the template's example value",
    "default": "is a default or well-known password",
    "short": f"is shorter than {MIN_SECRET_LENGTH} characters",
}


def effective_workers(s: Settings, cpus: int | None = None) -> int:
    """How many granian workers ``reflex run --env prod`` starts with these settings:
    ``GRANIAN_WORKERS`` when set (Reflex obeys it even without Redis), else one without
    Redis and ``min(2 × CPU + 1, 8)`` with it (reflex/utils/exec.py)."""
    if s.granian_workers > 0:
        return s.granian_workers
    if not s.redis_url:
        return 1
    return min(2 * (cpus or os.cpu_count() or 1) + 1, 8)


def _writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)


def check(s: Settings, *, cpus: int | None = None) -> list[Finding]:
    """Every finding about ``s`` for a production start, errors first."""
    out: list[Finding] = []

    def err(setting: str, fr: str, en: str) -> None:
        out.append(Finding(ERROR, setting, fr, en))

    def warn(setting: str, fr: str, en: str) -> None:
        out.append(Finding(WARNING, setting, fr, en))

    # Settings that are wrong everywhere (the app refuses them at start too), named by the
    # variable their message starts with; DEV_MAILBOX has its own, fuller finding below.
    for message in s.config_errors():
        name = m.group(0) if (m := re.match(r"[A-Z][A-Z_]+", message)) else "configuration"
        if name != "DEV_MAILBOX":
            err(name, message, "The app itself refuses to start with this setting.")

    # --- the public address and the session cookie
    host = _host(s.public_url)
    if not s.is_https:
        err(
            "PUBLIC_URL",
            f"« {s.public_url} » n'est pas une adresse https. En production le site est servi "
            "en https derrière le proxy TLS : indiquez l'adresse exacte que tapent les "
            "utilisateurs (https://stages.exemple.fr).",
            "Not an https address. In production the site is served over https behind the TLS "
            "proxy: give the exact address users type.",
        )
    if _is_local(host):
        err(
            "PUBLIC_URL",
            f"« {s.public_url} » désigne cette machine (valeur par défaut ?) : les liens des "
            "courriels et SMS ne mèneraient nulle part et le websocket refuserait le vrai nom.",
            "Points at this machine (the default?): links in mails and SMS would lead nowhere "
            "and the websocket would refuse the real host name.",
        )
    if not s.cookie_secure:
        err(
            "COOKIE_SECURE",
            "COOKIE_SECURE=false : le cookie de session partirait aussi en clair (http). "
            + (
                "Avec une adresse https, retirez ce réglage (true par défaut)."
                if s.is_https
                else "Retirez ce réglage (true par défaut) et servez le site en https."
            ),
            "The session cookie would also travel over plain http. Remove the setting "
            "(true by default).",
        )

    # --- mail and SMS
    if s.dev_mailbox_flag:
        if s.smtp_url or s.sms_url:
            err(
                "DEV_MAILBOX",
                "DEV_MAILBOX=true avec SMTP_URL/SMS_URL configuré : la page /dev/mails "
                "montrerait à tous les vrais messages envoyés (liens d'activation, codes de "
                "connexion et de signature). Retirez DEV_MAILBOX.",
                "With SMTP_URL/SMS_URL set, /dev/mails would show everyone the real messages "
                "(activation links, login and signature codes). Remove DEV_MAILBOX.",
            )
        else:
            err(
                "DEV_MAILBOX",
                "DEV_MAILBOX=true : les courriels et SMS resteraient sur la page /dev/mails, "
                "visible de tous, au lieu de partir. Retirez-le et configurez SMTP_URL.",
                "Mail and SMS would stay on the /dev/mails page, visible to anyone, instead of "
                "being sent. Remove it and configure SMTP_URL.",
            )
    if not s.smtp_url:
        err(
            "SMTP_URL",
            "aucun serveur SMTP : les courriels (activation, mot de passe oublié, "
            "candidatures) resteraient en file d'attente. Indiquez "
            "SMTP_URL=smtp+starttls://utilisateur:motdepasse@smtp.exemple.fr:587.",
            "No SMTP server: mails (activation, password reset, applications) would stay "
            "queued. Set SMTP_URL.",
        )
    else:
        scheme = urlsplit(s.smtp_url).scheme.lower()
        smtp_host = _host(s.smtp_url)
        if scheme == "smtp" and _password(s.smtp_url) and not _is_local(smtp_host):
            err(
                "SMTP_URL",
                f"smtp:// vers {smtp_host} avec un mot de passe : il passerait en clair. "
                "Utilisez smtp+starttls:// (port 587) ou smtps:// (465).",
                "Plain smtp:// to a remote host with a password would send it in clear text. "
                "Use smtp+starttls:// or smtps://.",
            )
        reason = weak_secret(_password(s.smtp_url))
        if reason:
            err(
                "SMTP_URL",
                f"le mot de passe SMTP {_WEAK_FR[reason]}.",
                f"The SMTP password {_WEAK_EN[reason]}.",
            )
    if not s.sms_url:
        warn(
            "SMS_URL",
            "aucune passerelle SMS : les élèves inscrits par téléphone ne recevront ni code "
            "ni rappel (les SMS restent en file d'attente).",
            "No SMS gateway: pupils signed up by phone get no code nor reminder (SMS stay queued).",
        )
    else:
        if urlsplit(s.sms_url).scheme.lower() != "https" and not _is_local(_host(s.sms_url)):
            err(
                "SMS_URL",
                "la passerelle SMS n'est pas en https : le jeton et les codes passeraient en "
                "clair.",
                "The SMS gateway is not https: the token and the codes would travel in clear.",
            )
        reason = weak_secret(s.sms_token) if s.sms_token else "default"
        if reason:
            err(
                "SMS_TOKEN",
                f"le jeton de la passerelle SMS {_WEAK_FR[reason]}"
                + (" (absent)." if not s.sms_token else "."),
                f"The SMS gateway token {_WEAK_EN[reason]}"
                + (" (unset)." if not s.sms_token else "."),
            )

    # --- secrets in URLs
    for name, url in (("DATABASE_URL", s.database_url), ("REDIS_URL", s.redis_url or "")):
        password = _password(url)
        reason = weak_secret(password)
        if reason:
            err(
                name,
                f"le mot de passe de {name} {_WEAK_FR[reason]}.",
                f"The password in {name} {_WEAK_EN[reason]}.",
            )
    if s.seal_key_password is not None and (reason := weak_secret(s.seal_key_password)):
        err(
            "SEAL_KEY_PASSWORD",
            f"le mot de passe de la clé du cachet {_WEAK_FR[reason]}.",
            f"The seal key's password {_WEAK_EN[reason]}.",
        )
    if s.password_hash_fast:
        err(
            "PASSWORD_HASH_FAST",
            "réglage des tests : les mots de passe seraient hachés avec un argon2id au rabais. "
            "Retirez-le.",
            "A test setting: passwords would be hashed with a cheap argon2id. Remove it.",
        )

    # --- database, state and workers
    workers = effective_workers(s, cpus)
    if s.is_sqlite and workers > 1:
        err(
            "DATABASE_URL",
            f"SQLite avec {workers} workers : un seul processus peut écrire à la fois "
            "(« database is locked »). Utilisez PostgreSQL (DATABASE_URL=postgresql://…) ou "
            "GRANIAN_WORKERS=1.",
            f"SQLite with {workers} workers: one writer at a time. Use PostgreSQL or "
            "GRANIAN_WORKERS=1.",
        )
    elif s.is_sqlite:
        warn(
            "DATABASE_URL",
            "SQLite : un seul worker, une seule machine ; convient à un petit département, "
            "pas à une campagne nationale (PostgreSQL, deploy/README.md).",
            "SQLite: one worker on one machine; fine for a small département, not for a "
            "national campaign.",
        )
    if workers > 1 and not s.redis_url:
        err(
            "REDIS_URL",
            f"GRANIAN_WORKERS={workers} sans REDIS_URL : chaque worker garderait l'état de ses "
            "onglets pour lui (déconnexions, envois de fichiers perdus). Indiquez REDIS_URL ou "
            "GRANIAN_WORKERS=1.",
            f"{workers} workers without REDIS_URL: each worker would keep its tabs' state to "
            "itself (lost sessions and uploads). Set REDIS_URL or GRANIAN_WORKERS=1.",
        )
    if s.redis_url and not _is_local(_host(s.redis_url)) and _password(s.redis_url) is None:
        warn(
            "REDIS_URL",
            "Redis sur une autre machine sans mot de passe : protégez-le (requirepass, "
            "redis://:motdepasse@hôte:6379/0) et ne l'exposez qu'au réseau des serveurs.",
            "Redis on another machine without a password: set requirepass and keep it on the "
            "servers' network.",
        )

    # --- proxy, files, seal, logs
    if not s.trusted_proxies:
        warn(
            "TRUSTED_PROXIES",
            "vide : derrière le proxy TLS tous les utilisateurs partagent son adresse (limites "
            "de connexion et d'inscription, journal). Indiquez l'adresse du proxy "
            "(127.0.0.1 s'il est sur la même machine).",
            "Empty: behind the TLS proxy every user shares its address (login and sign-up "
            "limits, logs). List the proxy's address.",
        )
    if not _writable_dir(s.private_dir):
        err(
            "PRIVATE_DIR",
            f"{s.private_dir} n'existe pas ou n'est pas accessible en écriture pour cet "
            "utilisateur (CV, conventions, exports).",
            "Missing or not writable by this user (CVs, conventions, exports).",
        )
    if s.seal_cert_path is None:
        warn(
            "SEAL_CERT_PATH",
            "pas de certificat de cachet : les conventions signées sont scellées par un "
            "certificat autosigné (PRIVATE_DIR/seal/), que les lecteurs PDF disent « non "
            "approuvé ». Demandez un certificat de cachet à votre autorité.",
            "No seal certificate: signed conventions are sealed with a self-signed one, which "
            "PDF readers call untrusted.",
        )
    if s.log_format not in LOG_FORMATS:
        err(
            "LOG_FORMAT",
            f"« {s.log_format} » : valeurs possibles text ou json.",
            "Possible values: text or json.",
        )
    if s.log_level not in LOG_LEVELS:
        err(
            "LOG_LEVEL",
            f"« {s.log_level} » : valeurs possibles {', '.join(LOG_LEVELS)}.",
            f"Possible values: {', '.join(LOG_LEVELS)}.",
        )
    # Any value still holding the template's placeholder (host names, addresses…).
    reported = {f.setting for f in out if f.level == ERROR}
    for name, value in (
        ("PUBLIC_URL", s.public_url),
        ("DATABASE_URL", s.database_url),
        ("REDIS_URL", s.redis_url),
        ("SMTP_URL", s.smtp_url),
        ("MAIL_FROM", s.mail_from),
        ("SMS_URL", s.sms_url),
        ("SMS_SENDER", s.sms_sender),
        ("GEOCODER_URL", s.geocoder_url),
        ("PRIVATE_DIR", str(s.private_dir)),
    ):
        if value and name not in reported and "change-me" in value.lower():
            err(
                name,
                "contient encore « CHANGE-ME » (modèle deploy/mystage.env.example) : "
                "indiquez la vraie valeur.",
                "Still holds the template's CHANGE-ME: give the real value.",
            )
    return sorted(out, key=lambda f: f.level != ERROR)


def run(s: Settings, *, strict: bool = False, out=None) -> int:
    """Print the findings; 0 when the start may go on, 1 otherwise."""
    import sys

    out = out or sys.stdout
    findings = check(s)
    errors = [f for f in findings if f.level == ERROR]
    warnings = [f for f in findings if f.level == WARNING]
    for f in findings:
        print(f.render(), file=out)
    refused = bool(errors) or (strict and bool(warnings))
    if refused:
        print(
            f"Configuration refusée pour la production : {len(errors)} erreur(s), "
            f"{len(warnings)} avertissement(s). / Configuration refused for production.",
            file=out,
        )
        return 1
    print(
        f"Configuration acceptée pour la production ({len(warnings)} avertissement(s)). "
        "/ Configuration accepted for production.",
        file=out,
    )
    return 0
