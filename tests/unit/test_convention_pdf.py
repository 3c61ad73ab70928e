"""The convention's text, PDF and seal (issue 14, « The PDF »): the text is deterministic and
shares its articles with the RTF model; the PDF (read back with pypdf) holds the pupil, the
dates, the hours and every signatory, and its certificate page the hash; hostile text never
breaks it; the PAdES seal validates with pyHanko and fails once a signed byte changes; the
seal's certificate is created once, or taken from SEAL_CERT_PATH / SEAL_KEY_PATH."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from mystage import settings
from mystage.documents import articles as A
from mystage.documents.convention import convention_rtf
from mystage.services import conventions
from mystage.services.conventions import (
    annex,
    document_hash,
    document_text,
    ensure_certificate,
    render_pdf,
    seal_pdf,
    sections,
    verify_seal,
)

WORKDAY = {"start": "09:00", "end": "17:00", "break_start": "12:00", "break_end": "13:30"}
OFF = {"start": "", "end": "", "break_start": "", "break_end": ""}

EMPLOYER = {
    "structure": {
        "name": "Boulangerie Dupain",
        "siret": "12345678901234",
        "address": "3 rue du Four",
        "postal_code": "75006",
        "city": "Paris",
    },
    "place": {"street": "3 rue du Four", "postal_code": "75006", "city": "Paris"},
    "offer_title": "Découverte du métier de boulanger",
    "representative": {"name": "Jeanne Dupain", "function": "Gérante", "email": "j@dupain.fr"},
    "tutor": {
        "name": "Marc Levain",
        "function": "Chef boulanger",
        "email": "marc@dupain.fr",
        "phone": "06 12 34 56 78",
    },
    "timetable": {
        **{d: dict(WORKDAY) for d in ("lundi", "mardi", "mercredi", "jeudi")},
        "vendredi": {"start": "08:30", "end": "12:00", "break_start": "", "break_end": ""},
        "samedi": dict(OFF),
        "dimanche": dict(OFF),
    },
    "lunch": "Déjeuner sur place possible",
    "meals": "Repas offert le midi",
    "travel": "Aucun",
    "activities": "Observation du pétrissage, de la cuisson et de la vente.\nVisite du fournil.",
    "preparation": "",
    "learning": "Les métiers de la boulangerie",
    "week": {"start": "2026-06-08", "end": "2026-06-12"},
}
SCHOOL = {
    "school": {
        "name": "Collège Jean Moulin",
        "uai": "0751234A",
        "address": "1 place de la République",
        "postal_code": "75011",
        "city": "Paris",
        "head": "Claire Martin",
    },
    "pupil": {
        "first_name": "Léa",
        "last_name": "Éloïse-Nguyen",
        "birth_date": "2011-03-14",
        "class": "3e B",
        "level": "3e",
    },
    "referent_email": "prof@college.fr",
    "legal_representatives": [
        {"name": "Paul Nguyen", "email": "paul@exemple.fr", "phone": "06 98 76 54 32"}
    ],
    "emergency_contact": {"name": "Anne Nguyen", "phone": "06 11 22 33 44"},
    "pupil_address": "12 rue des Lilas, 75020 Paris",
    "referent_teacher": {"name": "Hélène Durand", "email": "h.durand@college.fr", "phone": ""},
    "terms": {
        "meals": "À la charge de la famille",
        "transport": "Pass Navigo de l'élève",
        "insurance": "MAE, contrat 123",
        "clauses": "L'élève apporte son carnet de liaison.\n\nTenue correcte exigée.",
        "week_max_hours": "30",
    },
}
TITLE = "Léa Éloïse-Nguyen — Boulangerie Dupain — Semaine du 8 au 12 juin 2026"
HOSTILE = (
    '<img src=x onerror="alert(1)"> ${7*7} `id` =HYPERLINK("http://x") 😀🦄👍🏽 中文 '
    "\u202eRTL\u202c \x00\x1b[31m {nb} {mystage:nb} **gras** " + "W" * 2000
)


def drawing() -> bytes:
    img = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(20, 150), (150, 40), (300, 160), (580, 50)], fill="black", width=6)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def signatures(doc_hash: str) -> list[dict]:
    common = {
        "method_label": "Code envoyé par SMS",
        "sent_to": "06 •• •• •• 78",
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
        "document_hash": doc_hash,
    }
    return [
        {
            **common,
            "role": "employer",
            "label": "Le représentant de la structure d'accueil",
            "name": "Jeanne Dupain",
            "signed_at": datetime(2026, 6, 1, 10, 3, tzinfo=UTC),
            "image_png": drawing(),
            "typed_name": "",
        },
        {
            **common,
            "role": "school_head",
            "label": "Le chef d'établissement",
            "name": "Claire Martin",
            "signed_at": "2026-06-02T08:15:00+00:00",
            "image_png": b"",
            "typed_name": "Claire Martin",
        },
        {
            **common,
            "role": "legal_rep_1",
            "label": "Représentant légal",
            "name": "Paul Nguyen",
            "signed_at": datetime(2026, 6, 2, 18, 40),
            "image_png": drawing(),
            "typed_name": "",
            "sent_to": "p•••@exemple.fr",
            "method_label": "Code envoyé par courriel",
        },
        {
            **common,
            "role": "pupil",
            "label": "L'élève (vu et pris connaissance)",
            "name": "Léa Éloïse-Nguyen",
            "signed_at": datetime(2026, 6, 3, 7, 0, tzinfo=UTC),
            "image_png": b"",
            "typed_name": "Léa Éloïse-Nguyen",
            "document_hash": "0" * 64,  # signed an earlier version of the text
        },
    ]


def build(employer=EMPLOYER, school=SCHOOL, *, sigs=None, title=TITLE) -> tuple[bytes, str]:
    secs = sections(employer, school)
    doc_hash = document_hash(document_text(secs))
    data = render_pdf(
        secs,
        annex=annex(employer, school),
        signatures=signatures(doc_hash) if sigs is None else sigs,
        document_hash=doc_hash,
        title=title,
    )
    return data, doc_hash


def pages_text(data: bytes) -> list[str]:
    return [(p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def private_dir(tmp_path, monkeypatch):
    """PRIVATE_DIR in a temporary folder, no real seal certificate configured."""
    monkeypatch.setenv("PRIVATE_DIR", str(tmp_path / "private"))
    for name in ("SEAL_CERT_PATH", "SEAL_KEY_PATH", "SEAL_KEY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings.reload()
    yield tmp_path / "private"
    monkeypatch.undo()
    settings.reload()


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, str]:
    return build()


# --- the text -------------------------------------------------------------------------


def test_the_text_is_deterministic_and_any_edit_changes_its_hash():
    text = document_text(sections(EMPLOYER, SCHOOL))
    assert text == document_text(sections(copy.deepcopy(EMPLOYER), copy.deepcopy(SCHOOL)))
    assert len(document_hash(text)) == 64 and document_hash(text) == document_hash(text)
    edited = copy.deepcopy(EMPLOYER)
    edited["timetable"]["lundi"]["end"] = "16:30"
    assert document_hash(document_text(sections(edited, SCHOOL))) != document_hash(text)


def test_the_text_states_what_the_rules_ask_filled_with_both_parts():
    secs = sections(EMPLOYER, SCHOOL)
    titles = [s["title"] for s in secs]
    assert titles[1:] == [
        A.ART_PARTIES, A.ART_OBJECT, A.ART_HOURS, A.ART_STATUS, A.ART_ACTIVITIES,
        A.ART_SUPERVISION, A.ART_INSURANCE, A.ART_DUTIES, A.ART_MEALS, A.ART_DURATION,
        A.ART_SCHOOL_TERMS, A.ART_EVIDENCE,
    ]  # fmt: skip
    text = document_text(secs)
    for expected in (
        "Collège Jean Moulin, UAI 0751234A",
        "représenté par Claire Martin",
        "SIRET 12345678901234",
        "Jeanne Dupain, Gérante",
        "Léa Éloïse-Nguyen, né(e) le 14 mars 2011, classe 3e B",
        "12 rue des Lilas, 75020 Paris",
        "Représentant légal 1 : Paul Nguyen — paul@exemple.fr — 06 98 76 54 32",
        "Anne Nguyen — 06 11 22 33 44",
        "Du 8 juin 2026 au 12 juin 2026.",
        "Lundi : 9 h – 17 h, pause 12 h – 13 h 30 (6 h 30 de présence)",
        "Vendredi : 8 h 30 – 12 h, sans pause (3 h 30 de présence)",
        "Samedi : repos",
        "Total de la semaine : 29 h 30 de présence.",
        "ni 30 heures par semaine",  # the school's lower weekly limit
        "Il n'a pas à concourir au travail",
        "Marc Levain, Chef boulanger — marc@dupain.fr — 06 12 34 56 78",
        "Professeur référent : Hélène Durand — h.durand@college.fr",
        "MAE, contrat 123",
        "Transport (conditions de l'établissement) : Pass Navigo de l'élève",
        "Tenue correcte exigée.",
        "code civil, notamment son article 1242",
        "circulaire n° 2003-134",
        "articles 1366 et 1367",
        "Préparation de la séquence : (à compléter)",
    ):
        assert expected in text, expected


def test_empty_or_malformed_parts_say_what_is_missing_and_never_raise():
    for employer, school in (({}, {}), (None, None), ({"timetable": "x", "tutor": 3}, [])):
        text = document_text(sections(employer, school))
        assert text.count("(à compléter)") >= 10
        assert "Aucune condition particulière." in text
    odd = {"week": {"start": "2026-13-45"}, "timetable": {"lundi": {"start": "25:00"}}}
    assert "Lundi" not in document_text(sections(odd, {"terms": {"week_max_hours": "99"}}))


def test_the_rtf_model_and_the_online_text_share_their_articles(monkeypatch):
    monkeypatch.setattr(A, "STATUS", "Phrase témoin de l'article 4.")
    assert "Phrase t\\u233" in convention_rtf()
    assert "Phrase témoin de l'article 4." in document_text(sections(EMPLOYER, SCHOOL))


# --- the PDF --------------------------------------------------------------------------


def test_the_pdf_holds_the_pupil_the_dates_the_hours_and_every_signatory(sample):
    data, doc_hash = sample
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    texts = pages_text(data)
    whole = "\n".join(texts)
    for expected in (
        "Léa Éloïse-Nguyen",
        "8 juin 2026",
        "12 juin 2026",
        "9 h – 17 h",
        "12 h – 13 h 30",
        "6 h 30",
        "Annexe — Calendrier et activités de la séquence",
        "Marc Levain",
        "Visite du fournil.",
        "Jeanne Dupain",
        "Claire Martin",
        "Paul Nguyen",
        f"Page 1 / {len(texts)}",
    ):
        assert expected in whole, expected
    last = texts[-1]
    assert "Certificat de signature" in last
    assert doc_hash in last
    for record in ("203.0.113.7", "06 •• •• •• 78", "p•••@exemple.fr", "iPhone OS 17_0"):
        assert record in last
    for name in ("Jeanne Dupain", "Claire Martin", "Paul Nguyen", "Léa Éloïse-Nguyen"):
        assert name in last
    assert "nom saisi « Claire Martin »" in last
    assert "1er juin 2026 à 12 h 03 (heure de Paris)" in last  # 10:03 UTC in summer
    assert "autre version du texte" in last  # the pupil signed another hash


def test_hostile_text_renders_without_raising():
    employer, school = copy.deepcopy(EMPLOYER), copy.deepcopy(SCHOOL)
    for key in ("offer_title", "activities", "lunch", "meals", "travel", "learning"):
        employer[key] = HOSTILE
    employer["tutor"]["name"] = HOSTILE
    employer["timetable"]["lundi"] = {"start": HOSTILE, "end": None, "break_end": 5}
    school["pupil"]["first_name"] = HOSTILE
    school["terms"]["clauses"] = f"{HOSTILE}\n\n{HOSTILE}"
    sigs = signatures("f" * 64)
    for sig in sigs:
        for key in ("label", "name", "method_label", "sent_to", "ip", "user_agent", "typed_name"):
            sig[key] = HOSTILE
    sigs[0]["image_png"] = b"\x89PNG\r\n\x1a\nnot a png at all"
    sigs[1]["signed_at"] = "pas une date"
    sigs.append({"label": None, "signed_at": 12, "image_png": "text"})
    data, _ = build(employer, school, sigs=sigs, title=HOSTILE)
    whole = "\n".join(pages_text(data))
    assert "onerror" in whole and "=HYPERLINK" in whole and "${7*7}" in whole
    assert "🦄" not in whole and "中" not in whole and "{mystage:nb}" not in whole
    assert "\u202e" not in whole  # direction overrides are dropped
    assert "(image de la signature illisible)" in whole
    # Nothing given at all still makes a document.
    assert render_pdf(None, annex=None, signatures=None, document_hash=None, title=None)


# --- the seal -------------------------------------------------------------------------


def _pyhanko_status(data: bytes, cert_path):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    (sig,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(cert_path))], allow_fetching=False
    )
    return sig, validate_pdf_signature(sig, context)


def test_the_seal_validates_and_fails_after_one_signed_byte_changes(private_dir, sample):
    data, _ = sample
    sealed = seal_pdf(data)  # first import of pyHanko (its DSA warning silenced there)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    assert sealed.startswith(data)  # an incremental update: the signed PDF is unchanged
    cert_path, _ = ensure_certificate()
    assert cert_path.parent == private_dir / "seal"
    sig, status = _pyhanko_status(sealed, cert_path)
    assert sig.field_name == "Cachet MyStage"
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.sig_object["/Reason"] == "Convention signée par toutes les parties"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    ok, message = verify_seal(sealed)
    assert ok and message.startswith("Cachet MyStage valide")

    # One byte of the signed range (the document's /Creator, inside byte range 1) changed.
    pos = sealed.index(b"/Creator")
    assert pos < sig.byte_range[1]
    tampered = bytearray(sealed)
    tampered[pos + 3] ^= 0x01
    ok, message = verify_seal(bytes(tampered))
    assert not ok and "modifié" in message
    _, status = _pyhanko_status(bytes(tampered), cert_path)
    assert not status.intact

    assert verify_seal(data) == (False, "Ce document ne porte pas le cachet de MyStage.")
    assert not verify_seal(b"pas un PDF")[0]


def test_the_seal_certificate_is_created_once(private_dir):
    from cryptography import x509

    cert_path, key_path = ensure_certificate()
    first = cert_path.read_bytes(), key_path.read_bytes()
    assert ensure_certificate() == (cert_path, key_path)
    assert (cert_path.read_bytes(), key_path.read_bytes()) == first
    assert key_path.stat().st_mode & 0o077 == 0
    cert = x509.load_pem_x509_certificate(first[0])
    (cn,) = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    assert cn.value == "MyStage — cachet de la plateforme"
    assert cert.issuer == cert.subject  # self-signed
    # Lazily: sealing with a private dir that has no certificate yet creates it.
    other = private_dir.parent / "other"
    assert verify_seal(seal_pdf(build()[0], private_dir=other), private_dir=other)[0]
    assert (other / "seal" / "cachet.pem").is_file()


def test_a_real_certificate_from_the_environment_is_used(private_dir, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives import serialization

    from mystage.services.conventions import seal

    cert_pem, key_pem = seal._self_signed()
    key = serialization.load_pem_private_key(key_pem, password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret du cachet"),
    )
    (tmp_path / "real.pem").write_bytes(cert_pem)
    (tmp_path / "real-key.pem").write_bytes(encrypted)
    monkeypatch.setenv("SEAL_CERT_PATH", str(tmp_path / "real.pem"))
    monkeypatch.setenv("SEAL_KEY_PATH", str(tmp_path / "real-key.pem"))
    monkeypatch.setenv("SEAL_KEY_PASSWORD", "secret du cachet")
    settings.reload()
    assert settings.get_settings().config_errors() == []
    assert ensure_certificate() == (tmp_path / "real.pem", tmp_path / "real-key.pem")
    sealed = seal_pdf(build()[0])
    assert not (private_dir / "seal").exists()  # no self-signed certificate was made
    sig, status = _pyhanko_status(sealed, tmp_path / "real.pem")
    assert status.intact and status.trusted
    assert sig.signer_cert.dump() == conventions_cert_der(cert_pem)
    assert verify_seal(sealed)[0]

    monkeypatch.delenv("SEAL_KEY_PATH")
    settings.reload()
    assert any("SEAL_CERT_PATH" in e for e in settings.get_settings().config_errors())


def conventions_cert_der(cert_pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)


def test_the_package_exports_the_pdf_services():
    for name in ("sections", "document_text", "document_hash", "annex", "render_pdf"):
        assert name in conventions.__all__
    for name in ("ensure_certificate", "seal_pdf", "verify_seal"):
        assert name in conventions.__all__
