"""The footer page « Données personnelles »."""

from __future__ import annotations

from mystage.settings import get_settings

from ..blocks import Bullets, Link, Links, Page, Para, Section, Sub
from ..common import PLACEHOLDER_EMAIL, PLACEHOLDER_ORG

_C = get_settings()  # the delays in force (RETENTION_* settings), read at start-up


def _days(n: int) -> str:
    return "une journée" if n <= 1 else f"{n} jours"


ORG = PLACEHOLDER_ORG
EMAIL = PLACEHOLDER_EMAIL

DONNEES = Page(
    route="/donnees-personnelles",
    title="Données personnelles",
    heading="Données personnelles",
    lead=(
        "MyStage ne collecte que les données nécessaires à la recherche et au suivi des stages "
        "d'observation. Les données des élèves, mineurs, sont réduites au minimum. Aucune "
        "donnée n'est vendue ni utilisée à des fins publicitaires.",
    ),
    updated="[date de mise à jour]",
    sections=(
        Section(
            "responsable",
            "Responsable du traitement",
            (
                Para(
                    f"Le responsable du traitement est {ORG}, [adresse postale]. Délégué ou "
                    "déléguée à la protection des données : [nom ou service, adresse "
                    "électronique du DPO]."
                ),
            ),
        ),
        Section(
            "finalites",
            "Pourquoi ces données sont traitées",
            (
                Bullets(
                    (
                        "mettre en relation les élèves et les structures qui proposent des "
                        "stages d'observation ;",
                        "permettre aux établissements d'ouvrir l'accès de leurs élèves, "
                        "d'enregistrer les autorisations parentales et de suivre les "
                        "candidatures ;",
                        "préparer les conventions de stage ;",
                        "prévenir chacun par courriel ou par SMS de ce qu'il doit faire ;",
                        "produire des statistiques qui ne permettent pas d'identifier les élèves ;",
                        "assurer la sécurité du service (connexions, prévention des abus).",
                    )
                ),
                Para(
                    "Base légale : exécution d'une mission d'intérêt public (article 6-1-e du "
                    "règlement général sur la protection des données, RGPD). [À confirmer par "
                    "l'organisme qui déploie MyStage.]"
                ),
            ),
        ),
        Section(
            "collecte",
            "Les données collectées, pour chaque profil",
            (
                Sub(
                    "Élèves",
                    (
                        Bullets(
                            (
                                "prénom, nom, date de naissance, établissement, classe et niveau ;",
                                "adresse électronique ou numéro de téléphone portable (l'un "
                                "des deux suffit) ;",
                                "mot de passe, conservé uniquement sous forme d'empreinte "
                                "(argon2id) : personne ne peut le lire ;",
                                "date d'enregistrement de l'autorisation parentale et personne "
                                "qui l'a enregistrée ;",
                                "pour chaque candidature : texte de motivation, moyen de "
                                "contact choisi, copie du CV (scolarité, centres d'intérêt, "
                                "langues, fichier PDF facultatif) et réponses reçues ;",
                                "avant l'inscription, si l'établissement ajoute l'élève à la "
                                "liste de sa classe : prénom, nom et, s'il l'indique, "
                                "l'adresse électronique ou le portable de l'élève ou d'un "
                                "parent, pour l'invitation à créer le compte. Seuls les "
                                "personnels qui suivent la classe les voient ; le contact est "
                                "effacé dès que l'élève s'inscrit.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Parents",
                    (
                        Bullets(
                            (
                                "prénom, nom, adresse électronique ou numéro de téléphone "
                                "portable, mot de passe (empreinte) ;",
                                "lien avec le compte de l'enfant.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Personnels des établissements",
                    (
                        Bullets(
                            (
                                "prénom, nom, fonction, adresse électronique académique, "
                                "établissement et classes suivies ;",
                                "actions réalisées (autorisations, validations) pour assurer "
                                "le suivi.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Employeurs",
                    (
                        Bullets(
                            (
                                "structure : raison sociale, numéro SIRET, code d'activité "
                                "(NAF), adresse, logo facultatif ;",
                                "personne à contacter : civilité, prénom, nom, fonction, "
                                "adresse électronique, téléphone, et accord éventuel pour être "
                                "contactée par les élèves ou les établissements ;",
                                "offres publiées et réponses aux candidatures.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Référents départementaux, académiques et nationaux",
                    (
                        Bullets(
                            (
                                "prénom, nom, adresse électronique professionnelle, "
                                "territoire suivi.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Pour tous",
                    (
                        Bullets(
                            (
                                "journaux de sécurité : sessions de connexion (adresse IP, "
                                "navigateur), tentatives de connexion, liens de connexion à "
                                "usage unique.",
                            )
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "mineurs",
            "Les données des élèves : le minimum",
            (
                Bullets(
                    (
                        "MyStage ne demande ni photo, ni adresse postale, ni information sur "
                        "la santé ou la famille de l'élève.",
                        "La recherche d'offres fonctionne sans compte : aucune donnée n'est "
                        "nécessaire pour consulter les offres.",
                        "Un employeur ne voit que les candidatures qui lui sont adressées, et "
                        "seulement les informations utiles pour y répondre.",
                        "Les données d'un élève ne sont jamais publiques ni visibles par les "
                        "autres élèves.",
                        "Les CV et les autres fichiers privés ne sont jamais publiés : ils "
                        "s'ouvrent par des liens personnels qui expirent.",
                    )
                ),
            ),
        ),
        Section(
            "destinataires",
            "Qui voit ces données",
            (
                Bullets(
                    (
                        "l'établissement de l'élève : les personnels habilités par le chef "
                        "d'établissement ;",
                        "l'employeur destinataire d'une candidature ;",
                        "les référents départementaux, académiques et nationaux : des "
                        "statistiques et des exports limités à leur territoire ;",
                        "les prestataires techniques de l'organisme, pour le seul compte de "
                        "celui-ci : [hébergeur, service d'envoi de courriels, service d'envoi "
                        "de SMS — à compléter].",
                    )
                ),
            ),
        ),
        Section(
            "conservation",
            "Durées de conservation",
            (
                Bullets(
                    (
                        "Comptes des élèves : tant qu'ils servent. Un élève qui ne s'est pas "
                        "connecté depuis la fin de l'année scolaire (31 août) voit son compte "
                        f"anonymisé {_C.retention_pupil_grace_days} jours après : nom, "
                        "adresse électronique, téléphone, mot de passe, date de naissance, "
                        "CV et son fichier, lettres de motivation, favoris sont effacés.",
                        "Candidatures : gardées sans nom ni texte libre une fois le compte de "
                        "l'élève supprimé ou anonymisé (« Élève (compte supprimé) »), pour "
                        "que les chiffres restent justes.",
                        "Comptes des personnels, des employeurs et des référents : tant qu'ils "
                        "sont utilisés, ou jusqu'à leur suppression (« Supprimer mon "
                        "compte »).",
                        "Équipes des employeurs : l'adresse d'un collègue invité reste "
                        "visible du responsable dans « Mon équipe » (même si l'invitation est "
                        "annulée ou a expiré) ; les choix de chaque membre par espace "
                        "(notifications, accès) sont gardés tant que son compte existe.",
                        "Listes de classe (élèves pas encore inscrits) : supprimées avec la "
                        "classe, et chaque jour celles des années scolaires passées.",
                        "Courriels et SMS envoyés : leur texte est effacé au bout de "
                        f"{_C.retention_outbox_body_days} jours, la trace de l'envoi "
                        f"(destinataire, date) au bout de {_C.retention_outbox_days} jours.",
                        "Historique des actions (qui a fait quoi, quand) : l'auteur et les "
                        f"messages sont anonymisés au bout de {_C.retention_audit_years} ans ; "
                        "les dates et les étapes restent.",
                        "Sessions de connexion : supprimées "
                        f"{_C.retention_session_days} jours après leur expiration.",
                        "Tentatives de connexion et liens à usage unique expirés : supprimés "
                        f"au bout de {_days(_C.retention_token_days)}.",
                        "Statistiques : conservées sans aucune donnée permettant "
                        "d'identifier un élève.",
                    )
                ),
                Para(
                    "Conventions de stage : gardées sur MyStage "
                    f"{_C.retention_convention_years} ans après la semaine de stage, avec "
                    "ce qu'elles contiennent (les parties, les signatures), même si un "
                    "compte est supprimé entre-temps ; elles sont ensuite effacées (le "
                    "document et les coordonnées ; la date et l'état restent). Les "
                    "établissements les archivent aussi selon leurs propres règles."
                ),
            ),
        ),
        Section(
            "securite",
            "Sécurité",
            (
                Bullets(
                    (
                        "mots de passe conservés sous forme d'empreinte argon2id ;",
                        "session gardée dans un cookie inaccessible aux scripts de la page "
                        "(HttpOnly), qui expire ;",
                        "compte bloqué temporairement après plusieurs mots de passe erronés ;",
                        "liens d'activation, de connexion et de téléchargement à usage unique "
                        "ou à durée limitée ;",
                        "accès aux données limité selon le rôle de chacun.",
                    )
                ),
            ),
        ),
        Section(
            "cookies",
            "Cookies et traceurs",
            (
                Para(
                    "MyStage n'utilise qu'un cookie, strictement nécessaire : le cookie de "
                    "session qui vous garde connecté. Il ne demande donc pas de consentement. "
                    "Le navigateur garde aussi un identifiant technique de l'onglet, effacé à "
                    "sa fermeture."
                ),
                Para(
                    "Aucun outil de mesure d'audience, aucune publicité, aucun bouton de "
                    "réseau social, aucun traceur tiers.",
                    strong=True,
                ),
            ),
        ),
        Section(
            "externes",
            "Ressources extérieures",
            (
                Para(
                    "Les fonds de carte (tuiles) sont la seule ressource chargée depuis un "
                    "autre site : quand une carte s'affiche, votre navigateur les demande à "
                    "[serveur de tuiles : OpenStreetMap ou celui choisi par l'organisme], qui "
                    "reçoit alors votre adresse IP et la zone affichée. Les polices, les "
                    "scripts et la bibliothèque de cartes sont servis par MyStage lui-même."
                ),
                Para(
                    "Les adresses des lieux de stage peuvent être localisées par [service de "
                    "géocodage, par exemple la Base Adresse Nationale] depuis nos serveurs : "
                    "aucune donnée d'élève n'est transmise à ce service."
                ),
            ),
        ),
        Section(
            "droits",
            "Vos droits",
            (
                Para(
                    "Vous pouvez accéder à vos données, les faire rectifier ou effacer, "
                    "demander la limitation de leur traitement ou vous y opposer. Pour un "
                    "élève mineur, ces droits peuvent être exercés par l'élève lui-même ou "
                    "par ses représentants légaux. Dans « Mon compte » (« Mon espace » → "
                    "« Mon compte »), vous corrigez votre nom, changez votre adresse "
                    "électronique (confirmée par un lien), votre portable (confirmé par un "
                    "code SMS) et votre mot de passe, et voyez vos sessions ouvertes."
                ),
                Para(
                    "Recevoir vos données (droit d'accès et portabilité) : « Mon compte », "
                    "puis « Mes données » donne un fichier .zip avec tout ce que MyStage "
                    "garde sur vous (mes-donnees.json, lisible par un autre service, et vos "
                    "fichiers : CV, logo, conventions signées). Il ne contient rien sur "
                    "d'autres personnes, sauf les messages qui vous ont été adressés. Le "
                    "fichier est gardé 1 heure (téléchargement immédiat) ou 7 jours (préparé "
                    "en arrière-plan, lien envoyé par courriel), puis supprimé ; il est "
                    "supprimé aussitôt si vous supprimez votre compte."
                ),
                Para(
                    "Supprimer votre compte : « Mon compte », puis « Supprimer mon compte » "
                    "(votre mot de passe est demandé). Les candidatures en cours sont "
                    "annulées et les employeurs prévenus ; ce qui est gardé, et combien de "
                    "temps, est indiqué ci-dessus."
                ),
                Para(
                    f"Pour exercer vos droits : écrivez à [adresse du DPO] ou à {EMAIL}. Si "
                    "vous estimez, après nous avoir contactés, que vos droits ne sont pas "
                    "respectés, vous pouvez adresser une réclamation à la CNIL."
                ),
                Links(
                    (
                        Link(
                            "Adresser une réclamation à la CNIL",
                            "https://www.cnil.fr/fr/plaintes",
                        ),
                    )
                ),
            ),
        ),
    ),
)
