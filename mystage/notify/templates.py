"""Plain-French message builders: each returns ``(subject, body)``.

Mails: a short subject (no capitals shouting), a greeting, one sentence saying why the
mail arrives, the action link on its own line, how long it is valid, what to do if the
reader did not ask for it, and the signature « L'équipe MyStage ».  SMS: ``subject`` is
empty and the body stays within one segment, using only characters of the GSM 7-bit
alphabet (é, è, à, ù are in it; ê, ô, î, ç are not).

Later issues add their messages with ``@template("name")`` and call
``render("name", **ctx)``; :func:`link` turns a path into an absolute URL for mails.
"""

from __future__ import annotations

from collections.abc import Callable

from mystage.settings import get_settings

SIGNATURE = "L'équipe MyStage"

Builder = Callable[..., tuple[str, str]]
_TEMPLATES: dict[str, Builder] = {}


def template(name: str) -> Callable[[Builder], Builder]:
    """Register a builder under ``name`` for :func:`render`."""

    def register(fn: Builder) -> Builder:
        if name in _TEMPLATES and _TEMPLATES[name] is not fn:
            raise ValueError(f"Modèle de message déjà déclaré : {name}")
        _TEMPLATES[name] = fn
        return fn

    return register


def render(template_name: str, **ctx) -> tuple[str, str]:
    """Build the message ``template_name`` with ``ctx``; KeyError if the template is unknown."""
    try:
        builder = _TEMPLATES[template_name]
    except KeyError:
        raise KeyError(f"Modèle de message inconnu : {template_name}") from None
    return builder(**ctx)


def template_names() -> list[str]:
    return sorted(_TEMPLATES)


def link(path: str) -> str:
    """Absolute URL for a path of the site (``/connexion`` → ``https://…/connexion``)."""
    if path.startswith(("http://", "https://")):
        return path
    return get_settings().public_url + "/" + path.lstrip("/")


def greeting(first_name: str = "") -> str:
    first_name = (first_name or "").strip()
    return f"Bonjour {first_name}," if first_name else "Bonjour,"


def mail_body(first_name: str, *paragraphs: str, url: str = "", after: str = "") -> str:
    """Assemble a mail: greeting, paragraphs, the link on its own line, signature."""
    parts = [greeting(first_name), *paragraphs]
    if url:
        parts.append(link(url))
    if after:
        parts.append(after)
    parts.append(SIGNATURE)
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


_NOT_YOU = "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."


@template("activation")
def activation(url: str, first_name: str = "", valid_for: str = "7 jours") -> tuple[str, str]:
    """Account activation link (sent after « Créer un compte » or an invitation)."""
    subject = "Activez votre compte MyStage"
    body = mail_body(
        first_name,
        "Votre compte MyStage a bien été créé. Pour l'activer, ouvrez ce lien :",
        url=url,
        after=f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n{_NOT_YOU}",
    )
    return subject, body


@template("password_reset")
def password_reset(url: str, first_name: str = "", valid_for: str = "1 heure") -> tuple[str, str]:
    """Password reset link."""
    subject = "Réinitialisez votre mot de passe"
    body = mail_body(
        first_name,
        "Vous avez demandé à changer le mot de passe de votre compte MyStage. "
        "Pour choisir un nouveau mot de passe, ouvrez ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {valid_for} et ne sert qu'une fois.\n\n"
            f"{_NOT_YOU} Votre mot de passe actuel reste valable."
        ),
    )
    return subject, body


@template("magic_link")
def magic_link(url: str, first_name: str = "", valid_for: str = "15 minutes") -> tuple[str, str]:
    """One-click login link (« Recevoir un lien de connexion »)."""
    subject = "Votre lien de connexion à MyStage"
    body = mail_body(
        first_name,
        "Pour vous connecter à MyStage sans mot de passe, ouvrez ce lien :",
        url=url,
        after=(
            f"Ce lien est valable {valid_for} et ne sert qu'une fois. "
            f"Ne le transférez à personne.\n\n{_NOT_YOU}"
        ),
    )
    return subject, body


@template("sms_phone_code")
def sms_phone_code(code: str, valid_minutes: int = 10) -> tuple[str, str]:
    """SMS code confirming a phone number (pupils who sign up with a phone)."""
    return "", (
        f"MyStage : votre code de confirmation est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_reset_code")
def sms_reset_code(code: str, valid_minutes: int = 10) -> tuple[str, str]:
    """SMS code to reset the password of an account identified by its phone."""
    return "", (
        f"MyStage : votre code pour changer de mot de passe est {code}. "
        f"Valable {valid_minutes} min. Ne le donnez à personne."
    )


@template("sms_magic_link")
def sms_magic_link(url: str, valid_minutes: int = 15) -> tuple[str, str]:
    """SMS with a one-click login link."""
    return "", f"MyStage : votre lien de connexion (valable {valid_minutes} min) : {link(url)}"


@template("signup_existing")
def signup_existing(
    first_name: str = "",
    login_url: str = "/connexion",
    reset_url: str = "/mot-de-passe/oublie",
    resend_url: str = "/activation/renvoyer",
    pending: bool = False,
) -> tuple[str, str]:
    """Someone signed up with the address of an existing account: nothing was created
    (the form answered as for a new address, so it never tells who has an account)."""
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
def sms_signup_existing() -> tuple[str, str]:
    """Phone-only sign-up with the number of an existing account (GSM 7-bit, one segment)."""
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


# --- Structures and offers (employer side) --------------------------------------------------


