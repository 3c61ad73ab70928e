"""Messages of the back office's « Utilisateurs » page: an account blocked or unblocked by the
MyStage team, a profile changed (« tu » for a pupil, « vous » for everyone else)."""

from __future__ import annotations

from mystage.notify.templates.registry import mail_body, template


@template("account_blocked")
def account_blocked(reason: str = "", first_name: str = "", tu: bool = False) -> tuple[str, str]:
    """The account can no longer be used (every session closed)."""
    why = f"Motif : {reason.strip()}" if reason and reason.strip() else ""
    if tu:
        subject = "Ton compte MyStage est bloqué"
        text = "L'équipe MyStage a bloqué ton compte : tu ne peux plus te connecter pour le moment."
        after = (
            "Pour en savoir plus, parle-en à ton professeur principal ou écris à l'équipe MyStage."
        )
    else:
        subject = "Votre compte MyStage est bloqué"
        text = (
            "L'équipe MyStage a bloqué votre compte : vous ne pouvez plus vous connecter "
            "pour le moment."
        )
        after = "Pour en savoir plus ou contester cette décision, écrivez à l'équipe MyStage."
    return subject, mail_body(first_name, text, *([why] if why else []), after)


@template("account_unblocked")
def account_unblocked(first_name: str = "", tu: bool = False) -> tuple[str, str]:
    """The account works again."""
    if tu:
        subject = "Ton compte MyStage est débloqué"
        text = "L'équipe MyStage a débloqué ton compte : tu peux de nouveau te connecter."
    else:
        subject = "Votre compte MyStage est débloqué"
        text = "L'équipe MyStage a débloqué votre compte : vous pouvez de nouveau vous connecter."
    return subject, mail_body(first_name, text, url="/connexion")


@template("account_role_changed")
def account_role_changed(role_label: str, first_name: str = "") -> tuple[str, str]:
    """The account's profile (role) was changed by an administrator (adults only)."""
    subject = "Votre profil MyStage a changé"
    text = (
        f"L'équipe MyStage a changé le profil de votre compte : vous êtes désormais "
        f"« {role_label} ». Votre espace s'adapte à votre prochaine connexion."
    )
    after = "Si ce changement vous surprend, écrivez à l'équipe MyStage."
    return subject, mail_body(first_name, text, url="/espace", after=after)
