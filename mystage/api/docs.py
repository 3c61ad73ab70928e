"""``/api/docs``: the API's documentation page, in French, rendered on the server from the
OpenAPI document of ``/api/v1`` (:func:`mystage.api.v1.build_api`) — every endpoint with its
parameters, request body, responses, and examples in curl and Python (httpx), then the data
schemas.  One HTML document with its own stylesheet, no script and nothing from elsewhere
(the site's CSP forbids inline scripts; no CDN)."""

from __future__ import annotations

import functools
import json
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from mystage.settings import get_settings

METHODS = ("get", "post", "put", "patch", "delete")
# Example values of some query parameters (the others are left out of the examples).
EXAMPLE_QUERIES: dict[str, dict[str, Any]] = {
    "/public/offers": {"q": "boulangerie", "where": "Meaux", "radius_km": 20, "level": "3e"},
}
PATH_EXAMPLES = {"integer": 1234, "string": "ABC-123"}
# FastAPI's default texts, and the descriptions of shared schemas, in French.
FRENCH = {
    "Successful Response": "Succès",
    "Validation Error": "Valeurs invalides (un message par champ).",
    "An error: a French sentence, and the field messages for 422.": (
        "Une erreur : une phrase en français et, pour 422, un message par champ."
    ),
}


def fr(text: str) -> str:
    return FRENCH.get(text, text)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1e1e1e;
