"""``python -m mystage …``: migrate, import-reference, reindex-search, seed-demo, job NAME,
job loop, create-account, seal-cert, check-config."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

log = logging.getLogger("mystage.cli")


def _job_loop() -> int:
    """``job loop``: the scheduled jobs in this process, every ``JOBS_INTERVAL`` seconds,
    until SIGTERM/SIGINT (the round under way ends first).  For the runner unit of a
    deployment whose web workers have ``JOBS_IN_PROCESS=false`` (deploy/README.md); the
    runner lock still makes sure a single process runs them."""
    from mystage.jobs import runner
    from mystage.settings import get_settings

    interval = max(float(get_settings().jobs_interval_s), 1.0)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("Tâches planifiées : boucle dédiée, toutes les %s s", interval)
    while not stop.is_set():
        try:
            runner.run_due(trigger="loop")
        except Exception:
            log.exception("Tâches planifiées : tour en échec")
        stop.wait(interval)
    log.info("Tâches planifiées : arrêt demandé, boucle terminée")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mystage", description="MyStage administration")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="apply the Alembic migrations (upgrade head)")
    sub.add_parser("import-reference", help="load communes, schools, sectors, NAF (idempotent)")
    sub.add_parser(
        "reindex-search", help="rewrite the offers' search words (after a change of the index)"
    )
    p_demo = sub.add_parser("seed-demo", help="load demo data if the database has no users")
    p_demo.add_argument("--force", action="store_true", help="seed even if users exist")
    sub.add_parser("setup", help="migrate + import-reference + seed-demo (if empty)")
    p_job = sub.add_parser("job", help="run one scheduled job now (for cron)")
    p_job.add_argument(
        "name",
        help="job name, 'all' (every due job once), 'list', or 'loop' (every due job every "
        "JOBS_INTERVAL seconds until stopped: the job runner service)",
    )
    p_check = sub.add_parser(
        "check-config",
        help="refuse a production start with a dangerous setting (exit 1); run before start",
    )
    p_check.add_argument("--strict", action="store_true", help="warnings refuse the start too")
    sub.add_parser(
        "seal-cert",
        help="create the self-signed certificate that seals signed conventions, if missing",
    )
    p_acc = sub.add_parser("create-account", help="create an active account (any role)")
    p_acc.add_argument("--role", required=True)
    p_acc.add_argument("--email")
    p_acc.add_argument("--phone")
    p_acc.add_argument("--password", required=True)
    p_acc.add_argument("--first-name", default="")
    p_acc.add_argument("--last-name", default="")
    args = parser.parse_args(argv)

    from mystage import logs
    from mystage.settings import get_settings

    logs.configure(get_settings())
    if args.cmd == "check-config":
        from mystage import config_check

        return config_check.run(get_settings(), strict=args.strict)

    if args.cmd == "migrate":
        from mystage import migrate

        migrate.upgrade()
        print("Base de données à jour.")
        return 0
    if args.cmd in ("import-reference", "setup"):
        if args.cmd == "setup":
            from mystage import migrate

            migrate.upgrade()
        from mystage.data.loader import import_reference

        counts = import_reference()
        print("Données de référence :", ", ".join(f"{k} {v}" for k, v in counts.items()))
        if args.cmd == "import-reference":
            return 0
    if args.cmd in ("reindex-search", "setup"):
        from mystage import db
        from mystage.services import offers

        with db.session() as s:
            n = offers.reindex_search_text(s)
        if n or args.cmd == "reindex-search":
            print(f"Index de recherche : {n} offre(s) mise(s) à jour.")
        if args.cmd == "reindex-search":
            return 0
    if args.cmd in ("seed-demo", "setup"):
        from mystage.demo import seed_demo

        done = seed_demo(force=getattr(args, "force", False))
        print("Données de démonstration chargées." if done else "Base déjà peuplée : démo ignorée.")
        return 0
    if args.cmd == "job":
        from mystage.jobs import runner

        if args.name == "list":
            for name in runner.job_names():
                print(name)
            return 0
        if args.name == "loop":
            return _job_loop()
        result = runner.run_cli(args.name)
        print(result)
        return 0
    if args.cmd == "seal-cert":
        from mystage.services import conventions

        cert, key = conventions.ensure_certificate()
        print(f"Certificat du cachet : {cert} (clé : {key})")
        return 0
    if args.cmd == "create-account":
        from mystage import db
        from mystage.services import accounts

        with db.session() as s:
            user, errors = accounts.create_active_account(
                s,
                role=args.role,
                email=args.email,
                phone=args.phone,
                password=args.password,
                first_name=args.first_name,
                last_name=args.last_name,
            )
            if errors:
                for field, msg in errors.items():
                    print(f"{field}: {msg}", file=sys.stderr)
                return 2
            s.commit()
            print(f"Compte créé : #{user.id} ({user.role})")
        return 0
    return 1
