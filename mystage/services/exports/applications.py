"""Export of applications (« candidatures »): columns, query and the opinions of the
employer and of the référent."""

from __future__ import annotations

import operator
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    OFFER_STATE_LABELS,
    Application,
    Offer,
    School,
    Sector,
    Structure,
    User,
)
from mystage.services import accounts, applications, offers, stats
from mystage.services.exports.kinds import (
    EXPORT_KINDS,
    NOT_SENT_STATES,
    SC,
    SE,
    ST,
    A,
    O,
    Prepared,
    U,
    Viewer,
    _employer_offer_condition,
    _filters,
    _stored_params,
)
from mystage.services.exports.xlsx import DATE, DATETIME, INT, TEXT, Col

# Application columns: (column, needs a « full » viewer).
APPLICATION_COLUMNS: list[tuple[Col, bool]] = [
    (Col("CANDIDATURE_ID", INT, 14), False),
    (Col("AVIS_EMPLOYEUR", TEXT, 16), False),
    (Col("AVIS_REFERENT", TEXT, 15), False),
    (Col("AVIS_ELEVE", TEXT, 15), False),
    (Col("ETAT_OFFRE", TEXT, 12), False),
    (Col("ETAT_CANDIDATURE", TEXT, 24), False),
    (Col("MOTIF_REFUS", TEXT, 26), False),  # « Motif du refus » (seed 000)
    (Col("DATE_MISE_A_JOUR_CANDIDATURE", DATETIME, 17), False),
    (Col("DATE_CANDIDATURE", DATETIME, 17), True),
    (Col("SEMAINE", DATE, 12), False),
    (Col("GENRE_ELEVE", TEXT, 12), True),
    (Col("PRENOM", TEXT, 16), False),
    (Col("NOM", TEXT, 18), False),
    (Col("AGE", INT, 6), True),
    (Col("NIVEAU", TEXT, 14), False),
    (Col("TELEPHONE", TEXT, 15), False),
    (Col("EMAIL", TEXT, 28), False),
    (Col("UAI", TEXT, 10), True),
    (Col("TYPE_ETABLISSEMENT", TEXT, 12), False),  # COLLEGE or LYCEE
    (Col("NOM_ETABLISSEMENT", TEXT, 28), False),
    (Col("VILLE", TEXT, 18), False),
    (Col("ETABLISSEMENT_PRIORITAIRE", TEXT, 12), False),
    (Col("O.ID", INT, 9), False),
    (Col("NOM_EMPLOYEUR", TEXT, 26), False),
    (Col("TITRE_STAGE", TEXT, 36), False),
    (Col("DEPARTEMENT", TEXT, 13), True),
    (Col("SECTEUR", TEXT, 26), True),
    (Col("PRENOM_REFERENT", TEXT, 16), False),
    (Col("NOM_REFERENT", TEXT, 16), False),
    (Col("EMAIL_REFERENT", TEXT, 28), False),
    (Col("NB_SEMAINES", INT, 12), False),  # 2 for a 2de period of two weeks from SEMAINE
]

_EMPLOYER_VIEW = {
    "sent": "NON LU",
    "read": "LU",
    "under_review": "À L'ÉTUDE",
    "accepted": "ACCEPTÉ",
    "confirmed": "ACCEPTÉ",
    "refused": "REFUSÉ",
    "cancelled_by_employer": "ANNULÉ",
    "expired": "SANS RÉPONSE",
    "place_unavailable": "PLACE PRISE",
}
_PUPIL_VIEW = {
    "accepted": "À CONFIRMER",
    "confirmed": "CONFIRMÉ",
    "cancelled_by_pupil": "ANNULÉ",
    "withdrawn": "RETIRÉ",
    "expired_by_pupil": "NON CONFIRMÉ",
}
_SCHOOL_KINDS = {"college": "COLLEGE", "lycee": "LYCEE"}
_GENDERS = {"f": "Fille", "m": "Garçon", "np": "Non précisé"}
# Refusals without a reason from the list: those of a deactivated or removed offer (only
# these fixed messages are exported: a free message to the pupil stays private).
_SYSTEM_REFUSALS = {
    offers.MSG_DEACTIVATED: "Offre désactivée",
    offers.MSG_REMOVED_REFUSAL: "Offre supprimée",
}


def refuse_motive(state: str, reason: str | None, message: str | None) -> str:
    """« Motif du refus » of an application refused by the employer, else ""."""
    if state != "refused":
        return ""
    return applications.REFUSE_REASONS.get(reason or "") or _SYSTEM_REFUSALS.get(message or "", "")


def avis_employeur(state: str, accepted_at: Any) -> str:
    if state in _EMPLOYER_VIEW:
        return _EMPLOYER_VIEW[state]
    return "ACCEPTÉ" if accepted_at is not None else ""


