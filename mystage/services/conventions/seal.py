"""The platform's seal on a convention signed by every party: a PAdES (B-B) signature made
with pyHanko, so that any PDF reader shows whether the file changed after sealing.

The certificate is the deployment's own when ``SEAL_CERT_PATH`` and ``SEAL_KEY_PATH`` are set
(PEM, the key optionally protected by ``SEAL_KEY_PASSWORD``); otherwise a self-signed one
« MyStage — cachet de la plateforme » is created under ``PRIVATE_DIR/seal/`` by
``python -m mystage seal-cert`` (``make run``), or at the first seal when it is missing.
A self-signed seal proves integrity (nothing changed since sealing), not identity: readers
show it as « unknown signer » until the certificate is trusted.

pyHanko's ``sign_pdf`` runs its own event loop: call :func:`seal_pdf` from a worker thread
(``db.call``), a job or the CLI, not from the event loop itself.
"""

from __future__ import annotations

import fcntl
import io
import os
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mystage import clock
from mystage.settings import get_settings

SEAL_DIR = "seal"
CERT_FILE = "cachet.pem"
KEY_FILE = "cachet-cle.pem"
COMMON_NAME = "MyStage — cachet de la plateforme"
FIELD_NAME = "Cachet MyStage"
REASON = "Convention signée par toutes les parties"
VALID_YEARS = 10


def _import_pyhanko() -> None:
    """Import pyHanko once without its import-time CryptographyDeprecationWarning (DSA
    support it imports but MyStage never uses)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*DSA is deprecated.*")
        import pyhanko.sign.signers  # noqa: F401


def _paths(private_dir: Path | None) -> tuple[Path, Path]:
    folder = (private_dir or get_settings().private_dir) / SEAL_DIR
    return folder / CERT_FILE, folder / KEY_FILE


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 0600) through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _self_signed() -> tuple[bytes, bytes]:
    """(certificate PEM, unencrypted private key PEM), RSA 3072, SHA-256, 10 years."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MyStage"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def ensure_certificate(private_dir: Path | None = None) -> tuple[Path, Path]:
    """(certificate path, key path) of the seal: the configured real certificate, or the
    self-signed one under ``<private_dir>/seal/`` (settings' PRIVATE_DIR by default), created
    when missing.  Idempotent; concurrent callers wait for one another (file lock)."""
    settings = get_settings()
    if private_dir is None and settings.seal_cert_path and settings.seal_key_path:
        return settings.seal_cert_path, settings.seal_key_path
    cert_path, key_path = _paths(private_dir)
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    cert_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(cert_path.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (cert_path.is_file() and key_path.is_file()):
                cert_pem, key_pem = _self_signed()
                _write_private(key_path, key_pem)
                _write_private(cert_path, cert_pem)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return cert_path, key_path


def _password(private_dir: Path | None) -> bytes | None:
    settings = get_settings()
    configured = private_dir is None and settings.seal_cert_path and settings.seal_key_path
    if configured and settings.seal_key_password:
        return settings.seal_key_password.encode("utf-8")
    return None


def seal_pdf(data: bytes, *, private_dir: Path | None = None) -> bytes:
    """``data`` with the platform's PAdES B-B seal (field « Cachet MyStage ») appended as an
    incremental update covering the whole file."""
    _import_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    cert_path, key_path = ensure_certificate(private_dir)
    signer = signers.SimpleSigner.load(
        str(key_path), str(cert_path), key_passphrase=_password(private_dir)
    )
    if signer is None:
        raise RuntimeError(f"Certificat du cachet illisible : {cert_path} / {key_path}")
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=REASON,
        name="MyStage",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def verify_seal(data: bytes, *, private_dir: Path | None = None) -> tuple[bool, str]:
    """(True, « … ») when the file carries the platform's seal, intact, trusted (the seal's
    certificate is the trust root) and covering the whole file; else (False, the reason)."""
    _import_pyhanko()
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        cert_path, _ = ensure_certificate(private_dir)
        root = load_cert_from_pemder(str(cert_path))
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = [s for s in reader.embedded_signatures if s.field_name == FIELD_NAME]
        if not sigs:
            return False, "Ce document ne porte pas le cachet de MyStage."
        context = ValidationContext(trust_roots=[root], allow_fetching=False)
        status = validate_pdf_signature(sigs[-1], context)
    except Exception as exc:  # a damaged file: not sealed as far as anyone can tell
        return (
            False,
            f"Cachet illisible : le fichier est endommagé ou modifié ({type(exc).__name__}).",
        )
    if not status.intact or not status.valid:
        return (
            False,
            "Le document a été modifié après son scellement : le cachet n'est plus valide.",
        )
    if not status.trusted:
        return False, "Le cachet n'a pas été apposé avec le certificat de cette plateforme."
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return False, "Le document a reçu des ajouts après son scellement."
    when = status.signer_reported_dt
    label = f" (scellé le {clock.fmt_paris(when)}, heure de Paris)" if when else ""
    return True, f"Cachet MyStage valide : document intact depuis son scellement{label}."
