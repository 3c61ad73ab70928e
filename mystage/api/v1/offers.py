"""The operators' offers: ``/offers`` (token scopes ``offers:read`` / ``offers:write``).

Create or update (the same ``remote_id`` twice updates), read, list, replace, delete,
publish, unpublish — through :mod:`mystage.services.api_offers`, i.e. the offer form's
steps and checks and the offer lifecycle, as the operator's technical account.  An offer
of another operator is « not found » (404), whatever the route."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from mystage import db
from mystage.api.v1 import auth, errors
from mystage.api.v1.offer_models import (
    REMOTE_ID_PATTERN,
    OfferCreate,
    OfferFields,
    OfferOut,
    OfferStateName,
    OperatorOfferPage,
)
from mystage.services import api_offers

TAG = "Offres (opérateurs)"
MSG_LIFECYCLE = "Action impossible : voir « detail »."

router = APIRouter(prefix="/offers", tags=[TAG])

read = auth.operator("offers:read")
write = auth.operator("offers:write")

NOT_FOUND = {
    404: {"model": errors.ApiError, "description": "Offre introuvable (ou d'un autre opérateur)."}
}
CONFLICT = {
    409: {
        "model": errors.ApiError,
        "description": "Action impossible dans l'état de l'offre (message en français).",
    }
}
OfferId = Path(description="Identifiant MyStage de l'offre.")
RemoteId = Path(pattern=REMOTE_ID_PATTERN, description="Votre identifiant de l'offre.")


def _not_found() -> HTTPException:
    return HTTPException(404, api_offers.MSG_NOT_FOUND)


def _out(s: Any, offer: Any) -> OfferOut:
    return OfferOut.model_validate(api_offers.offer_out(s, offer))


def _read(operator_id: int, offer_id: int) -> OfferOut:
    with db.session() as s:
        offer = api_offers.own_offer(s, operator_id, offer_id)
        if offer is None:
            raise _not_found()
        return _out(s, offer)


def _replace(operator_id: int, offer_id: int, body: OfferFields) -> OfferOut:
    with db.session() as s:
        found = api_offers.update(s, operator_id, offer_id, body.model_dump())
        if found is None:
            raise _not_found()
        if found:
            raise errors.FieldErrors(found)
        return _out(s, api_offers.own_offer(s, operator_id, offer_id))


def _remote(operator_id: int, remote_id: str) -> int:
    with db.session() as s:
        offer = api_offers.offer_by_remote_id(s, operator_id, remote_id)
        if offer is None:
            raise _not_found()
        return offer.id


def _delete(operator_id: int, offer_id: int) -> Response:
    with db.session() as s:
        error = api_offers.remove(s, operator_id, offer_id)
    if error is None:
        raise _not_found()
    if error:
        raise HTTPException(409, error)
    return Response(status_code=204)


@router.post(
    "",
    status_code=201,
    response_model=OfferOut,
    summary="Créer une offre (ou la mettre à jour : même remote_id)",
    responses={
        200: {"model": OfferOut, "description": "L'offre de ce remote_id existait : mise à jour."},
        201: {"description": "Offre créée (brouillon : publiez-la ensuite)."},
        **errors.COMMON_RESPONSES,
    },
)
def create_offer(
    body: OfferCreate, response: Response, caller: auth.Caller = Depends(write)
) -> OfferOut:
    """Crée l'offre ``remote_id`` de l'opérateur, avec les champs et les contrôles du
    formulaire « Déposer une offre » (adresse géolocalisée, secteur, niveaux, semaines et
    places, réservations, horaires, tuteur). Si une offre de ce ``remote_id`` existe déjà,
    elle est mise à jour (réponse 200) : jamais de doublon. En cas d'erreur (422), rien
    n'est enregistré."""
    data = body.model_dump()
    remote_id = data.pop("remote_id")
    with db.session() as s:
        offer_id, created, found = api_offers.upsert(s, caller.operator_id, remote_id, data)
        if found:
            raise errors.FieldErrors(found)
        response.status_code = 201 if created else 200
        return _out(s, api_offers.own_offer(s, caller.operator_id, offer_id))


@router.get(
    "",
    response_model=OperatorOfferPage,
    summary="Lister les offres de l'opérateur",
    responses=errors.COMMON_RESPONSES,
)
def list_offers(
    page: int = Query(1, ge=1, le=100000, description="Numéro de page (à partir de 1)."),
    per_page: int = Query(20, ge=1, le=api_offers.MAX_PER_PAGE, description="Offres par page."),
    state: OfferStateName | None = Query(None, description="Seulement les offres dans cet état."),
    caller: auth.Caller = Depends(read),
) -> OperatorOfferPage:
    """Les offres de l'opérateur du jeton (les plus récentes d'abord), supprimées exclues."""
    with db.session() as s:
        rows, total = api_offers.list_offers(s, caller.operator_id, page, per_page, state)
        return OperatorOfferPage(
            items=[_out(s, o) for o in rows], total=total, page=page, per_page=per_page
        )


