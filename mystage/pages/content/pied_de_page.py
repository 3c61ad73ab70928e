"""Footer pages: contact, mentions légales, accessibility statement, personal data.

Every detail that belongs to the organisation deploying MyStage is written between square
brackets (« [Nom de l'organisme qui déploie MyStage] ») and highlighted on screen: fill
them in before going live.  The rest describes what the software really does.
"""

from __future__ import annotations

from .blocks import Bullets, Callout, Link, Links, Page, Para, Section, Sub
from .common import EMERGENCY_NUMBERS, PLACEHOLDER_EMAIL, PLACEHOLDER_ORG

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

MENTIONS = Page(
    route="/mentions-legales",
    title="Mentions légales",
    heading="Mentions légales",
    lead=(),
    updated="[date de mise à jour]",
    sections=(
        Section(
            "editeur",
            "Éditeur du site",
            (
                Bullets(
                    (
                        f"Nom : {ORG}",
                        "Adresse : [adresse postale du siège]",
                        "Téléphone : [numéro de téléphone]",
                        f"Courriel : {EMAIL}",
                        "Numéro SIREN ou SIRET : [numéro]",
                    )
                ),
                Para(
                    "Directeur ou directrice de la publication : [nom et fonction de la "
                    "personne responsable de la publication]."
                ),
            ),
        ),
        Section(
            "hebergement",
            "Hébergement",
            (
                Bullets(
                    (
                        "Hébergeur : [nom de l'hébergeur]",
                        "Adresse : [adresse de l'hébergeur]",
                        "Téléphone : [numéro de téléphone de l'hébergeur]",
                    )
                ),
                Para("Les données sont hébergées en [pays d'hébergement, par exemple France]."),
            ),
        ),
        Section(
            "logiciel",
            "Logiciel",
            (
                Para(
                    "Ce site utilise MyStage, un logiciel libre de mise en relation pour les "
                    "stages d'observation des élèves de 4e, de 3e et de 2de générale et "
                    "technologique, distribué sous [licence du logiciel]. Son code source est "
                    "disponible sur [adresse du dépôt du code source]."
                ),
            ),
        ),
        Section(
            "service",
            "Nature du service",
            (
                Para(
                    "MyStage met en relation des élèves et des structures d'accueil. Une "
                    "candidature ne vaut pas acceptation : seul l'employeur décide d'accueillir "
                    "un élève, et le stage n'a lieu qu'après la signature d'une convention "
                    "entre l'établissement, la structure d'accueil et la famille."
                ),
                Para(
                    "Les offres sont publiées sous la responsabilité des structures qui les "
                    "déposent. L'éditeur peut retirer toute offre contraire aux règles des "
                    "séquences d'observation ou aux présentes conditions, et suspendre le "
                    "compte de son auteur."
                ),
            ),
        ),
        Section(
            "donnees-reference",
            "Données de référence et cartes",
            (
                Para(
                    "Communes, codes postaux, établissements scolaires, réseaux d'éducation "
                    "prioritaire et secteurs professionnels : La Poste (base officielle des "
                    "codes postaux), INSEE (code officiel géographique), ministère de "
                    "l'Éducation nationale, ONISEP — données publiées sous Licence Ouverte "
                    "v2.0 (Etalab)."
                ),
                Para(
                    "Fonds de carte : © les contributrices et contributeurs d'OpenStreetMap, "
                    "données sous licence ODbL [ou : fournisseur de tuiles choisi par "
                    "l'organisme]."
                ),
            ),
        ),
        Section(
            "propriete",
            "Propriété intellectuelle et liens",
            (
                Para(
                    "Les textes de ce site peuvent être réutilisés en citant leur source. Les "
                    "logos des structures d'accueil restent la propriété de leurs titulaires. "
                    "[Préciser ici les éléments propres à l'organisme : logo, marque, "
                    "illustrations.]"
                ),
                Para(
                    "Les liens vers d'autres sites (Légifrance, Bulletin officiel de "
                    "l'Éducation nationale…) sont fournis pour information ; l'éditeur n'est "
                    "pas responsable de leur contenu."
                ),
            ),
        ),
        Section(
            "voir-aussi",
            "Voir aussi",
            (
                Links(
                    (
                        Link("Données personnelles", "/donnees-personnelles"),
                        Link("Déclaration d'accessibilité", "/accessibilite"),
                        Link("Contact", "/contact"),
                    )
                ),
            ),
        ),
    ),
)

