"""The mails and SMS of the school side (staff request, decision, invitation; a listed
pupil's invitation, the recorded authorization, « Relancer ») and how they are queued."""

from __future__ import annotations

from sqlmodel import Session

from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms


@templates.template("school_staff_request")
def _tpl_staff_request(
    url: str,
    school_name: str,
    requester_name: str,
    requester_email: str = "",
    function_label: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To the head: a staff member signed up and asks to join the school's space."""
    details = ", ".join(x for x in (function_label, requester_email) if x)
    who = f"{requester_name} ({details})" if details else requester_name
    subject = f"Demande d'accès à l'espace de {school_name}"[:200]
    body = templates.mail_body(
        first_name,
        f"{who} a créé un compte MyStage et demande à rejoindre l'espace de votre "
        "établissement. Une fois accepté(e), cette personne pourra suivre les élèves et "
        "leurs candidatures, selon les droits que vous lui donnerez.",
        "Pour accepter ou refuser cette demande, ouvrez ce lien :",
        url=url,
        after="Si vous ne connaissez pas cette personne, refusez la demande.",
    )
    return subject, body


@templates.template("school_staff_decision")
def _tpl_staff_decision(
    url: str, school_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To a staff member: the head accepted (or refused) the request."""
    if accepted:
        subject = f"Votre accès à l'espace de {school_name} est ouvert"[:200]
        text = (
            f"Le chef d'établissement a accepté votre demande : vous pouvez maintenant "
            f"suivre les élèves de {school_name} et leurs candidatures."
        )
    else:
        subject = f"Votre demande d'accès à {school_name}"[:200]
        text = (
            f"Le chef d'établissement de {school_name} n'a pas accepté votre demande. Si vous "
            "pensez qu'il s'agit d'une erreur, adressez-vous à lui directement."
        )
    return subject, templates.mail_body(first_name, text, url=url)


@templates.template("school_invitation")
def _tpl_invitation(
    url: str, school_name: str, inviter_name: str, function_label: str, valid_for: str = "14 jours"
) -> tuple[str, str]:
    """To a staff member invited by the head: the link to create the account."""
    subject = f"Invitation à rejoindre l'espace de {school_name} sur MyStage"[:200]
    role = f" en tant que {function_label.lower()}" if function_label else ""
    body = templates.mail_body(
        "",
        f"{inviter_name or 'Le chef d’établissement'} vous invite à rejoindre l'espace de "
        f"{school_name}{role} sur MyStage, la plateforme des stages d'observation : vous "
        "pourrez y suivre les élèves et leurs candidatures.",
        f"Pour créer votre compte, ouvrez ce lien (valable {valid_for}, une seule fois) :",
        url=url,
        after="Si vous ne travaillez pas dans cet établissement, ignorez ce message.",
    )
    return subject, body


def send_mail(s: Session, to: str, template: str, key: str, user_id: int | None = None, **ctx):
    subject, body = templates.render(template, **ctx)
    queue_mail(
        s, to=to, subject=subject, body=body, action_url=templates.link(ctx["url"]),
        template=template, user_id=user_id, dedupe_key=key[:200],
    )  # fmt: skip


@templates.template("class_invitation")
def _tpl_class_invitation(
    url: str,
    pupil_first_name: str,
    pupil_name: str,
    school_name: str,
    class_name: str,
    inviter_name: str = "",
    valid_for: str = "30 jours",
) -> tuple[str, str]:
    """To a listed pupil (or a parent, when the contact is theirs): the link to create the
    pupil's account, already attached to the school and the class."""
    subject = f"{pupil_first_name}, crée ton compte MyStage pour ton stage d'observation"[:200]
    who = inviter_name or "Ton établissement"
    body = templates.mail_body(
        pupil_first_name,
        f"{who} ({school_name}) t'invite à créer ton compte sur MyStage, la plateforme des "
        f"stages d'observation, pour la classe {class_name} : tu pourras y chercher ton stage "
        "et envoyer tes candidatures.",
        f"Pour créer ton compte, ouvre ce lien (valable {valid_for}, une seule fois) : ton "
        "établissement et ta classe sont déjà remplis.",
        url=url,
        after=(
            f"Vous êtes le parent de {pupil_name} ? Transmettez-lui ce message, ou créez son "
            "compte avec lui. Si vous ne connaissez pas cet élève, ignorez ce message."
        ),
    )
    return subject, body


@templates.template("sms_class_invitation")
def _tpl_sms_class_invitation(url: str, pupil_first_name: str, class_name: str) -> tuple[str, str]:
    """SMS of :func:`_tpl_class_invitation` (one segment with the link: the class is named
    on the page the link opens)."""
    first = (pupil_first_name or "")[:20]
    return "", f"MyStage : {first}, crée ton compte de stage : {templates.link(url)}"


@templates.template("authorization_recorded")
def _tpl_authorization_recorded(
    url: str, first_name: str = "", school_name: str = ""
) -> tuple[str, str]:
    """To a pupil: the school recorded the parents' authorization, applying is open."""
    where = f"Ton établissement ({school_name})" if school_name else "Ton établissement"
    body = templates.mail_body(
        first_name,
        f"{where} a enregistré l'autorisation de tes parents : tu peux maintenant postuler "
        "aux offres de stage.",
        "Pour retrouver les offres que tu as mises en favori et postuler, ouvre ce lien :",
        url=url,
    )
    return "Tu peux maintenant postuler", body


@templates.template("sms_authorization_recorded")
def _tpl_sms_authorization_recorded(url: str) -> tuple[str, str]:
    return (
        "",
        f"MyStage : autorisation de tes parents enregistrée, tu peux maintenant postuler : {templates.link(url)}",
    )


@templates.template("class_reminder")
def _tpl_class_reminder(url: str, first_name: str = "", class_name: str = "") -> tuple[str, str]:
    """To a pupil of the class without an application (« Relancer », once a week at most)."""
    body = templates.mail_body(
        first_name,
        f"Ton professeur te rappelle de chercher ton stage d'observation : tu n'as encore "
        f"envoyé aucune candidature{f' ({class_name})' if class_name else ''}. Les places "
        "partent vite : choisis quelques offres et postule dès maintenant.",
        "Pour chercher des offres, ouvre ce lien :",
        url=url,
    )
    return "Pense à chercher ton stage", body


@templates.template("sms_class_reminder")
def _tpl_sms_class_reminder(url: str) -> tuple[str, str]:
    return (
        "",
        f"MyStage : tu n'as encore envoyé aucune candidature de stage. Postule vite : {templates.link(url)}",
    )


def send_sms(s: Session, to: str, template: str, key: str, user_id: int | None = None, **ctx):
    _subject, body = templates.render(template, **ctx)
    queue_sms(
        s, to=to, body=body, action_url=templates.link(ctx["url"]), template=template,
        user_id=user_id, dedupe_key=key[:200],
    )  # fmt: skip