def avis_referent(state: str, validated_at: Any) -> str:
    if state == "awaiting_school":
        return "EN ATTENTE"
    if state == "refused_by_school":
        return "REFUSÉ"
    return "VALIDÉ" if validated_at is not None else ""


def age_on(birth: date | None, day: date | None) -> int | None:
    """The pupil's age at the start of the week (empty when a date is missing)."""
    return None if birth is None or day is None else accounts.age_on(birth, day)


def _priority(ep: str | None, qpv: bool | None) -> str:
    if ep:
        return ep
    return "QPV" if qpv else "NON"


def _applications(s: Session, viewer: Viewer, params: dict[str, Any]):
    f, depts, errors = _filters(s, viewer, params)
    if errors and f is None and viewer.kind == "employer":
        return None, errors
    full = viewer.kind == "stats"
    columns = [c for c, needs_full in APPLICATION_COLUMNS if full or not needs_full]
    R = User.__table__.alias("ref")  # noqa: N806  (the school référent, by e-mail)
    base = (
        Application.__table__.join(Offer.__table__, O.id == A.offer_id)
        .join(User.__table__, U.id == A.pupil_id)
        .outerjoin(Structure.__table__, ST.id == O.structure_id)
        .outerjoin(School.__table__, SC.id == A.school_id)
    )
    if full:
        conds = (
            stats.offer_conditions(None, depts, f)
            + stats.application_conditions(f)
            + [A.school_year == f.school_year]
        )
    else:
        conds = [_employer_offer_condition(s, viewer.user), A.state.not_in(NOT_SENT_STATES)]
        if f is not None:
            conds.append(A.school_year == f.school_year)
    stmt = (
        sa.select(
            A.id,  # 0
            A.state,  # 1
            A.accepted_at,  # 2
            A.school_validated_at,  # 3
            O.state,  # 4
            sa.func.coalesce(A.updated_at, A.created_at),  # 5
            A.created_at,  # 6
            A.week_start,  # 7
            U.gender,  # 8
            U.first_name,  # 9
            U.last_name,  # 10
            U.birth_date,  # 11
            U.level,  # 12
            A.contact_phone,  # 13
            A.contact_email,  # 14
            SC.uai,  # 15
            SC.name,  # 16
            SC.commune,  # 17
            SC.ep,  # 18
            SC.qpv,  # 19
            O.id,  # 20
            O.employer_name,  # 21
            O.title,  # 22
            O.department_code,  # 23
            SE.name,  # 24
            R.c.first_name,  # 25
            R.c.last_name,  # 26
            A.referent_email,  # 27
            A.week_count,  # 28
            A.refuse_reason,  # 29
            A.refuse_message,  # 30
            SC.kind,  # 31
        )
        .select_from(
            base.outerjoin(Sector.__table__, SE.id == O.sector_id).outerjoin(
                R, sa.and_(R.c.email == A.referent_email, A.referent_email != "")
            )
        )
        .where(*conds)
        .order_by(A.id)
    )
    count_stmt = sa.select(sa.func.count()).select_from(base).where(*conds)
    app_labels = {k.value: v for k, v in APP_STATE_LABELS.items()}
    offer_labels = {k.value: v for k, v in OFFER_STATE_LABELS.items()}
    level_labels = {k.value: v for k, v in LEVEL_LABELS.items()}
    pupil_view = _PUPIL_VIEW

    def convert_full(r: Any) -> tuple:
        st = r[1]
        return (
            r[0],
            avis_employeur(st, r[2]),
            avis_referent(st, r[3]),
            pupil_view.get(st, ""),
            offer_labels.get(r[4], r[4]),
            app_labels.get(st, st),
            refuse_motive(st, r[29], r[30]),
            r[5],
            r[6],
            r[7],
            _GENDERS.get(r[8], ""),
            r[9],
            r[10],
            age_on(r[11], r[7]),
            level_labels.get(r[12], r[12]),
            r[13],
            r[14],
            r[15],
            _SCHOOL_KINDS.get(r[31], ""),
            r[16],
            r[17],
            _priority(r[18], r[19]) if r[16] is not None else "",
            r[20],
            r[21],
            r[22],
            r[23],
            r[24],
            r[25],
            r[26],
            r[27],
            r[28] or 1,
        )

    if full:
        convert = convert_full
    else:
        # The same row without the columns only a « full » viewer sees (measured: about
        # 1 µs a row, next to some 300 µs for writing its cells).
        pick = operator.itemgetter(
            *(i for i, (_, needs) in enumerate(APPLICATION_COLUMNS) if not needs)
        )

        def convert(r: Any) -> tuple:
            return pick(convert_full(r))

    stored = _stored_params(f, depts)
    return Prepared(
        "applications",
        EXPORT_KINDS["applications"],
        columns,
        stmt,
        count_stmt,
        convert,
        params=stored,
    ), errors
