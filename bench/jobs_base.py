"""The baseline of ``bench/jobs.py``: the same work as the application jobs in raw SQL.

For each job, on one DBAPI cursor, then committed: the audit rows and the outbox rows
(mails and SMS: same recipients, dedupe keys, templates and subjects as the app, mail
bodies assembled by SQL concatenation) by ``INSERT … SELECT … ON CONFLICT (dedupe_key) DO
NOTHING`` from the rows about to change, then the ``UPDATE`` of their state.  The pieces of
text come from the app's own templates (rendered once with markers), so the mail bodies
are the app's for any first name without surrounding spaces.  Simplified: the SMS body
is not fitted to one segment (``fit_sms``: the title whole), phone numbers are taken as
stored (the bench stores them in E.164), and the employer digest's recipients follow the
rule of offers without a structure (the offer's contact address, else its owner's) —
the only kind the bench generates.  The operators' webhooks are not queued (the bench
has no operator).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from mystage import clock
from mystage.notify import templates

OUTBOX_COLS = (
    "channel, recipient, user_id, template, subject, body, action_url, dedupe_key, status, "
    "transport, attempts, next_attempt_at, claimed_at, claim_id, sent_at, last_error, created_at"
)
AUDIT_COLS = (
    "entity, entity_id, action, from_state, to_state, actor_id, actor_role, message, created_at"
)
PUPIL_URL = "/espace/eleve/candidatures"
DASHBOARD_URL = "/espace/employeur?onglet=a_traiter"
T, F = "\x01", "\x02"  # markers of the offer title and the first name in a rendered text

# A mail's greeting: « Bonjour Léa, » or « Bonjour, » (registry.greeting)
GREETING = "CASE WHEN coalesce({f}, '') = '' THEN 'Bonjour,' ELSE 'Bonjour ' || {f} || ',' END"


def _pupil_mail_pieces(event: str) -> tuple[str, str, str]:
    """(subject, body after the greeting up to the title, body after the title)."""
    subject, body = templates.render(
        "app_pupil_event", url=PUPIL_URL, event=event, offer_title=T, first_name=""
    )
    rest = body[len(templates.greeting("")) :]
    before, after = rest.split(T)
    return subject, before, after


def _sms_pieces(event: str) -> tuple[str, str]:
    what = {"confirm_reminder": "pense à confirmer ton stage"}.get(event, "ta candidature a changé")
    return "MyStage : ", f" : {what} sur {templates.link(PUPIL_URL)}"


def _pupil_messages(action: str, event: str, cond: str, template: str, *, sms_always: bool):
    """INSERT … SELECT of the pupil's mail (e-mail address: the account's, else the one
    typed in the application) and SMS (number typed in the application, else the
    account's; only without an e-mail address unless ``sms_always``)."""
    subject, before, after = _pupil_mail_pieces(event)
    sms_head, sms_tail = _sms_pieces(event)
    email = "nullif(trim(coalesce(nullif(u.email, ''), a.contact_email)), '')"
    phone = "nullif(coalesce(nullif(a.contact_phone, ''), u.phone), '')"
    source = (
        "FROM applications a JOIN users u ON u.id = a.pupil_id "
        f"JOIN offers o ON o.id = a.offer_id WHERE {cond}"
    )
    mail = (
        f"INSERT INTO outbox ({OUTBOX_COLS}) SELECT 'mail', {email}, u.id, '{template}', "
        f":subject, {GREETING.format(f='trim(u.first_name)')} || :before || o.title || :after, "
        f":url, 'app{action}' || a.id || ':mail', 'pending', '', 0, :now, NULL, '', NULL, '', "
        f":now {source} AND {email} IS NOT NULL ORDER BY a.id "
        "ON CONFLICT (dedupe_key) DO NOTHING"
    )
    sms_cond = "" if sms_always else f" AND {email} IS NULL"
    sms = (
        f"INSERT INTO outbox ({OUTBOX_COLS}) SELECT 'sms', {phone}, u.id, 'sms_{template}', '', "
        f":sms_head || o.title || :sms_tail, :url, 'app{action}' || a.id || ':sms', "
        f"'pending', '', 0, :now, NULL, '', NULL, '', :now {source} AND {phone} IS NOT NULL"
        f"{sms_cond} ORDER BY a.id ON CONFLICT (dedupe_key) DO NOTHING"
    )
    params = {
        "subject": subject, "before": before, "after": after, "url": templates.link(PUPIL_URL),
        "sms_head": sms_head, "sms_tail": sms_tail,
    }  # fmt: skip
    return [(mail, params), (sms, params)]


def _move(action: str, to_state: str, cond: str, event: str) -> list[tuple[str, dict]]:
    """A system transition: audit rows, the pupil's messages, the UPDATE."""
    audit = (
        f"INSERT INTO audit_log ({AUDIT_COLS}) SELECT 'application', a.id, '{action}', "
        f"a.state, '{to_state}', NULL, 'system', '', :now FROM applications a WHERE {cond} "
        "ORDER BY a.id"
    )
    messages = _pupil_messages(f":{action}:", event, cond, f"app_{event}", sms_always=False)
    update = (
        f"UPDATE applications SET state = '{to_state}', expired_at = :now, updated_at = :now "
        f"WHERE {cond.replace('a.', '')}"
    )
    return [(audit, {}), *messages, (update, {})]


def _employer_digest() -> list[tuple[str, dict]]:
    """One digest per address waiting 7 days or more, unless reminded less than 3.5 days
    ago (an application's stamp or a digest in the outbox); then the stamps."""
    one_s, one_b = templates.render(
        "app_employer_reminder", url=DASHBOARD_URL, count=1, titles=[T], first_name=""
    )
    n_s, n_b = templates.render(
        "app_employer_reminder", url=DASHBOARD_URL, count=7, titles=[T, T], first_name=""
    )
    g = len(templates.greeting(""))
    one_intro, one_after = one_b[g:].split("- " + T)
    n_intro, n_after = n_b[g:].split("- " + T + "\n- " + T)
    assert one_after == n_after
    n_pre, n_post = n_intro.split("7 candidatures")[0], n_intro.split("7 candidatures")[1]
    due = (
        "SELECT a.id, a.employer_reminded_at AS rem, o.title, u.id AS uid, u.first_name, "
        "trim(coalesce(nullif(o.contact_email, ''), u.email)) AS addr "
        "FROM applications a JOIN offers o ON o.id = a.offer_id "
        "LEFT JOIN users u ON u.id = coalesce(o.recipient_user_id, o.created_by_id) "
        "WHERE a.state IN ('sent', 'read', 'under_review') AND a.sent_at <= :c7"
    )
    # One aggregation per address (a join of several per-address sets was planned as a
    # nested loop by PostgreSQL: 90 s at 1,000,000 applications).
    ranked = (
        "SELECT due.*, "
        "dense_rank() OVER (PARTITION BY addr ORDER BY title {collate}) AS tr, "
        "row_number() OVER (PARTITION BY addr, title ORDER BY id) AS tk, "
        "row_number() OVER (PARTITION BY addr ORDER BY id) AS k "
        "FROM due WHERE coalesce(addr, '') <> ''"
    )
    per = (
        "SELECT addr, count(*) AS n, max(rem) AS last, max(CASE WHEN k = 1 THEN uid END) "
        "AS uid, max(CASE WHEN k = 1 THEN first_name END) AS first_name, max(tr) AS nt, "
        "group_concat(CASE WHEN tk = 1 AND tr <= 20 THEN '- ' || title END, char(10)"
        "{agg_order}) AS lines FROM (SELECT * FROM ranked ORDER BY addr, title {collate}) r "
        "GROUP BY addr"
    )
    insert = (
        f"WITH due AS ({due}), ranked AS ({ranked}), per AS ({per}), "
        "recent AS (SELECT recipient FROM outbox WHERE template = 'app_employer_reminder' "
        "AND created_at > :gap GROUP BY recipient) "
        f"INSERT INTO outbox ({OUTBOX_COLS}) SELECT 'mail', x.addr, x.uid, "
        "'app_employer_reminder', "
        "CASE WHEN x.n = 1 THEN :one_s ELSE x.n || ' candidatures attendent votre réponse' END, "
        f"{GREETING.format(f='trim(x.first_name)')} || CASE WHEN x.n = 1 THEN :one_intro ELSE "
        ":n_pre || x.n || ' candidatures' || CASE WHEN x.nt = 1 THEN :n_post_one ELSE :n_post "
        "END END || x.lines || CASE WHEN x.nt > 20 THEN char(10) || '- et ' || (x.nt - 20) || "
        "' autre(s) offre(s)' ELSE '' END || :after, :url, "
        "'app_employer_reminder:' || x.addr || :week, 'pending', '', 0, :now, NULL, '', NULL, "
        "'', :now FROM per x WHERE (x.last IS NULL OR x.last <= :gap) "
        "AND NOT EXISTS (SELECT 1 FROM recent r WHERE r.recipient = x.addr) ORDER BY x.addr "
        "ON CONFLICT (dedupe_key) DO NOTHING"
    )
    update = (
        "UPDATE applications SET employer_reminded_at = :now "
        "WHERE state IN ('sent', 'read', 'under_review') AND sent_at <= :c7 AND offer_id IN "
        "(SELECT o.id FROM offers o "
        "LEFT JOIN users u ON u.id = coalesce(o.recipient_user_id, o.created_by_id) "
        "WHERE trim(coalesce(nullif(o.contact_email, ''), u.email)) IN (SELECT recipient "
        "FROM outbox WHERE template = 'app_employer_reminder' AND created_at = :now))"
    )
    params = {
        "one_s": one_s, "one_intro": one_intro, "n_pre": n_pre,
        "n_post_one": n_post.replace("les offres", "l'offre"), "n_post": n_post,
        "after": one_after, "url": templates.link(DASHBOARD_URL),
    }  # fmt: skip
    return [(insert, params), (update, {})]


def _confirm_reminder() -> list[tuple[str, dict]]:
    cond = "a.state = 'accepted' AND a.accepted_at <= :c2 AND a.pupil_reminded_at IS NULL"
    messages = _pupil_messages(
        "_confirm_reminder:", "confirm_reminder", cond, "app_confirm_reminder",
        sms_always=True,
    )  # fmt: skip
    # the dedupe keys are « app_confirm_reminder:<id>:mail », not « app:<action>:… »
    update = f"UPDATE applications SET pupil_reminded_at = :now WHERE {cond.replace('a.', '')}"
    return [*messages, (update, {})]


def statements(dialect: str, now: datetime) -> list[tuple[str, list[tuple[str, dict]]]]:
    """Per job, its statements with their parameters (in the DBAPI paramstyle of
    ``dialect``)."""
    expire = (
        "((a.state IN ('sent', 'read') AND a.sent_at <= :c15) "
        "OR (a.state = 'under_review' AND a.sent_at <= :c30))"
    )
    jobs = [
        ("applications_expire", _move("expire", "expired", expire, "expired")),
        (
            "applications_pupil_expire",
            _move(
                "expire_by_pupil",
                "expired_by_pupil",
                "a.state = 'accepted' AND a.accepted_at <= :c15",
                "expired_by_pupil",
            ),
        ),  # fmt: skip
        ("applications_employer_reminders", _employer_digest()),
        ("applications_pupil_confirm_reminder", _confirm_reminder()),
    ]

    def ts(v: datetime) -> Any:
        if dialect == "sqlite":
            return v.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return v

    iso_year, iso_week, weekday = clock.today_paris().isocalendar()
    common = {
        "now": ts(now), "c15": ts(now - timedelta(days=15)), "c30": ts(now - timedelta(days=30)),
        "c7": ts(now - timedelta(days=7)), "c2": ts(now - timedelta(days=2)),
        "gap": ts(now - timedelta(days=3.5)),
        "week": f":{iso_year}-{iso_week}:{0 if weekday <= 3 else 1}",
    }  # fmt: skip
    out = []
    for name, stmts in jobs:
        converted = []
        for sql, params in stmts:
            if dialect == "postgresql":
                sql = sql.replace("{collate}", 'COLLATE "C"')
                sql = sql.replace("{agg_order}", ' ORDER BY title COLLATE "C"')
                sql = sql.replace("group_concat(", "string_agg(").replace("char(10)", "chr(10)")
            else:
                sql = sql.replace("{collate}", "").replace("{agg_order}", "")
            allp = {**common, **params}
            keys = sorted({k for k in allp if f":{k}" in sql}, key=len, reverse=True)
            if dialect == "postgresql":
                for k in keys:
                    sql = sql.replace(f":{k}", f"%({k})s")
            converted.append((sql, {k: allp[k] for k in keys}))
        out.append((name, converted))
    return out


def run(raw: Any, dialect: str, now: datetime, log=print) -> list[tuple[str, int, int, int, float]]:
    """Each job's statements on one cursor, committed: (name, rows changed, audit rows,
    messages, seconds).  ``raw``: a DBAPI connection (``engine.raw_connection()``)."""
    import time

    cur = raw.cursor()

    def count(table: str) -> int:
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]

    out = []
    for name, stmts in statements(dialect, now):
        audit0, outbox0 = count("audit_log"), count("outbox")
        t0 = time.perf_counter()
        for sql, params in stmts:
            cur.execute(sql, params)
        changed = cur.rowcount  # the last statement is the UPDATE
        raw.commit()
        secs = time.perf_counter() - t0
        out.append((name, changed, count("audit_log") - audit0, count("outbox") - outbox0, secs))
        log(f"  baseline {name}: {changed:,} rows in {secs:.2f} s")
    return out


