"""Bench accounts and their sessions, written in the configuration's database before a run.

Pupils: the demo's pupils, plus bench pupils copied from one of them (same school, class
and level; e-mail ``bench-eleve-N@load.invalid``) until every pupil virtual user has an
account of its own.  Employers and school heads: the demo's, who have offers with
applications and classes.  Each virtual user gets its own session (the cookie a login
would set): created with the app's ``services.accounts.sessions.create_session``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from loadkit.scenarios import Fixture, Names, typed_texts

BENCH_DOMAIN = "load.invalid"


def _bench_pupils(s: Session, wanted: int) -> None:
    from mystage.models import Role, User

    have = s.exec(select(sa.func.count()).select_from(User).where(User.role == Role.ELEVE)).one()
    missing = wanted - have
    if missing <= 0:
        return
    template = s.exec(
        select(User)
        .where(User.role == Role.ELEVE, User.class_id.is_not(None), User.status == "active")
        .order_by(User.id)
    ).first()
    if template is None:
        return
    skip = {"id", "email", "phone"}
    base = {c.name: getattr(template, c.name) for c in User.__table__.columns if c.name not in skip}
    start = s.exec(
        select(sa.func.count()).select_from(User).where(User.email.like(f"%@{BENCH_DOMAIN}"))
    ).one()
    rows = [
        {**base, "email": f"bench-eleve-{start + i}@{BENCH_DOMAIN}", "first_name": "Banc"}
        for i in range(missing)
    ]
    s.execute(sa.insert(User), rows)
    s.commit()


def build_fixture(db_url: str, users: int) -> Fixture:
    """Accounts, sessions and ids for up to ``users`` virtual users."""
    from mystage import db
    from mystage.models import Application, Offer, Role, SchoolClass, User
    from mystage.services.accounts import sessions

    eng = db.engine(db_url)
    with Session(eng, expire_on_commit=False) as s:
        _bench_pupils(s, int(users * 0.8) + 10)
        pupils = s.exec(
            select(User).where(User.role == Role.ELEVE, User.status == "active").order_by(User.id)
        ).all()
        pupil_cookies = [
            sessions.create_session(s, u, "127.0.0.1", "bench/load") for u in pupils[:users]
        ]
        employers: list[tuple[str, list[int]]] = []
        rows = s.exec(
            select(Offer.created_by_id, Application.id)
            .join(Application, Application.offer_id == Offer.id)
            .join(User, User.id == Offer.created_by_id)
            .where(User.role == Role.EMPLOYEUR, User.status == "active")
        ).all()
        apps: dict[int, list[int]] = {}
        for uid, aid in rows:
            apps.setdefault(uid, []).append(aid)
        for uid, ids in sorted(apps.items()):
            for _ in range(max(1, users // 8 // max(1, len(apps)) + 1)):
                employers.append((sessions.create_session(s, s.get(User, uid), None, None), ids))
        heads: list[tuple[str, list[int]]] = []
        for user in s.exec(
            select(User).where(User.role == Role.CHEF_ETABLISSEMENT, User.school_id.is_not(None))
        ).all():
            classes = list(
                s.exec(select(SchoolClass.id).where(SchoolClass.school_id == user.school_id)).all()
            )
            if classes:
                for _ in range(max(1, users // 12 // 3 + 1)):
                    heads.append((sessions.create_session(s, user, None, None), classes))
        towns = list(
            s.exec(
                sa.text(
                    "SELECT name FROM communes WHERE population >= 20000 AND type != "
                    "'arrondissement' AND length(name) >= 4 ORDER BY population DESC LIMIT 300"
                )
            ).scalars()
        )
        # What the page will suggest for each text a virtual pupil types (the same
        # function the server answers with): a text whose suggestions are the ones already
        # shown gets no delta back (the page assigns only what changed), nothing to wait for.
        from mystage.services import geo

        suggested = {
            typed: [r["label"] for r in geo.suggest_communes(s, typed, 8)]
            for town in towns
            for typed in typed_texts(town)
        }
        offer_ids = list(
            s.exec(
                select(Offer.id).where(Offer.state == "published").order_by(Offer.id).limit(5000)
            ).all()
        )
    db.dispose_all()
    return Fixture(
        pupils=pupil_cookies,
        employers=employers,
        heads=heads,
        towns=towns or ["Meaux", "Nantes", "Paris", "Lyon"],
        suggested=suggested,
        offer_ids=offer_ids or [1],
        names=Names.resolve(),
    )
