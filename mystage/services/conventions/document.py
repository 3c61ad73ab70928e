"""A convention's document: its text (:mod:`.articles`) from the stored parts, the SHA-256
of that text (what a signature binds to), the PDF with the signatures so far, and the final
PDF sealed by the platform (:mod:`.seal`)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mystage.services.conventions import machine
from mystage.services.conventions.access import Loaded
from mystage.settings import get_settings


def sections(x: Loaded) -> list[dict[str, Any]]:
    from mystage.services.conventions import articles

    employer, school = machine.fields(x.conv)
    return articles.sections(employer, school)


def current_hash(s: Session, x: Loaded) -> str:
    from mystage.services.conventions import articles

    return articles.document_hash(articles.document_text(sections(x)))


def _signature_rows(s: Session, x: Loaded) -> list[dict[str, Any]]:
    rows = []
    live = {sig.signatory_role: sig for sig in machine.live_signatures(s, x.conv.id)}
    for person in machine.signatories(s, x):
        sig = live.get(person["role"])
        image = b""
        if sig is not None and sig.image_path:
            path = (get_settings().private_dir / sig.image_path).resolve()
            if path.is_file():
                image = path.read_bytes()
        rows.append(
            {
                "role": person["role"],
                "label": person["label"],
                "name": (sig.signer_name if sig else "") or person["name"],
                "signed_at": sig.signed_at if sig else None,
                "method_label": {"sms": "code par SMS", "mail": "code par e-mail"}.get(
                    sig.method if sig else "", ""
                ),
                "sent_to": sig.sent_to if sig else "",
                "ip": sig.ip if sig else "",
                "user_agent": sig.user_agent if sig else "",
                "image_png": image,
                "typed_name": sig.typed_name if sig else "",
                "document_hash": sig.document_hash if sig else "",
            }
        )
    return rows


def _render(s: Session, x: Loaded) -> bytes:
    from mystage.services.conventions import articles, pdf

    secs = sections(x)
    employer, school = machine.fields(x.conv)
    text_hash = articles.document_hash(articles.document_text(secs))
    return pdf.render_pdf(
        secs,
        annex=articles.annex(employer, school),
        signatures=_signature_rows(s, x),
        document_hash=text_hash,
        title="Convention de séquence d'observation en milieu professionnel",
    )


def draft_pdf(s: Session, x: Loaded) -> bytes:
    """The current text with the signatures given so far (printable in paper mode)."""
    return _render(s, x)


def sealed_pdf(s: Session, x: Loaded) -> bytes:
    """The final PDF, sealed with the platform's certificate (PAdES)."""
    from mystage.services.conventions import seal

    return seal.seal_pdf(_render(s, x))