def outbox_rows(raw: Any) -> dict[str, tuple]:
    """dedupe key → (channel, recipient, user id, template, subject, body, action url)."""
    cur = raw.cursor()
    cur.execute(
        "SELECT dedupe_key, channel, recipient, user_id, template, subject, body, action_url "
        "FROM outbox"
    )
    return {r[0]: tuple(r[1:]) for r in cur.fetchall()}


def compare(app: dict[str, tuple], base: dict[str, tuple]) -> dict[str, int]:
    """How the app's outbox differs from the baseline's: keys on one side only, and for the
    keys on both, rows whose recipient/user/template/subject/URL differ, mail bodies that
    differ, SMS bodies that differ (the baseline does not fit them to one segment)."""
    both = app.keys() & base.keys()
    head = [k for k in both if app[k][:5] != base[k][:5] or app[k][6] != base[k][6]]
    mail = [k for k in both if app[k][0] == "mail" and app[k][5] != base[k][5]]
    sms = [k for k in both if app[k][0] == "sms" and app[k][5] != base[k][5]]
    return {
        "only_app": len(app.keys() - base.keys()),
        "only_base": len(base.keys() - app.keys()),
        "headers_differ": len(head),
        "mail_bodies_differ": len(mail),
        "sms_bodies_differ": len(sms),
    }
