"""The convention model (``modele-convention-stage-observation.rtf``)."""

from __future__ import annotations

from mystage.documents import articles as A
from mystage.documents.rtf import Rtf


def convention_rtf() -> str:
    """The convention model: parties, dates and hours, activities, insurance, signatures."""
    d = Rtf()
    d.title(A.TITLE)
    d.title(A.TITLE_LINE_2, size=24)
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
    for visa in A.VISAS:
        d.para(visa)
    d.para(A.AGREED)

    d.heading(A.ART_PARTIES)
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

    d.heading(A.ART_OBJECT)
    d.para(A.OBJECT)

    d.heading(A.ART_HOURS)
    d.fill("Dates de la séquence (du … au …)")
    d.para("Horaires de présence de l'élève (matin / après-midi) :")
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        d.fill(day)
    d.para(A.hours_rule())

    d.heading(A.ART_STATUS)
    d.para(A.STATUS)

    d.heading(A.ART_ACTIVITIES)
    d.para(A.ACTIVITIES)
    d.para("Services, métiers et activités que l'élève observera :")
    d.blank_lines(4)
    d.para(
        "Un planning de la semaine peut être annexé à la présente convention (modèle "
        "« planning-semaine-stage.xlsx » proposé par MyStage).",
        italic=True,
    )

    d.heading(A.ART_SUPERVISION)
    d.para(A.SUPERVISION)

    d.heading(A.ART_INSURANCE)
    d.para(A.INSURANCE)
    d.fill("Assurance de l'établissement ou de la famille (organisme, numéro de contrat)")
    d.fill("Assurance de la structure d'accueil (organisme, numéro de contrat)")
    d.para(A.ACCIDENT)

    d.heading(A.ART_DUTIES)
    d.bullet(A.DUTIES[0])
    d.bullet(A.DUTIES[1])
    d.bullet(A.DUTIES[2])
    d.bullet(A.DUTIES[3])
    d.para(A.TERMINATION)

    d.heading(A.ART_MEALS)
    d.para(A.MEALS_DEFAULT)
    d.fill("Repas sur place possible (oui / non) et prise en charge éventuelle")
    d.fill("Transport : prise en charge éventuelle")
    d.fill("Déplacements prévus pendant la journée (lieux, moyens, accompagnement)")

    d.heading(A.ART_DURATION)
    d.para(A.DURATION)

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
