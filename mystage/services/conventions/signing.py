"""Signing a convention: who may sign which, the 6-digit code (by SMS, by mail when there is
no mobile: 10 minutes, 5 tries, hashed, rate limited per signatory and per address), the
signature (drawn PNG or typed name) recorded per convention with the SHA-256 of the exact
text signed, group signing (one code, one drawing, one signature per convention), the legal
representatives' personal links, and the final sealed PDF once everyone signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Convention, ConventionLink, School, Signature, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import audit
from mystage.services.accounts import normalize_phone, ratelimit, tokens
from mystage.services.conventions import machine, preset
from mystage.services.conventions.access import Loaded, load, may_view, user_role
from mystage.services.ids import client_ids
from mystage.settings import get_settings

C = machine.C
PURPOSE = "convention_sign"
CODE_TTL = timedelta(minutes=10)
LINK_DAYS = 60
GROUP_MAX = 50
CODES_PER_SIGNER = (5, timedelta(hours=1))
CODES_PER_IP = (30, timedelta(hours=1))
TRIES_PER_IP = (60, timedelta(hours=1))
IMAGE_MAX = 400_000  # bytes of PNG

MSG_NOT_FOUND = "Convention introuvable."
MSG_NOT_SIGNABLE = "Cette convention ne peut pas être signée par vous maintenant."
MSG_NO_CONTACT = (
    "Aucun portable ni e-mail n'est connu pour vous envoyer le code : demandez à "
    "l'établissement de le compléter."
)
MSG_TOO_MANY = "Trop de demandes de code : réessayez dans une heure."
MSG_CODE = "Code incorrect ou expiré. Vérifiez-le, ou demandez un nouveau code."
MSG_CODE_FORMAT = "Le code a 6 chiffres."
MSG_SIGNATURE = "Dessinez votre signature dans le cadre, ou tapez votre nom complet."
MSG_TYPED = "Tapez votre nom complet (prénom et nom)."
MSG_IMAGE = "Le dessin de la signature n'a pas pu être lu : effacez et recommencez."
MSG_RACE = "La convention vient d'être modifiée : relisez-la avant de signer."
MSG_GROUP = f"Choisissez de 1 à {GROUP_MAX} conventions."


# --- personal links of legal representatives ------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(f"convlink|{raw}".encode()).hexdigest()


def issue_link(s: Session, x: Loaded, role: str) -> str:
    """A new personal link for a legal representative (raw token; stored hashed)."""
    raw = secrets.token_urlsafe(32)
    week_end = x.conv.week_start or clock.today_paris()
    expires = datetime.combine(week_end, datetime.min.time()).replace(
        tzinfo=clock.now().tzinfo
    ) + timedelta(days=LINK_DAYS)
    s.add(
        ConventionLink(
            convention_id=x.conv.id, role=role, token_hash=_hash(raw),
            created_at=clock.now(), expires_at=max(expires, clock.now() + timedelta(days=7)),
        )
    )  # fmt: skip
    s.flush()
    return raw


def revoke_links(s: Session, conv_id: int, role: str) -> None:
    s.execute(
        sa.update(ConventionLink)
        .where(ConventionLink.convention_id == conv_id, ConventionLink.role == role,
               ConventionLink.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def live_link(s: Session, raw: Any) -> tuple[Loaded, str] | None:
    """(convention, role) of a live link; None for anything else."""
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        return None
    row = s.execute(
        sa.select(ConventionLink).where(ConventionLink.token_hash == _hash(raw))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now():
        return None
    x = load(s, row.convention_id)
    if x is None or x.conv.state == C.CANCELLED:
        return None
    return x, row.role


def invite_all(s: Session, x: Loaded) -> None:
    """The convention is validated: every signatory who has not signed is told (legal
    representatives with a personal link, by mail and SMS)."""
    signed = {sig.signatory_role for sig in machine.live_signatures(s, x.conv.id)}
    for person in machine.signatories(s, x):
        if person["role"] in signed:
            continue
        url = person["url"]
        if person["role"].startswith("legal_rep"):
            url = machine.LINK_URL.format(token=issue_link(s, x, person["role"]))
        machine.mail(s, x, person, "to_sign", url, "i")


# --- who signs what -------------------------------------------------------------------------


def _mode_online(s: Session, x: Loaded) -> bool:
    school = s.get(School, x.app.school_id) if x.app.school_id else None
    return preset.mode(school) == "online"


def can_sign(s: Session, x: Loaded, role: str) -> bool:
    """The convention waits for ``role``'s signature (validated, online, not signed yet)."""
    if not role or x.conv.state not in machine.SIGNABLE_STATES or not _mode_online(s, x):
        return False
    roles = {p["role"] for p in machine.signatories(s, x)}
    if role not in roles:
        return False
    signed = {sig.signatory_role for sig in machine.live_signatures(s, x.conv.id)}
    return role not in signed


