"""/sitemap.xml lists the public pages only, under PUBLIC_URL; /robots.txt keeps crawlers out
of the private spaces.

The sitemap is written at build time by Reflex's SitemapPlugin from the registered pages: a
fresh interpreter imports the app with PUBLIC_URL set and runs the plugin's own task (what
`reflex run --env prod` does), so the test sees the exact file the server will serve.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mystage import settings
from mystage.api.site import robots_txt

ROOT = Path(__file__).resolve().parents[2]
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

_SCRIPT = """
import json
from reflex_base.config import get_config
from reflex_base.plugins.sitemap import SitemapPlugin, sitemap_task
from mystage.mystage import app

plugin = next(p for p in get_config().plugins if isinstance(p, SitemapPlugin))
path, xml = sitemap_task(list(app._unevaluated_pages.values()), plugin.trailing_slash)
print(json.dumps({"path": path, "xml": xml, "routes": sorted(app._unevaluated_pages)}))
"""


@pytest.fixture(scope="module")
def built():
    env = {
        **os.environ,
        "PUBLIC_URL": "https://stage.example.fr",
        "REFLEX_TELEMETRY_ENABLED": "false",
        # The dev mailbox page is always registered (the request guard answers 404 while
        # it is off; it cannot be on with an https PUBLIC_URL): it must stay out.
        "DEV_MAILBOX": "",
    }
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    built = json.loads(out.stdout.strip().splitlines()[-1])
    assert "dev/mails" in built["routes"]
    return built


def test_sitemap_lists_public_pages_only_under_public_url(built):
    locs = [e.text for e in ET.fromstring(built["xml"].encode()).findall("s:url/s:loc", NS)]
    assert locs, built["xml"]
    assert all(loc.startswith("https://stage.example.fr/") for loc in locs), locs
    assert "localhost" not in built["xml"]
    paths = {loc.removeprefix("https://stage.example.fr") for loc in locs}
    for private in (
        "/espace",
        "/dev",
        "/api",
        "/activation",
        "/mot-de-passe",
        "/invitation",
        "/convention",
    ):
        assert not [p for p in paths if p.startswith(private)], (private, paths)
    assert "/connexion/lien" not in paths
    assert {"/", "/offres", "/statistiques", "/connexion", "/inscription", "/eleves"} <= paths
    # The private pages exist (the allowlist kept them out, not their absence).
    assert {"espace/admin", "dev/mails", "espace", "convention/signer/[token]"} <= set(
        built["routes"]
    )


def test_robots_txt(monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://stage.example.fr")
    settings.reload()
    try:
        text = robots_txt()
    finally:
        monkeypatch.delenv("PUBLIC_URL")
        settings.reload()
    lines = text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/espace/", "/dev/", "/api/", "/convention/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://stage.example.fr/sitemap.xml" in lines
