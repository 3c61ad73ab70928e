"""/parents — written for parents and legal guardians: « vous »."""

from __future__ import annotations

from .blocks import Action, Bullets, Callout, Faq, Page, Para, Section, Steps
from .common import CONVENTION_DOWNLOAD, EMERGENCY_NUMBERS, HOURS_RULE, REPLY_DAYS

PAGE = Page(
    route="/parents",
    title="Parents",
    heading="Parents : le stage d'observation de votre enfant",
    lead=(
        "Le stage d'observation fait découvrir à votre enfant le monde du travail et la "
        "diversité des métiers. Voici comment il se déroule avec MyStage, ce que vous signez "
        "et les points auxquels être attentif.",
    ),
    actions=(
        Action("Consulter les offres", "/offres", True, "cta-offres"),
        Action("Créer un compte parent", "/inscription?role=parent", False, "cta-compte-parent"),
    ),
    sections=(
        Section(
            "fonctionnement",
            "Comment ça marche",
            (
                Para(
                    "La séquence d'observation en milieu professionnel est obligatoire en "
                    "classe de 3e ; le collège peut aussi en organiser une en 4e. En 2de "
                    "générale et technologique, le stage a lieu en juin, sur un calendrier "
                    "national. Votre enfant passe environ une semaine dans une entreprise, une "
                    "association, une administration ou une collectivité, sous statut scolaire."
                ),
                Steps(
                    (
                        (
                            "Vous donnez votre autorisation",
                            "Le professeur principal vous remet un formulaire d'autorisation. "
                            "Vous le signez et le rendez à l'établissement, qui l'enregistre "
                            "sur MyStage.",
                        ),
                        (
                            "Votre enfant cherche et postule",
                            "Il cherche des offres par métier, par ville et par semaine, écrit "
                            "un texte de motivation pour chacune et complète son CV. Vous "
                            "pouvez l'aider à choisir, à vérifier le trajet et à relire.",
                        ),
                        (
                            "L'employeur répond",
                            f"L'employeur a {REPLY_DAYS} jours pour accepter ou refuser. Votre "
                            "enfant est prévenu par courriel ou par SMS et suit tout dans "
                            "« Mes candidatures ».",
                        ),
                        (
                            "Votre enfant confirme un stage",
                            "Quand une candidature est acceptée, votre enfant confirme le "
                            "stage. Prenez cette décision ensemble : lieu, trajet, horaires. "
                            "Ses autres candidatures pour la même semaine sont alors retirées.",
                        ),
                        (
                            "La convention est signée",
                            "L'établissement, l'employeur et vous signez la convention de "
                            "stage avant le premier jour.",
                        ),
                        (
                            "Le stage a lieu",
                            "Votre enfant observe, pose des questions et prend des notes. À "
                            "son retour, l'établissement lui demande souvent un rapport ou une "
                            "présentation orale.",
                        ),
                    )
                ),
                Callout(
                    "Les élèves et leurs familles se chargent de la recherche du lieu de "
                    "stage ; l'équipe pédagogique peut les y aider. MyStage rassemble des "
                    "offres pour faciliter cette recherche, mais une candidature ne vaut pas "
                    "acceptation : seul l'employeur décide.",
                    title="Bon à savoir",
                ),
            ),
        ),
        Section(
            "autorisation",
            "L'autorisation parentale",
            (
                Para(
                    "Votre enfant est mineur : il ne peut pas postuler sans votre accord. "
                    "L'établissement enregistre votre autorisation sur MyStage avant que votre "
                    "enfant puisse envoyer sa première candidature. Tant qu'elle n'est pas "
                    "enregistrée, il peut créer son compte et consulter les offres, mais pas "
                    "postuler."
                ),
                Para(
                    "Cette autorisation porte sur l'utilisation de la plateforme. Elle ne "
                    "remplace pas la convention, que vous signerez pour le stage choisi. Si vous "
                    "changez d'avis, prévenez l'établissement."
                ),
            ),
        ),
        Section(
            "convention",
            "La convention de stage",
            (
                Para(
                    "La convention est un document tripartite : elle est signée par le chef "
                    "d'établissement, par le responsable de la structure d'accueil et par "
                    "vous, représentants légaux ; votre enfant en prend connaissance. Sans "
                    "convention signée, le stage ne peut pas avoir lieu."
                ),
                Para("Elle précise notamment :"),
                Bullets(
                    (
                        "les dates et les horaires de présence ;",
                        "les activités que votre enfant observera ;",
                        "le nom du tuteur dans la structure et celui du professeur référent ;",
                        "les personnes à prévenir en cas d'urgence ;",
                        "l'assurance, les repas et le transport ;",
                        "les responsabilités de chacun.",
                    )
                ),
                Para(
                    "Lisez-la attentivement avant de la signer, en particulier le lieu et les "
                    "horaires. Vous pouvez consulter notre modèle pour savoir à quoi vous "
                    "attendre : c'est la convention fournie par l'établissement de votre enfant "
                    "qui fait foi."
                ),
                CONVENTION_DOWNLOAD,
            ),
        ),
        Section(
            "assurance",
            "Assurance",
            (
                Para(
                    "Pendant le stage, votre enfant reste élève : il est sous la responsabilité "
                    "du chef d'établissement, comme lors d'une sortie scolaire. La structure "
                    "d'accueil garantit sa propre responsabilité civile ; l'établissement "
                    "s'assure que la responsabilité civile de votre enfant est couverte, "
                    "y compris sur le trajet."
                ),
                Para(
                    "Vérifiez que votre assurance responsabilité civile (souvent comprise dans "
                    "l'assurance habitation ou l'assurance scolaire) couvre bien votre enfant : "
                    "l'établissement peut vous demander une attestation. En cas d'accident, "
                    "la structure d'accueil prévient la famille et l'établissement le jour même."
                ),
            ),
        ),
        Section(
            "trajet-repas",
            "Transport et repas",
            (
                Bullets(
                    (
                        "Le trajet entre la maison et le lieu de stage est organisé par la "
                        "famille. Vérifiez-le avant que votre enfant postule : durée, horaires "
                        "des transports, trajet à pied ou à vélo en sécurité.",
                        "Les frais de transport et de repas restent en général à votre charge, "
                        "sauf si l'offre indique une prise en charge. La fiche de l'offre "
                        "précise s'il est possible de déjeuner sur place.",
                        "Si votre enfant mange habituellement à la cantine, renseignez-vous "
                        "auprès de l'établissement pour la semaine de stage.",
                        "Aucun hébergement n'est prévu : choisissez un lieu de stage joignable "
                        "chaque jour depuis la maison.",
                    )
                ),
            ),
        ),
        Section(
            "vigilance",
            "Points de vigilance",
            (
                Callout(
                    "Aucune somme ne peut être demandée à votre enfant ni à vous, pour une "
                    "candidature, une place ou du matériel. Signalez toute demande d'argent à "
                    "l'établissement.",
                    title="Le stage est gratuit",
                    kind="vigilance",
                ),
                Bullets(
                    (
                        "Votre enfant n'est pas salarié : il ne reçoit aucune rémunération.",
                        f"Horaires : {HOURS_RULE}.",
                        "Activités : de l'observation et de petites activités encadrées, sans "
                        "danger. Pas de machine, de produit dangereux, de travail en hauteur "
                        "ou sur des installations électriques.",
                        "Contacts : l'employeur échange avec votre enfant par MyStage, par "
                        "courriel ou par téléphone pour organiser le stage. Soyez attentif à "
                        "toute demande inhabituelle : rendez-vous hors du lieu de stage, "
                        "échanges sur les réseaux sociaux, demande de photos.",
                        "En cas de problème pendant le stage (absence, difficulté, "
                        "comportement inadapté d'un adulte), prévenez immédiatement "
                        "l'établissement.",
                    )
                ),
                Callout(
                    "Numéros à connaître :",
                    title="En cas d'urgence",
                    items=EMERGENCY_NUMBERS,
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
                            "Le stage est-il obligatoire ?",
                            "Oui en classe de 3e, et en 2de générale et technologique depuis "
                            "2024. En 4e, il est possible si le collège l'organise.",
                        ),
                        (
                            "Qui cherche le lieu de stage ?",
                            "Votre enfant, avec votre aide et celle de l'équipe pédagogique. "
                            "Les offres de MyStage facilitent la recherche, mais vous pouvez "
                            "aussi trouver un lieu par vos propres moyens : la convention de "
                            "l'établissement est alors signée de la même façon.",
                        ),
                        (
                            "Mon enfant peut-il faire son stage chez un proche ou dans mon "
                            "entreprise ?",
                            "Oui, si la structure l'accepte et qu'une convention est signée. "
                            "Découvrir un univers qu'il ne connaît pas encore peut toutefois "
                            "lui apporter davantage.",
                        ),
                        (
                            "Mon enfant a moins de 14 ans. Peut-il aller dans une entreprise "
                            "privée ?",
                            "Oui : depuis 2019, les élèves de 4e et de 3e de moins de 14 ans "
                            "peuvent faire leur séquence d'observation dans une entreprise "
                            "privée, dans les mêmes conditions que les autres élèves.",
                        ),
                        (
                            "Combien de candidatures peut-il envoyer ?",
                            "Autant qu'il le souhaite. Encouragez-le à écrire une lettre "
                            "adaptée à chaque offre. Dès qu'il confirme un stage, ses autres "
                            "candidatures pour la même semaine sont retirées.",
                        ),
                        (
                            "Mon enfant est malade pendant le stage.",
                            "Prévenez le tuteur et l'établissement dès le matin, comme pour "
                            "une absence en classe, et fournissez un justificatif à "
                            "l'établissement.",
                        ),
                        (
                            "Mon enfant n'a toujours pas de stage.",
                            "Prévenez le professeur principal au plus tôt : l'établissement "
                            "accompagne les élèves sans solution et connaît des employeurs "
                            "qui accueillent au dernier moment.",
                        ),
                        (
                            "À quoi sert un compte parent ?",
                            "Il vous donne un accès personnel à MyStage, distinct de celui de "
                            "votre enfant. L'autorisation parentale, elle, passe toujours par "
                            "l'établissement.",
                        ),
                    )
                ),
            ),
        ),
    ),
)
