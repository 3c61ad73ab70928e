"""Messages of « Mon compte »: the link confirming a new e-mail address, the SMS code of a new
mobile number, and the notices telling the person that their address, number or password
changed (« tu » for a pupil, « vous » for everyone else: the recipient's role decides)."""

from __future__ import annotations

from mystage.notify.templates.registry import mail_body, template

_SECURE = (
    "Si vous n'êtes pas à l'origine de ce changement, choisissez tout de suite un nouveau mot "
    "de passe avec « Mot de passe oublié ? » sur la page de connexion, puis prévenez l'équipe "
    "MyStage."
)
_SECURE_TU = (
    "Si tu n'es pas à l'origine de ce changement, choisis tout de suite un nouveau mot de "
    "passe avec « Mot de passe oublié ? » sur la page de connexion, puis préviens ton "
    "professeur principal ou l'équipe MyStage."
)


def _secure(tu: bool) -> str:
    return _SECURE_TU if tu else _SECURE


@template("email_change_link")
def email_change_link(
    url: str, first_name: str = "", valid_for: str = "24 heures", tu: bool = False
) -> tuple[str, str]:
    """To the NEW address: open the link to make it the account's address."""
    if tu:
        subject = "Confirme ta nouvelle adresse MyStage"
        text = (
            "Tu as demandé à utiliser cette adresse électronique pour ton compte MyStage. "
            "Pour confirmer, ouvre ce lien :"
        )
        ignore = "Si tu n'es pas à l'origine de cette demande, ignore ce message : rien ne change."
    else:
        subject = "Confirmez votre nouvelle adresse MyStage"
        text = (
            "Vous avez demandé à utiliser cette adresse électronique pour votre compte "
            "MyStage. Pour confirmer, ouvrez ce lien :"
        )
        ignore = (
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne change."
        )
    body = mail_body(
        first_name,
        text,
        url=url,
        after=f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n{ignore}",
    )
    return subject, body


@template("email_change_requested")
def email_change_requested(
    new_email: str, first_name: str = "", tu: bool = False
) -> tuple[str, str]:
    """To the OLD address when a change is asked (it stays the account's address until the
    link sent to the new one is opened)."""
    if tu:
        subject = "Changement d'adresse demandé sur ton compte MyStage"
        text = (
            f"Une demande de changement d'adresse électronique a été faite sur ton compte "
            f"MyStage : la nouvelle adresse serait {new_email}. Le changement se fera quand le "
            "lien envoyé à cette adresse sera ouvert ; d'ici là, rien ne change."
        )
    else:
        subject = "Changement d'adresse demandé sur votre compte MyStage"
        text = (
            f"Une demande de changement d'adresse électronique a été faite sur votre compte "
            f"MyStage : la nouvelle adresse serait {new_email}. Le changement se fera quand le "
            "lien envoyé à cette adresse sera ouvert ; d'ici là, rien ne change."
        )
    return subject, mail_body(first_name, text, _secure(tu))


@template("email_changed")
def email_changed(new_email: str, first_name: str = "", tu: bool = False) -> tuple[str, str]:
    """To the OLD address once the new one is confirmed."""
    yours = "ton" if tu else "votre"
    subject = f"L'adresse de {yours} compte MyStage a changé"
    text = (
        f"L'adresse électronique de {yours} compte MyStage est désormais {new_email}. "
        "Les prochains messages de MyStage arriveront à cette adresse."
    )
    return subject, mail_body(first_name, text, _secure(tu))


@template("phone_changed")
def phone_changed(first_name: str = "", tu: bool = False) -> tuple[str, str]:
    """By mail when the mobile number of the account changed."""
    yours = "ton" if tu else "votre"
    subject = f"Le numéro de téléphone de {yours} compte MyStage a changé"
    text = (
        f"Le numéro de téléphone portable de {yours} compte MyStage vient d'être changé. "
        "Les SMS de MyStage arriveront désormais à ce nouveau numéro."
    )
    return subject, mail_body(first_name, text, _secure(tu))


@template("password_changed")
def password_changed(first_name: str = "", tu: bool = False) -> tuple[str, str]:
    """By mail when the password was changed from « Mon compte »."""
    if tu:
        subject = "Ton mot de passe MyStage a changé"
        text = (
            "Le mot de passe de ton compte MyStage vient d'être changé. Tes autres sessions "
            "(sur d'autres appareils) ont été fermées."
        )
    else:
        subject = "Votre mot de passe MyStage a changé"
        text = (
            "Le mot de passe de votre compte MyStage vient d'être changé. Vos autres sessions "
            "(sur d'autres appareils) ont été fermées."
        )
    return subject, mail_body(first_name, text, _secure(tu))


# SMS: one segment, GSM 7-bit characters only (no ê, ô, î, ç).


@template("sms_phone_change_code")
def sms_phone_change_code(code: str, valid_minutes: int = 15, tu: bool = False) -> tuple[str, str]:
    """The code that confirms a new mobile number."""
    if tu:
        return "", (
            f"MyStage : ton code pour confirmer ce nouveau numéro est {code}. "
            f"Valable {valid_minutes} min. Ne le donne à personne."
        )
    return "", (
        f"MyStage : votre code pour confirmer ce nouveau numéro est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_account_changed")
def sms_account_changed(what: str = "phone", tu: bool = False) -> tuple[str, str]:
    """To the account's phone when it has no e-mail address: the number (sent to the OLD
    number) or the password changed."""
    yours = "ton" if tu else "votre"
    thing = "Le numéro de" if what == "phone" else "Le mot de passe de"
    not_you = (
        "Si ce n'est pas toi, choisis un nouveau mot de passe."
        if tu
        else "Si ce n'est pas vous, choisissez un nouveau mot de passe."
    )
    return "", f"MyStage : {thing} {yours} compte a été changé. {not_you}"
