"""Demo structures and offers around real collèges of Seine-et-Marne (77) and
Loire-Atlantique (44), created through the same services as the offer form."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from mystage import clock
from mystage.models import Offer, Role, Sector, Structure, StructureMember, User
from mystage.services import weeks as weeks_svc

# (structure, siret, naf, statut, public, address, postal code, city, owner email, offers)
# Each offer: (title, sector, description, places, weeks spec, extra)
STRUCTURES = [
    (
        "Boulangerie Aux Délices de Meaux",
        "73282932000074",
        "10.71C",
        "entreprise",
        False,
        "12 rue du Grand Cerf",
        "77100",
        "Meaux",
        "employeur@demo.mystage.fr",
        [
            (
                "Boulangerie Aux Délices – Alimentation – Boulanger",
                "Industrie alimentaire",
                "Découvre le fournil dès 7 h : pétrissage, façonnage des baguettes et des "
                "viennoiseries, cuisson, puis la vente en boutique. Tu observeras aussi la "
                "préparation des commandes pour les restaurants du quartier. Tenue : chaussures "
                "fermées, cheveux attachés.",
                2,
                "dec",
                {"handicap_hearing": True},
            ),
            (
                "Boulangerie Aux Délices – Commerce – Vendeur en boutique",
                "Commerce et distribution",
                "Accueil des clients, mise en rayon, encaissement et hygiène en boutique : une "
                "semaine pour comprendre le commerce de proximité.",
                1,
                "feb",
                {"reserved_rep": True},
            ),
        ],
    ),
    (
        "Garage Brie Auto Services",
        "44306184100047",
        "45.20A",
        "entreprise",
        False,
        "5 avenue Thiers",
        "77000",
        "Melun",
        "garage@demo.mystage.fr",
        [
            (
                "Garage Brie Auto – Automobile – Mécanicien",
                "Automobile",
                "Diagnostic électronique, vidange, changement de plaquettes, accueil des clients "
                "à l'atelier : tu suivras un mécanicien pendant la semaine.",
                2,
                "dec+feb",
                {},
            ),
        ],
    ),
    (
        "Mairie de Chelles",
        "21770108000012",
        "84.11Z",
        "collectivite",
        True,
        "Parc du Souvenir Émile Fouchard",
        "77500",
        "Chelles",
        "mairie-chelles@demo.mystage.fr",
        [
            (
                "Mairie de Chelles – Administration – Services à la population",
                "Droit et justice",
                "État civil, urbanisme, accueil du public, conseil municipal des jeunes : "
                "découvre les métiers d'une mairie de 55 000 habitants.",
                4,
                "jan",
                {
                    "handicap_motor": True,
                    "handicap_visual": True,
                    "accessibility_text": "Bâtiment de plain-pied, ascenseur, boucle magnétique à "
                    "l'accueil.",
                },
            ),
            (
                "Mairie de Chelles – Numérique – Technicien informatique",
                "Informatique et réseaux",
                "Installation de postes, assistance aux agents, sauvegardes et réseau de la "
                "mairie. Offre réservée aux élèves du collège Henri Dunant de Meaux "
                "(partenariat).",
                1,
                "jan",
                {"reserved_uai": "0771029A"},
            ),
            (
                "Mairie de Chelles – Culture – Médiathèque",
                "Culture et patrimoine",
                "Prêt, rangement, animation d'un atelier lecture pour les enfants, préparation "
                "d'une exposition.",
                2,
                "all",
                {},
            ),
        ],
    ),
    (
        "Centre hospitalier de Meaux",
        "26770019300019",
        "86.10Z",
        "administration",
        True,
        "6-8 rue Saint-Fiacre",
        "77100",
        "Meaux",
        "hopital@demo.mystage.fr",
        [
            (
                "Centre hospitalier – Santé – Infirmier et aide-soignant",
                "Paramédical",
                "Observation des soins en service de médecine, pharmacie hospitalière, "
                "brancardage, restauration : tu découvriras la vie d'un hôpital.",
                3,
                "jan+mar",
                {"reserved_rep": True},
            ),
        ],
    ),
    (
        "Studio Pixel Torcy",
        "52180392400013",
        "58.21Z",
        "entreprise",
        False,
        "2 promenade du Belvédère",
        "77200",
        "Torcy",
        "studio@demo.mystage.fr",
        [
            (
                "Studio Pixel – Jeu vidéo – Game designer",
                "Jeu vidéo",
                "Tu suis l'équipe d'un jeu mobile : game design, graphisme 2D, tests et "
                "correction de bugs. Tu repartiras avec un mini-niveau que tu auras conçu.",
                2,
                "feb+2de",
                {"level_2de": True, "seconde_period": "both"},
            ),
        ],
    ),
    (
        "Département de Loire-Atlantique",
        "22440002800011",
        "84.11Z",
        "collectivite",
        True,
        "3 quai Ceineray",
        "44000",
        "Nantes",
        "departement44@demo.mystage.fr",
        [
            (
                "Département de Loire-Atlantique – Social – Travailleur social",
                "Social",
                "Accueil d'une maison des solidarités : accompagnement des familles, protection "
                "de l'enfance, insertion. Les entretiens confidentiels ne seront pas observés.",
                3,
                "dec+jan",
                {"handicap_motor": True},
            ),
            (
                "Département de Loire-Atlantique – Routes – Agent d'exploitation",
                "Logistique et transport",
                "Entretien des routes départementales, centre d'exploitation, viabilité hivernale.",
                2,
                "mar",
                {},
            ),
        ],
    ),
    (
        "Atelier naval de l'Estuaire",
        "38012986600022",
        "30.11Z",
        "entreprise",
        False,
        "Avenue de Chatonay",
        "44600",
        "Saint-Nazaire",
        "naval@demo.mystage.fr",
        [
            (
                "Atelier naval – Industrie – Soudeur et chaudronnier",
                "Mécanique",
                "Découverte d'un chantier : découpe, soudure, assemblage de blocs, contrôle "
                "qualité. Équipements de protection fournis.",
                4,
                "jan+feb",
                {"reserved_rep": True},
            ),
        ],
    ),
    (
        "Librairie Les Nuits Blanches",
        "81234567800013",
        "47.61Z",
        "entreprise",
        False,
        "8 rue de la Paix",
        "44000",
        "Nantes",
        "librairie@demo.mystage.fr",
        [
            (
                "Librairie Les Nuits Blanches – Commerce – Libraire",
                "Commerce et distribution",
                "Réception des livres, conseil aux lecteurs, vitrine, préparation d'une rencontre "
                "avec un auteur.",
                1,
                "dec",
                {"handicap_visual": True},
            ),
        ],
    ),
    (
        "Clinique vétérinaire de Rezé",
        "49912345600018",
        "75.00Z",
        "entreprise",
        False,
        "14 rue Jean Jaurès",
        "44400",
        "Rezé",
        "veto@demo.mystage.fr",
        [
            (
                "Clinique vétérinaire – Santé animale – Auxiliaire vétérinaire",
                "Médical",
                "Consultations, soins, hospitalisation des animaux, accueil des propriétaires.",
                1,
                "feb+mar",
                {},
            ),
        ],
    ),
    (
        "Nantes Athlétisme Club",
        "41234567900010",
        "93.12Z",
        "association",
        False,
        "Boulevard de la Beaujoire",
        "44300",
        "Nantes",
        "sport@demo.mystage.fr",
        [
            (
                "Nantes Athlétisme – Sport – Éducateur sportif",
                "Sport",
                "Encadrement des entraînements des jeunes, organisation d'une compétition, "
                "préparation physique.",
                2,
                "all",
                {"handicap_mental": True},
            ),
        ],
    ),
]

# More hosts around Meaux on the demo collège's weeks (December and January), so its
# pupils' applications spread over realistic offers.  Appended last: the offer ids above
# (1 = the bakery, 5 = the school-reserved offer) stay as they are.
STRUCTURES += [
    (
        "Pharmacie du Marché",
        "82987654300010",
        "47.73Z",
        "entreprise",
        False,
        "4 place du Marché",
        "77100",
        "Meaux",
        "pharmacie@demo.mystage.fr",
        [
            (
                "Pharmacie du Marché – Santé – Préparateur en pharmacie",
                "Paramédical",
                "Réception des commandes, rangement, conseil au comptoir avec le pharmacien, "
                "préparations simples : découvre le quotidien d'une officine de centre-ville.",
                2,
                "dec+jan",
                {},
            ),
        ],
    ),
    (
        "Atelier Brie Architecture",
        "79123456700018",
        "71.11Z",
        "entreprise",
        False,
        "18 rue Saint-Rémy",
        "77100",
        "Meaux",
        "architecte@demo.mystage.fr",
        [
            (
                "Atelier Brie Architecture – Bâtiment – Architecte",
                "Architecture, urbanisme et paysage",
                "Visite de chantier, maquette, dessin sur ordinateur, rendez-vous avec des "
                "clients : tu suivras un projet de maison du croquis au permis de construire.",
                2,
                "dec+jan",
                {"handicap_motor": True},
            ),
        ],
    ),
    (
        "Hôtel-restaurant Le Grand Cerf",
        "52345678900016",
        "55.10Z",
        "entreprise",
        False,
        "2 rue du Grand Cerf",
        "77100",
        "Meaux",
        "hotel@demo.mystage.fr",
        [
            (
                "Le Grand Cerf – Hôtellerie – Cuisine et service en salle",
                "Hôtellerie, restauration",
                "Mise en place, préparation des entrées et des desserts, service du midi, "
                "accueil à la réception de l'hôtel.",
                3,
                "dec+jan",
                {},
            ),
        ],
    ),
]

# Where each demo address is (WGS84), so that the offers of one commune do not all sit on
# its centre (« 0,0 km », markers stacked).  The demo runs offline (no address API) and the
# embedded geocoder stops at the commune, so the points are stored here: positions of the
# streets read off OpenStreetMap by hand, to within about 100-200 m — good enough for a
# demo's distances and markers, not a survey.  tests/unit/test_demo_points.py checks each
# point lies within a few km of its commune's centre and that no two addresses share one.
ADDRESS_POINTS: dict[tuple[str, str], tuple[float, float]] = {
    ("12 rue du Grand Cerf", "77100"): (48.95935, 2.87855),
    ("2 rue du Grand Cerf", "77100"): (48.95975, 2.87815),
    ("4 place du Marché", "77100"): (48.96055, 2.87620),
    ("18 rue Saint-Rémy", "77100"): (48.96180, 2.88010),
    ("6-8 rue Saint-Fiacre", "77100"): (48.96640, 2.88930),
    ("5 avenue Thiers", "77000"): (48.52860, 2.65580),
    ("Parc du Souvenir Émile Fouchard", "77500"): (48.87900, 2.59110),
    ("2 promenade du Belvédère", "77200"): (48.85030, 2.65300),
    ("3 quai Ceineray", "44000"): (47.22040, -1.55350),
    ("8 rue de la Paix", "44000"): (47.21400, -1.55750),
    ("Boulevard de la Beaujoire", "44300"): (47.25650, -1.52450),
    ("14 rue Jean Jaurès", "44400"): (47.19300, -1.55000),
    ("Avenue de Chatonay", "44600"): (47.27900, -2.20500),
}

# « Institution de tutelle » of the public structures (slugs of services/ministries.py).
MINISTRIES = {
    "Mairie de Chelles": "collectivite-territoriale",
    "Centre hospitalier de Meaux": "etablissement-hospitalier",
    "Département de Loire-Atlantique": "collectivite-territoriale",
}

WEEK_SPECS = {"dec": (12,), "jan": (1,), "feb": (2,), "mar": (3,), "all": ()}


def _weeks_for(spec: str, year: int) -> list[str]:
    mondays = weeks_svc.weeks_of_school_year(year)
    today = clock.today_paris()
    out: list[date] = []
    for part in spec.split("+"):
        months = WEEK_SPECS.get(part)
        if not months:
            continue
        in_month = [m for m in mondays if m.month in months and m > today]
        out += in_month[1:3] if len(in_month) > 2 else in_month
    return sorted({m.isoformat() for m in out})


def _school_ids(s: Session, uai: str | None) -> list[int]:
    if not uai:
        return []
    from mystage.models import School

    school = s.exec(select(School).where(School.uai == uai)).first()
    return [school.id] if school else []


def seed_offers(s: Session, password: str) -> int:
    """Create the demo structures (validated), their owners and published offers."""
    from mystage.services import accounts, offers

    year = weeks_svc.school_year_of(clock.today_paris())
    sectors = {x.name: x.id for x in s.exec(select(Sector)).all()}
    today = clock.today_paris()
    count = 0
    for name, siret, naf, statut, public, street, cp, city, owner_email, offer_specs in STRUCTURES:
        owner = s.exec(select(User).where(User.email == owner_email)).first()
        if owner is None:
            owner, errors = accounts.create_active_account(
                s,
                role=Role.EMPLOYEUR,
                email=owner_email,
                password=password,
                first_name="Contact",
                last_name=name[:40],
            )
            if errors:
                raise RuntimeError(f"démo {owner_email}: {errors}")
        point = ADDRESS_POINTS.get((street, cp))
        structure = Structure(
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            name=name,
            activity=name,
            siret=siret,
            naf_code=naf,
            status=statut,
            is_public=public,
            ministry=MINISTRIES.get(name, "") if public else "",
            address=street,
            postal_code=cp,
            city=city,
            owner_id=owner.id,
            validation_status="validated",
        )
        s.add(structure)
        s.flush()
        s.add(
            StructureMember(
                structure_id=structure.id, user_id=owner.id, role="owner", status="active"
            )
        )
        s.commit()
        for title, sector, description, places, spec, extra in offer_specs:
            offer_id = offers.create_draft(s, owner)
            step1 = {
                "employer_name": name,
                "employer_description": "",
                "employer_website": "",
                "street": street,
                "postal_code": cp,
                "city": city,
                "is_public": public,
                "ministry": structure.ministry,
            }
            step2 = {
                "title": title,
                "description": description,
                "sector_id": str(sectors.get(sector, next(iter(sectors.values())))),
                "work_environment": "",
                "accessibility_text": extra.get("accessibility_text", ""),
                "handicap_visual": extra.get("handicap_visual", False),
                "handicap_motor": extra.get("handicap_motor", False),
                "handicap_mental": extra.get("handicap_mental", False),
                "handicap_hearing": extra.get("handicap_hearing", False),
            }
            weeks = _weeks_for(spec, year)
            step3 = {
                "level_4e": spec == "all",
                "level_3e": True,
                "level_2de": extra.get("level_2de", False),
                "seconde_period": extra.get("seconde_period", ""),
                "all_year": spec == "all",
                "weeks": weeks,
                "week_places": {},
                "places": str(places),
                "group_kind": "individual",
                "max_per_group": "",
                "application_start": "",
                "application_end": (today + timedelta(days=150)).isoformat(),
                "reserved_rep": extra.get("reserved_rep", False),
                "reserved_qpv": False,
                "reserved_school_ids": _school_ids(s, extra.get("reserved_uai")),
            }
            step4 = {
                "hours_mode": "same",
                "hours_start": "09:00",
                "hours_end": "16:30",
                "per_day": {},
                "lunch_break": "12 h – 13 h 30",
                "meals_on_site": True,
                "meals": "Repas à la cantine du personnel (4 €).",
                "travel": "",
                "tutor_name": "Camille Bernard",
                "tutor_role": "Responsable",
                "tutor_email": owner_email,
                "tutor_phone": "02 40 00 00 00",
                "contact_email": owner_email,
                "show_contact": True,
            }
            for step, data in ((1, step1), (2, step2), (3, step3), (4, step4)):
                errors = offers.save_step(s, owner, offer_id, step, data)
                if errors:
                    raise RuntimeError(f"démo « {title} » étape {step} : {errors}")
            error = offers.transition(s, owner, offer_id, "publish")
            if error:
                raise RuntimeError(f"démo « {title} » : {error}")
            if point is not None:  # the address's own point, not the commune's centre
                offer = s.get(Offer, offer_id)
                offer.latitude, offer.longitude = point
                s.commit()
            count += 1
    return count
