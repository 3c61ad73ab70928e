"""/employeurs — for companies, associations, administrations and local authorities."""

from __future__ import annotations

from .blocks import Action, Actions, Bullets, Callout, Faq, Page, Para, Section, Steps, Sub
from .common import CONVENTION_DOWNLOAD, HOURS_RULE, PLANNING_DOWNLOAD, REPLY_DAYS

CTA_OFFER = Action("Déposer une offre", "/inscription/employeur", True, "cta-deposer-offre")
CTA_LOGIN = Action("Se connecter à mon espace", "/connexion", False, "cta-connexion-employeur")

PAGE = Page(
    route="/employeurs",
    title="Employeurs",
    heading="Employeurs : accueillir un élève en stage d'observation",
    lead=(
        "Entreprises, associations, administrations, collectivités, professions libérales : "
        "en accueillant un élève de 4e, de 3e ou de 2de pendant une semaine, vous lui faites "
        "découvrir vos métiers et vous l'aidez à construire son orientation.",
    ),
    actions=(CTA_OFFER, CTA_LOGIN),
    sections=(
        Section(
            "pourquoi",
            "Pourquoi accueillir un élève ?",
            (
                Bullets(
                    (
                        "Faire découvrir vos métiers, parfois méconnus, à des jeunes qui "
                        "choisiront bientôt leur orientation.",
                        "Agir pour l'égalité des chances : beaucoup d'élèves n'ont pas de "
                        "réseau pour trouver un stage, en particulier dans les collèges de "
                        "l'éducation prioritaire et les quartiers prioritaires.",
                        "Renforcer vos liens avec les établissements scolaires et votre "
                        "territoire, et faire connaître vos formations et vos futurs "
                        "recrutements (apprentissage, alternance).",
                        "Valoriser vos équipes : expliquer son métier à un jeune est souvent "
                        "une expérience appréciée des collaborateurs.",
                        "Un engagement simple : une semaine, un tuteur, un programme préparé à "
                        "l'avance.",
                    )
                ),
            ),
        ),
        Section(
            "etapes",
            "Les étapes",
            (
                Steps(
                    (
                        (
                            "Créez votre compte",
                            "Avec le numéro SIRET de votre structure, son adresse et une "
                            "personne à contacter. Un courriel vous permet d'activer votre "
                            "compte. Si votre structure est déjà inscrite, vous pouvez la "
                            "rejoindre.",
                        ),
                        (
                            "Déposez une offre",
                            "Un titre clair, les activités prévues, le lieu, les semaines "
                            "d'accueil et le nombre de places, les horaires, les conditions de "
                            "repas et l'accessibilité de vos locaux. Vous pouvez réserver une "
                            "offre aux élèves de l'éducation prioritaire ou à un établissement.",
                        ),
                        (
                            f"Répondez aux candidatures sous {REPLY_DAYS} jours",
                            "Vous êtes prévenu par courriel. Dans « Candidatures à traiter », "
                            "acceptez ou refusez chaque candidature avec un message. Sans "
                            f"réponse au bout de {REPLY_DAYS} jours, la candidature expire et "
                            "l'élève cherche ailleurs.",
                        ),
                        (
                            "L'élève confirme",
                            "Quand vous acceptez, l'élève confirme son choix avec sa famille. "
                            "Ses autres candidatures pour la même semaine sont alors retirées "
                            "et vous êtes prévenu.",
                        ),
                        (
                            "Signez la convention",
                            "L'établissement de l'élève prépare la convention (dates, "
                            "horaires, activités, tuteur). Vous la complétez et la signez ; la "
                            "famille et le chef d'établissement la signent aussi, avant le "
                            "premier jour. Sans convention signée, l'élève ne peut pas être "
                            "accueilli.",
                        ),
                        (
                            "Accueillez l'élève",
                            "Le premier jour, présentez la structure, l'équipe et les consignes "
                            "de sécurité. Suivez le programme prévu et faites un bilan avec "
                            "l'élève en fin de semaine.",
                        ),
                    )
                ),
                Callout(
                    "Si vous ne pouvez plus accueillir (places pourvues, imprévu), suspendez "
                    "ou désactivez votre offre depuis votre espace : vous ne recevrez plus de "
                    "candidatures. Répondez tout de même à celles déjà reçues.",
                    title="Trop de candidatures ?",
                ),
                Actions((CTA_OFFER,)),
            ),
        ),
        Section(
            "offre",
            "Rédiger une bonne offre",
            (
                Bullets(
                    (
                        "Un titre compris d'emblée par un jeune de 14 ans : « Découverte des "
                        "métiers de … » ou « Structure – secteur – métier découvert ».",
                        "Une description concrète : le secteur d'activité, les services "
                        "visités, les métiers observés, ce que l'élève fera chaque jour.",
                        "Les informations pratiques : horaires, tenue à prévoir, déplacements "
                        "éventuels, repas sur place ou non.",
                        "Des semaines d'accueil hors vacances scolaires, en tenant compte des "
                        "semaines de stage des établissements proches.",
                        "Quelques mots sur l'accessibilité des locaux et l'environnement de "
                        "travail (bruit, lumière, ascenseur) : ils aident les élèves en "
                        "situation de handicap.",
                    )
                ),
            ),
        ),
        Section(
            "semaine",
            "Organiser la semaine",
            (
                Bullets(
                    (
                        "Préparez le programme à l'avance : un planning jour par jour, avec "
                        "les personnes que l'élève accompagnera.",
                        "Variez les métiers et les missions observés : c'est souvent le "
                        "premier contact de l'élève avec le monde professionnel, il a tout à "
                        "découvrir.",
                        "Désignez un tuteur disponible, que l'élève peut solliciter à tout "
                        "moment, et prévenez les équipes de son arrivée.",
                        "Prévoyez du temps pour le rapport de stage : des moments d'échange, "
                        "des documents que l'élève a le droit d'utiliser.",
                        "Faites un bilan le dernier jour : ce qu'il a appris, ce qui l'a "
                        "surpris, les formations qui mènent à vos métiers.",
                    )
                ),
                Sub(
                    "Exemple de planning",
                    (
                        Bullets(
                            (
                                "Lundi : accueil, visite des locaux, présentation de la "
                                "structure, consignes de sécurité.",
                                "Mardi : observation dans un premier service, avec un "
                                "professionnel.",
                                "Mercredi : un deuxième service ou un deuxième métier ; "
                                "participation à une réunion d'équipe.",
                                "Jeudi : déplacement ou rendez-vous extérieur accompagné, "
                                "entretiens avec des collaborateurs sur leur parcours.",
                                "Vendredi : temps consacré au rapport de stage et bilan avec "
                                "le tuteur.",
                            )
                        ),
                        PLANNING_DOWNLOAD,
                    ),
                ),
            ),
        ),
        Section(
            "regles",
            "Ce qui est permis, ce qui ne l'est pas",
            (
                Sub(
                    "Permis",
                    (
                        Bullets(
                            (
                                "Observer les professionnels au travail et leur poser des "
                                "questions.",
                                "Accompagner un collaborateur en réunion, en rendez-vous ou "
                                "sur le terrain.",
                                "Sous le contrôle du tuteur, mener une petite enquête, "
                                "participer à des activités, à des essais ou à des "
                                "démonstrations sans danger.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Interdit",
                    (
                        Bullets(
                            (
                                "Confier un travail productif à l'élève ou lui faire remplacer "
                                "un salarié.",
                                "Le rémunérer, ou lui demander une somme d'argent.",
                                "Lui faire utiliser des machines, outils ou produits dangereux, "
                                "ou lui confier des travaux interdits aux mineurs (travail en "
                                "hauteur, installations électriques…).",
                                f"Dépasser les horaires : {HOURS_RULE}.",
                                "L'accueillir sans convention signée.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Âge et responsabilités",
                    (
                        Para(
                            "Vous pouvez accueillir des élèves de 4e, de 3e et de 2de générale "
                            "et technologique. Depuis 2019, les élèves de 4e et de 3e de "
                            "moins de 14 ans peuvent eux aussi faire leur séquence "
                            "d'observation dans une entreprise privée (article L4153-1 du Code "
                            "du travail)."
                        ),
                        Para(
                            "Vous prenez les mesures nécessaires pour la sécurité de l'élève et "
                            "prévenez l'établissement de toute difficulté : absence, retard, "
                            "comportement inadapté, problème de santé. En cas d'accident, même "
                            "sur le trajet, prévenez la famille et l'établissement le jour "
                            "même."
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "documents",
            "Documents utiles",
            (PLANNING_DOWNLOAD, CONVENTION_DOWNLOAD),
        ),
        Section(
            "questions",
            "Questions fréquentes",
            (
                Faq(
                    (
                        (
                            "Dois-je rémunérer l'élève ?",
                            "Non. L'élève reste sous statut scolaire : il ne reçoit ni salaire "
                            "ni gratification, et rien ne peut lui être demandé.",
                        ),
                        (
                            "Quelle assurance faut-il ?",
                            "Vous garantissez votre responsabilité civile, comme pour tout "
                            "visiteur ; l'établissement s'assure que la responsabilité civile "
                            "de l'élève est couverte. Vérifiez auprès de votre assureur que "
                            "l'accueil d'un élève en stage d'observation est bien couvert.",
                        ),
                        (
                            "Combien d'élèves puis-je accueillir ?",
                            "Autant que vous pouvez en encadrer. Indiquez le nombre de places "
                            "par semaine dans votre offre.",
                        ),
                        (
                            "Puis-je choisir les élèves ?",
                            "Oui : vous acceptez ou refusez chaque candidature. Motivez vos "
                            "refus en quelques mots, c'est utile à l'élève. Ne retenez aucun "
                            "critère discriminatoire (origine, sexe, handicap, lieu de "
                            "résidence…).",
                        ),
                        (
                            "Plusieurs collègues peuvent-ils gérer nos offres ?",
                            "Oui. Invitez-les dans votre équipe depuis votre espace : ils "
                            "pourront déposer des offres et répondre aux candidatures.",
                        ),
                        (
                            "Puis-je accueillir un élève en situation de handicap ?",
                            "Oui. Décrivez l'accessibilité de vos locaux dans votre offre et "
                            "échangez avec l'établissement pour préparer l'accueil.",
                        ),
                        (
                            "L'élève ne vient pas ou pose problème.",
                            "Prévenez immédiatement l'établissement, dont les coordonnées "
                            "figurent dans la convention.",
                        ),
                        (
                            "Je suis une administration ou une collectivité.",
                            "Vous pouvez aussi déposer des offres : indiquez votre numéro "
                            "SIRET comme une entreprise.",
                        ),
                    )
                ),
                Actions((CTA_OFFER, CTA_LOGIN)),
            ),
        ),
    ),
)
