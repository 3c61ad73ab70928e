"""Back office (issue 18), structures and operators: a structure merged into another, a
structure suspended or reinstated, an operator's new account.  Adults only: « vous »."""

from __future__ import annotations

from mystage.notify.templates.registry import mail_body, template


@template("structure_merged")
def structure_merged(
    url: str,
    duplicate_name: str,
    target_name: str,
    is_target_owner: bool = False,
    first_name: str = "",
) -> tuple[str, str]:
    """To both owners: the MyStage team merged a duplicate structure into another one."""
    subject = f"Votre structure {target_name} sur MyStage : doublon regroupé"[:200]
    if is_target_owner:
        text = (
            f"L'équipe MyStage a regroupé la structure en double « {duplicate_name} » avec "
            f"{target_name}, dont vous êtes responsable : ses membres, ses offres et ses "
            "espaces font maintenant partie de votre structure."
        )
    else:
        text = (
            f"L'équipe MyStage a constaté que « {duplicate_name} » était un doublon de "
            f"{target_name} et les a regroupées : vos offres, vos candidatures et votre "
            f"compte sont maintenant rattachés à {target_name}. Vous restez membre de "
            "l'équipe ; son responsable gère la fiche de la structure."
        )
    body = mail_body(
        first_name,
        text,
        "Votre espace :",
        url=url,
        after="Si ce regroupement vous semble une erreur, répondez à ce message.",
    )
    return subject, body


@template("structure_suspended")
def structure_suspended(
    url: str, structure_name: str, reason: str = "", first_name: str = ""
) -> tuple[str, str]:
    """To every member: the MyStage team suspended the structure (offers out of the search)."""
    subject = f"{structure_name} est suspendue sur MyStage"[:200]
    paragraphs = [
        f"L'équipe MyStage a suspendu la structure {structure_name} : ses offres ne sont "
        "plus visibles dans la recherche et ne peuvent pas être publiées pendant la "
        "suspension. Les candidatures déjà reçues restent consultables."
    ]
    if reason.strip():
        paragraphs.append("Motif : " + reason.strip())
    paragraphs.append("Votre espace :")
    body = mail_body(
        first_name,
        *paragraphs,
        url=url,
        after="Pour en savoir plus ou contester cette décision, répondez à ce message.",
    )
    return subject, body


@template("structure_reinstated")
def structure_reinstated(url: str, structure_name: str, first_name: str = "") -> tuple[str, str]:
    """To every member: the suspension is lifted (offers may be published again)."""
    subject = f"{structure_name} n'est plus suspendue sur MyStage"[:200]
    body = mail_body(
        first_name,
        f"L'équipe MyStage a levé la suspension de {structure_name}. Vous pouvez de nouveau "
        "publier vos offres ; celles qui avaient été retirées de la recherche sont à "
        "republier depuis votre tableau de bord :",
        url=url,
    )
    return subject, body


@template("operator_account")
def operator_account(
    url: str, operator_name: str, valid_for: str = "7 jours", first_name: str = ""
) -> tuple[str, str]:
    """To a partner association's new user: choose a password to open the account."""
    subject = f"Votre compte opérateur {operator_name} sur MyStage"[:200]
    body = mail_body(
        first_name,
        f"L'équipe MyStage vous a créé un compte pour l'opérateur {operator_name}. Pour "
        "l'ouvrir, choisissez votre mot de passe avec ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {valid_for} et ne sert qu'une fois. Si vous ne connaissez "
            "pas cet opérateur, ignorez ce message."
        ),
    )
    return subject, body
