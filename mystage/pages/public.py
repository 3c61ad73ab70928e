"""Home (placeholder until the search issue), audience entries and footer pages."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import page_title
from mystage.components.layout import page


def _cta(label: str, href: str, primary: bool, id_: str) -> rx.Component:
    return rx.link(
        rx.button(
            label,
            size="4",
            width="100%",
            cursor="pointer",
            background=theme.BLUE if primary else "white",
            color="white" if primary else theme.BLUE,
            border=f"2px solid {theme.BLUE}",
        ),
        href=href,
        width=["100%", "auto"],
        id=id_,
    )


@page("/", "Accueil")
def home_page() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.heading(
                "Trouver un stage d'observation, près de chez soi",
                as_="h1",
                size=rx.breakpoints(initial="7", md="9"),
                color="#161616",
            ),
            rx.text(
                "Élèves de 4e, de 3e et de 2de générale et technologique : cherchez une offre, "
                "postulez depuis votre téléphone et suivez vos candidatures. Employeurs : "
                "accueillez un jeune et faites découvrir votre métier.",
                size="4",
                margin_top="1rem",
                max_width="44rem",
            ),
            rx.flex(
                _cta("Élèves : consulter les offres", "/eleves", True, "cta-eleves"),
                _cta("Employeurs : déposer une offre", "/employeurs", False, "cta-employeurs"),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="1rem",
                margin_top="1.5rem",
                width="100%",
            ),
            padding_y=["1rem", "2.5rem"],
            width="100%",
        ),
        rx.grid(
            *[
                rx.box(
                    rx.heading(title, as_="h2", size="4", color=theme.BLUE),
                    rx.text(body, margin_top="0.5rem"),
                    rx.link("En savoir plus", href=href, margin_top="0.5rem", display="block"),
                    padding="1.25rem",
                    border=f"1px solid {theme.GREY_BORDER}",
                    border_radius="8px",
                    background="white",
                )
                for title, body, href in [
                    (
                        "Élèves",
                        "Une semaine pour découvrir un métier : cherchez par métier, ville et "
                        "semaine, puis postulez avec votre lettre de motivation.",
                        "/eleves",
                    ),
                    (
                        "Parents",
                        "Votre autorisation, la convention de stage et les points de vigilance.",
                        "/parents",
                    ),
                    (
                        "Collèges et lycées",
                        "Ouvrez l'accès de vos élèves, fixez vos semaines et suivez chaque classe.",
                        "/etablissements",
                    ),
                    (
                        "Employeurs",
                        "Déposez une offre en quelques minutes et répondez aux candidatures.",
                        "/employeurs",
                    ),
                ]
            ],
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            gap="1rem",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )


AUDIENCE_PAGES = {
    "/eleves": (
        "Élèves",
        [
            "Le stage d'observation dure une semaine. Il te fait découvrir le monde du travail "
            "et un métier.",
            "Pour postuler, ton établissement doit d'abord enregistrer l'autorisation de tes "
            "parents. Tu peux déjà chercher des offres et créer ton compte.",
        ],
        ("Créer mon compte élève", "/inscription?role=eleve"),
    ),
    "/parents": (
        "Parents",
        [
            "Le stage d'observation est obligatoire en 3e (et possible en 4e et en 2de GT). "
            "Il se fait sous convention entre l'établissement, l'employeur et la famille.",
            "Votre autorisation est enregistrée par l'établissement avant que votre enfant "
            "puisse postuler.",
        ],
        ("Créer un compte parent", "/inscription?role=parent"),
    ),
    "/etablissements": (
        "Collèges et lycées",
        [
            "Le chef d'établissement ouvre l'espace de l'établissement, crée les classes, fixe "
            "les semaines de stage et enregistre les autorisations parentales.",
            "Accès à votre espace collège : recevez un lien de connexion à l'adresse "
            "officielle de l'établissement.",
        ],
        ("Accès à votre espace collège", "/connexion/lien"),
    ),
    "/employeurs": (
        "Employeurs",
        [
            "Entreprises, associations, administrations et collectivités : accueillez un élève "
            "pendant une semaine pour lui faire découvrir votre métier.",
            "Créez votre compte, déposez votre offre et répondez aux candidatures depuis votre "
            "espace.",
        ],
        ("Créer un compte employeur", "/inscription/employeur"),
    ),
}

LEGAL_PAGES = {
    "/contact": (
        "Contact",
        "Pour toute question sur la plateforme, écrivez à l'équipe MyStage : "
        "contact@mystage.fr. Pour une question sur un stage, adressez-vous d'abord à "
        "l'établissement de l'élève.",
    ),
    "/mentions-legales": (
        "Mentions légales",
        "MyStage est un logiciel libre. L'éditeur du service est l'organisme qui le déploie "
        "(département, académie ou État). Hébergement : selon le déploiement. Données de "
        "référence : La Poste, INSEE, ministère de l'Éducation nationale, ONISEP — Licence "
        "Ouverte v2.0.",
    ),
    "/accessibilite": (
        "Déclaration d'accessibilité",
        "État de conformité : non conforme (audit RGAA non encore réalisé). Chaque champ a une "
        "étiquette visible, les erreurs sont écrites à côté du champ, le site se parcourt au "
        "clavier et les contrastes visent le niveau AA. Signalez tout défaut à "
        "contact@mystage.fr.",
    ),
    "/donnees-personnelles": (
        "Données personnelles",
        "MyStage ne collecte que les données nécessaires au stage : pour les élèves, nom, "
        "établissement, classe, date de naissance et moyen de contact. Aucune donnée n'est "
        "vendue ni transmise à des tiers ; les cartes et polices sont servies par la plateforme "
        "elle-même. Les mots de passe sont chiffrés (argon2id) ; les sessions expirent. Vous "
        "pouvez demander l'accès, la rectification ou l'effacement de vos données.",
    ),
}


def _audience(route: str, title: str, paragraphs: list[str], cta: tuple[str, str]):
    @page(route, title)
    def audience() -> rx.Component:
        return rx.vstack(
            page_title(title),
            *[rx.text(p, size="4", max_width="44rem") for p in paragraphs],
            rx.link(
                rx.button(cta[0], size="3", background=theme.BLUE, cursor="pointer"), href=cta[1]
            ),
            spacing="4",
            align="start",
        )

    audience.__name__ = "audience_" + route.strip("/").replace("-", "_")
    return audience


def _legal(route: str, title: str, body: str):
    @page(route, title)
    def legal() -> rx.Component:
        return rx.vstack(page_title(title), rx.text(body, max_width="44rem"), align="start")

    legal.__name__ = "legal_" + route.strip("/").replace("-", "_")
    return legal


for _route, (_title, _paras, _cta_) in AUDIENCE_PAGES.items():
    _audience(_route, _title, _paras, _cta_)
for _route, (_title, _body) in LEGAL_PAGES.items():
    _legal(_route, _title, _body)
