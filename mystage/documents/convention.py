"""The convention model (``modele-convention-stage-observation.rtf``)."""

from __future__ import annotations

from mystage.documents.rtf import Rtf


def convention_rtf() -> str:
    """The convention model: parties, dates and hours, activities, insurance, signatures."""
    d = Rtf()
    d.title("Convention relative à l'organisation d'une séquence d'observation")
    d.title("en milieu professionnel", size=24)
    d.subtitle(
        "Élèves de collège (4e, 3e) et de seconde générale et technologique — modèle à adapter"
    )
    d.box(
        "Modèle proposé par MyStage à titre d'information. Utilisez en priorité la convention "
        "type de votre académie ou celle adoptée par le conseil d'administration de "
        "l'établissement. Complétez les lignes pointillées ; rayez les mentions inutiles. "
        "Une convention est établie pour chaque élève et signée avant le premier jour du "
        "stage : sans convention signée, l'élève ne peut pas être accueilli."
    )
    d.para("Vu le code du travail, notamment son article L. 4153-1 ;")
    d.para(
        "Vu le code de l'éducation, notamment ses articles L. 332-3-1, D. 331-1 et suivants "
        "et D. 332-14 ;"
    )
    d.para(
        "Vu, selon le niveau de l'élève, la circulaire du 12 juillet 2024 relative aux "
        "séquences d'observation, visites d'information et stages des élèves de collège, ou "
        "la circulaire du 28 mars 2024 relative à la séquence d'observation de la classe de "
        "seconde générale et technologique ;"
    )
    d.para("Il est convenu ce qui suit.")

    d.heading("Article 1 — Les parties")
    d.subheading("L'établissement scolaire")
    for label in (
        "Nom et numéro UAI",
        "Adresse",
        "Téléphone et courriel",
        "Représenté par (nom du chef d'établissement)",
        "Professeur référent (nom, téléphone, courriel)",
    ):
        d.fill(label)
    d.subheading("La structure d'accueil (entreprise, association, administration, collectivité)")
    for label in (
        "Raison sociale",
        "Numéro SIRET",
        "Adresse du lieu de stage",
        "Représentée par (nom et fonction)",
        "Tuteur de l'élève (nom, fonction, téléphone, courriel)",
    ):
        d.fill(label)
    d.subheading("L'élève")
    for label in (
        "Nom et prénom",
        "Date de naissance",
        "Classe",
        "Téléphone (facultatif)",
    ):
        d.fill(label)
    d.subheading("Le ou les représentants légaux de l'élève")
    for label in (
        "Nom et prénom",
        "Adresse",
        "Téléphone et courriel",
        "Personne à prévenir en cas d'urgence (nom, téléphone)",
    ):
        d.fill(label)

    d.heading("Article 2 — Objet de la convention")
    d.para(
        "La présente convention organise la séquence d'observation en milieu professionnel "
        "de l'élève désigné à l'article 1 dans la structure d'accueil. Cette séquence a pour "
        "objectif de faire découvrir à l'élève le monde économique et professionnel et la "
        "diversité des métiers, et de l'aider à construire son projet d'orientation. Elle "
        "s'inscrit dans le parcours Avenir."
    )

    d.heading("Article 3 — Dates et horaires")
    d.fill("Dates de la séquence (du … au …)")
    d.para("Horaires de présence de l'élève (matin / après-midi) :")
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        d.fill(day)
    d.para(
        "La durée de présence de l'élève ne dépasse pas 7 heures par jour ni 35 heures par "
        "semaine. L'élève n'est jamais présent entre 20 heures et 6 heures. Au-delà de "
        "4 heures 30 de présence, il bénéficie d'une pause d'au moins 30 minutes "
        "consécutives. Il bénéficie de deux jours de repos consécutifs dans la semaine. Toute "
        "modification des horaires est soumise à l'accord de l'établissement et de la "
        "famille."
    )

    d.heading("Article 4 — Statut de l'élève")
    d.para(
        "Pendant la séquence d'observation, l'élève reste sous statut scolaire. Il demeure "
        "sous l'autorité et la responsabilité du chef d'établissement. Il ne peut prétendre "
        "à aucune rémunération ni gratification de la part de la structure d'accueil, et "
        "aucune somme ne peut lui être demandée. Il respecte le règlement intérieur de la "
        "structure d'accueil, ses règles d'hygiène et de sécurité, ses horaires et la "
        "confidentialité des informations dont il a connaissance."
    )

    d.heading("Article 5 — Activités observées")
    d.para(
        "L'élève observe les activités de la structure. Il n'a pas à concourir au travail de "
        "la structure et ne remplace aucun salarié. Sous le contrôle de son tuteur, il peut "
        "mener des enquêtes en lien avec ses enseignements, participer à des activités, à des "
        "essais ou à des démonstrations sans danger, en rapport avec les objectifs de la "
        "séquence. Il n'utilise aucune machine, aucun appareil ni aucun produit dont l'usage "
        "est interdit aux mineurs, et n'effectue aucun travail dangereux ou réglementé."
    )
    d.para("Services, métiers et activités que l'élève observera :")
    d.blank_lines(4)
    d.para(
        "Un planning de la semaine peut être annexé à la présente convention (modèle "
        "« planning-semaine-stage.xlsx » proposé par MyStage).",
        italic=True,
    )

    d.heading("Article 6 — Encadrement et suivi")
    d.para(
        "Le tuteur désigné par la structure d'accueil accueille l'élève, lui présente les "
        "consignes de sécurité dès le premier jour et organise ses activités. Le professeur "
        "référent désigné par le chef d'établissement assure le suivi de l'élève et peut "
        "prendre contact avec le tuteur pendant la séquence. La structure d'accueil informe "
        "sans délai l'établissement de toute difficulté : absence, retard, comportement "
        "inadapté, problème de santé ou accident."
    )

    d.heading("Article 7 — Assurance et accident")
    d.para(
        "Le responsable de la structure d'accueil prend les dispositions nécessaires pour "
        "garantir sa responsabilité civile chaque fois qu'elle peut être engagée. Le chef "
        "d'établissement s'assure que la responsabilité civile de l'élève est couverte pour "
        "les dommages qu'il pourrait causer pendant la séquence, y compris sur le trajet "
        "entre son domicile, l'établissement et le lieu de stage."
    )
    d.fill("Assurance de l'établissement ou de la famille (organisme, numéro de contrat)")
    d.fill("Assurance de la structure d'accueil (organisme, numéro de contrat)")
    d.para(
        "En cas d'accident survenant à l'élève pendant la séquence ou sur le trajet, le "
        "responsable de la structure d'accueil prévient immédiatement la famille et "
        "l'établissement, et adresse la déclaration d'accident au chef d'établissement dans "
        "la journée où l'accident s'est produit."
    )

    d.heading("Article 8 — Responsabilités de chacun")
    d.bullet(
        "La structure d'accueil assure la sécurité de l'élève, respecte les horaires de "
        "l'article 3 et les activités de l'article 5, et signale toute difficulté à "
        "l'établissement."
    )
    d.bullet(
        "L'établissement prépare l'élève à la séquence, assure son suivi pédagogique et "
        "exploite le stage à son retour (rapport ou présentation orale)."
    )
    d.bullet(
        "Les représentants légaux autorisent l'élève à effectuer la séquence, organisent son "
        "trajet et préviennent le tuteur et l'établissement de toute absence."
    )
    d.bullet(
        "L'élève respecte les horaires, les consignes, le règlement de la structure et la "
        "confidentialité ; il prévient de toute absence ou de tout retard."
    )
    d.para(
        "En cas de manquement grave à la discipline ou de danger pour l'élève, le responsable "
        "de la structure d'accueil ou le chef d'établissement peut mettre fin à la séquence "
        "après en avoir informé les autres signataires."
    )

    d.heading("Article 9 — Repas, transport et hébergement")
    d.para(
        "Sauf mention contraire ci-dessous, les frais de repas et de transport restent à la "
        "charge de la famille. Aucun hébergement n'est prévu."
    )
    d.fill("Repas sur place possible (oui / non) et prise en charge éventuelle")
    d.fill("Transport : prise en charge éventuelle")
    d.fill("Déplacements prévus pendant la journée (lieux, moyens, accompagnement)")

    d.heading("Article 10 — Durée de la convention")
    d.para(
        "La présente convention prend effet à sa signature par toutes les parties et prend "
        "fin au dernier jour de la séquence d'observation. Un exemplaire signé est remis à "
        "chaque signataire."
    )

    d.heading("Signatures")
    d.fill("Fait à (lieu et date)")
    d.signature_table(
        [
            (
                "Le chef d'établissement",
                "Nom, date, signature et cachet de l'établissement",
            ),
            (
                "Le responsable de la structure d'accueil",
                "Nom, fonction, date, signature et cachet",
            ),
            (
                "Le ou les représentants légaux de l'élève",
                "Nom, date et signature, précédés de la mention « lu et approuvé »",
            ),
            (
                "L'élève",
                "Nom, date et signature, précédés de la mention « lu et pris connaissance »",
            ),
            ("Le tuteur dans la structure d'accueil", "Nom, date et signature (pour visa)"),
            ("Le professeur référent", "Nom, date et signature (pour visa)"),
        ]
    )
    return d.document("Modèle de convention de séquence d'observation en milieu professionnel")
