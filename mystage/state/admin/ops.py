"""Back office « ops » pages' states: « Courriels et SMS », « Tâches », « Journal » and
« Réglages».  Administrators only: every handler re-reads the caller from the session
cookie and checks ``permissions.can_admin`` on the server (the services check it again);
ids and values from the browser are never trusted."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from mystage import db
from mystage.services import admin_ops, exports, permissions
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.state.session import caller, login_redirect

log = logging.getLogger(__name__)

MSG_ADMIN_ONLY = "Page réservée aux administrateurs."
MSG_BAD_REQUEST = "Demande invalide."
MSG_JOB_UNKNOWN = "Tâche inconnue."
MSG_JOB_RUNNING = "Cette tâche est en cours : attendez la fin de son exécution."


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _strings(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, bool | list) else _s(v)) for k, v in row.items()}


class _AdminPage(rx.State, mixin=True):
    """What every « ops » page shares: ``allowed`` and the message line."""

    allowed: bool = False
    message: str = ""
    error: str = ""

    async def _admin(self):
        """The caller if an administrator, else None (the page then shows the refusal)."""
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        if not self.allowed:
            self.error = MSG_ADMIN_ONLY
            self.message = ""
            return None
        return actor

    async def _enter(self):
        """on_load: ``(actor, redirect)``; anonymous callers go to « Se connecter »."""
        self.message = ""
        self.error = ""
        actor = await caller(self)
        self.allowed = permissions.can_admin(actor)
        if actor is None:
            return None, login_redirect(self)
        return (actor if self.allowed else None), None


# --- « Courriels et SMS » -----------------------------------------------------------------


def _deliveries(s, actor, status: str, recipient: str, page: int):
    rows, total = admin_ops.outbox.messages(s, actor, status, recipient, page)
    return admin_ops.outbox.counts(s, actor), rows, total, admin_ops.outbox.hourly(s, actor)


def _status(value: Any) -> str:
    return value if isinstance(value, str) and value in admin_ops.outbox.STATUS_LABELS else ""


class DeliveriesState(_AdminPage, rx.State):
    counts: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    status: str = ""  # "" = every state
    recipient: str = ""
    hourly: list[dict[str, Any]] = []
    confirm_id: int = 0  # the failed message « Renvoyer » asks about (0: closed)
    confirm_recipient: str = ""

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // admin_ops.outbox.PER_PAGE))

    async def _refresh(self, actor) -> None:
        counts, rows, total, hourly = await db.call(
            _deliveries, actor, self.status, self.recipient, self.page
        )
        self.counts = {k: str(v) for k, v in counts.items()}
        self.rows = [_strings(r) for r in rows]
        self.total = total
        self.hourly = hourly

    @rx.event
    async def load(self):
        actor, redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.page = 1
        self.status = ""
        self.recipient = ""
        self.confirm_id = 0
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def filter(self, form: dict):
        """The state tabs and the recipient search (a form: the typed text stays)."""
        actor = await self._admin()
        if actor is None:
            return
        data = form if isinstance(form, dict) else {}
        self.status = _status(data.get("status", ""))
        recipient = data.get("recipient", "")
        self.recipient = recipient[:254] if isinstance(recipient, str) else ""
        self.page = 1
        await self._refresh(actor)

    @rx.event
    async def show_status(self, status: Any):
        actor = await self._admin()
        if actor is None:
            return
        self.status = _status(status)
        self.page = 1
        await self._refresh(actor)

    @rx.event
    async def go_to_page(self, page: Any):
        actor = await self._admin()
        if actor is None:
            return
        n = client_id(page)
        self.page = min(n, self.pages) if n is not None else 1
        await self._refresh(actor)

    @rx.event
    async def ask_resend(self, outbox_id: Any):
        """Open the confirmation of « Renvoyer » (nothing changes yet)."""
        actor = await self._admin()
        if actor is None:
            return
        oid = client_id(outbox_id)
        row = next((r for r in self.rows if r["id"] == _s(oid)), None) if oid else None
        if row is None:
            self.error = MSG_BAD_REQUEST
            return
        self.confirm_id = oid
        self.confirm_recipient = row["recipient"]

    @rx.event
    def cancel_resend(self):
        self.confirm_id = 0

    @rx.event
    async def resend(self, outbox_id: Any = None):
        """« Renvoyer » (after the confirmation): the failed message goes back to the queue."""
        self.confirm_id = 0
        actor = await self._admin()
        if actor is None:
            return
        oid = client_id(outbox_id)
        if oid is None:
            self.error = MSG_BAD_REQUEST
            return
        error = await db.call(admin_ops.outbox.resend, actor, oid)
        self.error = error
        self.message = "" if error else f"Le message n° {oid} est remis en file d'envoi."
        await self._refresh(actor)


# --- « Tâches » -------------------------------------------------------------------------


def _registry() -> list[tuple[str, Any]]:
    from mystage.jobs import runner

    return [(n, runner.REGISTRY[n].every) for n in runner.job_names()]


def _run_now(name: str) -> str:
    """Run the job through the runner (its lock, lease and history; trigger « admin »)."""
    from mystage.jobs import runner

    try:
        count = runner.run_job(name, wait_s=60.0, trigger="admin")
    except runner.JobBusy as exc:
        return f"error:{exc}"
    except Exception as exc:  # noqa: BLE001 - recorded in its history row
        return f"error:La tâche a échoué : {type(exc).__name__}: {exc}"[:600]
    return f"ok:{count}"


class JobsState(_AdminPage, rx.State):
    jobs: list[dict[str, str]] = []
    runs: dict[str, list[dict[str, str]]] = {}  # job name → its last runs
    confirm_name: str = ""  # the job « Lancer maintenant » asks about ("": closed)
    starting: list[str] = []  # jobs started from this page and not finished yet

    async def _refresh(self, actor) -> None:
        rows = await db.call(admin_ops.jobs.overview, actor, _registry())
        self.runs = {j["name"]: [{k: _s(v) for k, v in r.items()} for r in j["runs"]] for j in rows}
        self.jobs = [
            {
                k: ("1" if v is True else "" if v is False else _s(v))
                for k, v in j.items()
                if k != "runs"
            }
            for j in rows
        ]

    @rx.event
    async def load(self):
        actor, redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.confirm_name = ""
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def refresh(self):
        actor = await self._admin()
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def ask_run(self, name: Any):
        actor = await self._admin()
        if actor is None:
            return
        if not isinstance(name, str) or name not in dict(_registry()):
            self.error = MSG_JOB_UNKNOWN
            return
        self.confirm_name = name

    @rx.event
    def cancel_run(self):
        self.confirm_name = ""

    @rx.event
    async def run_now(self, name: Any = None):
        """« Lancer maintenant » (after the confirmation): audited, then run in a
        background task (the page stays responsive; it is refreshed at the end)."""
        self.confirm_name = ""
        actor = await self._admin()
        if actor is None:
            return
        if not isinstance(name, str) or name not in dict(_registry()):
            self.error = MSG_JOB_UNKNOWN
            return
        if name in self.starting:
            self.error = MSG_JOB_RUNNING
            return
        await db.call(admin_ops.jobs.record_run_request, actor, name)
        self.starting = [*self.starting, name]
        self.error = ""
        self.message = f"Tâche « {name} » lancée."
        return JobsState.run_in_background(name)

    @rx.event(background=True)
    async def run_in_background(self, name: str):
        async with self:
            actor = await self._admin()
            if actor is None or name not in self.starting:
                return
        result = await asyncio.to_thread(_run_now, name)
        async with self:
            self.starting = [n for n in self.starting if n != name]
            if result.startswith("ok:"):
                self.error = ""
                self.message = f"Tâche « {name} » terminée : {result[3:]} ligne(s) traitée(s)."
            else:
                self.message = ""
                self.error = result[6:]
            actor = await self._admin()
            if actor is not None:
                await self._refresh(actor)


# --- « Journal » -------------------------------------------------------------------------


def _journal(s, actor, raw: dict[str, str], page: int):
    f, errors = admin_ops.parse_filters(s, raw)
    entities = admin_ops.audit_log.entities(s, actor)
    if f is None:
        return errors, [], 0, entities
    rows, total = admin_ops.audit_log.page(s, actor, f, page)
    return {}, rows, total, entities


def _export(s, actor, raw: dict[str, str]) -> dict[str, Any]:
    try:
        return exports.export_for_download(s, actor, "audit_log", raw)
    except PermissionDenied:
        return {"status": "error", "error": exports.MSG_DENIED}


class JournalState(_AdminPage, rx.State):
    filters: dict[str, str] = {}
    errors: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    entities: list[str] = []
    total: int = 0
    page: int = 1
    form_key: int = 0  # remounts the form when the filters are reset

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // admin_ops.audit_log.PER_PAGE))

    async def _refresh(self, actor) -> None:
        errors, rows, total, entities = await db.call(_journal, actor, self.filters, self.page)
        self.errors = errors
        self.rows = [_strings(r) for r in rows]
        self.total = total
        self.entities = entities

    @rx.event
    async def load(self):
        actor, redirect = await self._enter()
        if redirect is not None:
            return redirect
        params = dict(self.router.url.query_parameters)
        # A link from another page: ?objet=user&id=12 or ?compte=12.
        self.filters = {
            "entity": _s(params.get("objet", ""))[:24],
            "entity_id": _s(params.get("id", ""))[:20],
            "actor": _s(params.get("compte", ""))[:254],
        }
        self.filters = {k: v for k, v in self.filters.items() if v}
        self.page = 1
        self.form_key += 1
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def search(self, form: dict):
        actor = await self._admin()
        if actor is None:
            return
        data = form if isinstance(form, dict) else {}
        self.filters = {
            k: v[:254] for k, v in data.items()
            if k in admin_ops.audit_log.FILTER_FIELDS and isinstance(v, str) and v.strip()
        }  # fmt: skip
        self.page = 1
        self.message = ""
        self.error = ""
        await self._refresh(actor)

    @rx.event
    async def clear_filters(self):
        actor = await self._admin()
        if actor is None:
            return
        self.filters = {}
        self.page = 1
        self.form_key += 1
        await self._refresh(actor)

    @rx.event
    async def go_to_page(self, page: Any):
        actor = await self._admin()
        if actor is None:
            return
        n = client_id(page)
        self.page = min(n, self.pages) if n is not None else 1
        await self._refresh(actor)

    @rx.event
    async def export(self):
        """« Exporter »: the rows of the current filters as an xlsx file, through a
        short-lived private link (a large file is prepared in the background and mailed)."""
        self.message = ""
        self.error = ""
        actor = await self._admin()
        if actor is None:
            return
        result = await db.call(_export, actor, dict(self.filters))
        if result.get("status") == "ready":
            n = result["rows"]
            self.message = f"Fichier prêt : {n} ligne{'s' if n > 1 else ''}."
            return rx.download(url=result["url"], filename=result["filename"])
        if result.get("status") == "queued":
            self.message = result["message"]
            return
        self.error = result.get("error") or exports.MSG_FAILED


# --- « Réglages » ------------------------------------------------------------------------


class PlatformSettingsState(_AdminPage, rx.State):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    pending_key: str = ""  # the setting the confirmation is about ("": closed)
    pending_value: str = ""
    pending_label: str = ""
    form_key: int = 0

    async def _refresh(self, actor) -> None:
        self.values = await db.call(admin_ops.settings.current, actor)

    @rx.event
    async def load(self):
        actor, redirect = await self._enter()
        if redirect is not None:
            return redirect
        self.errors = {}
        self.pending_key = ""
        self.form_key += 1
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def ask(self, form: dict):
        """A section's « Enregistrer »: check the value, then ask for the confirmation
        (nothing is stored yet; a bad value is shown next to its field, the input kept)."""
        actor = await self._admin()
        if actor is None:
            return
        data = form if isinstance(form, dict) else {}
        key = data.get("key")
        if key not in admin_ops.settings.KEYS:
            self.error = MSG_BAD_REQUEST
            return
        stored, error = admin_ops.settings.clean(key, data.get(key, ""))
        if stored is None:
            self.errors = {**self.errors, key: error}
            return
        self.errors = {k: v for k, v in self.errors.items() if k != key}
        if self.values.get(key) == stored:
            self.message = "Aucun changement."
            return
        self.pending_key = key
        self.pending_value = stored
        self.pending_label = _describe(key, stored)

    @rx.event
    def cancel(self):
        self.pending_key = ""

    @rx.event
    async def confirm(self):
        key, value = self.pending_key, self.pending_value
        self.pending_key = ""
        actor = await self._admin()
        if actor is None:
            return
        if key not in admin_ops.settings.KEYS:
            self.error = MSG_BAD_REQUEST
            return
        error = await db.call(admin_ops.settings.save, actor, key, value)
        if error:
            self.errors = {**self.errors, key: error}
            return
        self.message = "Réglage enregistré."
        self.error = ""
        await self._refresh(actor)


def _describe(key: str, value: str) -> str:
    if key == admin_ops.OFFER_MODERATION:
        return "Publication des offres : " + admin_ops.MODERATION_MODES[value]
    if key == admin_ops.settings.EMPLOYER_VALIDATION:
        return (
            "Les nouvelles structures devront être validées avant de publier."
            if value == "1"
            else "Les nouvelles structures pourront publier sans validation."
        )
    return f"Message d'accueil : « {value} »" if value else "Message d'accueil retiré."


__all__ = ["DeliveriesState", "JobsState", "JournalState", "PlatformSettingsState"]
