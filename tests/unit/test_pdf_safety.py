"""PDFs with active content are refused (mystage/services/pdf_safety.py): scripts, launch
actions, automatic actions, embedded files, forms that submit or import, written plainly,
with ``#xx`` escapes, inside compressed object streams (Flate, ASCIIHex, chained) or
behind a false ``endstream``; ordinary PDFs — Pillow's, Chromium's « print to PDF », a CV
whose text says « Node/JS » — are accepted."""

from __future__ import annotations

import base64
import zlib

import pytest

from mystage.services import pdf_safety
from mystage.services.pdf_safety import MSG_PDF_ACTIVE, MSG_PDF_UNREADABLE, active_content_error


def make_pdf(
    *objects: bytes, trailer: bytes = b"/Root 1 0 R", header: bytes = b"%PDF-1.7"
) -> bytes:
    """A PDF with a cross-reference table: ``objects`` are the bodies of objects 1..n."""
    out = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d " % (len(objects) + 1) + trailer + b" >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, flate: bool = True, length: bytes | None = None):
    if flate:
        data = zlib.compress(data)
        extra = b"/Filter /FlateDecode " + extra
    size = length if length is not None else b"%d" % len(data)
    return b"<< /Length " + size + b" " + extra + b">>\nstream\n" + data + b"\nendstream"


def page_pdf(text: bytes, catalog_extra: bytes = b"", page_extra: bytes = b"", *more: bytes):
    content = b"BT /F1 12 Tf 72 720 Td " + text + b" Tj ET"
    return make_pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b">>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *more,
    )


def object_stream(objects: list[tuple[int, bytes]], filters: str = "flate") -> bytes:
    """An object stream (/Type /ObjStm) holding ``objects``."""
    header, body = [], b""
    for num, obj in objects:
        header.append(b"%d %d" % (num, len(body)))
        body += obj + b"\n"
    head = b" ".join(header) + b"\n"
    data = head + body
    extra = b"/Type /ObjStm /N %d /First %d " % (len(objects), len(head))
    if filters == "flate":
        return stream(data, extra)
    if filters == "hex+flate":
        enc = base64.b16encode(zlib.compress(data)) + b">"
        return (
            b"<< /Length %d /Filter [/ASCIIHexDecode /FlateDecode] " % len(enc)
            + extra
            + b">>\nstream\n"
            + enc
            + b"\nendstream"
        )
    if filters == "lzw":
        return stream(data, b"/Filter /LZWDecode " + extra, flate=False)
    raise ValueError(filters)


CLEAN = page_pdf(b"(Comp\\351tences : Node/JS, /JavaScript \\(et /Launch\\) en cours)")


def test_ordinary_pdfs_are_accepted():
    assert active_content_error(CLEAN) == ""
    # A destination is not an action: « open at page 1 ».
    assert active_content_error(page_pdf(b"(Bonjour)", b"/OpenAction [3 0 R /Fit] ")) == ""
    dest = page_pdf(b"(Bonjour)", b"/OpenAction 6 0 R ", b"", b"[3 0 R /XYZ 0 792 0]")
    assert active_content_error(dest) == ""
    # A hyperlink the reader clicks is allowed (a « mon site » link in a CV).
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://exemple.fr) >> >>"
    assert active_content_error(page_pdf(b"(Lien)", b"", b"/Annots [6 0 R] ", link)) == ""
    # Comments and hex strings are not names.
    assert active_content_error(page_pdf(b"<2F4A53> % /JavaScript\n(ok)")) == ""


