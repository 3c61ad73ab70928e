"""Facts shared by several public pages: rules of the internship, documents, official texts.

Written once here so that the pupils', parents' and employers' pages never disagree.
"""

from __future__ import annotations

from mystage.documents import (
    CONVENTION_FILE,
    CONVENTION_URL,
    PLANNING_FILE,
    PLANNING_URL,
    file_size_label,
)

from .blocks import Download, Link

# --- rules (Code du travail for minors; repeated in the convention model) --------------------

HOURS_RULE = (
    "au plus 7 heures par jour et 35 heures par semaine, jamais avant 6 h ni après 20 h, avec "
    "une pause d'au moins 30 minutes au-delà de 4 h 30 de présence et deux jours de repos "
    "consécutifs dans la semaine"
)

REPLY_DAYS = 15  # an application without an answer expires after 15 days (seed 001)
MAX_INTERNSHIPS_PER_YEAR = 2  # seed 002
DEFAULT_RADIUS_KM = 60  # seed 002
MAGIC_LINK_MINUTES = 20  # mystage/services/accounts.py MAGIC_TTL

# --- documents ---------------------------------------------------------------------------------


def _fmt(kind: str, name: str) -> str:
    size = file_size_label(name)
    return f"{kind}, {size}" if size else kind


CONVENTION_DOWNLOAD = Download(
    label="Télécharger le modèle de convention de stage",
    href=CONVENTION_URL,
    fmt=_fmt("RTF", CONVENTION_FILE),
    note=(
        "S'ouvre avec un traitement de texte (Word, LibreOffice…). Articles : parties, dates "
        "et horaires, activités observées, assurance, responsabilités, signatures. La "
        "convention de l'établissement de l'élève fait foi."
    ),
)

PLANNING_DOWNLOAD = Download(
    label="Télécharger le modèle de planning de la semaine",
    href=PLANNING_URL,
    fmt=_fmt("tableur XLSX", PLANNING_FILE),
    note=(
        "Du lundi au vendredi, matin et après-midi : activités observées, personnes "
        "rencontrées, lieu ou service. S'imprime sur une page A4 à l'horizontale."
    ),
)

# --- official texts (plain links: the application works without them) -----------------------

LEGIFRANCE_CODE_EDUCATION = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006071191/"
LEGIFRANCE_CODE_TRAVAIL = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072050/"
BO_COLLEGE_2024 = "https://www.education.gouv.fr/bo/2024/Hebdo29/MENE2407449C"
BO_SECONDE_2024 = "https://www.education.gouv.fr/bo/2024/Hebdo13/MENE2400643C"

OFFICIAL_TEXTS = (
    Link(
        "Code de l'éducation sur Légifrance",
        LEGIFRANCE_CODE_EDUCATION,
        "Article L332-3-1 : périodes d'observation en milieu professionnel des élèves des "
        "deux derniers niveaux du collège et des lycéens. Article "
        "D332-14 : en classe de 3e, tous les élèves accomplissent une séquence d'observation "
        "en milieu professionnel ; une convention est passée dans tous les cas entre "
        "l'établissement et l'organisme d'accueil.",
    ),
    Link(
        "Code du travail sur Légifrance",
        LEGIFRANCE_CODE_TRAVAIL,
        "Article L4153-1 : interdiction d'employer des jeunes de moins de 16 ans, sauf "
        "notamment pour les visites d'information et les séquences d'observation des élèves. "
        "Depuis 2019, les élèves de 4e et de 3e de moins de 14 ans peuvent faire leur séquence "
        "d'observation dans une entreprise privée.",
    ),
    Link(
        "Circulaire du 12 juillet 2024 : séquences d'observation, visites d'information et "
        "stages des élèves de collège (Bulletin officiel)",
        BO_COLLEGE_2024,
        "Le cadre du stage de 3e et de 4e : objectifs, organisation, convention, rôle de chacun.",
    ),
    Link(
        "Circulaire du 28 mars 2024 : séquence d'observation de la classe de seconde générale "
        "et technologique (Bulletin officiel)",
        BO_SECONDE_2024,
        "Le stage de 2de GT, organisé en juin sur un calendrier national.",
    ),
)

# --- in case of trouble ------------------------------------------------------------------------

EMERGENCY_NUMBERS = (
    "17 (police) ou 112 (numéro d'urgence européen) en cas de danger",
    "15 (Samu) pour une urgence médicale",
    "119 (Allô enfance en danger) : gratuit, 24 heures sur 24, il n'apparaît pas sur les "
    "factures de téléphone",
)

PLACEHOLDER_ORG = "[Nom de l'organisme qui déploie MyStage]"
PLACEHOLDER_EMAIL = "[adresse électronique de contact]"