@router.get(
    "/remote/{remote_id}",
    response_model=OfferOut,
    summary="Lire une offre par son remote_id",
    responses={**NOT_FOUND, **errors.COMMON_RESPONSES},
)
def get_offer_by_remote_id(
    remote_id: str = RemoteId, caller: auth.Caller = Depends(read)
) -> OfferOut:
    return _read(caller.operator_id, _remote(caller.operator_id, remote_id))


@router.put(
    "/remote/{remote_id}",
    response_model=OfferOut,
    summary="Remplacer une offre par son remote_id",
    responses={**NOT_FOUND, **errors.COMMON_RESPONSES},
)
def put_offer_by_remote_id(
    body: OfferFields, remote_id: str = RemoteId, caller: auth.Caller = Depends(write)
) -> OfferOut:
    return _replace(caller.operator_id, _remote(caller.operator_id, remote_id), body)


@router.delete(
    "/remote/{remote_id}",
    status_code=204,
    response_class=Response,
    summary="Supprimer une offre par son remote_id",
    responses={
        204: {"description": "Offre supprimée."},
        **NOT_FOUND,
        **CONFLICT,
        **errors.COMMON_RESPONSES,
    },
)
def delete_offer_by_remote_id(
    remote_id: str = RemoteId, caller: auth.Caller = Depends(write)
) -> Response:
    return _delete(caller.operator_id, _remote(caller.operator_id, remote_id))


@router.get(
    "/{offer_id}",
    response_model=OfferOut,
    summary="Lire une offre",
    responses={**NOT_FOUND, **errors.COMMON_RESPONSES},
)
def get_offer(offer_id: int = OfferId, caller: auth.Caller = Depends(read)) -> OfferOut:
    return _read(caller.operator_id, offer_id)


@router.put(
    "/{offer_id}",
    response_model=OfferOut,
    summary="Remplacer une offre",
    responses={**NOT_FOUND, **errors.COMMON_RESPONSES},
)
def put_offer(
    body: OfferFields, offer_id: int = OfferId, caller: auth.Caller = Depends(write)
) -> OfferOut:
    """Remplace tous les champs de l'offre (mêmes contrôles que la création). Une offre
    publiée reste publiée ; rien n'est enregistré en cas d'erreur (422)."""
    return _replace(caller.operator_id, offer_id, body)


@router.delete(
    "/{offer_id}",
    status_code=204,
    response_class=Response,
    summary="Supprimer une offre",
    responses={
        204: {"description": "Offre supprimée."},
        **NOT_FOUND,
        **CONFLICT,
        **errors.COMMON_RESPONSES,
    },
)
def delete_offer(offer_id: int = OfferId, caller: auth.Caller = Depends(write)) -> Response:
    """« Supprimer » : les candidatures en cours sont refusées (un message à chaque élève),
    l'offre quitte la recherche ; son ``remote_id`` peut servir à une nouvelle offre."""
    return _delete(caller.operator_id, offer_id)


def _lifecycle(operator_id: int, offer_id: int, action: Any) -> OfferOut:
    with db.session() as s:
        error = action(s, operator_id, offer_id)
        if error is None:
            raise _not_found()
        if error:
            raise HTTPException(409, error)
        return _out(s, api_offers.own_offer(s, operator_id, offer_id))


@router.post(
    "/{offer_id}/publish",
    response_model=OfferOut,
    summary="Publier une offre",
    responses={**NOT_FOUND, **CONFLICT, **errors.COMMON_RESPONSES},
)
def publish_offer(offer_id: int = OfferId, caller: auth.Caller = Depends(write)) -> OfferOut:
    """« Publier » comme dans le tableau de bord : l'offre doit être complète et avoir une
    semaine à venir avec des places. Selon la modération de la plateforme, elle est en
    ligne tout de suite (``published``) ou attend un modérateur (``pending``)."""
    return _lifecycle(caller.operator_id, offer_id, api_offers.publish)


@router.post(
    "/{offer_id}/unpublish",
    response_model=OfferOut,
    summary="Dépublier une offre",
    responses={**NOT_FOUND, **CONFLICT, **errors.COMMON_RESPONSES},
)
def unpublish_offer(offer_id: int = OfferId, caller: auth.Caller = Depends(write)) -> OfferOut:
    """« Dépublier » : l'offre quitte la recherche, ses candidatures restent."""
    return _lifecycle(caller.operator_id, offer_id, api_offers.unpublish)
