"""« Candidatures (opérateurs) »: the applications to the operator's own offers (« candidature
sur MyStage »), read and decided as the employer does in its space — same views, same
transition table, same messages (:func:`mystage.services.applications.application_view`,
:func:`~mystage.services.applications.decide_as_operator`).  Scope ``applications``.
Another operator's offer or application, or one still with the pupil's school: 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from mystage import db
from mystage.api.v1 import errors
from mystage.api.v1.auth import Caller, operator
from mystage.services import admin_orgs, applications

TAG = "Candidatures (opérateurs)"
MAX_ID = 2**31 - 1
MSG_NOT_FOUND = "Candidature introuvable."
MSG_OFFER_NOT_FOUND = "Offre introuvable."

router = APIRouter(tags=[TAG])

State = Literal[
    "sent", "read", "under_review", "accepted", "confirmed", "refused", "cancelled_by_pupil",
    "cancelled_by_employer", "withdrawn", "place_unavailable", "expired", "expired_by_pupil",
]  # fmt: skip
Action = Literal["read", "under_review", "accept", "refuse", "cancel"]
Reason = Literal["full", "profile", "week", "other"]
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="Identifiant MyStage.")]


class ApplicationSummary(BaseModel):
    """Une candidature, dans la liste d'une offre."""

    id: int
    offer_id: int
    remote_id: str | None = Field(description="Identifiant de l'offre chez l'opérateur.")
    state: State
    state_label: str = Field(examples=["Transmise à l'employeur"])
    week_start: date = Field(description="Lundi de la (première) semaine de stage.")
    week_count: int = Field(description="Nombre de semaines (2 pour une période de 2de).")
    pupil_name: str = Field(examples=["Léa P."])
    school_name: str
    school_city: str
    rep: str = Field(description="« REP », « REP+ » ou vide.")
    applied_at: datetime | None
    updated_at: datetime | None


class ApplicationList(BaseModel):
    items: list[ApplicationSummary]
    total: int
    page: int
    per_page: int


class CvSection(BaseModel):
    label: str
    text: str


class HistoryItem(BaseModel):
    date: str = Field(description="Date et heure (Europe/Paris), « JJ/MM/AAAA HH:MM ».")
    label: str
    who: str
    message: str


class ApplicationDetail(BaseModel):
    """Une candidature telle que l'employeur la voit (coordonnées de l'élève une fois la
    candidature acceptée)."""

    model_config = ConfigDict(json_schema_extra={"description": "Candidature."})

    id: int
    offer_id: int
    remote_id: str | None
    offer_title: str
    state: State
    state_label: str
    hint: str = Field(description="L'état en clair, et ce qu'il reste à faire.")
    week_start: date
    week_count: int
    week_label: str
    applied_at: datetime | None
    pupil_first_name: str
    pupil_last_name: str
    level_label: str
    class_name: str
    school_name: str
    school_city: str
    rep: str
    qpv: bool
    motivation: str
    cv: list[CvSection]
    has_cv_file: bool = Field(description="Un CV PDF est joint (consultable dans l'espace).")
    contact_visible: bool
    contact_email: str
    contact_phone: str
    refuse_reason: str = Field(description="Motif du refus, en clair (refusée).")
    refuse_reason_key: Reason | None
    history: list[HistoryItem]
    actions: list[Action] = Field(description="Les décisions possibles dans cet état.")


class Decision(BaseModel):
    """Une décision sur une candidature."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"action": "accept", "message": "Bienvenue ! Rendez-vous lundi à 9 h."},
                {"action": "refuse", "reason": "full", "message": ""},
            ]
        },
    )

    action: Action = Field(
        description="read (marquer lue), under_review (mettre à l'étude), accept, refuse "
        "(motif obligatoire), cancel (annuler un accord ou un stage confirmé, message "
        "obligatoire)."
    )
    message: str = Field(default="", max_length=2000, description="Message à l'élève.")
    reason: Reason | None = Field(
        default=None, description="Motif du refus : full, profile, week, other."
    )


NOT_FOUND = {404: {"model": errors.ApiError, "description": "Introuvable pour cet opérateur."}}
CONFLICT = {
    409: {
        "model": errors.ApiError,
        "description": "Décision impossible dans l'état actuel de la candidature.",
    }
}


def _detail(view: dict) -> ApplicationDetail:
    return ApplicationDetail(
        **{k: view[k] for k in ApplicationDetail.model_fields if k not in ("actions", "cv")},
        cv=[CvSection(**c) for c in view["cv"]],
        actions=view["api_actions"],
    )


@router.get(
    "/offers/{offer_id}/applications",
    response_model=ApplicationList,
    summary="Candidatures à une offre",
    responses={**errors.COMMON_RESPONSES, **NOT_FOUND},
)
def list_offer_applications(
    offer_id: Id,
    caller: Annotated[Caller, Depends(operator("applications"))],
    state: Annotated[State | None, Query(description="Filtrer sur un état.")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=applications.PER_PAGE_MAX)] = 20,
) -> ApplicationList:
    """Les candidatures transmises à l'une de vos offres, les plus récentes d'abord."""
    with db.session() as s:
        user = admin_orgs.api_user(s, caller.operator_id)
        s.commit()
        found = applications.offer_applications(
            s, user, offer_id, state=state, page=page, per_page=per_page
        )
        if found is None:
            raise HTTPException(404, MSG_OFFER_NOT_FOUND)
        return ApplicationList(**found)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationDetail,
    summary="Une candidature",
    responses={**errors.COMMON_RESPONSES, **NOT_FOUND},
)
def get_application(
    application_id: Id, caller: Annotated[Caller, Depends(operator("applications"))]
) -> ApplicationDetail:
    """Une candidature à l'une de vos offres, telle que l'employeur la voit dans son
    espace : motivation, CV, historique ; l'adresse et le téléphone de l'élève une fois
    la candidature acceptée.  La lire ne la marque pas « lue » (action ``read``)."""
    with db.session() as s:
        user = admin_orgs.api_user(s, caller.operator_id)
        s.commit()
        view = applications.application_view(s, user, application_id)
        if view is None:
            raise HTTPException(404, MSG_NOT_FOUND)
        return _detail(view)


@router.post(
    "/applications/{application_id}/decision",
    response_model=ApplicationDetail,
    summary="Décider d'une candidature",
    responses={**errors.COMMON_RESPONSES, **NOT_FOUND, **CONFLICT},
)
def decide(
    application_id: Id,
    decision: Decision,
    caller: Annotated[Caller, Depends(operator("applications"))],
) -> ApplicationDetail:
    """Marquer lue, mettre à l'étude, accepter, refuser (avec un motif) ou annuler — les
    décisions de l'employeur dans son espace, avec les mêmes règles : l'élève est
    prévenu(e) par courriel ou SMS, l'établissement aussi quand il le faut.  Une décision
    déjà prise ou impossible dans l'état actuel : 409 (rien n'est changé)."""
    with db.session() as s:
        user = admin_orgs.api_user(s, caller.operator_id)
        s.commit()
        outcome = applications.decide_as_operator(
            s, user, application_id, decision.action, decision.message, decision.reason
        )
        if outcome.get("form") == applications.MSG_DENIED:
            raise HTTPException(404, MSG_NOT_FOUND)
        if "form" in outcome:
            raise HTTPException(409, outcome["form"])
        if outcome:
            raise errors.FieldErrors(outcome)
        view = applications.application_view(s, user, application_id)
        if view is None:  # pragma: no cover - it was just decided
            raise HTTPException(404, MSG_NOT_FOUND)
        return _detail(view)
