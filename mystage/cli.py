"""``python -m mystage …``: migrate, import-reference, reindex-search, seed-demo, job NAME,
create-account, seal-cert."""

from __future__ import annotations

import argparse
import sys


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
    p_job.add_argument("name", help="job name, or 'all' for every due job, or 'list'")
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
