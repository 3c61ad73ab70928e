"""The legal text of the convention, written once for both of its forms.

- the downloadable model (:mod:`mystage.documents.convention`, RTF with lines to fill in);
- the convention filled in online (``services/conventions/articles.py``: the same articles
  with each party's answers, then rendered as the PDF that is signed and sealed).

Written for MyStage from the official texts listed in the visas (code du travail, code de
l'éducation, code civil, circulaires); the rules for minors they carry are summarised in the
project's reference « observation rules ».  Changing a sentence here changes the text every
future convention signs (its SHA-256 changes), and the committed RTF model: regenerate it
with ``python -m mystage.documents``.
"""

from __future__ import annotations

TITLE = "Convention relative à l'organisation d'une séquence d'observation"
TITLE_LINE_2 = "en milieu professionnel"
FULL_TITLE = f"{TITLE} {TITLE_LINE_2}"

VISAS = (
    "Vu le code du travail, notamment ses articles L. 3164-2, L. 4153-1 et L. 4153-5 ;",
    "Vu le code de l'éducation, notamment ses articles L. 332-3-1, D. 331-1 et suivants "
    "et D. 332-14 ;",
    "Vu le code civil, notamment son article 1242 ;",
    "Vu la circulaire n° 2003-134 du 8 septembre 2003 relative aux modalités d'accueil en "
    "milieu professionnel d'élèves mineurs de moins de seize ans ;",
    "Vu, selon le niveau de l'élève, la circulaire du 12 juillet 2024 relative aux "
    "séquences d'observation, visites d'information et stages des élèves de collège, ou "
    "la circulaire du 28 mars 2024 relative à la séquence d'observation de la classe de "
    "seconde générale et technologique ;",
)
AGREED = "Il est convenu ce qui suit."

ART_PARTIES = "Article 1 — Les parties"
ART_OBJECT = "Article 2 — Objet de la convention"
ART_HOURS = "Article 3 — Dates et horaires"
ART_STATUS = "Article 4 — Statut de l'élève"
ART_ACTIVITIES = "Article 5 — Activités observées"
ART_SUPERVISION = "Article 6 — Encadrement et suivi"
ART_INSURANCE = "Article 7 — Assurance et accident"
ART_DUTIES = "Article 8 — Responsabilités de chacun"
ART_MEALS = "Article 9 — Repas, transport et hébergement"
ART_DURATION = "Article 10 — Durée de la convention"
ART_SCHOOL_TERMS = "Article 11 — Conditions particulières de l'établissement"
ART_EVIDENCE = "Article 12 — Signature électronique et preuve"

OBJECT = (
    "La présente convention organise la séquence d'observation en milieu professionnel "
    "de l'élève désigné à l'article 1 dans la structure d'accueil. Cette séquence a pour "
    "objectif de faire découvrir à l'élève le monde économique et professionnel et la "
    "diversité des métiers, et de l'aider à construire son projet d'orientation. Elle "
    "s'inscrit dans le parcours Avenir."
)


def hours_rule(week_max_hours: int = 35) -> str:
    """The limits on the pupil's presence (the weekly limit may be lowered by the school)."""
    return (
        "La durée de présence de l'élève ne dépasse pas 7 heures par jour ni "
        f"{week_max_hours} heures par semaine. L'élève n'est jamais présent entre 20 heures et "
        "6 heures. Au-delà de 4 heures 30 de présence, il bénéficie d'une pause d'au moins 30 "
        "minutes consécutives. Il bénéficie de deux jours de repos consécutifs dans la "
        "semaine. Toute modification des horaires est soumise à l'accord de l'établissement "
        "et de la famille."
    )


STATUS = (
    "Pendant la séquence d'observation, l'élève reste sous statut scolaire. Il demeure "
    "sous l'autorité et la responsabilité du chef d'établissement. Il ne peut prétendre "
    "à aucune rémunération ni gratification de la part de la structure d'accueil, et "
    "aucune somme ne peut lui être demandée. Il respecte le règlement intérieur de la "
    "structure d'accueil, ses règles d'hygiène et de sécurité, ses horaires et la "
    "confidentialité des informations dont il a connaissance."
)