@template("structure_join_request")
def structure_join_request(
    url: str,
    structure_name: str,
    requester_name: str,
    requester_email: str = "",
    requester_job: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To the owner of a structure: someone signed up with the same SIRET."""
    who = requester_name or requester_email or "Une personne"
    details = ", ".join(x for x in (requester_job, requester_email) if x)
    if details:
        who = f"{who} ({details})"
    subject = f"Demande pour rejoindre {structure_name}"[:200]
    body = mail_body(
        first_name,
        f"{who} vient de créer un compte MyStage avec le numéro SIRET de {structure_name} "
        "et demande à rejoindre votre équipe. Une fois accepté, ce membre pourra déposer "
        "des offres et traiter les candidatures de la structure.",
        "Pour accepter ou refuser cette demande, ouvrez ce lien :",
        url=url,
        after="Si vous ne connaissez pas cette personne, refusez la demande.",
    )
    return subject, body


@template("structure_join_decision")
def structure_join_decision(
    url: str, structure_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To a person who asked to join a structure: the owner's answer."""
    if accepted:
        subject = f"Vous avez rejoint l'équipe de {structure_name}"[:200]
        text = (
            f"Le responsable de {structure_name} a accepté votre demande. Vous pouvez "
            "maintenant déposer des offres de stage et traiter les candidatures :"
        )
    else:
        subject = f"Votre demande pour rejoindre {structure_name}"[:200]
        text = (
            f"Le responsable de {structure_name} n'a pas accepté votre demande de rejoindre "
            "son équipe. Si vous pensez qu'il s'agit d'une erreur, contactez-le directement. "
            "Votre espace employeur reste accessible :"
        )
    return subject, mail_body(first_name, text, url=url)


@template("structure_validation_decision")
def structure_validation_decision(
    url: str, structure_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To the owner of a new structure: the MyStage team validated it (or not)."""
    if accepted:
        subject = "Votre structure est validée : vous pouvez publier vos offres"
        text = (
            f"L'équipe MyStage a validé {structure_name}. Vous pouvez dès maintenant "
            "publier vos offres de stage :"
        )
    else:
        subject = "Votre structure n'a pas été validée"
        text = (
            f"L'équipe MyStage n'a pas pu valider {structure_name} : vos offres ne peuvent "
            "pas être publiées. Pour en savoir plus, répondez à ce message ou contactez "
            "l'assistance depuis votre espace :"
        )
    return subject, mail_body(first_name, text, url=url)


# --- Accounts validated by the MyStage team (référents, heads, employers) --------------------


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


@template("offer_left_search")
def offer_left_search(
    url: str, offer_title: str, offer_id: int, reason: str, first_name: str = ""
) -> tuple[str, str]:
    """To the creator of an offer: it no longer appears in the search (full or past)."""
    why = {
        "full": "toutes ses places sont prises",
        "past": "toutes ses semaines de stage sont passées",
    }.get(reason, "elle n'a plus de place disponible")
    subject = f"Votre offre n° {offer_id} n'apparaît plus dans la recherche"
    body = mail_body(
        first_name,
        f"Votre offre « {offer_title} » n'est plus proposée aux élèves : {why}.",
        "Pour ajouter des semaines ou des places, ou la renouveler pour l'année "
        "prochaine, ouvrez votre tableau de bord :",
        url=url,
    )
    return subject, body


@template("offer_withdrawn_pupil")
def offer_withdrawn_pupil(
    url: str, offer_title: str, employer_name: str = "", removed: bool = False, first_name: str = ""
) -> tuple[str, str]:
    """To a pupil: the employer deactivated (or deleted) an offer the pupil applied to."""
    what = "supprimé" if removed else "désactivé"
    at = f" chez {employer_name}" if employer_name else ""
    subject = "Votre candidature n'a pas été retenue"
    body = mail_body(
        first_name,
        f"L'employeur a {what} l'offre « {offer_title} »{at} : votre candidature est donc "
        "refusée. Cela ne dépend pas de votre candidature : vous pouvez postuler à "
        "d'autres offres.",
        "Pour chercher d'autres stages, ouvrez ce lien :",
        url=url,
    )
    return subject, body


@template("sms_offer_withdrawn_pupil")
def sms_offer_withdrawn_pupil(offer_title: str = "") -> tuple[str, str]:
    """SMS to a pupil without an e-mail address (same case as offer_withdrawn_pupil)."""
    title = (offer_title or "")[:40]
    return "", (
        f"MyStage : l'offre {title} n'est plus disponible, votre candidature est refusée. "
        "Vous pouvez postuler à d'autres offres."
    )


# --- Applications -----------------------------------------------------------------------------


def _week_phrase(week_label: str) -> str:
    return f" pour la {week_label}" if week_label else ""


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
    url: str, event: str, offer_title: str, message: str = "", first_name: str = ""
) -> tuple[str, str]:
    """To a pupil: a decision or a change on one of their applications."""
    subject, sentence = _PUPIL_EVENTS[event]
    paragraphs = [sentence.format(offer=offer_title)]
    if message:
        paragraphs.append(f"Message : « {message} »")
    paragraphs.append("Pour voir tes candidatures, ouvre ce lien :")
    return subject, mail_body(first_name, *paragraphs, url=url)


@template("sms_app_pupil_event")
def sms_app_pupil_event(url: str, event: str, offer_title: str = "") -> tuple[str, str]:
    """SMS to a pupil (acceptance, confirm reminder, or when the pupil has no e-mail)."""
    title = (offer_title or "")[:40]
    what = {
        "accepted": "candidature acceptée ! Confirme ton stage",
        "confirm_reminder": "pense à confirmer ton stage",
    }.get(event, "ta candidature a changé")
    return "", f"MyStage : {title} : {what} sur {link(url)}"


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
