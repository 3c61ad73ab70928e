"""Refuse PDFs with active content (scripts, launch actions, embedded files, forms that
submit themselves) before they are stored and shown to school staff and employers.

A small, conservative scanner of our own (no PDF library): it reads **every** object of
the file — every revision, objects the cross-reference table does not list, the
content of compressed streams (``FlateDecode``, ``ASCIIHexDecode``, ``ASCII85Decode``,
``RunLengthDecode``, chained) and so of object streams — and refuses the file when a
dictionary uses one of the names of :data:`ACTIVE_NAMES`, written plainly or with
``#xx`` escapes (``/J#61vaScript``), or an ``/OpenAction`` that is not a plain
destination (« open at page 1 » is allowed, an action is not).

What is *not* a name is skipped: literal strings ``( … )`` with their escapes and
nesting, hex strings ``< … >``, comments and the binary data of images and fonts, so a
CV that says « Node/JS » in its text is accepted.  Encrypted files (their objects cannot
be read) and object streams in a format we cannot decode are refused as unreadable.
Decompression is bounded (:data:`MAX_DECODED_BYTES`) against zip bombs.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from typing import Any

# Names that make a PDF do something by itself or carry another file.
ACTIVE_NAMES = frozenset(
    {
        "JavaScript", "JS", "Launch", "AA", "EmbeddedFile", "EmbeddedFiles", "RichMedia",
        "SubmitForm", "ImportData", "XFA", "GoToE", "GoToR", "Rendition", "Sound", "Movie",
    }
)  # fmt: skip
MAX_DECODED_BYTES = 40 * 1024 * 1024  # all streams of one file, decoded
MAX_DEPTH = 3  # streams inside decoded streams (object streams hold no streams)

MSG_PDF_ACTIVE = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : "
    "enregistre ton CV à nouveau avec « Imprimer → Enregistrer au format PDF » puis réessaie."
)
MSG_PDF_UNREADABLE = (
    "Ce PDF est protégé ou illisible : enregistre ton CV à nouveau avec « Imprimer → "
    "Enregistrer au format PDF » (sans mot de passe) puis réessaie."
)

_DELIMS = b"()<>[]{}/%"
_WS = b" \t\r\n\f\x00"
_TOKEN = re.compile(
    rb"""
      (?P<ws>[ \t\r\n\f\x00]+)
    | (?P<comment>%[^\r\n]*)
    | (?P<dopen><<) | (?P<dclose>>>)
    | (?P<hex><[^>]*>)
    | (?P<lit>\()
    | (?P<aopen>\[) | (?P<aclose>\])
    | (?P<name>/[^ \t\r\n\f\x00()<>\[\]{}/%]*)
    | (?P<word>[^ \t\r\n\f\x00()<>\[\]{}/%]+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_IMAGE_OR_FONT = frozenset({"Image", "Type1C", "CIDFontType0C", "OpenType"})
_FONT_KEYS = frozenset({"Length1", "Length2", "Length3"})


class UnsafePdf(Exception):
    """The file is refused; ``message`` is the French text for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def active_content_error(data: bytes) -> str:
    """ "" for a PDF without active content, else the French reason to refuse it."""
    try:
        _Scan(bytes(data)).run()
    except UnsafePdf as exc:
        return exc.message
    except (RecursionError, MemoryError, ValueError, IndexError, OverflowError):
        return MSG_PDF_UNREADABLE
    return ""


def _name(raw: bytes) -> str:
    """``/J#61vaScript`` → ``JavaScript``."""
    body = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw[1:])
    return body.decode("latin-1")


def _skip_literal(data: bytes, pos: int) -> int:
    """``pos`` is just after ``(``: the position after the matching ``)``."""
    depth = 1
    n = len(data)
    while pos < n:
        c = data[pos]
        if c == 0x5C:  # backslash: the next byte is escaped
            pos += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return n


_INT_KEYS = frozenset({"Length", "Predictor", "N", "First"})


class _Dict:
    """What the scanner keeps of a dictionary: its names (keys and name values, in
    order), the names of the dictionaries inside it, and the integers of
    :data:`_INT_KEYS` (``refs``: the same given as « n g R »)."""

    __slots__ = ("names", "deep", "ints", "refs", "predictor")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.deep: set[str] = set()
        self.ints: dict[str, int] = {}
        self.refs: dict[str, int] = {}
        self.predictor = 0


# Bounded and anchored (no backtracking over a long run of digits).
_DIRECT_INT = re.compile(
    rb"(?<![0-9])([0-9]{1,10})[ \t\r\n]+[0-9]{1,5}[ \t\r\n]+obj[ \t\r\n]*([0-9]{1,12})[ \t\r\n]*endobj"
)


class _Scan:
    def __init__(self, data: bytes):
        self.data = data
        self.decoded = 0
        # Objects seen: number → kind of its first token ("[", "<<", "other").
        self.objects: dict[int, str] = {}
        # Objects that are a bare integer (indirect stream lengths), from the whole file.
        self.integers = {int(m.group(1)): int(m.group(2)) for m in _DIRECT_INT.finditer(data)}
        self.open_actions: list[tuple[str, int | None]] = []

    def run(self) -> None:
        self.scan(self.data, depth=0)
        for kind, ref in self.open_actions:
            if kind == "[":
                continue  # a destination: open at a page
            if kind == "ref" and ref is not None and self.objects.get(ref) == "[":
                continue
            raise UnsafePdf(MSG_PDF_ACTIVE)

    def scan(self, data: bytes, depth: int) -> None:
        """Every name of ``data`` outside strings and comments; streams decoded and
        scanned too."""
        n = len(data)
        pos = 0
        match = _TOKEN.match
        stack: list[_Dict] = []  # dictionaries being read
        last: _Dict | None = None  # the outermost dictionary closed just before
        recent: list[bytes] = [b"", b""]  # the two previous word tokens (« n g obj »)
        capture: tuple[str, list[tuple[str, bytes]], _Dict | None] | None = None
        pending_obj: int | None = None
        while pos < n:
            m = match(data, pos)
            kind = m.lastgroup or "other"
            pos = m.end()
            if kind in ("ws", "comment"):
                continue
            if kind == "lit":
                pos = _skip_literal(data, pos)
                kind, text = "string", b""
            elif kind == "hex":
                kind, text = "string", b""
            else:
                text = m.group()
            if pending_obj is not None:
                first = {"aopen": "[", "dopen": "<<"}.get(kind, "other")
                self.objects.setdefault(pending_obj, first)
                pending_obj = None
            if capture is not None:
                purpose, toks, target = capture
                toks.append((kind, text))
                if _captured(purpose, toks, target, self.open_actions):
                    capture = None
            if kind == "name":
                name = _name(text)
                if name in ACTIVE_NAMES:
                    raise UnsafePdf(MSG_PDF_ACTIVE)
                if name == "Encrypt" and depth == 0:
                    raise UnsafePdf(MSG_PDF_UNREADABLE)
                if stack:
                    stack[-1].names.append(name)
                if name == "OpenAction":
                    capture = ("open", [], None)
                elif name in _INT_KEYS and stack:
                    capture = (name, [], stack[-1])
            elif kind == "dopen":
                stack.append(_Dict())
            elif kind == "dclose":
                if stack:
                    d = stack.pop()
                    if stack:
                        stack[-1].deep.update(d.names, d.deep)
                        stack[-1].predictor = max(stack[-1].predictor, d.predictor)
                    else:
                        last = d
            elif kind == "word":
                if text == b"obj" and recent[0].isdigit() and recent[1].isdigit():
                    pending_obj = int(recent[0])
                elif text == b"stream" and last is not None and not stack:
                    pos = self.stream(data, pos, last, depth)
                    last = None
                recent = [recent[1], text]
                continue
            recent = [recent[1], b""]

    # -- streams -------------------------------------------------------------------------

    def stream(self, data: bytes, pos: int, d: _Dict, depth: int) -> int:
        """Decode and scan the stream whose data starts after ``pos`` (the keyword
        ``stream``); returns where its data ends."""
        if data[pos : pos + 2] == b"\r\n":
            start = pos + 2
        elif data[pos : pos + 1] in (b"\n", b"\r"):
            start = pos + 1
        else:
            start = pos
        names = set(d.names)
        filters = [x for x in d.names if x in _FILTERS or x in _OTHER_FILTERS]
        binary = bool(_IMAGE_OR_FONT & names or _FONT_KEYS & names or "XRef" in names)
        length = d.ints.get("Length")
        if length is None and "Length" in d.refs:
            length = self.integers.get(d.refs["Length"])
        end = None
        if length is not None and start + length <= len(data):
            if data[start + length : start + length + 40].lstrip(_WS).startswith(b"endstream"):
                end = start + length
        decoded: bytes | None = None
        if end is None and filters and filters[0] in ("FlateDecode", "Fl") and not binary:
            # The stream's own end-of-data tells where it stops (whatever /Length says).
            decoded, used = _flate_prefix(data[start:], self.budget())
            end = start + used if used else None
            if end is not None:
                decoded = self.decode(decoded, filters[1:])
        if end is None:
            found = data.find(b"endstream", start)
            end = found if found >= 0 else len(data)
            if (
                not binary
                and filters
                and filters[0] in _FILTERS
                and filters[0]
                not in (
                    "FlateDecode",
                    "Fl",
                )
            ):
                # Text-encoded data whose extent we cannot check: objects could hide
                # behind a false « endstream » inside it.
                raise UnsafePdf(MSG_PDF_UNREADABLE)
        if binary:
            return end
        if any(f in _OTHER_FILTERS for f in filters) or (d.predictor > 1 and filters):
            if "ObjStm" in names or d.predictor > 1:
                raise UnsafePdf(MSG_PDF_UNREADABLE)
            return end  # content drawn with a filter we do not decode: no objects in it
        if decoded is None:
            decoded = self.decode(data[start:end], filters)
        self.decoded += len(decoded)
        if self.decoded > MAX_DECODED_BYTES:
            raise UnsafePdf(MSG_PDF_UNREADABLE)
        if "ObjStm" in names:
            self.object_stream_kinds(decoded, d)
        if depth < MAX_DEPTH:
            self.scan(decoded, depth + 1)
        return end

    def object_stream_kinds(self, decoded: bytes, d: _Dict) -> None:
        """Register the kind of the objects of an object stream (« n1 off1 n2 off2 … »
        before /First, then the objects without ``obj`` keywords)."""
        first, count = d.ints.get("First"), d.ints.get("N")
        if first is None or count is None or not 0 <= first <= len(decoded):
            raise UnsafePdf(MSG_PDF_UNREADABLE)
        numbers = decoded[:first].split()
        for i in range(0, min(len(numbers), 2 * count) - 1, 2):
            if not (numbers[i].isdigit() and numbers[i + 1].isdigit()):
                raise UnsafePdf(MSG_PDF_UNREADABLE)
            at = first + int(numbers[i + 1])
            head = decoded[at : at + 64].lstrip(_WS)
            kind = "[" if head.startswith(b"[") else "<<" if head.startswith(b"<<") else "other"
            self.objects.setdefault(int(numbers[i]), kind)

    def decode(self, raw: bytes, filters: list[str]) -> bytes:
        for f in filters:
            raw = _FILTERS[f](raw, self.budget())
        return raw

    def budget(self) -> int:
        return max(MAX_DECODED_BYTES - self.decoded, 0) + 1


def _captured(
    purpose: str,
    toks: list[tuple[str, bytes]],
    target: _Dict | None,
    open_actions: list[tuple[str, int | None]],
) -> bool:
    """Read the value after /OpenAction, /Length or /Predictor; True once complete."""
    kind, text = toks[-1]
    first_kind, first = toks[0]
    if purpose == "open":
        if len(toks) == 1 and kind in ("aopen", "dopen"):
            open_actions.append(("[" if kind == "aopen" else "<<", None))
            return True
        if first_kind == "word" and first.isdigit() and len(toks) < 3:
            return False
        ref = len(toks) == 3 and toks[1][1].isdigit() and text == b"R"
        open_actions.append(("ref", int(first)) if ref else ("?", None))
        return True
    if target is None or first_kind != "word" or not first.isdigit() or len(first) > 12:
        return True
    if len(toks) == 1:  # /Length 123 …
        target.ints[purpose] = int(first)
        if purpose == "Predictor":
            target.predictor = int(first)
        return False
    if len(toks) == 2 and kind == "word" and text.isdigit():
        return False  # maybe « 12 0 R »
    if len(toks) == 3 and text == b"R":
        del target.ints[purpose]
        target.refs[purpose] = int(first)
        if purpose == "Predictor":
            target.predictor = 0
    return True


def _inflate(data: bytes, limit: int) -> tuple[bytes, Any] | None:
    """Inflate zlib data (or raw deflate) up to ``limit``: (output, decompressor) or None
    when neither reads it; more than ``limit`` is refused (a decompression bomb)."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(data, limit)
        except zlib.error:
            continue
        if len(out) >= limit:
            raise UnsafePdf(MSG_PDF_UNREADABLE)
        return out, d
    return None


def _flate_prefix(data: bytes, limit: int) -> tuple[bytes, int]:
    """Inflate the zlib stream at the start of ``data``: (output, bytes it used), or
    (partial output, 0) when it has no end (corrupt or truncated)."""
    got = _inflate(data, limit)
    if got is None:
        return b"", 0
    out, d = got
    return out, (len(data) - len(d.unused_data)) if d.eof else 0


def _flate(data: bytes, limit: int) -> bytes:
    """zlib data (or raw deflate); a truncated tail is kept (readers show it too)."""
    got = _inflate(data, limit)
    if got is None:
        raise UnsafePdf(MSG_PDF_UNREADABLE)
    return got[0]


def _ascii_hex(data: bytes, limit: int) -> bytes:
    text = bytes(c for c in data.split(b">", 1)[0] if c not in _WS)
    if len(text) % 2:
        text += b"0"
    try:
        return binascii.unhexlify(text)[:limit]
    except binascii.Error as exc:
        raise UnsafePdf(MSG_PDF_UNREADABLE) from exc


def _ascii85(data: bytes, limit: int) -> bytes:
    text = bytes(c for c in data.split(b"~>", 1)[0] if c not in _WS)
    if text.startswith(b"<~"):
        text = text[2:]
    try:
        return base64.a85decode(text)[:limit]
    except ValueError as exc:
        raise UnsafePdf(MSG_PDF_UNREADABLE) from exc


def _run_length(data: bytes, limit: int) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n and len(out) < limit:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1 : i + 2 + length]
            i += length + 2
        else:
            out += data[i + 1 : i + 2] * (257 - length)
            i += 2
    return bytes(out[:limit])


_FILTERS = {
    "FlateDecode": _flate,
    "Fl": _flate,
    "ASCIIHexDecode": _ascii_hex,
    "AHx": _ascii_hex,
    "ASCII85Decode": _ascii85,
    "A85": _ascii85,
    "RunLengthDecode": _run_length,
    "RL": _run_length,
}
# Filters we do not decode: pictures (not scanned anyway) and LZW (refused for object
# streams, where objects could hide).
_OTHER_FILTERS = frozenset(
    {"LZWDecode", "LZW", "DCTDecode", "DCT", "JPXDecode", "JBIG2Decode", "CCITTFaxDecode",
     "CCF", "Crypt"}
)  # fmt: skip
