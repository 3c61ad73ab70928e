"""« Mes données » (RGPD art. 15 and 20): everything the platform holds about one person.

:func:`collect` returns the content of ``mes-donnees.json`` and the list of the person's
files (CV PDF, logo of a structure they own, their signed conventions, their drawn
signatures) to put next to it in the zip (``services/privacy/my_data_files.py``).

What is left out, on purpose: anything about other people beyond what they were sent.
Applications carry the employer's and the school's messages to the pupil, never the
employer's e-mail or phone, nor who decided; an employer's export holds the offers they
created (without the tutor and contact fields, which may name colleagues) but not the
pupils' applications; a school head or teacher gets their own account only, not the
pupils'; audit rows where someone else acted show that person's role, not their id; the
messages sent to the person are listed (date, channel, kind, status) without their text,
which may name others; single-use links without their secret or payload.  No password hash,
no session or link secret.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    OFFER_STATE_LABELS,
    Application,
    AuditLog,
    Convention,
    Favorite,
    Offer,
    OfferWeek,
    Operator,
    ParentLink,
    PupilCV,
    RosterEntry,
    School,
    SchoolClass,
    Signature,
    StaffClass,
    StaffMembership,
    Structure,
    StructureMember,
    User,
)
from mystage.services.privacy import my_data_activity as activity
from mystage.services.privacy.my_data_activity import actor_label, day, role_label, ts
from mystage.settings import get_settings

FORMAT_VERSION = 1
JSON_NAME = "mes-donnees.json"
FILES_DIR = "fichiers"

ABOUT = (
    "Ce fichier contient les données que MyStage conserve sur votre compte, au format JSON "
    "(lisible par un autre service : droit à la portabilité). Les fichiers joints (CV, "
    "logo, conventions signées, signatures) sont dans le dossier « fichiers ». Les données "
    "des autres personnes n'y figurent pas, sauf les messages qui vous ont été adressés. Les "
    "courriels et SMS envoyés sont listés sans leur texte."
)


def _json_or_text(raw: str) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _private_file(relative: str | None) -> Path | None:
    """A stored file's absolute path, only inside PRIVATE_DIR and present."""
    if not relative or not isinstance(relative, str):
        return None
    root = get_settings().private_dir.resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


