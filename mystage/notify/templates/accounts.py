"""Messages about accounts: activation, password reset, magic link, phone codes, sign-up
with a known address, and the decisions of the MyStage team on accounts (référents,
heads, employers)."""

from __future__ import annotations

from mystage.notify.templates.registry import link, mail_body, not_you, template


@template("activation")
def activation(
    url: str, first_name: str = "", valid_for: str = "7 jours", tu: bool = False
) -> tuple[str, str]:
    """Account activation link (sent after « Créer un compte » or an invitation); ``tu``
    for a pupil (the recipient's role decides, everywhere)."""
    if tu:
        subject = "Active ton compte MyStage"
        text = "Ton compte MyStage a bien été créé. Pour l'activer, ouvre ce lien :"
    else:
        subject = "Activez votre compte MyStage"
        text = "Votre compte MyStage a bien été créé. Pour l'activer, ouvrez ce lien :"
    body = mail_body(
        first_name,
        text,
        url=url,
        after=f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n{not_you(tu)}",
    )
    return subject, body


@template("password_reset")
def password_reset(
    url: str, first_name: str = "", valid_for: str = "1 heure", tu: bool = False
) -> tuple[str, str]:
    """Password reset link (``tu`` for a pupil)."""
    if tu:
        subject = "Choisis un nouveau mot de passe"
        text = (
            "Tu as demandé à changer le mot de passe de ton compte MyStage. "
            "Pour choisir un nouveau mot de passe, ouvre ce lien :"
        )
        still = "Ton mot de passe actuel reste valable."
    else:
        subject = "Réinitialisez votre mot de passe"
        text = (
            "Vous avez demandé à changer le mot de passe de votre compte MyStage. "
            "Pour choisir un nouveau mot de passe, ouvrez ce lien :"
        )
        still = "Votre mot de passe actuel reste valable."
    body = mail_body(
        first_name,
        text,
        url=url,
        after=(f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n{not_you(tu)} {still}"),
    )
    return subject, body


@template("magic_link")
def magic_link(
    url: str, first_name: str = "", valid_for: str = "15 minutes", tu: bool = False
) -> tuple[str, str]:
    """One-click login link (« Recevoir un lien de connexion »; ``tu`` for a pupil)."""
    if tu:
        subject = "Ton lien de connexion à MyStage"
        text = "Pour te connecter à MyStage sans mot de passe, ouvre ce lien :"
        keep = "Ne le transfère à personne."
    else:
        subject = "Votre lien de connexion à MyStage"
        text = "Pour vous connecter à MyStage sans mot de passe, ouvrez ce lien :"
        keep = "Ne le transférez à personne."
    body = mail_body(
        first_name,
        text,
        url=url,
        after=(f"Ce lien est valable {valid_for} et ne sert qu'une fois. {keep}\n\n{not_you(tu)}"),
    )
    return subject, body


@template("sms_phone_code")
def sms_phone_code(code: str, valid_minutes: int = 10, tu: bool = False) -> tuple[str, str]:
    """SMS code confirming a phone number (pupils who sign up with a phone: ``tu``)."""
    if tu:
        return "", (
            f"MyStage : ton code de confirmation est {code}. "
            f"Valable {valid_minutes} min. Ne le donne à personne."
        )
    return "", (
        f"MyStage : votre code de confirmation est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_reset_code")
def sms_reset_code(code: str, valid_minutes: int = 10, tu: bool = False) -> tuple[str, str]:
    """SMS code to reset the password of an account identified by its phone."""
    if tu:
        return "", (
            f"MyStage : ton code pour changer de mot de passe est {code}. "
            f"Valable {valid_minutes} min. Ne le donne à personne."
        )
    return "", (
        f"MyStage : votre code pour changer de mot de passe est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_magic_link")
def sms_magic_link(url: str, valid_minutes: int = 15, tu: bool = False) -> tuple[str, str]:
    """SMS with a one-click login link."""
    yours = "ton" if tu else "votre"
    return "", f"MyStage : {yours} lien de connexion (valable {valid_minutes} min) : {link(url)}"


@template("signup_existing")
def signup_existing(
    first_name: str = "",
    login_url: str = "/connexion",
    reset_url: str = "/mot-de-passe/oublie",
    resend_url: str = "/activation/renvoyer",
    pending: bool = False,
    tu: bool = False,
) -> tuple[str, str]:
    """Someone signed up with the address of an existing account: nothing was created
    (the form answered as for a new address, so it never tells who has an account);
    ``tu`` when that account is a pupil's."""
    if tu:
        subject = "Quelqu'un a voulu créer un compte MyStage avec ton adresse"
        if pending:
            yours = (
                "Si c'était toi : ton compte n'est pas encore activé. Demande un nouveau "
                f"lien d'activation ici :\n{link(resend_url)}"
            )
        else:
            yours = (
                "Si c'était toi : tu n'as pas besoin d'un nouveau compte. Connecte-toi "
                f"avec ton mot de passe habituel :\n{link(login_url)}\n\n"
                f"Mot de passe oublié ? Choisis-en un nouveau ici :\n{link(reset_url)}"
            )
        paragraphs = (
            "Quelqu'un vient de demander la création d'un compte MyStage avec cette adresse "
            "électronique. Tu as déjà un compte MyStage avec cette adresse : aucun nouveau "
            "compte n'a été créé et le tien n'a pas été modifié.",
            yours,
            "Si ce n'était pas toi, tu n'as rien à faire : personne ne peut créer un autre "
            "compte avec ton adresse.",
        )
        return subject, mail_body(first_name, *paragraphs)
    subject = "Quelqu'un a voulu créer un compte MyStage avec votre adresse"
    if pending:
        yours = (
            "Si c'était vous : votre compte n'est pas encore activé. Demandez un nouveau "
            f"lien d'activation ici :\n{link(resend_url)}"
        )
    else:
        yours = (
            "Si c'était vous : vous n'avez pas besoin d'un nouveau compte. Connectez-vous "
            f"avec votre mot de passe habituel :\n{link(login_url)}\n\n"
            f"Mot de passe oublié ? Choisissez-en un nouveau ici :\n{link(reset_url)}"
        )
    body = mail_body(
        first_name,
        "Quelqu'un vient de demander la création d'un compte MyStage avec cette adresse "
        "électronique. Vous avez déjà un compte MyStage avec cette adresse : aucun nouveau "
        "compte n'a été créé et le vôtre n'a pas été modifié.",
        yours,
        "Si ce n'était pas vous, vous n'avez rien à faire : personne ne peut créer un autre "
        "compte avec votre adresse.",
    )
    return subject, body


@template("sms_signup_existing")
def sms_signup_existing(tu: bool = False) -> tuple[str, str]:
    """Phone-only sign-up with the number of an existing account (GSM 7-bit, one segment)."""
    if tu:
        return "", (
            "MyStage : quelqu'un a voulu créer un compte avec ton numéro. Tu en as déjà "
            "un : connecte-toi ou utilise Mot de passe oublié. Sinon, rien à faire."
        )
    return "", (
        "MyStage : quelqu'un a voulu créer un compte avec votre numéro. Vous en avez déjà "
        "un : connectez-vous ou utilisez Mot de passe oublié. Sinon, rien à faire."
    )


@template("generic")
def generic(
    subject: str, message: str, url: str = "", first_name: str = "", link_intro: str = ""
) -> tuple[str, str]:
    """A free message with an optional action link (admin announcements, tests)."""
    paragraphs = [message]
    if url:
        paragraphs.append(link_intro or "Pour continuer, ouvrez ce lien :")
    return subject, mail_body(first_name, *paragraphs, url=url)


@template("referent_request")
def referent_request(
    url: str,
    requester_name: str,
    requester_email: str,
    role_label: str,
    territory: str = "",
    job_title: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To every administrator: a référent confirmed their address and awaits validation."""
    who = f"{requester_name} ({requester_email})" if requester_email else requester_name
    what = role_label.lower()
    if territory:
        what = f"{what} — {territory}"
    details = f" Fonction indiquée : {job_title}." if job_title else ""
    subject = "Nouvelle demande de compte référent"
    body = mail_body(
        first_name,
        f"{who} a confirmé son adresse électronique et demande un compte de {what}.{details}",
        "Ce compte donne accès aux statistiques et aux exports de son territoire : vérifiez "
        "que cette personne occupe bien cette fonction avant de valider. Pour valider ou "
        "refuser la demande, ouvrez l'administration :",
        url=url,
    )
    return subject, body


@template("account_validation_decision")
def account_validation_decision(
    url: str, accepted: bool, role_label: str = "", referent: bool = False, first_name: str = ""
) -> tuple[str, str]:
    """To a person whose account awaited the MyStage team: validated or refused."""
    if accepted and referent:
        subject = "Votre compte référent MyStage est validé"
        text = (
            f"L'équipe MyStage a validé votre compte de {role_label.lower()}. Vous pouvez "
            "dès maintenant consulter les statistiques et les exports de votre territoire :"
        )
    elif accepted:
        subject = "Votre compte MyStage est validé"
        text = "L'équipe MyStage a validé votre compte. Vous pouvez dès maintenant vous connecter :"
    else:
        subject = "Votre demande de compte MyStage"
        what = f" de {role_label.lower()}" if role_label else ""
        text = (
            f"Nous vous remercions de votre demande de compte{what} sur MyStage. Après "
            "vérification, l'équipe MyStage n'a pas pu la valider. Si vous pensez qu'il "
            "s'agit d'une erreur, répondez à ce message en précisant votre fonction et votre "
            "service : nous réexaminerons volontiers votre demande."
        )
        return subject, mail_body(first_name, text)
    return subject, mail_body(first_name, text, url=url)
