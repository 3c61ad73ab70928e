"""The public read API (``/api/v1/public``): the published offers, without a token.

- ``GET /public/offers``: « Rechercher un stage » through :func:`mystage.services.search.
  search`, exactly as the UI runs it (same criteria, same order, same messages), paginated
  (``per_page`` ≤ 50).  The caller is nobody: offers reserved to named schools, to REP/REP+
  collèges or to QPV lycées are never listed (no eligibility can be checked without a
  pupil), nor are drafts, unpublished, full or removed offers.
- ``GET /public/offers/{id}``: what the offer page shows a visitor, published (or full)
  and unreserved offers only (404 otherwise); no personal data: no tutor, no contact, no
  name of a person — the employer's name is the one shown on the offer.
- Cacheable: ``Cache-Control: public, max-age=60`` and a strong ``ETag`` (hash of the
  body); ``If-None-Match`` with that tag answers ``304``.  CORS: every origin
  (``Access-Control-Allow-Origin: *``, see :mod:`mystage.api.v1.cors`).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from mystage import db
from mystage.api.v1 import errors
from mystage.models import Offer, OfferState
from mystage.services import offers, search
from mystage.settings import get_settings

router = APIRouter(prefix="/public", tags=["Offres publiques"])

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 30  # as the UI's result pages
CACHE_CONTROL = "public, max-age=60"
MSG_NOT_FOUND = "Offre introuvable ou non publiée."
# The caller of the public API is nobody in particular: eligible to no reservation.
NO_RESERVATION = {"school_id": None, "ep": "", "qpv": False, "weeks": [], "national": False}
MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL
VISIBLE_STATES = (OfferState.PUBLISHED.value, OfferState.FULL.value)

Level = Literal["4e", "3e", "3e_segpa", "3e_prepa_metiers", "2de_gt"]
Handicap = Literal["visual", "motor", "mental", "hearing"]


# --- response models ------------------------------------------------------------------


class Point(BaseModel):
    """Un point (WGS 84)."""

    latitude: float
    longitude: float


class OfferSummary(BaseModel):
    """Une offre dans une liste de résultats (la carte d'un résultat de « Rechercher un stage »)."""

    id: int = Field(examples=[1234])
    title: str = Field(examples=["Découverte des métiers de la boulangerie"])
    employer_name: str = Field(examples=["Boulangerie du Marché"])
    sector: str = Field(examples=["Commerce et distribution"])
    city: str = Field(examples=["Meaux"])
    postal_code: str = Field(examples=["77100"])
    latitude: float | None = Field(examples=[48.9569])
    longitude: float | None = Field(examples=[2.9001])
    distance_km: float | None = Field(
        description="Distance au lieu cherché (km), null sans lieu.", examples=[3.2]
    )
    weeks_label: str = Field(examples=["2 semaines · du 16 au 27 nov."])
    weeks: list[str] = Field(
        description="Les premières semaines avec des places (libellés).",
        examples=[["Semaine du 16 au 20 novembre 2026"]],
    )
    weeks_more: int = Field(description="Semaines de plus non listées.", examples=[0])
    all_year: bool = Field(description="Stage possible toute l'année.")
    places_left: int = Field(examples=[2])
    accessible: bool = Field(description="Accessible à au moins un handicap.")
    applications_closed: bool = Field(description="Listée, mais candidatures closes.")
    url: str = Field(description="La page de l'offre sur MyStage.")


class PublicOfferPage(BaseModel):
    """Une page de résultats."""

    total: int = Field(description="Nombre d'offres trouvées.", examples=[42])
    page: int = Field(description="La page rendue (la dernière si au-delà).", examples=[1])
    pages: int = Field(description="Nombre de pages (0 sans résultat).", examples=[2])
    per_page: int = Field(examples=[30])
    place: str = Field(description="Le lieu reconnu (vide sans lieu).", examples=["Meaux (77)"])
    center: Point | None = Field(description="Le centre de la recherche (lieu).")
    items: list[OfferSummary]


class OfferWeekOut(BaseModel):
    """Une semaine de stage de l'offre (du lundi au vendredi)."""

    monday: date = Field(examples=["2026-11-16"])
    label: str = Field(examples=["Semaine du 16 au 20 novembre 2026"])
    places: int
    places_left: int
    for_seconde: bool = Field(description="Semaine nationale des élèves de 2de (juin).")


class OfferDetail(BaseModel):
    """Une offre telle que sa page publique la montre (sans donnée personnelle)."""

    id: int
    title: str
    description: str
    employer_name: str
    employer_description: str
    employer_website: str
    is_public: bool = Field(description="Employeur public.")
    sector: str
    sector_id: int | None
    street: str
    postal_code: str
    city: str
    department_code: str
    latitude: float | None
    longitude: float | None
    levels: list[str] = Field(examples=[["4e", "3e"]])
    seconde_period: str
    weeks: list[OfferWeekOut]
    all_year: bool
    places_left: int
    group_label: str
    max_per_group: int
    application_start: date | None
    application_end: date | None
    application_open: bool = Field(description="Un élève peut postuler aujourd'hui.")
    applications_closed: bool
    hours: str = Field(examples=["Du lundi au vendredi, de 9 h à 17 h"])
    lunch_break: str
    meals_on_site: bool
    meals: str
    travel: str
    work_environment: str
    accessibility_text: str
    handicaps: list[str] = Field(examples=[["Handicap moteur"]])
    published_at: datetime | None
    state: Literal["published", "full"]
    apply_on_partner_site: bool = Field(
        description="Candidature sur le site du partenaire (lien depuis la page de l'offre)."
    )
    url: str = Field(description="La page de l'offre sur MyStage.")


NOT_FOUND = {404: {"model": errors.ApiError, "description": MSG_NOT_FOUND}}
NOT_MODIFIED = {304: {"description": "Non modifié : l'ETag envoyé (If-None-Match) est à jour."}}
INVALID = {422: {"model": errors.ApiError, "description": "Critères invalides (un par champ)."}}


# --- helpers --------------------------------------------------------------------------


def _offer_url(offer_id: int) -> str:
    return f"{get_settings().public_url.rstrip('/')}/offres/{offer_id}"


def _cached(request: Request, model: BaseModel) -> Response:
    """The JSON of ``model`` with its ETag, or 304 when the client has it already."""
    body = model.model_dump_json().encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    sent = request.headers.get("if-none-match", "")
    if sent and (
        sent.strip() == "*" or etag in {t.strip().removeprefix("W/") for t in sent.split(",")}
    ):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _summary(row: dict) -> OfferSummary:
    return OfferSummary(
        id=row["id"],
        title=row["title"] or "",
        employer_name=row["employer_name"] or "",
        sector=row["sector"] or "",
        city=row["city"] or "",
        postal_code=row["postal_code"] or "",
        latitude=row["latitude"],
        longitude=row["longitude"],
        distance_km=row["distance_km"],
        weeks_label=row["weeks_label"],
        weeks=list(row["weeks"]),
        weeks_more=row["weeks_more"],
        all_year=row["all_year"],
        places_left=row["places_left"],
        accessible=row["accessible"],
        applications_closed=row["applications_closed"],
        url=_offer_url(row["id"]),
    )


def search_page(
    s,
    criteria: search.SearchCriteria,
    per_page: int = DEFAULT_PER_PAGE,
) -> PublicOfferPage:
    """One page of the public search (raises :class:`errors.FieldErrors` on bad criteria):
    ``services.search.search`` as the UI runs it, for a caller eligible to no reservation."""
    result = search.search(s, criteria, viewer=NO_RESERVATION, per_page=per_page)
    if result.errors:
        raise errors.FieldErrors(dict(result.errors))
    center = result.center
    return PublicOfferPage(
        total=result.total,
        page=result.page,
        pages=result.pages,
        per_page=per_page,
        place=result.place_label,
        center=Point(latitude=center[0], longitude=center[1]) if center else None,
        items=[_summary(r) for r in result.results],
    )


# --- routes ---------------------------------------------------------------------------


@router.get(
    "/offers",
    response_model=PublicOfferPage,
    summary="Rechercher des offres publiées",
    responses={**NOT_MODIFIED, **INVALID},
)
def list_offers(
    request: Request,
    q: str = Query("", max_length=200, description="Mots-clés (métier, secteur, employeur)."),
    where: str = Query(
        "",
        max_length=200,
        description="Lieu : commune, code postal, adresse ou département (« 77 »).",
    ),
    radius_km: int = Query(
        search.DEFAULT_RADIUS_KM,
        ge=0,
        le=search.MAX_RADIUS_KM,
        description="Rayon autour du lieu, en km (0 : la commune seule).",
    ),
    level: Level | None = Query(None, description="Niveau de l'élève."),
    sectors: list[int] = Query([], description="Identifiants de secteurs (répétable)."),
    weeks: list[date] = Query(
        [], description="Semaines (le lundi, AAAA-MM-JJ ; répétable) : au moins une libre."
    ),
    handicaps: list[Handicap] = Query([], description="Accessibilité demandée (répétable)."),
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE),
) -> Response:
    """Les offres publiées, avec les critères de « Rechercher un stage » : les plus proches
    d'abord avec un lieu, sinon les plus récentes (les plus pertinentes avec des mots-clés).
    Les offres réservées (établissements nommés, REP/REP+, QPV) ne sont jamais listées."""
    criteria = search.SearchCriteria(
        q=q,
        where=where,
        radius_km=radius_km,
        level=level or "",
        sectors=list(sectors),
        weeks=list(weeks),
        handicaps=list(handicaps),
        page=page,
    )
    with db.session() as s:
        out = search_page(s, criteria, per_page)
        s.rollback()
    return _cached(request, out)


