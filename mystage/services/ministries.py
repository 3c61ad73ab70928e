"""Ministères et institutions de tutelle of public employers (« Institution de tutelle »).

A public structure (« Structure publique ») declares the ministry or institution it
depends on; its offers carry it (``offers.ministry``, copied from the offer form's step 1,
prefilled from the structure), and a référent central may be bound to one of them
(``users.ministry``): its « Statistiques » and exports then cover that ministry's offers
only, in all of France (:func:`mystage.services.stats.scope_for`).

The list follows the public « groupes » of the national platform (monstagedetroisieme.fr /
1élève1stage: ``groups`` with ``is_public``, one per ministry or institution, chosen at the
offer form's first step and used by the ministry statisticians and by the statistics export
« Groupe ou Institution de tutelle »), reduced to the ministries' usual perimeters plus the
two non-State public employers schools deal with most.  Fixed in code on purpose: slugs are
stored in the database, so a slug is never renamed or reused (a label may be reworded).
An administration page to edit the list (and to merge ministries after a reshuffle) is
future work.
"""

from __future__ import annotations

from typing import Any

MAX_LENGTH = 40  # the columns' size (structures, offers, users)

# slug → label, in the order of the select lists.
MINISTRIES: dict[str, str] = {
    "education-nationale": "Ministère de l'Éducation nationale",
    "enseignement-superieur": "Ministère de l'Enseignement supérieur et de la Recherche",
    "armees": "Ministère des Armées",
    "interieur": "Ministère de l'Intérieur",
    "justice": "Ministère de la Justice",
    "economie-finances": "Ministères économiques et financiers",
    "transition-ecologique": "Ministère de la Transition écologique",
    "sante-travail": "Ministères sociaux (santé, travail, solidarités)",
    "culture": "Ministère de la Culture",
    "agriculture": "Ministère de l'Agriculture et de la Souveraineté alimentaire",
    "affaires-etrangeres": "Ministère de l'Europe et des Affaires étrangères",
    "sports": "Ministère des Sports, de la Jeunesse et de la Vie associative",
    "outre-mer": "Ministère des Outre-mer",
    "services-premier-ministre": "Services du Premier ministre",
    "collectivite-territoriale": "Collectivité territoriale",
    "etablissement-hospitalier": "Établissement public hospitalier",
}
# (slug, label) pairs, in the same order: the options of a select list.
OPTIONS: list[tuple[str, str]] = list(MINISTRIES.items())

MSG_REQUIRED = "Choisissez l'institution de tutelle de la structure publique."
MSG_UNKNOWN = "Institution de tutelle inconnue : choisissez-la dans la liste."
MSG_REFERENT_UNKNOWN = "Ministère inconnu : choisissez-le dans la liste, ou laissez vide."


def is_known(slug: Any) -> bool:
    return isinstance(slug, str) and slug in MINISTRIES


def label(slug: Any) -> str:
    """The label of a slug ("" for "" or None; the slug itself if it left the list)."""
    if not isinstance(slug, str) or not slug:
        return ""
    return MINISTRIES.get(slug, slug)


def choices() -> list[dict[str, str]]:
    """``[{"value": slug, "label": label}]`` for a select."""
    return [{"value": k, "label": v} for k, v in MINISTRIES.items()]


def raw(value: Any) -> str:
    """What was sent, as a short string (anything else: "")."""
    return value.strip()[:MAX_LENGTH] if isinstance(value, str) else ""


def check_public(value: Any, is_public: bool) -> tuple[str, str | None]:
    """A structure's or an offer's « Institution de tutelle »: ``(slug, error)``.

    Required and from the list for a public structure; cleared ("") for a private one
    (whatever was sent)."""
    if not is_public:
        return "", None
    slug = raw(value)
    if not slug:
        return "", MSG_REQUIRED
    if not is_known(slug):
        return slug, MSG_UNKNOWN
    return slug, None


def territory(slug: Any) -> str:
    """A référent central's territory: « France entière » or « France entière — <label> »."""
    name = label(slug)
    return f"France entière — {name}" if name else "France entière"