ACCESSIBILITE = Page(
    route="/accessibilite",
    title="Déclaration d'accessibilité",
    heading="Déclaration d'accessibilité",
    lead=(
        f"{ORG} s'engage à rendre ses sites internet, intranet, extranet et ses progiciels "
        "accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.",
        "Cette déclaration d'accessibilité s'applique au site MyStage ([adresse du site]).",
    ),
    updated="6 décembre 2026 (auto-évaluation de l'équipe de développement)",
    sections=(
        Section(
            "etat",
            "État de conformité",
            (
                Para(
                    "Le site MyStage est non conforme avec le référentiel général "
                    "d'amélioration de l'accessibilité (RGAA), version 4.1.",
                    strong=True,
                ),
                Para(
                    "Ce n'est pas faute d'avoir travaillé l'accessibilité (voir ci-dessous) : "
                    "le RGAA réserve la mention « partiellement conforme » à un site dont un "
                    "audit a mesuré qu'il respecte au moins la moitié des critères. Aucun audit "
                    "RGAA complet (106 critères vérifiés à la main sur un échantillon de pages) "
                    "n'a encore été réalisé : le site reste donc « non conforme » tant que cet "
                    "audit n'a pas eu lieu."
                ),
            ),
        ),
        Section(
            "resultats",
            "Résultats des tests",
            (
                Para(
                    "Il n'existe pas encore de taux de conformité au RGAA. [Après l'audit : "
                    "indiquer le taux de conformité, la date de l'audit et l'organisme qui l'a "
                    "réalisé.] En attendant, voici ce que l'équipe vérifie elle-même."
                ),
                Sub(
                    "Tests automatiques, à chaque modification du code",
                    (
                        Para(
                            "Un test parcourt toutes les pages du site avec le moteur axe-core "
                            "(version 4.14), dans le navigateur Chromium, sur un écran de 375 "
                            "pixels de large (téléphone) et de 1 280 pixels (ordinateur), et "
                            "pour chaque profil : visiteur sans compte, élève, parent, "
                            "employeur, chef d'établissement, professeur principal, référent, "
                            "administrateur et opérateur. Il contrôle aussi les états qui "
                            "comptent : résultats de recherche et carte, suggestions de lieux "
                            "et d'établissements, menu sur téléphone, onglets de l'espace "
                            "employeur, boîtes de confirmation (accepter, refuser, valider, "
                            "confirmer ou annuler un stage), formulaires d'inscription et de "
                            "connexion qui affichent leurs erreurs."
                        ),
                        Para(
                            "Le test échoue, et la modification n'est pas acceptée, dès qu'une "
                            "règle des WCAG 2.1 niveaux A et AA ou une bonne pratique d'axe-core "
                            "est enfreinte avec un impact « grave » ou « critique », dès qu'une "
                            "page n'a pas de titre de niveau 1, saute un niveau de titre ou "
                            "laisse un en-tête de tableau vide, et dès que le navigateur "
                            "signale une erreur JavaScript. Cela couvre notamment, dans le "
                            "RGAA : le titre des cadres (critère 2.1), le contraste des textes "
                            "(3.2), la présence d'une alternative aux images (1.1), les "
                            "en-têtes des tableaux (5.6), l'intitulé des liens (6.2), les rôles "
                            "et attributs ARIA et le nom des composants, qui doit contenir leur "
                            "texte visible (7.1), la langue et le titre des pages (8.3, 8.5), "
                            "la hiérarchie des titres (9.1), les liens distingués autrement "
                            "que par la couleur (10.6) et les étiquettes des champs (11.1)."
                        ),
                        Para(
                            "Un test au clavier vérifie les liens d'évitement (12.7) : sur la "
                            "page de recherche, « Aller au contenu » puis « Aller aux "
                            "résultats » sont les premiers éléments atteints avec la touche "
                            "Tab, apparaissent quand ils reçoivent le focus, et mènent aux "
                            "résultats sans repasser par les champs du formulaire."
                        ),
                        Para(
                            "Un outil automatique ne trouve qu'une partie des défauts : il ne "
                            "juge ni la pertinence d'un texte de remplacement, ni l'ordre de "
                            "lecture, ni la clarté d'un message d'erreur. Ces tests ne "
                            "remplacent pas un audit."
                        ),
                    ),
                ),
                Sub(
                    "Vérifications à la main",
                    (
                        Bullets(
                            (
                                "relecture de captures d'écran des pages à 375 et 1 280 pixels "
                                "(couleurs des étiquettes et des boutons, absence de "
                                "défilement horizontal) ;",
                                "parcours au clavier de la recherche d'offres, de "
                                "l'inscription et de la connexion.",
                            )
                        ),
                        Para(
                            "Le site n'a pas encore été testé avec un lecteur d'écran "
                            "(NVDA, JAWS, VoiceOver, TalkBack) ni par des personnes en "
                            "situation de handicap."
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "fait",
            "Ce qui a été fait",
            (
                Para("Le site a été conçu pour être accessible dès le départ :"),
                Bullets(
                    (
                        "chaque champ de formulaire, y compris l'envoi de fichier (CV, logo), "
                        "a une étiquette visible, et les erreurs sont écrites en toutes "
                        "lettres à côté du champ concerné ;",
                        "un formulaire qui signale une erreur conserve ce qui a été saisi ;",
                        "le site se parcourt au clavier, avec un repère visible sur l'élément "
                        "actif, un lien « Aller au contenu » en début de chaque page et un "
                        "lien « Aller aux résultats » sur la page de recherche ;",
                        "chaque page a un titre qui lui est propre, un seul titre de niveau 1, "
                        "et ses titres de sections se suivent dans l'ordre ;",
                        "la langue des pages est déclarée (français) ;",
                        "les textes, les étiquettes colorées et les boutons ont un contraste "
                        "d'au moins 4,5:1 (mesuré par les tests automatiques) ; les liens "
                        "placés dans un texte sont soulignés ;",
                        "les pages s'affichent sur un écran de 375 pixels de large sans "
                        "défilement horizontal ;",
                        "aucune information n'est donnée uniquement par une image ou par la "
                        "couleur, et aucun texte n'est présenté sous forme d'image ;",
                        "les onglets (espace employeur, tableau de bord de l'établissement) et "
                        "les boîtes de confirmation suivent les modèles ARIA : les onglets se "
                        "parcourent avec les flèches, les dialogues gardent le focus ;",
                        "les questions fréquentes utilisent des éléments repliables standard, "
                        "reconnus par les lecteurs d'écran ;",
                        "les offres affichées sur la carte sont aussi présentées sous forme de "
                        "liste.",
                    )
                ),
            ),
        ),
        Section(
            "non-accessible",
            "Contenus non accessibles",
            (
                Para(
                    "La liste complète des non-conformités sera établie lors de l'audit. Les "
                    "limites connues à ce jour sont les suivantes."
                ),
                Sub(
                    "Non-conformités connues",
                    (
                        Bullets(
                            (
                                "certains boutons sont placés à l'intérieur d'un lien "
                                "(« Mon profil », « Modifier », « Précédent ») : le code HTML "
                                "n'est pas valide à cet endroit (critère 8.2), même si le "
                                "lien fonctionne au clavier ;",
                                "le zoom du texte à 200 % et la réorganisation du contenu "
                                "(critères 10.4 et 10.11) n'ont pas été vérifiés sur toutes "
                                "les pages ;",
                                "les graphiques des statistiques n'ont pas tous un tableau de "
                                "données équivalent ;",
                                "les logos déposés par les structures d'accueil ont une "
                                "alternative générique (« Logo de la structure »).",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Contenus non soumis à l'obligation d'accessibilité",
                    (
                        Bullets(
                            (
                                "la carte interactive des offres n'est pas entièrement "
                                "utilisable au clavier ni avec un lecteur d'écran ; les mêmes "
                                "offres, avec leur adresse, sont dans la liste des résultats "
                                "(bouton « Liste »), qui en est l'alternative accessible ;",
                                "les documents à télécharger (modèle de convention au format "
                                "RTF, planning au format tableur) sont des modèles à compléter "
                                "et n'ont pas été audités.",
                            )
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "etablissement",
            "Établissement de cette déclaration",
            (
                Para(
                    "Cette déclaration a été établie le 6 décembre 2026 par l'équipe de "
                    "développement de MyStage (auto-évaluation, sans audit). [Date de la "
                    "déclaration de l'organisme qui déploie MyStage.]"
                ),
                Bullets(
                    (
                        "Technologies utilisées : HTML, CSS, JavaScript (React, par "
                        "l'intermédiaire du framework Reflex, et les composants Radix).",
                        "Environnement de test : Chromium (Debian) sous Linux, écrans de 375 et "
                        "1 280 pixels de large.",
                        "Outils : axe-core 4.14 piloté par Playwright (tests automatiques), "
                        "clavier (tests manuels).",
                        "Pages vérifiées : toutes les pages du site, pour chaque profil "
                        "d'utilisateur (voir « Résultats des tests »).",
                    )
                ),
            ),
        ),
        Section(
            "retour",
            "Retour d'information et contact",
            (
                Para(
                    "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez "
                    "nous contacter pour être orienté vers une solution accessible ou obtenir "
                    "le contenu sous une autre forme. Décrivez la page concernée, ce que vous "
                    "cherchiez à faire et, si possible, votre équipement (navigateur, lecteur "
                    "d'écran…)."
                ),
                Bullets(
                    (
                        f"Par courriel : {EMAIL}",
                        "Par courrier : [adresse postale]",
                    )
                ),
                Links((Link("Page Contact", "/contact"),)),
            ),
        ),
        Section(
            "recours",
            "Voies de recours",
            (
                Para(
                    "Cette procédure est à utiliser dans le cas suivant : vous avez signalé au "
                    "responsable du site un défaut d'accessibilité qui vous empêche d'accéder "
                    "à un contenu ou à un des services, et vous n'avez pas obtenu de réponse "
                    "satisfaisante. Vous pouvez :"
                ),
                Bullets(
                    (
                        "écrire un message au Défenseur des droits (formulaire en ligne) ;",
                        "contacter le délégué du Défenseur des droits dans votre région ;",
                        "envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : "
                        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.",
                    )
                ),
                Links(
                    (
                        Link(
                            "Formulaire en ligne du Défenseur des droits",
                            "https://formulaire.defenseurdesdroits.fr/",
                        ),
                        Link(
                            "Trouver un délégué du Défenseur des droits",
                            "https://www.defenseurdesdroits.fr/saisir/delegues",
                        ),
                    )
                ),
            ),
        ),
        Section(
            "schema",
            "Schéma pluriannuel",
            (
                Para(
                    "[Lien vers le schéma pluriannuel de mise en accessibilité de l'organisme "
                    "et son plan d'action de l'année en cours.]"
                ),
            ),
        ),
    ),
)

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
                                "langues, fichier PDF facultatif) et réponses reçues.",
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
                        "Comptes des élèves, candidatures et CV : jusqu'à la fin de l'année "
                        "scolaire, puis anonymisés. [Date et durée à confirmer par "
                        "l'organisme, par exemple le 31 juillet.]",
                        "Comptes des personnels, des employeurs et des référents : tant qu'ils "
                        "sont utilisés ; supprimés ou anonymisés après [2 ans] sans connexion, "
                        "après un courriel d'avertissement.",
                        "Sessions de connexion : supprimées 30 jours après leur expiration.",
                        "Tentatives de connexion et liens à usage unique expirés : supprimés "
                        "au bout d'une journée.",
                        "Statistiques : conservées sans aucune donnée permettant "
                        "d'identifier un élève.",
                    )
                ),
                Para(
                    "Les conventions signées sont conservées par les établissements selon "
                    "leurs propres règles d'archivage."
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
                    "par ses représentants légaux. Une partie de vos données se corrige "
                    "directement depuis « Mon profil »."
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

PAGES = (CONTACT, MENTIONS, ACCESSIBILITE, DONNEES)