class _Files:
    """The files to add to the zip: unique names under ``fichiers/``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Path]] = []
        self._seen: dict[Path, str] = {}

    def add(self, relative: str | None, name: str) -> str | None:
        path = _private_file(relative)
        if path is None:
            return None
        if path in self._seen:
            return self._seen[path]
        suffix = path.suffix.lower() if path.suffix else ""
        arcname = f"{FILES_DIR}/{name}{suffix}"
        self.items.append((arcname, path))
        self._seen[path] = arcname
        return arcname


# --- sections -------------------------------------------------------------------------------


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "profil": role_label(user.role),
        "statut": user.status,
        "civilite": user.civility,
        "prenom": user.first_name,
        "nom": user.last_name,
        "fonction": user.job_title,
        "courriel": user.email,
        "telephone": user.phone,
        "date_de_naissance": day(user.birth_date),
        "genre": user.gender,
        "niveau": LEVEL_LABELS.get(user.level, user.level),
        "autorisation_parentale_le": ts(user.parental_authorization_at),
        "perimetre_equipe": user.staff_scope,
        "departement": user.department_code,
        "academie": user.academy,
        "ministere": user.ministry,
        "consentement_contact_courriel": user.consent_contact_email,
        "consentement_contact_telephone": user.consent_contact_phone,
        "conditions_acceptees_le": ts(user.terms_accepted_at),
        "confidentialite_acceptee_le": ts(user.privacy_accepted_at),
        "active_le": ts(user.activated_at),
        "courriel_verifie_le": ts(user.email_verified_at),
        "telephone_verifie_le": ts(user.phone_verified_at),
        "valide_le": ts(user.validated_at),
        "echecs_de_connexion": user.failed_logins,
        "bloque_jusqu_au": ts(user.locked_until),
        "derniere_connexion": ts(user.last_login_at),
        "mot_de_passe_change_le": ts(user.password_changed_at),
        "cree_le": ts(user.created_at),
        "modifie_le": ts(user.updated_at),
    }


def _school(s: Session, user: User) -> dict[str, Any] | None:
    if user.school_id is None:
        return None
    school = s.get(School, user.school_id)
    cls = s.get(SchoolClass, user.class_id) if user.class_id is not None else None
    out: dict[str, Any] = {
        "uai": school.uai if school else "",
        "nom": school.name if school else "",
        "commune": school.commune if school else "",
        "classe": cls.name if cls else None,
    }
    memberships = s.execute(
        sa.select(StaffMembership, School.name)
        .join(School, School.id == StaffMembership.school_id)
        .where(StaffMembership.user_id == user.id)
        .order_by(StaffMembership.id)
    ).all()
    if memberships:
        out["rattachements"] = [
            {"etablissement": name, "statut": m.status, "demande_le": ts(m.created_at),
             "decide_le": ts(m.decided_at)}
            for m, name in memberships
        ]  # fmt: skip
    classes = s.execute(
        sa.select(SchoolClass.name, StaffClass.is_main_teacher)
        .join(SchoolClass, SchoolClass.id == StaffClass.class_id)
        .where(StaffClass.user_id == user.id)
        .order_by(SchoolClass.name)
    ).all()
    if classes:
        out["mes_classes"] = [{"classe": n, "professeur_principal": bool(m)} for n, m in classes]
    return out


def _roster(s: Session, user: User) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(RosterEntry, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == RosterEntry.class_id)
        .where(RosterEntry.user_id == user.id)
        .order_by(RosterEntry.id)
    ).all()
    return [
        {"classe": cls, "annee_scolaire": r.school_year, "prenom": r.first_name,
         "nom": r.last_name, "invitations": r.invitations, "invite_le": ts(r.invited_at),
         "ajoute_le": ts(r.created_at), "relie_le": ts(r.linked_at)}
        for r, cls in rows
    ]  # fmt: skip


def _structures(s: Session, user: User, files: _Files) -> list[dict[str, Any]]:
    conds = [StructureMember.user_id == user.id]
    if user.email:
        conds.append(StructureMember.invited_email == user.email)
    rows = s.execute(
        sa.select(StructureMember, Structure)
        .join(Structure, Structure.id == StructureMember.structure_id)
        .where(sa.or_(*conds))
        .order_by(StructureMember.id)
    ).all()
    out = []
    for m, st in rows:
        owner = st.owner_id == user.id
        item = {
            "structure": st.name,
            "siret": st.siret,
            "adresse": st.address,
            "code_postal": st.postal_code,
            "ville": st.city,
            "role": "propriétaire" if owner else m.role,
            "statut": m.status,
            "demande_le": ts(m.created_at),
            "decide_le": ts(m.decided_at),
        }
        if owner:
            item["logo"] = files.add(st.logo_path, f"logo-structure-{st.id}")
        out.append(item)
    owned = s.execute(
        sa.select(Structure)
        .where(Structure.owner_id == user.id, Structure.id.not_in([m.structure_id for m, _ in rows]))
        .order_by(Structure.id)
    ).scalars()  # fmt: skip
    for st in owned:
        out.append({
            "structure": st.name, "siret": st.siret, "adresse": st.address,
            "code_postal": st.postal_code, "ville": st.city, "role": "propriétaire",
            "statut": "active", "logo": files.add(st.logo_path, f"logo-structure-{st.id}"),
        })  # fmt: skip
    return out


def _cv(s: Session, user: User, files: _Files) -> dict[str, Any] | None:
    cv = s.execute(sa.select(PupilCV).where(PupilCV.user_id == user.id)).scalar_one_or_none()
    if cv is None:
        return None
    return {
        "scolarite": cv.schooling,
        "centres_d_interet": cv.interests,
        "langues": cv.languages,
        "qualites": cv.qualities,
        "pdf": files.add(cv.pdf_path, "cv"),
        "modifie_le": ts(cv.updated_at),
    }


def _applications(s: Session, user: User, files: _Files) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(Application, Offer.title, Offer.employer_name, Offer.city)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Application.pupil_id == user.id)
        .order_by(Application.id)
    ).all()
    if not rows:
        return []
    ids = [a.id for a, *_ in rows]
    history: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    audit = s.execute(
        sa.select(AuditLog)
        .where(AuditLog.entity == "application", AuditLog.entity_id.in_(ids))
        .order_by(AuditLog.created_at, AuditLog.id)
    ).scalars()
    for r in audit:
        history[r.entity_id].append(
            {"date": ts(r.created_at), "action": r.action, "de": r.from_state,
             "vers": r.to_state, "par": actor_label(r, user), "message": r.message}
        )  # fmt: skip
    out = []
    for a, title, employer_name, city in rows:
        out.append({
            "id": a.id, "offre_id": a.offer_id, "offre": title, "employeur": employer_name,
            "ville": city, "semaine": day(a.week_start), "semaines": a.week_count,
            "etat": a.state, "etat_libelle": APP_STATE_LABELS.get(a.state, a.state),
            "annee_scolaire": a.school_year, "motivation": a.motivation,
            "telephone_de_contact": a.contact_phone, "courriel_de_contact": a.contact_email,
            "cv_envoye": _json_or_text(a.cv_snapshot),
            "cv_pdf_envoye": files.add(a.cv_file, f"cv-candidature-{a.id}"),
            "messages": {
                "etablissement": a.school_message, "employeur_a_l_etude": a.review_message,
                "employeur_acceptation": a.accept_message,
                "employeur_refus": a.refuse_message, "motif_du_refus": a.refuse_reason,
                "annulation": a.cancel_message,
            },
            "dates": {
                "creee": ts(a.created_at), "envoyee": ts(a.submitted_at),
                "validee_par_l_etablissement": ts(a.school_validated_at),
                "refusee_par_l_etablissement": ts(a.school_refused_at),
                "transmise": ts(a.sent_at), "lue": ts(a.read_at),
                "a_l_etude": ts(a.reviewed_at), "acceptee": ts(a.accepted_at),
                "confirmee": ts(a.confirmed_at), "refusee": ts(a.refused_at),
                "annulee": ts(a.cancelled_at), "retiree": ts(a.withdrawn_at),
                "expiree": ts(a.expired_at),
            },
            "historique": history.get(a.id, []),
        })  # fmt: skip
    return out


def _favorites(s: Session, user: User) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(Favorite.offer_id, Offer.title, Offer.employer_name, Favorite.created_at)
        .join(Offer, Offer.id == Favorite.offer_id)
        .where(Favorite.user_id == user.id)
        .order_by(Favorite.id)
    ).all()
    return [
        {"offre_id": oid, "offre": title, "employeur": emp, "ajoute_le": ts(at)}
        for oid, title, emp, at in rows
    ]


def _offers(s: Session, user: User) -> list[dict[str, Any]]:
    offers = (
        s.execute(sa.select(Offer).where(Offer.created_by_id == user.id).order_by(Offer.id))
        .scalars()
        .all()
    )
    if not offers:
        return []
    weeks: dict[int, list[dict[str, Any]]] = {o.id: [] for o in offers}
    for w in s.execute(
        sa.select(OfferWeek)
        .where(OfferWeek.offer_id.in_(list(weeks)))
        .order_by(OfferWeek.offer_id, OfferWeek.week_start)
    ).scalars():
        weeks[w.offer_id].append({"semaine": day(w.week_start), "places": w.places})
    return [
        {
            "id": o.id, "etat": OFFER_STATE_LABELS.get(o.state, o.state), "titre": o.title,
            "employeur": o.employer_name, "description": o.description,
            "adresse": o.street, "code_postal": o.postal_code, "ville": o.city,
            "places": o.places_total, "semaines": weeks.get(o.id, []),
            "creee_le": ts(o.created_at), "publiee_le": ts(o.published_at),
            "modifiee_le": ts(o.updated_at),
        }
        for o in offers
    ]  # fmt: skip


def _conventions(s: Session, user: User, files: _Files) -> list[dict[str, Any]]:
    """A pupil's conventions (their own internships), with the signed PDF: a document every
    party received.  Other roles find their signatures under « signatures »."""
    rows = (
        s.execute(
            sa.select(Convention)
            .join(Application, Application.id == Convention.application_id)
            .where(Application.pupil_id == user.id)
            .order_by(Convention.id)
        )
        .scalars()
        .all()
    )
    return [
        {
            "reference": c.uuid, "candidature_id": c.application_id, "etat": c.state,
            "semaine": day(c.week_start), "version": c.version, "papier": c.paper,
            "creee_le": ts(c.created_at), "validee_le": ts(c.validated_at),
            "signee_le": ts(c.signed_at), "annulee_le": ts(c.cancelled_at),
            "pdf_signe": files.add(c.pdf_path, f"convention-{c.uuid}")
            if c.state == "signed" else None,
        }
        for c in rows
    ]  # fmt: skip


def _signatures(s: Session, user: User, files: _Files) -> list[dict[str, Any]]:
    rows = s.execute(
        sa.select(Signature, Convention.uuid)
        .join(Convention, Convention.id == Signature.convention_id)
        .where(Signature.user_id == user.id)
        .order_by(Signature.id)
    ).all()
    return [
        {
            "convention": uuid, "en_tant_que": sig.signatory_role, "nom": sig.signer_name,
            "code_envoye_par": sig.method, "code_envoye_a": sig.sent_to, "ip": sig.ip,
            "navigateur": sig.user_agent, "nom_saisi": sig.typed_name,
            "empreinte_sha256": sig.document_hash, "version": sig.version,
            "signee_le": ts(sig.signed_at), "annulee_le": ts(sig.voided_at),
            "image": files.add(sig.image_path, f"signature-{sig.id}"),
        }
        for sig, uuid in rows
    ]  # fmt: skip


def collect(s: Session, user: User) -> tuple[dict[str, Any], list[tuple[str, Path]]]:
    """The person's data (the JSON document) and their files ``[(name in the zip, path)]``.
    ``user`` is the caller, already checked: nothing here takes an id from outside."""
    files = _Files()
    operator = s.get(Operator, user.operator_id) if user.operator_id is not None else None
    children = s.execute(
        sa.select(sa.func.count()).select_from(ParentLink).where(ParentLink.parent_id == user.id)
    ).scalar_one()
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "genere_le": ts(clock.now()),
        "a_propos": ABOUT,
        "compte": _account(user),
        "etablissement": _school(s, user),
        "liste_de_classe": _roster(s, user),
        "structures": _structures(s, user, files),
        "association_partenaire": operator.name if operator is not None else None,
        "enfants_rattaches": int(children or 0),
        "cv": _cv(s, user, files),
        "candidatures": _applications(s, user, files),
        "favoris": _favorites(s, user),
        "offres_creees": _offers(s, user),
        "conventions": _conventions(s, user, files),
        "signatures": _signatures(s, user, files),
        "sessions": activity.sessions(s, user),
        "liens_a_usage_unique": activity.single_use_links(s, user),
        "messages_envoyes": activity.messages(s, user),
        "journal": activity.journal(s, user),
        "exports": activity.exports(s, user),
    }
    return data, files.items


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