def _visible(s, offer_id: int) -> bool:
    """Published or full, and reserved to nobody."""
    row = s.execute(
        sa.select(Offer.id).where(
            Offer.id == offer_id,
            Offer.state.in_(VISIBLE_STATES),
            Offer.reserved_rep == sa.false(),
            Offer.reserved_qpv == sa.false(),
            Offer.reserved_schools == sa.false(),
        )
    ).first()
    return row is not None


def offer_detail(s, offer_id: int) -> OfferDetail | None:
    """The public offer ``offer_id``, or None (not published, reserved, unknown)."""
    if not _visible(s, offer_id):
        return None
    view = offers.offer_view(s, offer_id, viewer=None)
    offer = s.get(Offer, offer_id)
    if view is None or offer is None:
        return None
    return OfferDetail(
        id=offer.id,
        title=view["title"],
        description=view["description"],
        employer_name=view["employer_name"],
        employer_description=view["employer_description"],
        employer_website=view["employer_website"],
        is_public=view["is_public"],
        sector=view["sector"],
        sector_id=view["sector_id"],
        street=view["street"],
        postal_code=view["postal_code"],
        city=view["city"],
        department_code=view["department_code"],
        latitude=view["latitude"],
        longitude=view["longitude"],
        levels=view["levels"],
        seconde_period=view["seconde_period"],
        weeks=[
            OfferWeekOut(
                monday=date.fromisoformat(w["monday"]),
                label=w["label"],
                places=w["places"],
                places_left=w["places_left"],
                for_seconde=w["for_seconde"],
            )
            for w in view["weeks"]
        ],
        all_year=view["all_year"],
        places_left=view["places_left"],
        group_label=view["group_label"],
        max_per_group=view["max_per_group"],
        application_start=offer.application_start,
        application_end=offer.application_end,
        application_open=view["application_open"],
        applications_closed=view["applications_closed"],
        hours=view["hours"],
        lunch_break=view["lunch_break"],
        meals_on_site=view["meals_on_site"],
        meals=view["meals"],
        travel=view["travel"],
        work_environment=view["work_environment"],
        accessibility_text=view["accessibility_text"],
        handicaps=view["handicaps"],
        published_at=offer.published_at,
        state=offer.state,
        apply_on_partner_site=bool(offer.apply_on_partner_site),
        url=_offer_url(offer.id),
    )


@router.get(
    "/offers/{offer_id}",
    response_model=OfferDetail,
    summary="Lire une offre publiée",
    responses={**NOT_MODIFIED, **NOT_FOUND, **INVALID},
)
def get_offer(request: Request, offer_id: int) -> Response:
    """Une offre publiée (ou complète) et non réservée, telle que sa page la montre à un
    visiteur : sans données personnelles (ni tuteur, ni contact)."""
    if not 1 <= offer_id <= MAX_ID:
        raise HTTPException(404, MSG_NOT_FOUND)
    with db.session() as s:
        out = offer_detail(s, offer_id)
        s.rollback()
    if out is None:
        raise HTTPException(404, MSG_NOT_FOUND)
    return _cached(request, out)
