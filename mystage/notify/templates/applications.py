"""Messages about applications: to the school, the employer and the pupil, events, reminders
and nudges."""

from __future__ import annotations

from mystage.notify.sms_text import fit_sms
from mystage.notify.templates.registry import in_sentence, link, mail_body, template


def _week_phrase(week_label: str) -> str:
    """« pour la semaine du 16 au 20 novembre 2026 », « du 15 au 26 juin 2026 (2
    semaines) » (a 2de period of two weeks, labelled « Du … »): lower case inside the
    sentence."""
    if not week_label:
        return ""
    if week_label.startswith("Du "):
        return f" {in_sentence(week_label)}"
    return f" pour la {in_sentence(week_label)}"


@template("app_school_validation_request")
def app_school_validation_request(
    url: str, pupil_name: str, offer_title: str, week_label: str = "", first_name: str = ""
) -> tuple[str, str]:
    """To the school référent: a pupil applied and the school validates applications first."""
    subject = f"Candidature de {pupil_name} à valider"[:200]
    body = mail_body(
        first_name,
        f"{pupil_name} a postulé à l'offre « {offer_title} »{_week_phrase(week_label)}. "
        "Votre établissement valide les candidatures avant leur envoi à l'employeur.",
        "Pour valider ou refuser cette candidature, ouvrez ce lien :",
        url=url,
    )
    return subject, body


@template("app_new_employer")
def app_new_employer(
    url: str, pupil_name: str, offer_title: str, week_label: str = "", first_name: str = ""
) -> tuple[str, str]:
    """To the employer: a new application arrived."""
    subject = f"Nouvelle candidature pour « {offer_title} »"[:200]
    body = mail_body(
        first_name,
        f"{pupil_name} a postulé à votre offre « {offer_title} »{_week_phrase(week_label)}.",
        "Pour lire la candidature et y répondre, ouvrez ce lien :",
        url=url,
        after="Sans réponse de votre part dans les 15 jours, la candidature expire.",
    )
    return subject, body


_PUPIL_EVENTS = {
    # event: (subject, sentence)
    "school_validated": (
        "Ton établissement a validé ta candidature",
        "Ton établissement a validé ta candidature à l'offre « {offer} » : elle est "
        "transmise à l'employeur.",
    ),
    "school_refused": (
        "Ton établissement n'a pas validé ta candidature",
        "Ton établissement n'a pas validé ta candidature à l'offre « {offer} ».",
    ),
    "reviewed": (
        "Ta candidature est à l'étude",
        "L'employeur étudie ta candidature à l'offre « {offer} ».",
    ),
    "accepted": (
        "Ta candidature est acceptée : confirme ton stage",
        "Bonne nouvelle : l'employeur a accepté ta candidature à l'offre « {offer} ». "
        "Confirme ton stage dans les 15 jours, sinon la place sera proposée à un autre élève.",
    ),
    "refused": (
        "Ta candidature n'a pas été retenue",
        "L'employeur n'a pas retenu ta candidature à l'offre « {offer} ». Tu peux postuler à "
        "d'autres offres.",
    ),
    "cancelled_by_employer": (
        "L'employeur a annulé ton stage",
        "L'employeur a annulé ta candidature à l'offre « {offer} ».",
    ),
    "place_unavailable": (
        "La place n'est plus disponible",
        "Un autre élève a confirmé la dernière place de l'offre « {offer} » avant toi. "
        "Tu peux postuler à d'autres offres.",
    ),
    "expired": (
        "Ta candidature a expiré",
        "L'employeur n'a pas répondu à temps à ta candidature à l'offre « {offer} » : elle a "
        "expiré. Tu peux postuler à d'autres offres.",
    ),
    "expired_by_pupil": (
        "Ta candidature acceptée a expiré",
        "Tu n'as pas confirmé dans les 15 jours ton stage à l'offre « {offer} » : la place "
        "est proposée à d'autres élèves.",
    ),
    "confirm_reminder": (
        "N'oublie pas de confirmer ton stage",
        "L'employeur a accepté ta candidature à l'offre « {offer} » : confirme ton stage "
        "au plus vite.",
    ),
}


@template("app_pupil_event")
def app_pupil_event(
    url: str,
    event: str,
    offer_title: str,
    message: str = "",
    first_name: str = "",
    reason: str = "",
) -> tuple[str, str]:
    """To a pupil: a decision or a change on one of their applications (``reason``: the
    label of the employer's refusal reason)."""
    subject, sentence = _PUPIL_EVENTS[event]
    paragraphs = [sentence.format(offer=offer_title)]
    if reason:
        paragraphs.append(f"Motif du refus : {reason}.")
    if message:
        paragraphs.append(f"Message : « {message} »")
    paragraphs.append("Pour voir tes candidatures, ouvre ce lien :")
    return subject, mail_body(first_name, *paragraphs, url=url)


