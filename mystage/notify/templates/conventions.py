"""Messages about conventions: whoever must act next (complete, validate, sign), a signature
voided by an edit, the convention signed by all, reminders, the school's list of pupils
whose convention is not signed before the week, and the signing code."""

from __future__ import annotations

from mystage.notify.sms_text import fit_sms
from mystage.notify.templates.registry import in_sentence, link, mail_body, template

_EVENTS = {
    # event: (subject, sentence, what to do)
    "to_employer": (
        "Convention de stage à compléter",
        "{pupil} a confirmé son stage « {offer} » ({week}). La convention de stage est "
        "préparée avec ce que MyStage sait déjà.",
        "Complétez votre partie (représentant, tuteur, horaires, activités) :",
    ),
    "to_school": (
        "Convention de stage à valider",
        "L'employeur a complété la convention de stage de {pupil} « {offer} » ({week}).",
        "Complétez la partie de l'établissement (représentants légaux, professeur référent) "
        "et validez la convention :",
    ),
    "to_employer_again": (
        "Convention de stage modifiée : à revalider",
        "L'employeur a modifié la convention de stage de {pupil} « {offer} » ({week}) après "
        "sa validation.",
        "Vérifiez-la et validez-la de nouveau :",
    ),
    "to_sign": (
        "Convention de stage à signer",
        "La convention de stage de {pupil} « {offer} » ({week}) est prête : elle attend votre "
        "signature.",
        "Pour la lire et la signer (un code vous sera envoyé), ouvrez ce lien :",
    ),
    "reminder": (
        "Rappel : convention de stage à signer",
        "La convention de stage de {pupil} « {offer} » ({week}) attend toujours votre "
        "signature. Sans convention signée, le stage ne peut pas avoir lieu.",
        "Pour la signer, ouvrez ce lien :",
    ),
    "voided": (
        "Votre signature de convention a été annulée",
        "La convention de stage de {pupil} « {offer} » ({week}) a été modifiée après votre "
        "signature : vous aviez signé un autre texte, votre signature est donc annulée.",
        "Relisez la convention modifiée et signez-la de nouveau :",
    ),
    "signed": (
        "Convention de stage signée par tous",
        "La convention de stage de {pupil} « {offer} » ({week}) est signée par toutes les "
        "parties. Le document PDF est scellé par MyStage : tout lecteur PDF montre s'il a été "
        "modifié depuis.",
        "Pour la télécharger (lien personnel, ne le transférez pas) :",
    ),
}


# What the pupil receives of the same events, with « tu » (the recipient's role decides).
_PUPIL_EVENTS = {
    "to_sign": (
        "Ta convention de stage est à signer",
        "Ta convention de stage « {offer} » ({week}) est prête : elle attend ta signature.",
        "Pour la lire et la signer (un code te sera envoyé), ouvre ce lien :",
    ),
    "reminder": (
        "Rappel : ta convention de stage est à signer",
        "Ta convention de stage « {offer} » ({week}) attend toujours ta signature. Sans "
        "convention signée, le stage ne peut pas avoir lieu.",
        "Pour la signer, ouvre ce lien :",
    ),
    "voided": (
        "Ta signature de convention a été annulée",
        "Ta convention de stage « {offer} » ({week}) a été modifiée après ta signature : tu "
        "avais signé un autre texte, ta signature est donc annulée.",
        "Relis la convention modifiée et signe-la de nouveau :",
    ),
    "signed": (
        "Ta convention de stage est signée par tous",
        "Ta convention de stage « {offer} » ({week}) est signée par toutes les parties. Le "
        "document PDF est scellé par MyStage : tout lecteur PDF montre s'il a été modifié "
        "depuis.",
        "Pour la télécharger (lien personnel, ne le transfère pas) :",
    ),
}


@template("conv_event")
def conv_event(
    url: str,
    event: str,
    pupil_name: str,
    offer_title: str,
    week_label: str,
    first_name: str = "",
    tu: bool = False,
) -> tuple[str, str]:
    """A convention's news to one of its parties (``tu``: to the pupil)."""
    events = _PUPIL_EVENTS if tu and event in _PUPIL_EVENTS else _EVENTS
    subject, sentence, action = events[event]
    week = in_sentence(week_label)
    body = mail_body(
        first_name,
        sentence.format(pupil=pupil_name, offer=offer_title, week=week),
        action,
        url=url,
    )
    return subject, body


@template("sms_conv_to_sign")
def sms_conv_to_sign(url: str, pupil_name: str) -> tuple[str, str]:
    """SMS to a legal representative: the convention waits for their signature."""
    address = link(url)
    return "", fit_sms(
        lambda name: (
            f"MyStage : la convention de stage de {name} attend votre signature : {address}"
        ),
        pupil_name,
    )


@template("conv_code")
def conv_code(code: str, count: int = 1, tu: bool = False) -> tuple[str, str]:
    """The signing code, by mail (SMS: :func:`sms_conv_code`); ``tu`` for the pupil."""
    what = "la convention de stage" if count == 1 else f"{count} conventions de stage"
    if tu:
        body = mail_body(
            "",
            f"Ton code pour signer {what} sur MyStage : {code}",
            "Il est valable 10 minutes. Ne le donne à personne : MyStage ne te le demandera "
            "jamais par téléphone. Si tu n'as rien demandé, ignore ce message.",
        )
        return "Ton code de signature MyStage", body
    body = mail_body(
        "",
        f"Votre code pour signer {what} sur MyStage : {code}",
        "Il est valable 10 minutes. Ne le communiquez à personne : MyStage ne vous le "
        "demandera jamais par téléphone. Si vous n'avez rien demandé, ignorez ce message.",
    )
    return "Votre code de signature MyStage", body


@template("sms_conv_code")
def sms_conv_code(code: str, tu: bool = False) -> tuple[str, str]:
    if tu:
        return (
            "",
            f"MyStage : ton code de signature est {code}. Valable 10 min. Ne le donne a personne.",
        )
    return (
        "",
        f"MyStage : votre code de signature est {code}. Valable 10 min. Ne le donnez a personne.",
    )


@template("conv_school_warning")
def conv_school_warning(
    url: str, week_label: str, pupils: list[str], first_name: str = ""
) -> tuple[str, str]:
    """To the school, 5 school days before a week: pupils whose convention is not signed."""
    listed = "\n".join(f"- {p}" for p in pupils[:200])
    more = f"\n… et {len(pupils) - 200} autres." if len(pupils) > 200 else ""
    body = mail_body(
        first_name,
        f"Le stage de la {in_sentence(week_label)} commence dans 5 jours d'école. La convention de ces "
        f"élèves n'est pas signée par toutes les parties ; sans convention signée, le stage "
        f"ne peut pas avoir lieu :\n{listed}{more}",
        "Pour suivre les conventions de l'établissement :",
        url=url,
    )
    return f"Conventions non signées : stage de la {in_sentence(week_label)}"[:200], body
