"""« Mon équipe » (employers): invitation to join a structure, ownership handed over, a
member removed.  Adults only: « vous »."""

from __future__ import annotations

from mystage.notify.templates.registry import mail_body, template


@template("team_invitation")
def team_invitation(
    url: str, structure_name: str, inviter_name: str = "", days: int = 14, first_name: str = ""
) -> tuple[str, str]:
    """To an invited colleague: the single-use link to join the structure's team."""
    who = inviter_name or "Le responsable"
    subject = f"Invitation à rejoindre l'équipe de {structure_name} sur MyStage"[:200]
    body = mail_body(
        first_name,
        f"{who} vous invite à rejoindre l'équipe de {structure_name} sur MyStage. Vous "
        "pourrez déposer des offres de stage, traiter les candidatures et signer les "
        "conventions de la structure.",
        "Pour accepter l'invitation (création de votre compte ou connexion), ouvrez ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {days} jours et ne sert qu'une fois. Si vous ne connaissez "
            "pas cette structure, ignorez ce message."
        ),
    )
    return subject, body


@template("team_ownership")
def team_ownership(
    url: str, structure_name: str, new_owner_name: str, is_new_owner: bool, first_name: str = ""
) -> tuple[str, str]:
    """To both people concerned: the structure's owner changed."""
    subject = f"Nouveau responsable de {structure_name} sur MyStage"[:200]
    if is_new_owner:
        text = (
            f"Vous êtes maintenant le responsable de {structure_name} sur MyStage : vous "
            "gérez l'équipe (invitations, demandes, membres) et la fiche de la structure."
        )
    else:
        text = (
            f"Vous avez confié la responsabilité de {structure_name} à {new_owner_name}. "
            "Vous restez membre de l'équipe."
        )
    body = mail_body(
        first_name,
        text,
        "Votre équipe :",
        url=url,
        after="Si vous n'êtes pas à l'origine de ce changement, contactez l'assistance.",
    )
    return subject, body


@template("team_removed")
def team_removed(url: str, structure_name: str, first_name: str = "") -> tuple[str, str]:
    """To a member removed from the team by the owner."""
    subject = f"Vous ne faites plus partie de l'équipe de {structure_name}"[:200]
    body = mail_body(
        first_name,
        f"Le responsable de {structure_name} vous a retiré de l'équipe sur MyStage. Vous "
        "n'avez plus accès aux offres ni aux candidatures de la structure ; votre compte "
        "reste ouvert.",
        "Votre espace :",
        url=url,
    )
    return subject, body