def _resolve(
    s: Session, user: User | None, link: Any, convention_ids: Any
) -> tuple[str, list[Loaded], str]:
    """(error, conventions, role): every convention signable by the same caller in the same
    role; a link signs its own convention only."""
    if link:
        found = live_link(s, link)
        if found is None:
            return MSG_NOT_FOUND, [], ""
        x, role = found
        ids = client_ids(convention_ids)
        if ids not in (None, [], [x.conv.id]):
            return MSG_NOT_FOUND, [], ""
        if not can_sign(s, x, role):
            return MSG_NOT_SIGNABLE, [], ""
        return "", [x], role
    ids = client_ids(convention_ids, limit=GROUP_MAX)
    if user is None or not ids:
        return (MSG_GROUP if user is not None else MSG_NOT_FOUND), [], ""
    loaded: list[Loaded] = []
    roles: set[str] = set()
    for cid in ids:
        x = load(s, cid)
        if x is None or not may_view(s, user, x):
            return MSG_NOT_FOUND, [], ""
        role = user_role(s, user, x)
        if not can_sign(s, x, role):
            return MSG_NOT_SIGNABLE, [], ""
        roles.add(role)
        loaded.append(x)
    if len(roles) != 1:
        return MSG_NOT_SIGNABLE, [], ""
    return "", loaded, roles.pop()


def signatory(s: Session, x: Loaded, role: str) -> dict[str, Any]:
    return next(p for p in machine.signatories(s, x) if p["role"] == role)


def destination(user: User | None, person: dict[str, Any]) -> tuple[str, str]:
    """(channel, address) of the code: the mobile (the account's for a user, the one the
    school entered for a legal representative), else the e-mail."""
    if user is not None:
        phone, email = user.phone or "", user.email or person.get("email", "")
    else:
        phone, email = person.get("phone", ""), person.get("email", "")
    e164 = normalize_phone(phone) if phone else None
    if e164:
        return "sms", e164
    return ("mail", email) if email else ("", "")


def mask(channel: str, address: str) -> str:
    """« 06 •• •• •• 78 » / « c•••@exemple.fr »."""
    if channel == "sms":
        national = "0" + address[3:] if address.startswith("+33") else address
        return f"{national[:2]} •• •• •• {national[-2:]}"
    if channel == "mail" and "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}•••@{domain}"
    return ""


def _signer_key(user: User | None, xs: list[Loaded], role: str) -> str:
    who = f"user:{user.id}" if user is not None else f"conv:{xs[0].conv.id}:{role}"
    return ratelimit.ident_key("convsign|" + who)


def _action(xs: list[Loaded], role: str) -> str:
    return f"{role}:" + ",".join(str(x.conv.id) for x in sorted(xs, key=lambda x: x.conv.id))


def request_code(
    s: Session, *, user: User | None = None, link: Any = None, convention_ids: Any = None,
    ip: str = "",
) -> tuple[str, str]:  # fmt: skip
    """Send a signing code for these conventions; (error, « Code envoyé par SMS au … »)."""
    error, xs, role = _resolve(s, user if not link else None, link, convention_ids)
    if error:
        return error, ""
    who = signatory(s, xs[0], role)
    channel, address = destination(user if not link else None, who)
    if not channel:
        return MSG_NO_CONTACT, ""
    signer = _signer_key(user if not link else None, xs, role)
    if not ratelimit.check(s, "conv_code", signer, *CODES_PER_SIGNER) or not ratelimit.check(
        s, "conv_code_ip", ratelimit.ip_key(ip), *CODES_PER_IP
    ):
        return MSG_TOO_MANY, ""
    ratelimit.record(s, "conv_code", signer)
    ratelimit.record(s, "conv_code_ip", ratelimit.ip_key(ip))
    code = tokens.issue_code(
        s, PURPOSE, user_id=user.id if (user is not None and not link) else None,
        target=address, action=_action(xs, role), ttl=CODE_TTL,
    )  # fmt: skip
    if channel == "sms":
        _, body = templates.render("sms_conv_code", code=code, tu=role == "pupil")
        queue_sms(s, to=address, body=body, template="sms_conv_code")
        said = f"Code envoyé par SMS au {mask(channel, address)}."
    else:
        subject, body = templates.render("conv_code", code=code, count=len(xs), tu=role == "pupil")
        queue_mail(s, to=address, subject=subject, body=body, template="conv_code")
        said = f"Code envoyé par e-mail à {mask(channel, address)}."
    s.commit()
    return "", said


