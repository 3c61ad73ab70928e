"""« Mes données »: the person's data file was prepared in the background (link for them
only).  « tu » for a pupil, « vous » for everyone else."""

from __future__ import annotations

from mystage.notify.templates.registry import link, mail_body, template


@template("my_data_ready")
def my_data_ready(
    url: str, first_name: str = "", valid_for: str = "7 jours", tu: bool = False
) -> tuple[str, str]:
    """To a person who asked for « Mes données »: the zip is ready."""
    if tu:
        subject = "Tes données MyStage sont prêtes"
        intro = (
            "Le fichier de tes données personnelles que tu as demandé sur MyStage est prêt. "
            "Télécharge-le avec ce lien :"
        )
        after = (
            f"Le lien est valable {valid_for}. Il ne s'ouvre que si tu es connecté(e) à ton "
            "compte. Ce fichier contient tes données personnelles : garde-le pour toi.\n\n"
            "Si tu n'as rien demandé, change ton mot de passe."
        )
    else:
        subject = "Vos données MyStage sont prêtes"
        intro = (
            "Le fichier de vos données personnelles que vous avez demandé sur MyStage est "
            "prêt. Téléchargez-le avec ce lien :"
        )
        after = (
            f"Le lien est valable {valid_for}. Il ne s'ouvre que si vous êtes connecté avec "
            "votre compte. Ce fichier contient vos données personnelles : ne le transférez "
            "pas.\n\nSi vous n'avez rien demandé, changez votre mot de passe."
        )
    return subject, mail_body(first_name, intro, url=url, after=after)


@template("sms_my_data_ready")
def sms_my_data_ready(url: str, tu: bool = False) -> tuple[str, str]:
    """SMS (account without e-mail): the zip is ready."""
    if tu:
        return "", f"MyStage : le fichier de tes données est prêt : {link(url)}"
    return "", f"MyStage : le fichier de vos données est prêt : {link(url)}"