@template("sms_app_pupil_event")
def sms_app_pupil_event(url: str, event: str, offer_title: str = "") -> tuple[str, str]:
    """SMS to a pupil (acceptance, confirm reminder, or when the pupil has no e-mail): the
    offer's title whole when the SMS fits in one segment, else cut at a word with an
    ellipsis (:func:`mystage.notify.sms_text.fit_sms`)."""
    what = {
        "accepted": "candidature acceptée ! Confirme ton stage",
        "confirm_reminder": "pense à confirmer ton stage",
    }.get(event, "ta candidature a changé")
    address = link(url)
    return "", fit_sms(lambda title: f"MyStage : {title} : {what} sur {address}", offer_title)


_EMPLOYER_EVENTS = {
    "confirmed": (
        "Stage confirmé par {pupil}",
        "{pupil} a confirmé son stage pour votre offre « {offer} »{week}.",
    ),
    "cancelled_by_pupil": (
        "{pupil} a annulé sa candidature",
        "{pupil} a annulé sa candidature à votre offre « {offer} »{week}.",
    ),
    "withdrawn": (
        "{pupil} a trouvé un autre stage",
        "{pupil} a confirmé un autre stage pour la même semaine : sa candidature à votre "
        "offre « {offer} »{week} est retirée.",
    ),
}


@template("app_employer_event")
def app_employer_event(
    url: str,
    event: str,
    pupil_name: str,
    offer_title: str,
    week_label: str = "",
    message: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To the employer: the pupil confirmed, cancelled or withdrew an application."""
    subject, sentence = _EMPLOYER_EVENTS[event]
    fmt = {"pupil": pupil_name, "offer": offer_title, "week": _week_phrase(week_label)}
    paragraphs = [sentence.format(**fmt)]
    if message:
        paragraphs.append(f"Message : « {message} »")
    paragraphs.append("Pour voir la candidature, ouvrez ce lien :")
    return subject.format(**fmt)[:200], mail_body(first_name, *paragraphs, url=url)


@template("app_school_event")
def app_school_event(
    url: str, event: str, pupil_name: str, offer_title: str, week_label: str = ""
) -> tuple[str, str]:
    """To the school référent: a pupil's application was accepted, or the pupil confirmed."""
    if event == "confirmed":
        subject = f"{pupil_name} a confirmé son stage"
        text = f"{pupil_name} a confirmé son stage « {offer_title} »{_week_phrase(week_label)}."
    else:
        subject = f"Candidature de {pupil_name} acceptée"
        text = (
            f"L'employeur a accepté la candidature de {pupil_name} à l'offre « {offer_title} »"
            f"{_week_phrase(week_label)}. L'élève doit maintenant confirmer son stage."
        )
    return subject[:200], mail_body("", text, "Pour suivre les candidatures :", url=url)


@template("app_employer_reminder")
def app_employer_reminder(
    url: str, count: int, titles: list[str], first_name: str = ""
) -> tuple[str, str]:
    """Digest to an employer: applications waiting for an answer for 7 days or more."""
    if count == 1:
        subject = "Une candidature attend votre réponse"
        intro = "Une candidature attend votre réponse depuis plus de 7 jours, pour l'offre :"
    else:
        subject = f"{count} candidatures attendent votre réponse"
        what = "l'offre" if len(titles) == 1 else "les offres"
        intro = (
            f"{count} candidatures attendent votre réponse depuis plus de 7 jours, pour {what} :"
        )
    shown = titles[:20]
    lines = "\n".join(f"- {t}" for t in shown)
    if len(titles) > len(shown):
        lines += f"\n- et {len(titles) - len(shown)} autre(s) offre(s)"
    body = mail_body(
        first_name,
        f"{intro}\n{lines}",
        "Sans réponse, une candidature expire 15 jours après son envoi (30 jours si elle est "
        "à l'étude) : l'élève peut alors postuler ailleurs. Pour répondre, ouvrez ce lien :",
        url=url,
    )
    return subject, body


@template("app_single_nudge")
def app_single_nudge(
    url: str, offer_title: str, first_name: str = "", near_school: bool = False
) -> tuple[str, str]:
    """To a pupil with a single application still waiting for an answer after 5 days
    (``url``: the search, around the school's commune when ``near_school``)."""
    subject = "Augmente tes chances : postule à d'autres offres"
    body = mail_body(
        first_name,
        f"Tu as postulé à l'offre « {offer_title} » et tu attends sa réponse. Les employeurs "
        "reçoivent beaucoup de candidatures et ne répondent pas toujours vite : postule à "
        "d'autres offres pour augmenter tes chances de trouver ton stage.",
        "Tu peux postuler à plusieurs offres pour la même semaine : quand tu confirmes un "
        "stage, tes autres candidatures pour cette semaine sont retirées.",
        "Pour voir les offres près de ton établissement, ouvre ce lien :"
        if near_school
        else "Pour chercher d'autres offres, ouvre ce lien :",
        url=url,
    )
    return subject, body


@template("sms_app_single_nudge")
def sms_app_single_nudge(url: str) -> tuple[str, str]:
    """SMS version of app_single_nudge (pupils without an e-mail address)."""
    return "", f"MyStage : augmente tes chances, postule à d'autres offres de stage : {link(url)}"