def test_pillow_pdf_is_accepted(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(image).text((10, 10), "CV Node/JS", fill="black")
    path = tmp_path / "cv.pdf"
    image.save(path)
    assert active_content_error(path.read_bytes()) == ""


ACTIVE = {
    "open action script": page_pdf(
        b"(x)", b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "
    ),
    "open action by reference": page_pdf(
        b"(x)", b"/OpenAction 6 0 R ", b"", b"<< /S /Launch /F (calc.exe) >>"
    ),
    "page additional action": page_pdf(b"(x)", b"", b"/AA << /O 6 0 R >> ", b"<< /S /Named >>"),
    "launch": page_pdf(b"(x)", b"", b"", b"<< /S /Launch /F (cmd.exe) >>"),
    "names tree script": page_pdf(b"(x)", b"/Names << /JavaScript 6 0 R >> ", b"", b"<< >>"),
    "escaped name": page_pdf(b"(x)", b"/OpenAction << /S /J#61vaScript /J#53 (1) >> "),
    "embedded file": page_pdf(b"(x)", b"/Names << /EmbeddedFiles 6 0 R >> ", b"", b"<< >>"),
    "embedded file stream": page_pdf(
        b"(x)", b"", b"", stream(b"MZ\x90\x00", b"/Type /EmbeddedFile ", flate=False)
    ),
    "rich media": page_pdf(b"(x)", b"", b"/Annots [6 0 R] ", b"<< /Subtype /RichMedia >>"),
    "submit form": page_pdf(b"(x)", b"", b"", b"<< /S /SubmitForm /F (https://x) >>"),
    "import data": page_pdf(b"(x)", b"", b"", b"<< /S /ImportData /F (x.fdf) >>"),
    "xfa form": page_pdf(b"(x)", b"/AcroForm << /Fields [] /XFA 6 0 R >> ", b"", b"<< >>"),
    "script in an object stream": page_pdf(
        b"(x)",
        b"/OpenAction 7 0 R ",
        b"",
        object_stream([(7, b"<< /S /JavaScript /JS (app.alert(1)) >>")]),
    ),
    "script in a hex + flate object stream": page_pdf(
        b"(x)", b"", b"", object_stream([(7, b"<< /JS (x) >>")], "hex+flate")
    ),
}


@pytest.mark.parametrize("case", sorted(ACTIVE))
def test_active_content_is_refused(case):
    assert active_content_error(ACTIVE[case]) == MSG_PDF_ACTIVE


def _deflate_with_a_false_endstream(visible: bytes, hidden: bytes) -> bytes:
    """zlib data: a stored block (its bytes appear as they are, « endstream » included),
    then ``hidden`` compressed (its bytes do not appear)."""
    stored = (
        b"\x00" + len(visible).to_bytes(2, "little") + (0xFFFF ^ len(visible)).to_bytes(2, "little")
    )
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    rest = packer.compress(hidden) + packer.flush()
    check = zlib.adler32(visible + hidden).to_bytes(4, "big")
    return b"\x78\x01" + stored + visible + rest + check


def test_a_false_endstream_does_not_hide_an_object_stream():
    """The scanner follows the compressed data's own end, not the first « endstream »
    it sees (readers use /Length, here an indirect one it cannot resolve)."""
    head = b"7 0\n"
    visible = head + b"% padding\nendstream\nendobj\n"
    hidden = b" " * 20 + b"<< /S /JavaScript /JS (app.alert(1)) >>\n"
    data = _deflate_with_a_false_endstream(visible, hidden)
    assert zlib.decompress(data) == visible + hidden
    assert b"endstream" in data and b"JavaScript" not in data
    objstm = (
        b"<< /Length 9 0 R /Filter /FlateDecode /Type /ObjStm /N 1 /First %d >>\nstream\n"
        % len(head)
        + data
        + b"\nendstream"
    )
    pdf = make_pdf(b"<< /Type /Catalog >>", b"<< >>", objstm)
    assert active_content_error(pdf) == MSG_PDF_ACTIVE
    # The same object stream without the script is accepted.
    clean = _deflate_with_a_false_endstream(visible, b" " * 20 + b"<< /S /URI >>\n")
    pdf = make_pdf(b"<< /Type /Catalog >>", b"<< >>", objstm.replace(data, clean))
    assert active_content_error(pdf) == ""


def test_unreadable_pdfs_are_refused():
    encrypted = make_pdf(
        b"<< /Type /Catalog >>",
        b"<< /Filter /Standard /V 2 >>",
        trailer=b"/Root 1 0 R /Encrypt 2 0 R",
    )
    assert active_content_error(encrypted) == MSG_PDF_UNREADABLE
    lzw = page_pdf(b"(x)", b"", b"", object_stream([(7, b"<< >>")], "lzw"))
    assert active_content_error(lzw) == MSG_PDF_UNREADABLE


def test_decompression_is_bounded(monkeypatch):
    monkeypatch.setattr(pdf_safety, "MAX_DECODED_BYTES", 5 * 1024 * 1024)
    bomb = page_pdf(b"(x)", b"", b"", stream(b"\x00" * (20 * 1024 * 1024)))
    assert len(bomb) < 100_000
    assert active_content_error(bomb) == MSG_PDF_UNREADABLE


def test_long_runs_are_scanned_in_linear_time():
    """2 Mo of digits, spaces, names or brackets: answered (a regular expression that
    backtracked over a run of digits took hours here; timings: bench/ rules, no timed
    assert)."""
    two_mb = 2 * 1024 * 1024
    for filler in (b"0", b" ", b"/a", b"[", b"<<", b"(", b"1 0 obj "):
        data = b"%PDF-1.7\n" + filler * (two_mb // len(filler))
        assert active_content_error(data) in ("", MSG_PDF_UNREADABLE)


def test_not_a_pdf_never_raises():
    for junk in (
        b"",
        b"%PDF-",
        b"%PDF-1.7\n(((((",
        b"%PDF-1.7\n<<" * 1000,
        bytes(range(256)) * 100,
    ):
        assert active_content_error(junk) in ("", MSG_PDF_ACTIVE, MSG_PDF_UNREADABLE)