def _verify(
    s: Session, caller: User | None, xs: list[Loaded], role: str, code: Any, ip: str,
    *, consume: bool,
) -> str:  # fmt: skip
    """Check the code (format, attempts per address, the code itself): "" or the error."""
    clean = "".join(ch for ch in str(code or "") if not ch.isspace())[:20]
    if len(clean) != tokens.CODE_DIGITS or not clean.isdigit():
        return MSG_CODE_FORMAT
    ip_key = ratelimit.ip_key(ip)
    if not ratelimit.check(s, "conv_try_ip", ip_key, *TRIES_PER_IP, failures_only=True):
        return MSG_TOO_MANY
    channel, address = destination(caller, signatory(s, xs[0], role))
    tok = tokens.verify_code(
        s, PURPOSE, user_id=caller.id if caller is not None else None, target=address,
        code=clean, action=_action(xs, role), consume=consume,
    )  # fmt: skip
    if tok is None:
        ratelimit.record(s, "conv_try_ip", ip_key, success=False)
        s.commit()  # the attempt counts
        return MSG_CODE
    return ""


def check_code(
    s: Session, *, user: User | None = None, link: Any = None, convention_ids: Any = None,
    code: Any = "", ip: str = "",
) -> str:  # fmt: skip
    """The code checked before the drawing step (a try like any other; the code stays
    valid for :func:`sign`): "" or the error."""
    caller = user if not link else None
    error, xs, role = _resolve(s, caller, link, convention_ids)
    if error:
        return error
    error = _verify(s, caller, xs, role, code, ip, consume=False)
    s.commit()
    return error


def _png(drawing: Any) -> bytes | None:
    """The PNG bytes of a canvas data URL, checked (a real PNG, bounded size); None when
    unusable."""
    if not isinstance(drawing, str) or not drawing.startswith("data:image/png;base64,"):
        return None
    payload = drawing.split(",", 1)[1]
    if len(payload) > IMAGE_MAX * 4 // 3 + 8:
        return None
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        # verify() leaves the image unusable: open it again to read its pixels.
        with Image.open(io.BytesIO(data)) as img:
            if img.width > 3000 or img.height > 1500:
                return None
            if img.getbbox() is None and img.mode not in ("RGBA", "LA", "P"):
                return None
    except Exception:  # noqa: BLE001 - any undecodable image is refused
        return None
    return data


def _store_image(conv: Convention, role: str, data: bytes) -> str:
    folder = get_settings().private_dir / "signatures" / conv.uuid
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{role}-{conv.version}-{secrets.token_hex(4)}.png"
    (folder / name).write_bytes(data)
    return str(Path("signatures") / conv.uuid / name)


def sign(
    s: Session, *, user: User | None = None, link: Any = None, convention_ids: Any = None,
    code: Any = "", drawing: Any = "", typed_name: Any = "", ip: str = "", user_agent: str = "",
) -> dict[str, str]:  # fmt: skip
    """Check the code, then record one signature per convention (same drawing or typed
    name), move each convention, and finish those signed by all.  Errors keyed "code",
    "signature" or "form"; {} when signed."""
    caller = user if not link else None
    error, xs, role = _resolve(s, caller, link, convention_ids)
    if error:
        return {"form": error}
    typed = typed_name.strip()[:200] if isinstance(typed_name, str) else ""
    image = _png(drawing) if drawing else None
    if drawing and image is None:
        return {"signature": MSG_IMAGE}
    if image is None and not typed:
        return {"signature": MSG_SIGNATURE}
    if image is None and len(typed.split()) < 2:
        return {"signature": MSG_TYPED}
    if error := _verify(s, caller, xs, role, code, ip, consume=True):
        return {"code": error}
    channel, address = destination(caller, signatory(s, xs[0], role))
    from mystage.services.conventions import document

    now = clock.now()
    finished: list[Loaded] = []
    for x in xs:
        s.refresh(x.conv)
        if not can_sign(s, x, role):
            s.rollback()
            return {"form": MSG_RACE}
        p = signatory(s, x, role)
        sig = Signature(
            convention_id=x.conv.id,
            user_id=caller.id if caller is not None else None,
            signatory_role=role,
            signer_name=(caller and f"{caller.first_name} {caller.last_name}".strip()) or p["name"],
            email=p.get("email", "")[:254],
            phone=address if channel == "sms" else "",
            method=channel,
            sent_to=mask(channel, address),
            ip=(ip or "")[:64],
            user_agent=(user_agent or "")[:300],
            typed_name=typed if image is None else "",
            image_path=_store_image(x.conv, role, image) if image is not None else "",
            document_hash=document.current_hash(s, x),
            version=x.conv.version,
            signed_at=now,
        )
        s.add(sig)
        s.flush()
        audit.record(s, "convention", x.conv.id, "sign", caller, from_state=x.conv.state,
                     to_state=x.conv.state, message=role)  # fmt: skip
        if not machine.move(s, x, "sign", caller, message=role):
            s.rollback()
            return {"form": MSG_RACE}
        required = {q["role"] for q in machine.signatories(s, x)}
        have = {g.signatory_role for g in machine.live_signatures(s, x.conv.id)}
        if required <= have:
            finished.append(x)
    for x in finished:
        finish(s, x)
    ratelimit.record(s, "conv_try_ip", ratelimit.ip_key(ip), success=True)
    s.commit()
    return {}


