"""The footer page « Déclaration d'accessibilité » (RGAA 4.1 self-assessment)."""

from __future__ import annotations

from ..blocks import Bullets, Link, Links, Page, Para, Section, Sub
from ..common import PLACEHOLDER_EMAIL, PLACEHOLDER_ORG

ORG = PLACEHOLDER_ORG
EMAIL = PLACEHOLDER_EMAIL

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
