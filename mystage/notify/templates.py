"""Plain-French message builders: each returns ``(subject, body)``.

Mails: a short subject (no capitals shouting), a greeting, one sentence saying why the
mail arrives, the action link on its own line, how long it is valid, what to do if the
reader did not ask for it, and the signature « L'équipe MyStage ».  SMS: ``subject`` is
empty and the body stays within one segment, using only characters of the GSM 7-bit
alphabet (é, è, à, ù are in it; ê, ô, î, ç are not).

Later issues add their messages with ``@template("name")`` and call
``render("name", **ctx)``; :func:`link` turns a path into an absolute URL for mails.
"""

from __future__ import annotations

from collections.abc import Callable

from mystage.settings import get_settings

SIGNATURE = "L'équipe MyStage"

Builder = Callable[..., tuple[str, str]]
_TEMPLATES: dict[str, Builder] = {}


def template(name: str) -> Callable[[Builder], Builder]:
    """Register a builder under ``name`` for :func:`render`."""

    def register(fn: Builder) -> Builder:
        if name in _TEMPLATES and _TEMPLATES[name] is not fn:
            raise ValueError(f"Modèle de message déjà déclaré : {name}")
        _TEMPLATES[name] = fn
        return fn

    return register


def render(template_name: str, **ctx) -> tuple[str, str]:
    """Build the message ``template_name`` with ``ctx``; KeyError if the template is unknown."""
    try:
        builder = _TEMPLATES[template_name]
    except KeyError:
        raise KeyError(f"Modèle de message inconnu : {template_name}") from None
    return builder(**ctx)


def template_names() -> list[str]:
    return sorted(_TEMPLATES)


def link(path: str) -> str:
    """Absolute URL for a path of the site (``/connexion`` → ``https://…/connexion``)."""
    if path.startswith(("http://", "https://")):
        return path
    return get_settings().public_url + "/" + path.lstrip("/")


def greeting(first_name: str = "") -> str:
    first_name = (first_name or "").strip()
    return f"Bonjour {first_name}," if first_name else "Bonjour,"


def mail_body(first_name: str, *paragraphs: str, url: str = "", after: str = "") -> str:
    """Assemble a mail: greeting, paragraphs, the link on its own line, signature."""
    parts = [greeting(first_name), *paragraphs]
    if url:
        parts.append(link(url))
    if after:
        parts.append(after)
    parts.append(SIGNATURE)
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


_NOT_YOU = "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."


@template("activation")
def activation(url: str, first_name: str = "", valid_for: str = "7 jours") -> tuple[str, str]:
    """Account activation link (sent after « Créer un compte » or an invitation)."""
    subject = "Activez votre compte MyStage"
    body = mail_body(
        first_name,
        "Votre compte MyStage a bien été créé. Pour l'activer, ouvrez ce lien :",
        url=url,
        after=f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n{_NOT_YOU}",
    )
    return subject, body


@template("password_reset")
def password_reset(url: str, first_name: str = "", valid_for: str = "1 heure") -> tuple[str, str]:
    """Password reset link."""
    subject = "Réinitialisez votre mot de passe"
    body = mail_body(
        first_name,
        "Vous avez demandé à changer le mot de passe de votre compte MyStage. "
        "Pour choisir un nouveau mot de passe, ouvrez ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n"
            f"{_NOT_YOU} Votre mot de passe actuel reste valable."
        ),
    )
    return subject, body


@template("magic_link")
def magic_link(url: str, first_name: str = "", valid_for: str = "15 minutes") -> tuple[str, str]:
    """One-click login link (« Recevoir un lien de connexion »)."""
    subject = "Votre lien de connexion à MyStage"
    body = mail_body(
        first_name,
        "Pour vous connecter à MyStage sans mot de passe, ouvrez ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {valid_for} et ne sert qu'une fois. "
            f"Ne le transférez à personne.\n\n{_NOT_YOU}"
        ),
    )
    return subject, body


@template("sms_phone_code")
def sms_phone_code(code: str, valid_minutes: int = 10) -> tuple[str, str]:
    """SMS code confirming a phone number (pupils who sign up with a phone)."""
    return "", (
        f"MyStage : votre code de confirmation est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_reset_code")
def sms_reset_code(code: str, valid_minutes: int = 10) -> tuple[str, str]:
    """SMS code to reset the password of an account identified by its phone."""
    return "", (
        f"MyStage : votre code pour changer de mot de passe est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_magic_link")
def sms_magic_link(url: str, valid_minutes: int = 15) -> tuple[str, str]:
    """SMS with a one-click login link."""
    return "", f"MyStage : votre lien de connexion (valable {valid_minutes} min) : {link(url)}"


@template("generic")
def generic(
    subject: str, message: str, url: str = "", first_name: str = "", link_intro: str = ""
) -> tuple[str, str]:
    """A free message with an optional action link (admin announcements, tests)."""
    paragraphs = [message]
    if url:
        paragraphs.append(link_intro or "Pour continuer, ouvrez ce lien :")
    return subject, mail_body(first_name, *paragraphs, url=url)