ACTIVITIES = (
    "L'élève observe les activités de la structure. Il n'a pas à concourir au travail de "
    "la structure et ne remplace aucun salarié. Sous le contrôle de son tuteur, il peut "
    "mener des enquêtes en lien avec ses enseignements, participer à des activités, à des "
    "essais ou à des démonstrations sans danger, en rapport avec les objectifs de la "
    "séquence. Il n'utilise aucune machine, aucun appareil ni aucun produit dont l'usage "
    "est interdit aux mineurs, et n'effectue aucun travail dangereux ou réglementé."
)

SUPERVISION = (
    "Le tuteur désigné par la structure d'accueil accueille l'élève, lui présente les "
    "consignes de sécurité dès le premier jour et organise ses activités. Le professeur "
    "référent désigné par le chef d'établissement assure le suivi de l'élève et peut "
    "prendre contact avec le tuteur pendant la séquence. La structure d'accueil informe "
    "sans délai l'établissement de toute difficulté : absence, retard, comportement "
    "inadapté, problème de santé ou accident."
)

INSURANCE = (
    "Le responsable de la structure d'accueil prend les dispositions nécessaires pour "
    "garantir sa responsabilité civile chaque fois qu'elle peut être engagée. Le chef "
    "d'établissement s'assure que la responsabilité civile de l'élève est couverte pour "
    "les dommages qu'il pourrait causer pendant la séquence, y compris sur le trajet "
    "entre son domicile, l'établissement et le lieu de stage."
)

ACCIDENT = (
    "En cas d'accident survenant à l'élève pendant la séquence ou sur le trajet, le "
    "responsable de la structure d'accueil prévient immédiatement la famille et "
    "l'établissement, et adresse la déclaration d'accident au chef d'établissement dans "
    "la journée où l'accident s'est produit."
)

DUTIES = (
    "La structure d'accueil assure la sécurité de l'élève, respecte les horaires de "
    "l'article 3 et les activités de l'article 5, et signale toute difficulté à "
    "l'établissement.",
    "L'établissement prépare l'élève à la séquence, assure son suivi pédagogique et "
    "exploite le stage à son retour (rapport ou présentation orale).",
    "Les représentants légaux autorisent l'élève à effectuer la séquence, organisent son "
    "trajet et préviennent le tuteur et l'établissement de toute absence.",
    "L'élève respecte les horaires, les consignes, le règlement de la structure et la "
    "confidentialité ; il prévient de toute absence ou de tout retard.",
)

TERMINATION = (
    "En cas de manquement grave à la discipline ou de danger pour l'élève, le responsable "
    "de la structure d'accueil ou le chef d'établissement peut mettre fin à la séquence "
    "après en avoir informé les autres signataires."
)

MEALS_DEFAULT = (
    "Sauf mention contraire ci-dessous, les frais de repas et de transport restent à la "
    "charge de la famille. Aucun hébergement n'est prévu."
)

DURATION = (
    "La présente convention prend effet à sa signature par toutes les parties et prend "
    "fin au dernier jour de la séquence d'observation. Un exemplaire signé est remis à "
    "chaque signataire."
)

# Only in the convention signed online (the downloadable model is signed by hand).
EVIDENCE = (
    "Les parties conviennent de signer la présente convention par voie électronique sur la "
    "plateforme MyStage. Chaque signataire est identifié par un code à usage unique envoyé "
    "sur son téléphone mobile ou à son adresse électronique, puis signe en traçant sa "
    "signature ou en saisissant son nom complet.",
    "Pour chaque signature, la plateforme conserve l'identité et la qualité du signataire, "
    "le moyen d'identification, la date et l'heure, l'adresse IP, le navigateur utilisé et "
    "l'empreinte SHA-256 du texte signé ; ces éléments figurent au certificat de signature "
    "joint. Toute modification du texte après une signature annule les signatures déjà "
    "données, qui doivent être renouvelées.",
    "Une fois signée par toutes les parties, la convention est scellée électroniquement "
    "avec le certificat de la plateforme, ce qui permet de vérifier qu'elle n'a pas été "
    "modifiée. Les parties reconnaissent à cette signature électronique et à ces éléments "
    "de preuve la même valeur qu'à une signature manuscrite sur papier (code civil, "
    "articles 1366 et 1367).",
)
