"""The mails of the school side (staff request, decision, invitation) and how they are queued."""

from __future__ import annotations

from sqlmodel import Session

from mystage.notify import templates
from mystage.notify.outbox import queue_mail


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
