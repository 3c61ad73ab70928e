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


def in_sentence(label: str) -> str:
    """A label that starts a line (« Semaine du 14 au 18 décembre 2026 ») as written inside
    a sentence (« semaine du 14 au 18 décembre 2026 »): a capital followed by a small letter
    is lowered, nothing else (the same rule as ``services.weeks.in_sentence``; notify does
    not import services)."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


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
_NOT_YOU_TU = "Si tu n'es pas à l'origine de cette demande, ignore ce message."


def not_you(tu: bool = False) -> str:
    """« Si vous n'êtes pas à l'origine de cette demande… » (« tu » for a pupil)."""
    return _NOT_YOU_TU if tu else _NOT_YOU
