"""deploy/nginx/mystage.conf made runnable on a test machine (tests/support/hosts.py).

:func:`render_site` substitutes only what differs on one machine — the upstream servers,
the ports (on 127.0.0.1, no IPv6), the log files and the certificate (or, without TLS, the
https server as plain http) — and fails if the shipped file no longer has the lines it
replaces, so a test never runs something else than what is shipped.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy/nginx/mystage.conf"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost (the test browser ignores its issuer)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    crt, pem = directory / "cert.pem", directory / "key.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return crt, pem


def _sub(text: str, pattern: str, repl, count: int) -> str:
    """Replace ``pattern`` exactly ``count`` times: the shipped file changed shape if not
    (the test must fail rather than test something else)."""
    new, n = re.subn(pattern, repl, text, flags=re.MULTILINE)
    if n != count:
        raise ValueError(f"{SITE.name}: {pattern!r} found {n} times, expected {count}")
    return new


def render_site(
    text: str,
    *,
    upstreams: list[str],
    https_port: int,
    http_port: int,
    log_dir: Path,
    cert: tuple[Path, Path] | None,
) -> str:
    """The shipped site with local values: upstream servers, ports on 127.0.0.1 (no IPv6),
    log files, certificate — or, ``cert=None``, the TLS server as plain http."""
    text = _sub(
        text,
        r"^    server 10\.0\.0\.11:3000 (.*);$",
        lambda m: "\n".join(f"    server {u} {m.group(1)};" for u in upstreams),
        1,
    )
    text = _sub(text, r"^    server 10\.0\.0\.12:3000 .*;\n", "", 1)
    text = _sub(text, r"^    listen \[::\]:.*\n", "", 2)
    text = _sub(text, r"^    listen 80;$", f"    listen 127.0.0.1:{http_port};", 1)
    if cert is not None:
        text = _sub(text, r"^    listen 443 ssl", f"    listen 127.0.0.1:{https_port} ssl", 1)
        text = _sub(text, r"^    ssl_certificate .*;$", f"    ssl_certificate {cert[0]};", 1)
        text = _sub(
            text, r"^    ssl_certificate_key .*;$", f"    ssl_certificate_key {cert[1]};", 1
        )
    else:
        text = _sub(text, r"^    listen 443 ssl http2;$", f"    listen 127.0.0.1:{https_port};", 1)
        text = _sub(text, r"^    ssl_.*\n", "", 6)
    text = _sub(text, r"/var/log/nginx/", f"{log_dir}/", 2)
    return text


def nginx_main(prefix: Path, site: Path) -> str:
    """Debian's /etc/nginx/nginx.conf reduced to what the site needs, every path in
    ``prefix`` (workers run as root: the temporary files are in a private directory)."""
    return f"""user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    access_log {prefix}/access.log;
    include {site};
}}
"""
