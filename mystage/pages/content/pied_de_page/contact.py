"""The footer page « Contact »."""

from __future__ import annotations

from ..blocks import Bullets, Callout, Link, Links, Page, Para, Section
from ..common import EMERGENCY_NUMBERS, PLACEHOLDER_EMAIL, PLACEHOLDER_ORG

ORG = PLACEHOLDER_ORG
EMAIL = PLACEHOLDER_EMAIL

CONTACT = Page(
    route="/contact",
    title="Contact",
    heading="Contact",
    lead=("Une question, un problème, une offre à signaler ? Voici à qui vous adresser.",),
    summary=False,
    sections=(
        Section(
            "stage",
            "Une question sur un stage ?",
            (
                Bullets(
                    (
                        "Élèves et parents : adressez-vous d'abord à votre établissement "
                        "(professeur principal, CPE). Il connaît vos semaines de stage et "
                        "prépare la convention.",
                        "Employeurs : pour une candidature, répondez depuis votre espace ; "
                        "pour une convention, contactez l'établissement de l'élève.",
                        "Établissements : pour l'ouverture de votre espace ou les droits de "
                        "votre équipe, écrivez à l'équipe MyStage (ci-dessous).",
                    )
                ),
            ),
        ),
        Section(
            "equipe",
            "Écrire à l'équipe MyStage",
            (
                Bullets(
                    (
                        f"Service : {ORG}",
                        f"Adresse électronique : {EMAIL}",
                        "Téléphone : [numéro de téléphone], [jours et heures d'ouverture]",
                        "Adresse postale : [adresse postale]",
                    )
                ),
                Para(
                    "Nous répondons en général sous [délai de réponse] jours ouvrés. "
                    "N'envoyez jamais votre mot de passe : personne ne vous le demandera."
                ),
            ),
        ),
        Section(
            "signaler",
            "Signaler un problème",
            (
                Bullets(
                    (
                        "Une offre suspecte (demande d'argent, travail déguisé, propos "
                        f"inappropriés) : écrivez à {EMAIL} en indiquant le titre de l'offre. "
                        "Elle sera examinée et retirée si nécessaire.",
                        "Un problème d'accessibilité : voir la déclaration d'accessibilité.",
                        "Une question sur vos données personnelles : voir la page Données "
                        "personnelles.",
                    )
                ),
                Links(
                    (
                        Link("Déclaration d'accessibilité", "/accessibilite"),
                        Link("Données personnelles", "/donnees-personnelles"),
                    )
                ),
                Callout(
                    "Si un élève est en danger, n'attendez pas de réponse par courriel :",
                    title="Urgence",
                    kind="vigilance",
                    items=EMERGENCY_NUMBERS,
                ),
            ),
        ),
        Section(
            "logiciel",
            "Un défaut du logiciel ?",
            (
                Para(
                    "MyStage est un logiciel libre. Les défauts et les suggestions "
                    "d'amélioration peuvent être signalés sur [adresse du dépôt du code "
                    "source]."
                ),
            ),
        ),
    ),
)