line-height:1.5;background:#fff}
main{max-width:960px;margin:0 auto;padding:1.5rem 1rem 4rem}
h1{font-size:1.9rem;margin:.5rem 0 1rem}h2{margin-top:2.5rem;border-bottom:2px solid #000091;
padding-bottom:.3rem}h3{margin:2rem 0 .5rem;font-size:1.1rem}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.88rem}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.75rem;overflow-x:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f8}.method{display:inline-block;min-width:4.2rem;text-align:center;
color:#fff;border-radius:3px;padding:0 .4rem;margin-right:.5rem;font-weight:700}
.get{background:#1f6f43}.post{background:#000091}.put{background:#8a5300}
.delete{background:#b30000}.patch{background:#5a3d8a}
nav ul{columns:2;padding-left:1.2rem}@media (max-width:640px){nav ul{columns:1}}nav a,h3 code{overflow-wrap:anywhere}a{color:#000091}.muted{color:#555}
.endpoint{border-top:1px solid #ddd;margin-top:2rem}
"""


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(schema: dict[str, Any] | None) -> str:
    """A short French type: « entier », « texte (date) », « liste de OfferSummary »…"""
    if not schema:
        return "quelconque"
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if "anyOf" in schema or "oneOf" in schema:
        parts = [p for p in schema.get("anyOf", schema.get("oneOf", []))]
        labels = [type_label(p) for p in parts if p.get("type") != "null"]
        nullable = any(p.get("type") == "null" for p in parts)
        return " ou ".join(labels) + (" ou null" if nullable else "")
    if "enum" in schema:
        return "une valeur parmi " + ", ".join(
            f"<code>{escape(json.dumps(v, ensure_ascii=False))}</code>" for v in schema["enum"]
        )
    if "const" in schema:
        return f"<code>{escape(json.dumps(schema['const'], ensure_ascii=False))}</code>"
    kind = schema.get("type")
    if kind == "array":
        return "liste de " + type_label(schema.get("items"))
    if kind == "object":
        extra = schema.get("additionalProperties")
        return "objet" + (f" ({type_label(extra)} par clé)" if isinstance(extra, dict) else "")
    names = {
        "string": "texte",
        "integer": "entier",
        "number": "nombre",
        "boolean": "booléen (true / false)",
    }
    label = names.get(str(kind), str(kind or "quelconque"))
    fmt = schema.get("format")
    if fmt == "date":
        label += " (date AAAA-MM-JJ)"
    elif fmt == "date-time":
        label += " (date et heure ISO 8601)"
    elif fmt:
        label += f" ({escape(fmt)})"
    return label


def _bounds(schema: dict[str, Any]) -> str:
    out = []
    for key, word in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("minLength", "au moins"),
        ("maxLength", "au plus"),
    ):
        if key in schema:
            unit = " caractères" if "Length" in key else ""
            out.append(f"{word} {schema[key]}{unit}")
    if "default" in schema and schema["default"] not in (None, "", []):
        out.append(f"par défaut <code>{escape(json.dumps(schema['default']))}</code>")
    return " ; ".join(out)


def example_of(schema: dict[str, Any] | None, doc: dict[str, Any], depth: int = 0) -> Any:
    """An example value for ``schema`` (its ``examples``, its default, else by type)."""
    if not schema or depth > 4:
        return None
    if "$ref" in schema:
        return example_of(doc["components"]["schemas"][_ref_name(schema["$ref"])], doc, depth)
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "anyOf" in schema or "oneOf" in schema:
        parts = [p for p in schema.get("anyOf", schema.get("oneOf", [])) if p.get("type") != "null"]
        return example_of(parts[0], doc, depth) if parts else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example_of(v, doc, depth + 1) for k, v in props.items()}
    if kind == "array":
        item = example_of(schema.get("items"), doc, depth + 1)
        return [item] if item is not None else []
    fmt = schema.get("format")
    if fmt == "date":
        return "2026-11-16"
    if fmt == "date-time":
        return "2026-10-05T08:00:00Z"
    return {"string": "…", "integer": 1, "number": 1.5, "boolean": False}.get(str(kind))


def _request_body_schema(op: dict[str, Any]) -> dict[str, Any] | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _examples(
    base: str, path: str, method: str, op: dict[str, Any], doc: dict[str, Any]
) -> tuple[str, str]:
    """(curl, Python) examples of one operation."""
    url_path = path
    for p in op.get("parameters", []):
        if p.get("in") == "path":
            value = PATH_EXAMPLES.get(p.get("schema", {}).get("type", "string"), "1")
            url_path = url_path.replace("{" + p["name"] + "}", str(value))
    query = EXAMPLE_QUERIES.get(path, {})
    secured = bool(op.get("security"))
    body = _request_body_schema(op)
    payload = example_of(body, doc) if body is not None else None
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    url = f"{base}{url_path}" + (f"?{qs}" if qs else "")
    curl = [f"curl -sS -X {method.upper()} '{url}'"]
    if secured:
        curl.append('-H "Authorization: Bearer $MYSTAGE_TOKEN"')
    if payload is not None:
        curl.append("-H 'Content-Type: application/json'")
        data = json.dumps(payload, ensure_ascii=False, indent=2).replace("'", "'\\''")
        curl.append(f"--data '{data}'")
    py = (["import os", ""] if secured else []) + ["import httpx", "", f'API = "{base}"']
    if secured:
        py.append('HEADERS = {"Authorization": f"Bearer {os.environ[\'MYSTAGE_TOKEN\']}"}')
    args = [f'f"{{API}}{url_path}"']
    if query:
        args.append("params=" + json.dumps(query, ensure_ascii=False))
    if payload is not None:
        args.append("json=" + json.dumps(payload, ensure_ascii=False, indent=4))
    if secured:
        args.append("headers=HEADERS")
    py.append(f"response = httpx.{method}({', '.join(args)}, timeout=10)")
    py.append("response.raise_for_status()")
    if any(str(code).startswith("2") and code != "204" for code in op.get("responses", {})):
        py.append("print(response.json())")
    return " \\\n  ".join(curl), "\n".join(py)


def _fields_table(schema: dict[str, Any], doc: dict[str, Any]) -> str:
    if "$ref" in schema:
        schema = doc["components"]["schemas"][_ref_name(schema["$ref"])]
    props = schema.get("properties", {})
    if not props:
        return f"<p>{type_label(schema)}</p>"
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{type_label(p)}</td>"
        f"<td>{'oui' if name in required else 'non'}</td>"
        f"<td>{escape(fr(p.get('description', '')))}"
        f"{(' <span class=muted>(' + _bounds(p) + ')</span>') if _bounds(p) else ''}</td></tr>"
        for name, p in props.items()
    )
    return (
        "<table><tr><th>Champ</th><th>Type</th><th>Obligatoire</th><th>Description</th></tr>"
        f"{rows}</table>"
    )


def _operation(base: str, path: str, method: str, op: dict[str, Any], doc: dict) -> str:
    anchor = escape(op.get("operationId", f"{method}-{path}"))
    out = [
        f'<section class="endpoint" id="{anchor}">',
        f'<h3><span class="method {method}">{method.upper()}</span>'
        f"<code>/api/v1{escape(path)}</code></h3>",
        f"<p><strong>{escape(op.get('summary', ''))}</strong></p>",
    ]
    if op.get("description"):
        out.append(f"<p>{escape(op['description'])}</p>")
    if op.get("security"):
        scopes = sorted({s for req in op["security"] for v in req.values() for s in v})
        out.append(
            "<p>Jeton requis (<code>Authorization: Bearer mst_…</code>)"
            + (f", permission {', '.join(scopes)}" if scopes else "")
            + ".</p>"
        )
    params = op.get("parameters", [])
    if params:
        where = {"query": "requête", "path": "chemin", "header": "en-tête"}
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{where.get(p['in'], p['in'])}</td>"
            f"<td>{type_label(p.get('schema'))}</td><td>{'oui' if p.get('required') else 'non'}"
            f"</td><td>{escape(p.get('description', ''))}"
            f"{(' <span class=muted>(' + _bounds(p.get('schema', {})) + ')</span>') if _bounds(p.get('schema', {})) else ''}"  # noqa: E501
            "</td></tr>"
            for p in params
        )
        out.append(
            "<h4>Paramètres</h4><table><tr><th>Nom</th><th>Où</th><th>Type</th>"
            f"<th>Obligatoire</th><th>Description</th></tr>{rows}</table>"
        )
    body = _request_body_schema(op)
    if body is not None:
        out.append("<h4>Corps de la requête (JSON)</h4>" + _fields_table(body, doc))
    rows = []
    for code, resp in sorted(op.get("responses", {}).items()):
        schema = resp.get("content", {}).get("application/json", {}).get("schema")
        rows.append(
            f"<tr><td><code>{escape(str(code))}</code></td>"
            f"<td>{escape(fr(resp.get('description', '')))}</td>"
            f"<td>{type_label(schema) if schema else '—'}</td></tr>"
        )
    out.append(
        "<h4>Réponses</h4><table><tr><th>Code</th><th>Signification</th><th>Contenu</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    curl, py = _examples(base, path, method, op, doc)
    out.append(f"<h4>Exemple (curl)</h4><pre><code>{escape(curl)}</code></pre>")
    out.append(f"<h4>Exemple (Python, httpx)</h4><pre><code>{escape(py)}</code></pre>")
    out.append("</section>")
    return "\n".join(out)


INTRO = """
<p>L'API de MyStage permet aux <strong>opérateurs</strong> (associations et plateformes
partenaires) de publier et gérer leurs offres de stage et d'en traiter les candidatures, et à
<strong>tous</strong> de lire les offres publiées. Elle parle JSON, en UTF-8. Le document
OpenAPI 3.1 complet est à <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>
(pour générer un client).</p>
<h2 id="auth">Authentification</h2>
<p>Les routes des opérateurs demandent un jeton d'API « <code>mst_…</code> » créé par l'équipe
MyStage (back office), envoyé dans l'en-tête <code>Authorization: Bearer mst_…</code>. Le jeton
n'est montré qu'une fois : MyStage n'en garde qu'une empreinte. Chaque jeton a des permissions
(<code>offers:read</code>, <code>offers:write</code>, <code>applications</code>). Un jeton
absent, invalide ou révoqué reçoit <code>401</code> ; une permission manquante
<code>403</code>.</p>
<h2 id="limites">Limites</h2>
<p>Chaque jeton a un nombre de requêtes par minute ; au-delà, la réponse est <code>429</code>
avec l'en-tête <code>Retry-After</code> (en secondes) : attendez ce délai avant de
réessayer.</p>
<h2 id="erreurs">Erreurs</h2>
<p>Toute erreur a la même forme : <code>{"detail": "phrase en français"}</code> et, pour des
valeurs invalides (<code>422</code>), <code>"errors": {"champ": "message"}</code> — un
message par champ, les mêmes que dans le formulaire de MyStage.</p>
<pre><code>{"detail": "Certaines valeurs ne sont pas valides : voir « errors ».",
 "errors": {"where": "Lieu introuvable : vérifiez le nom de la ville ou le code postal."}}
</code></pre>
<h2 id="public">Offres publiques, cache et CORS</h2>
<p>Les routes <code>/api/v1/public/…</code> se lisent sans jeton, depuis n'importe quel site
(<code>Access-Control-Allow-Origin: *</code>). Elles ne montrent que les offres publiées et
jamais les offres réservées (établissements nommés, collèges REP/REP+, lycées en QPV), ni
aucune donnée personnelle. Leurs réponses se gardent 60 secondes
(<code>Cache-Control: public, max-age=60</code>) et portent un <code>ETag</code> : renvoyez-le
dans <code>If-None-Match</code> pour recevoir <code>304</code> sans contenu s'il n'a pas
changé.</p>
"""


@functools.lru_cache(maxsize=4)
def render(public_url: str) -> str:
    """The whole page for a site at ``public_url``."""
    from mystage.api.v1 import build_api  # the routes' modules import services

    doc = build_api().openapi()
    base = public_url.rstrip("/") + "/api/v1"
    tags = [t["name"] for t in doc.get("tags", [])]
    by_tag: dict[str, list[tuple[str, str, dict]]] = {t: [] for t in tags}
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["Autres"])[0]
                by_tag.setdefault(tag, []).append((path, method, op))
    nav, sections = [], []
    for tag, ops in by_tag.items():
        if not ops:
            continue
        desc = next((t.get("description", "") for t in doc.get("tags", []) if t["name"] == tag), "")
        sections.append(f"<h2>{escape(tag)}</h2><p>{escape(desc)}</p>")
        for path, method, op in ops:
            anchor = escape(op.get("operationId", f"{method}-{path}"))
            nav.append(
                f'<li><a href="#{anchor}">{method.upper()} /api/v1{escape(path)}</a> — '
                f"{escape(op.get('summary', ''))}</li>"
            )
            sections.append(_operation(base, path, method, op, doc))
    schemas = []
    for name, schema in sorted(doc.get("components", {}).get("schemas", {}).items()):
        if name in ("HTTPValidationError", "ValidationError"):
            continue
        schemas.append(
            f'<h3 id="schema-{escape(name)}"><code>{escape(name)}</code></h3>'
            f"<p>{escape(fr(schema.get('description', '')))}</p>{_fields_table(schema, doc)}"
        )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Documentation de l'API — MyStage</title>
<style>{CSS}</style></head>
<body><main>
<p><a href="/">← MyStage</a></p>
<h1>Documentation de l'API MyStage</h1>
<p class="muted">Version {escape(doc["info"].get("version", ""))} · adresse de base
<code>{escape(base)}</code></p>
{INTRO}
<h2 id="routes">Les routes</h2>
<nav><ul>{"".join(nav)}</ul></nav>
{"".join(sections)}
<h2 id="schemas">Les objets</h2>
{"".join(schemas)}
</main></body></html>"""


async def docs_page(request: Request) -> HTMLResponse:
    html = render(get_settings().public_url)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=300"})


routes = [Route("/api/docs", docs_page, methods=["GET"])]
