"""/etablissements — for chefs d'établissement, professeurs principaux and school staff."""

from __future__ import annotations

from .blocks import Action, Actions, Bullets, Callout, Faq, Links, Page, Para, Section, Steps
from .common import (
    CONVENTION_DOWNLOAD,
    DEFAULT_RADIUS_KM,
    MAGIC_LINK_MINUTES,
    MAX_INTERNSHIPS_PER_YEAR,
    OFFICIAL_TEXTS,
    PLANNING_DOWNLOAD,
    REPLY_DAYS,
)

CTA_SPACE = Action("Accès à votre espace collège", "/connexion/lien", True, "cta-espace-college")
CTA_CREATE = Action(
    "Créer l'espace de mon établissement",
    "/inscription/etablissement?fonction=chef",
    False,
    "cta-ouvrir-espace",
)
CTA_JOIN = Action(
    "Rejoindre l'espace de mon établissement",
    "/inscription/etablissement",
    False,
    "cta-rejoindre-espace",
)

PAGE = Page(
    route="/etablissements",
    title="Collèges et lycées",
    heading="Collèges et lycées : organiser les stages d'observation",
    lead=(
        "Chefs d'établissement, professeurs principaux, professeurs, CPE, professeurs "
        "documentalistes, psychologues de l'Éducation nationale, secrétariats : cette page "
        "explique comment ouvrir l'espace de votre établissement, suivre vos élèves, et où "
        "trouver les textes officiels et les modèles de documents.",
    ),
    actions=(CTA_SPACE, CTA_CREATE),
    sections=(
        Section(
            "acces",
            "Accès à votre espace collège",
            (
                Para(
                    "Saisissez l'adresse électronique de votre établissement ou votre adresse "
                    "académique : vous recevez un lien de connexion, valable "
                    f"{MAGIC_LINK_MINUTES} minutes et utilisable une seule fois. Aucun mot de "
                    "passe n'est nécessaire."
                ),
                Actions((CTA_SPACE,)),
                Para("Employeurs et référents : utilisez « Se connecter », en haut de la page."),
            ),
        ),
        Section(
            "ouverture",
            "Ouvrir l'espace de l'établissement",
            (
                Steps(
                    (
                        (
                            "Le chef d'établissement crée le compte de l'établissement",
                            "Depuis « Créer l'espace de mon établissement » : il choisit la "
                            "ville et le collège ou le lycée, puis s'inscrit avec la boîte "
                            "officielle de l'établissement, de la forme "
                            "ce.UAI@ac-nomdelacademie.fr (UAI : le numéro de l'établissement, "
                            "7 chiffres et une lettre). "
                            "Cette adresse garantit que l'espace appartient bien à "
                            "l'établissement.",
                        ),
                        (
                            "Il déclare les classes et les semaines de stage",
                            "Classes de 4e, de 3e ou de 2de concernées, et une ou plusieurs "
                            "semaines de stage, pour tout l'établissement ou par classe. Par "
                            "défaut, les élèves voient les offres de leurs semaines dans un "
                            f"rayon de {DEFAULT_RADIUS_KM} km autour de l'établissement ; vous "
                            "pouvez ouvrir la recherche à tout le territoire.",
                        ),
                        (
                            "Il invite l'équipe",
                            "Il invite par courriel professeurs principaux, professeurs, CPE, "
                            "documentalistes, psychologues de l'Éducation nationale et "
                            "secrétariat ; ils peuvent aussi s'inscrire eux-mêmes avec leur "
                            "adresse académique (« Rejoindre l'espace de mon établissement ») "
                            "et le chef d'établissement accepte leur demande. Il gère leurs "
                            "droits : tout l'établissement, ou seulement leurs classes.",
                        ),
                        (
                            "Les élèves créent leur compte",
                            "En classe ou à la maison, avec une adresse électronique ou un "
                            "numéro de téléphone portable. Le professeur principal peut les "
                            "accompagner dans la prise en main.",
                        ),
                    )
                ),
                Actions((CTA_CREATE, CTA_JOIN)),
            ),
        ),
        Section(
            "autorisation",
            "Autorisation parentale",
            (
                Para(
                    "Le professeur principal remet à chaque élève un formulaire d'autorisation "
                    "parentale d'utilisation de la plateforme. Une fois le formulaire signé "
                    "rendu, il enregistre l'autorisation dans le tableau de sa classe : "
                    "l'élève peut alors postuler. Sans autorisation enregistrée, l'élève peut "
                    "consulter les offres mais pas postuler."
                ),
                Para(
                    "Conservez les formulaires signés selon les règles d'archivage de votre "
                    "établissement ; MyStage n'enregistre que la date de l'autorisation et "
                    "la personne qui l'a saisie."
                ),
            ),
        ),
        Section(
            "validation",
            "Validation des candidatures (si vous l'activez)",
            (
                Para(
                    "Le chef d'établissement peut décider que chaque candidature soit d'abord "
                    "validée par l'établissement, ou par un référent de l'Éducation nationale, "
                    "avant d'être transmise à l'employeur. La personne chargée de la "
                    "validation reçoit un courriel avec un lien direct vers la candidature."
                ),
                Bullets(
                    (
                        "Validez : la candidature part chez l'employeur et l'élève est prévenu.",
                        "Refusez en expliquant pourquoi (offre éloignée du projet de l'élève, "
                        "trajet trop long, lettre à retravailler) : l'élève lit votre message "
                        "et peut corriger sa candidature.",
                        "Traitez les candidatures rapidement : l'attente retarde la réponse de "
                        "l'employeur.",
                    )
                ),
                Para(
                    "Sans cette option, les candidatures partent directement chez l'employeur "
                    "et vous les suivez dans vos tableaux."
                ),
            ),
        ),
        Section(
            "suivi",
            "Suivre vos élèves",
            (
                Bullets(
                    (
                        "Le tableau de suivi montre, classe par classe, les élèves sans "
                        "candidature, ceux qui attendent une réponse et ceux dont le stage est "
                        "confirmé.",
                        "Le chef d'établissement et les autres personnels (CPE, "
                        "documentaliste, psychologue de l'Éducation nationale, secrétariat) "
                        "voient toutes les classes ; un professeur principal voit sa classe.",
                        "Les onglets « Candidatures à traiter » et « Candidatures traitées » "
                        "regroupent les candidatures qui demandent une action et celles qui "
                        "sont terminées (acceptées, refusées, expirées, annulées).",
                        f"Une candidature sans réponse de l'employeur expire après {REPLY_DAYS} "
                        "jours ; l'élève est prévenu et peut postuler ailleurs.",
                        "« Exporter » produit un tableur de la classe ou de l'établissement.",
                        f"Chaque élève peut faire jusqu'à {MAX_INTERNSHIPS_PER_YEAR} stages "
                        "dans l'année.",
                    )
                ),
                Callout(
                    "Quand un élève confirme son stage, vous êtes prévenu. Préparez la "
                    "convention (dates, horaires, activités, tuteur, professeur référent) et "
                    "faites-la signer par l'employeur et par la famille avant le premier jour "
                    "du stage.",
                    title="Après la confirmation : la convention",
                ),
            ),
        ),
        Section(
            "textes",
            "Textes officiels",
            (
                Links(OFFICIAL_TEXTS),
                Para(
                    "Ces liens mènent vers des sites publics extérieurs ; MyStage fonctionne "
                    "sans eux. Vérifiez toujours la version en vigueur des textes."
                ),
            ),
        ),
        Section(
            "documents",
            "Documents à télécharger",
            (
                CONVENTION_DOWNLOAD,
                PLANNING_DOWNLOAD,
                Para(
                    "Utilisez en priorité la convention type de votre académie ou celle "
                    "adoptée par votre conseil d'administration ; notre modèle peut servir de "
                    "base ou de point de comparaison."
                ),
            ),
        ),
        Section(
            "questions",
            "Questions fréquentes",
            (
                Faq(
                    (
                        (
                            "Je n'ai pas accès à la boîte ce.UAI de l'établissement.",
                            "Le lien de connexion est envoyé à l'adresse saisie : demandez au "
                            "secrétariat de direction de vous le transmettre aussitôt, ou "
                            "utilisez votre adresse académique personnelle si votre compte a "
                            "été créé avec elle.",
                        ),
                        (
                            "Le lien de connexion ne fonctionne pas.",
                            f"Il n'est valable que {MAGIC_LINK_MINUTES} minutes et une seule "
                            "fois : demandez-en un nouveau. Pensez à regarder dans les "
                            "courriers indésirables.",
                        ),
                        (
                            "Nos classes n'ont pas les mêmes semaines de stage.",
                            "Fixez les semaines classe par classe : chaque élève voit en "
                            "priorité les offres de ses propres semaines.",
                        ),
                        (
                            "Un élève est arrivé en cours d'année ou a changé de classe.",
                            "Rattachez-le à sa nouvelle classe depuis le tableau de suivi ; "
                            "ses candidatures restent attachées à son compte. Enregistrez "
                            "l'autorisation parentale si ce n'est pas déjà fait.",
                        ),
                        (
                            "Comment aider un élève sans stage ?",
                            "Repérez-le dans le tableau de suivi (aucune candidature, ou "
                            "seulement des refus), revoyez avec lui sa lettre et ses critères "
                            "de recherche, et orientez-le vers des offres proches de son "
                            "projet. Certains employeurs acceptent d'être contactés pour des "
                            "accueils de dernière minute.",
                        ),
                        (
                            "Qui signe la convention pour l'établissement ?",
                            "Le chef d'établissement. Le professeur référent qui suit l'élève "
                            "pendant le stage est désigné dans la convention.",
                        ),
                    )
                ),
            ),
        ),
    ),
)