def finish(s: Session, x: Loaded) -> None:
    """Everyone signed: state « signée », the sealed PDF stored, a private link mailed to
    every party."""
    from mystage.services.conventions import document

    if not machine.move(s, x, "finish", None):
        return
    data = document.sealed_pdf(s, x)
    folder = get_settings().private_dir / "conventions"
    folder.mkdir(parents=True, exist_ok=True)
    relative = Path("conventions") / f"{x.conv.uuid}-v{x.conv.version}.pdf"
    (get_settings().private_dir / relative).write_bytes(data)
    s.execute(
        sa.update(Convention).where(Convention.id == x.conv.id)
        .values(pdf_path=str(relative), sealed_at=clock.now())
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    s.refresh(x.conv)
    for person in machine.signatories(s, x):
        url = person["url"]
        if person["role"].startswith("legal_rep"):
            url = machine.LINK_URL.format(token=issue_link(s, x, person["role"]))
        machine.mail(s, x, person, "signed", url, "f")


def pdf_bytes(
    s: Session, *, user: User | None = None, link: Any = None, uuid: Any = ""
) -> bytes | None:
    """The convention's PDF for a party (sealed once signed by all; else the current text
    with the signatures so far), None when not allowed or unknown."""
    from mystage.services.conventions import document

    if not isinstance(uuid, str) or not 1 <= len(uuid) <= 36:
        return None
    conv = s.execute(sa.select(Convention).where(Convention.uuid == uuid)).scalar_one_or_none()
    if conv is None:
        return None
    if link:
        found = live_link(s, link)
        if found is None or found[0].conv.id != conv.id:
            return None
        x = found[0]
    else:
        x = load(s, conv.id)
        if x is None or not may_view(s, user, x):
            return None
    if x.conv.state == C.SIGNED and x.conv.pdf_path:
        path = (get_settings().private_dir / x.conv.pdf_path).resolve()
        if path.is_file():
            return path.read_bytes()
    return document.draft_pdf(s, x)


def record_demo_signatures(s: Session, conv_id: int, roles: list[str], at: datetime) -> None:
    """Demo data only (``mystage.demo``): signatures typed by the named parties, as if each
    had entered their code; finishes (sealed PDF) when everyone signed.  Never called by a
    handler or an API route."""
    x = load(s, conv_id)
    if x is None or x.conv.state not in machine.SIGNABLE_STATES:
        return
    from mystage.services.conventions import document

    people = {p["role"]: p for p in machine.signatories(s, x)}
    for role in roles:
        p = people.get(role)
        if p is None:
            continue
        s.add(
            Signature(
                convention_id=x.conv.id, user_id=p.get("user_id"), signatory_role=role,
                signer_name=p["name"], email=p.get("email", ""), method="sms",
                sent_to="06 •• •• •• 00", ip="192.0.2.10", user_agent="démonstration",
                typed_name=p["name"] or "Signataire", document_hash=document.current_hash(s, x),
                version=x.conv.version, signed_at=at,
            )
        )  # fmt: skip
        s.flush()
        machine.move(s, x, "sign", None, message=role)
    if set(people) <= {sig.signatory_role for sig in machine.live_signatures(s, x.conv.id)}:
        finish(s, x)
