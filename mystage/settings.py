"""Every setting of MyStage, read from the environment, with embedded defaults.

Nothing else in the code reads ``os.environ`` for application settings: import
``settings`` from here.  The embedded default (no variable set) is a SQLite file and
in-process state; mail and SMS stay queued until SMTP_URL / SMS_URL is set, or go to the
dev mailbox (``/dev/mails``) with an explicit ``DEV_MAILBOX=true`` (``make run`` sets it
for the demo).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        return default


SCHOOL_VALIDATION_MODES = ("school", "mandatory")

# Names of this machine: when PUBLIC_URL uses one, the others (same scheme and port) are the
# same site too, so `make run` works whether it is opened as localhost or 127.0.0.1.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, str]:
    """(scheme, host, ":port" or "") of an absolute URL, lower-case, default port left out."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "localhost").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    suffix = f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else ""
    return scheme, host, suffix


def _default_db_url() -> str:
    return f"sqlite:///{ROOT / 'var' / 'mystage.db'}"


def _sync_url(url: str) -> str:
    """Normalise a database URL to the synchronous driver SQLModel uses."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite+aiosqlite://"):
        url = "sqlite://" + url[len("sqlite+aiosqlite://") :]
    return url


def _async_url(url: str) -> str:
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url  # psycopg 3 is both sync and async


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: _sync_url(os.environ.get("DATABASE_URL") or _default_db_url())
    )
    redis_url: str | None = field(default_factory=lambda: os.environ.get("REDIS_URL") or None)
    public_url: str = field(
        default_factory=lambda: (
            os.environ.get("PUBLIC_URL") or f"http://localhost:{_int('PORT', 3000)}"
        ).rstrip("/")
    )
    port: int = field(default_factory=lambda: _int("PORT", 3000))
    # Outgoing messages.  Unset => dev mailbox.
    smtp_url: str | None = field(default_factory=lambda: os.environ.get("SMTP_URL") or None)
    mail_from: str = field(
        default_factory=lambda: (
            os.environ.get("MAIL_FROM") or "MyStage <ne-pas-repondre@mystage.fr>"
        )
    )
    sms_url: str | None = field(default_factory=lambda: os.environ.get("SMS_URL") or None)
    sms_token: str | None = field(default_factory=lambda: os.environ.get("SMS_TOKEN") or None)
    sms_sender: str = field(default_factory=lambda: os.environ.get("SMS_SENDER") or "MyStage")
    # Geocoding: embedded communes by default; BAN-compatible API when set.
    geocoder_url: str | None = field(default_factory=lambda: os.environ.get("GEOCODER_URL") or None)
    # Map tiles (the only external resource of the maps; Leaflet itself is self-hosted).
    map_tiles_url: str = field(
        default_factory=lambda: (
            os.environ.get("MAP_TILES_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )
    )
    # Sessions and security.
    cookie_secure: bool = field(default_factory=lambda: _bool("COOKIE_SECURE", True))
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs, e.g.
    # "127.0.0.1, 10.0.0.0/8").  Empty: the header is ignored and the socket peer is the
    # client (see mystage/services/client_address.py).
    trusted_proxies: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            p.strip() for p in (os.environ.get("TRUSTED_PROXIES") or "").split(",") if p.strip()
        )
    )
    session_days: int = field(default_factory=lambda: _int("SESSION_DAYS", 14))
    # Private files (CV, logos, conventions, exports): never under the public upload dir.
    private_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PRIVATE_DIR") or ROOT / "var" / "private")
    )
    # The platform's certificate that seals signed conventions (PAdES), PEM files.  Unset: a
    # self-signed one is created under PRIVATE_DIR/seal/ (`make run`, or at first use).
    seal_cert_path: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("SEAL_CERT_PATH")) else None
    )
    seal_key_path: Path | None = field(
        default_factory=lambda: Path(p) if (p := os.environ.get("SEAL_KEY_PATH")) else None
    )
    seal_key_password: str | None = field(
        default_factory=lambda: os.environ.get("SEAL_KEY_PASSWORD") or None
    )
    # Territory served by this deployment: "national" or a department code ("77", "44").
    territory: str = field(default_factory=lambda: os.environ.get("TERRITORY") or "national")
    # Who decides whether applications are validated by the pupil's school before they
    # reach employers: "school" (each school, in its settings: the default) or "mandatory"
    # (every school of the deployment validates first, as MyStage77 does).
    school_validation: str = field(
        default_factory=lambda: (os.environ.get("SCHOOL_VALIDATION") or "school").strip().lower()
    )
    # Background job loop inside the web process (off when cron runs `python -m mystage job`).
    jobs_in_process: bool = field(default_factory=lambda: _bool("JOBS_IN_PROCESS", True))
    jobs_interval_s: int = field(default_factory=lambda: _int("JOBS_INTERVAL", 30))
    # Exports of more rows than this run in the background and arrive by mail.
    # 0 or unset: services/exports.SMALL_LIMIT (20,000).
    export_sync_max_rows: int = field(default_factory=lambda: _int("EXPORT_SYNC_MAX_ROWS", 0))
    # « Mes données »: a zip up to this size (JSON and files, bytes) is prepared at once;
    # a larger one in the background, its link sent by mail (services/privacy/).
    my_data_sync_max_bytes: int = field(
        default_factory=lambda: _int("MY_DATA_SYNC_MAX_BYTES", 5_000_000)
    )
    # The dev mailbox (/dev/mails shows every message, links included): only when asked
    # for explicitly, never on a public https address (see config_errors).
    dev_mailbox_flag: bool = field(default_factory=lambda: _bool("DEV_MAILBOX", False))
    # Retention (RGPD; services/privacy/retention.py, job « retention »; the « Données
    # personnelles » page states the same delays).  Pupils with no login since the end of
    # the last school year (31 August) are anonymised this many days after it:
    retention_pupil_grace_days: int = field(
        default_factory=lambda: _int("RETENTION_PUPIL_GRACE_DAYS", 60)
    )
    # Text of the mails and SMS sent (subject, body, link) emptied after (days):
    retention_outbox_body_days: int = field(
        default_factory=lambda: _int("RETENTION_OUTBOX_BODY_DAYS", 30)
    )
    # Outbox rows (recipient, date, status) deleted after (days):
    retention_outbox_days: int = field(default_factory=lambda: _int("RETENTION_OUTBOX_DAYS", 365))
    # Audit rows: who acted (account id) and the free text anonymised after (years):
    retention_audit_years: int = field(default_factory=lambda: _int("RETENTION_AUDIT_YEARS", 5))
    # Conventions: the document, the parties' details and signatures erased this many years
    # after the internship week:
    retention_convention_years: int = field(
        default_factory=lambda: _int("RETENTION_CONVENTION_YEARS", 5)
    )
    # Purged hourly by « purge_expired_tokens »: one-time tokens (days after expiry), login
    # attempts (days), sessions (days after expiry).
    retention_token_days: int = field(default_factory=lambda: _int("RETENTION_TOKEN_DAYS", 1))
    retention_login_attempt_days: int = field(
        default_factory=lambda: _int("RETENTION_LOGIN_ATTEMPT_DAYS", 1)
    )
    retention_session_days: int = field(default_factory=lambda: _int("RETENTION_SESSION_DAYS", 30))
    # Logs of mystage's own loggers (mystage/logs.py): "text" (one line a record, the
    # default) or "json" (one JSON object a line, the keys of Reflex's REFLEX_LOG_JSON);
    # WARNING by default (INFO adds a line per job run with its count).
    log_format: str = field(
        default_factory=lambda: (os.environ.get("LOG_FORMAT") or "text").strip().lower()
    )
    log_level: str = field(
        default_factory=lambda: (os.environ.get("LOG_LEVEL") or "WARNING").strip().upper()
    )
    # Read here for `python -m mystage check-config` (Reflex and granian read them too):
    # granian workers asked for (0: Reflex's default, 1 without Redis), and the tests' cheap
    # argon2 cost (services/accounts/passwords.py), which production must never use.
    granian_workers: int = field(default_factory=lambda: _int("GRANIAN_WORKERS", 0))
    password_hash_fast: bool = field(default_factory=lambda: _bool("PASSWORD_HASH_FAST", False))

    @property
    def async_database_url(self) -> str:
        return _async_url(self.database_url)

    @property
    def public_origin(self) -> str:
        """``scheme://host[:port]`` of PUBLIC_URL: the one site browsers may call us from."""
        scheme, host, port = _origin(self.public_url)
        return f"{scheme}://{host}{port}"

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """Origins accepted for CORS, the websocket and same-origin POSTs (logout): PUBLIC_URL's,
        plus the other loopback spellings when PUBLIC_URL is on this machine."""
        scheme, host, port = _origin(self.public_url)
        hosts = (
            (host, *(h for h in LOOPBACK_HOSTS if h != host)) if host in LOOPBACK_HOSTS else (host,)
        )
        return tuple(f"{scheme}://{h}{port}" for h in hosts)

    @property
    def https(self) -> bool:
        """Served over TLS (PUBLIC_URL is https): HSTS and upgrade-insecure-requests are sent."""
        return _origin(self.public_url)[0] == "https"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_https(self) -> bool:
        return self.public_url.lower().startswith("https://")

    @property
    def dev_mailbox(self) -> bool:
        """``/dev/mails`` and the dev transport: only with ``DEV_MAILBOX=true`` and a
        non-https ``PUBLIC_URL`` (a staging copy with real data must not show them)."""
        return self.dev_mailbox_flag and not self.is_https

    def config_errors(self) -> list[str]:
        """Settings that must stop the app from starting (French, one line each)."""
        errors = []
        if self.dev_mailbox_flag and self.is_https:
            errors.append(
                "DEV_MAILBOX=true est refusé avec une adresse publique en https "
                f"(PUBLIC_URL={self.public_url}) : la boîte de développement montrerait à "
                "tous les courriels et SMS (liens d'activation, codes). Retirez DEV_MAILBOX "
                "et configurez SMTP_URL / SMS_URL."
            )
        if bool(self.seal_cert_path) != bool(self.seal_key_path):
            errors.append(
                "SEAL_CERT_PATH et SEAL_KEY_PATH vont ensemble : indiquez le certificat du "
                "cachet et sa clé privée (fichiers PEM), ou aucun des deux (certificat "
                "autosigné créé dans PRIVATE_DIR/seal/)."
            )
        if self.school_validation not in SCHOOL_VALIDATION_MODES:
            errors.append(
                f"SCHOOL_VALIDATION={self.school_validation} : valeurs possibles « school » "
                "(chaque établissement choisit de valider les candidatures, par défaut) ou "
                "« mandatory » (tous les établissements les valident avant l'employeur)."
            )
        for name, path in (
            ("SEAL_CERT_PATH", self.seal_cert_path),
            ("SEAL_KEY_PATH", self.seal_key_path),
        ):
            if path is not None and not path.is_file():
                errors.append(f"{name}={path} : fichier introuvable.")
        return errors


_current = Settings()


def get_settings() -> Settings:
    """The settings in force.  Call it at run time (not at import) so tests can reload."""
    return _current


def reload() -> Settings:
    """Re-read the environment (tests change variables, then call this)."""
    global _current
    _current = Settings()
    return _current
