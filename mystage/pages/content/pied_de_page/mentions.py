"""The footer page « Mentions légales »."""

from __future__ import annotations

from ..blocks import Bullets, Link, Links, Page, Para, Section
from ..common import PLACEHOLDER_EMAIL, PLACEHOLDER_ORG

ORG = PLACEHOLDER_ORG
EMAIL = PLACEHOLDER_EMAIL

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
