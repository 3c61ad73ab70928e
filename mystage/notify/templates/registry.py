"""The registry of message builders: :func:`template` registers one under a name,
:func:`render` builds (subject, body); the shared parts of a mail (:func:`greeting`,
:func:`mail_body`, :func:`link`, :data:`SIGNATURE`)."""

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
