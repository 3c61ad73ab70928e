"""Demo population of two collèges, so a person trying the app sees full tables.

- Collège Henri Dunant, Meaux (0771029A, REP+): classes 3e A, 3e B, 3e C and 4e A (20 to 26
  pupils each, French names, birth dates and genders), the head (the school's official
  mailbox), professeurs principaux, a CPE, a teacher's pending request and a pending
  invitation; internship weeks in December and January (4e A: its own week in June);
  applications validated by the school first.  Pupils at every stage: no parents'
  authorization, authorized without application, applications awaiting the school,
  refused by the school, sent, read, « à l'étude », accepted, confirmed (some with a signed
  convention), refused, expired, cancelled, withdrawn.
  In 3e A, three listed pupils have not created their account yet (« pas encore inscrit »),
  and the class code is ``DEM3A7`` (``/classe/DEM3A7``).
- A collège of Nantes (0440284V): its head, two classes, applications straight to employers.
- A lycée of Meaux, Lycée Henri Moissan (0770930T): its head (the lycée's official mailbox),
  a class « 2de 3 » (2de GT) of four seconde pupils with their parents' authorization —
  ``seconde@demo.mystage.fr`` and three others; no application yet.  Its head declared it
  « en QPV ou à moins de 300 m d'un QPV » three days ago: the declaration waits for an
  administrator in /espace/admin (the lycée is not QPV until then).

Applications are simulated with the real transition table
(:data:`mystage.services.applications.TRANSITIONS`: allowed from-states, the timestamps and
message columns each step sets, who decided) over the last weeks, including what the
expiry jobs and the confirmation (withdrawal of the pupil's other applications, places
taken) would have done, then inserted in a few statements with one audit row per step:
going through the services one call at a time took longer than the 10 s that a first
``make run`` may spend on demo data.  No mail is queued: the dev mailbox starts empty.
The accounts of :mod:`mystage.demo` keep their behaviour: Léa (eleve@demo.mystage.fr) is
in 3e A without authorization nor application; Yanis and Inès are left as they are; the
bakery's and the garage's December week only get applications still waiting (no place is
taken there), so the browser tests can still apply, be accepted and confirm.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    Offer,
    Role,
    RosterEntry,
    School,
    SchoolClass,
    SchoolWeek,
    StaffClass,
    StaffMembership,
    TokenPurpose,
    User,
)
from mystage.services import platform
from mystage.services import weeks as weeks_svc

A = AppState
UAI_MEAUX = "0771029A"
UAI_NANTES = "0440284V"
HEAD_MEAUX = "ce.0771029a@ac-creteil.fr"
HEAD_NANTES = "ce.0440284v@ac-nantes.fr"
UAI_LYCEE = "0770930T"  # Lycée Henri Moissan, Meaux (2de GT)
HEAD_LYCEE = "ce.0770930t@ac-creteil.fr"
SECONDE_PUPIL = "seconde@demo.mystage.fr"
# (email or None for a generated one, first name, last name, gender)
LYCEE_PUPILS = [
    (SECONDE_PUPIL, "Manon", "Lefort", "f"),
    (None, "Ilyes", "Benali", "m"),
    (None, "Jeanne", "Perrin", "f"),
    (None, "Kylian", "Mendy", "m"),
]

FIRST_F = """Léa Emma Jade Louise Alice Chloé Lina Mila Inès Ambre Rose Anna Julia Manon Zoé
Camille Sarah Lou Léna Agathe Nina Eva Jeanne Romane Clara Maëlys Yasmine Aya Lisa Juliette
Salomé Margaux Lucie Mathilde Nour Maryam Assia Fatoumata Awa Océane Elsa Louna""".split()
FIRST_M = """Gabriel Léo Raphaël Louis Arthur Jules Adam Maël Lucas Hugo Noah Liam Sacha
Nathan Tom Ethan Paul Mohamed Ayoub Nolan Théo Timéo Mathis Rayan Enzo Axel Yanis Ibrahim
Samuel Baptiste Malo Noé Victor Clément Ilyes Amine Moussa Kylian Évan Antoine Mehdi""".split()
LAST = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre
Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin
Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine
Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger
Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Gillet Chevallier
Fabre Diallo Traoré Benali Haddad Kone Mendy Pereira Da Silva Hamidi Cissé Boukhari
Ferreira Camara Benoit Barbier Renaud Schmitt Colin Vidal Caron Picard""".split()

MOTIVATIONS = [
    "Je voudrais découvrir ce métier depuis que j'ai visité un lieu comme le vôtre avec ma "
    "classe. Je suis curieux et j'aime apprendre en observant.",
    "Ce secteur m'intéresse beaucoup et j'aimerais savoir à quoi ressemble une vraie journée "
    "de travail. Je suis sérieuse, ponctuelle et j'aime le travail en équipe.",
    "Mon oncle travaille dans ce domaine et m'en parle souvent. Je souhaite voir par "
    "moi-même les différentes tâches et poser des questions aux professionnels.",
    "J'aime aider les autres et je pense que ce stage m'aidera à choisir mon orientation "
    "après la troisième. Je suis motivé et respectueux des consignes.",
    "Je suis passionnée par ce métier depuis toute petite. Ce stage serait l'occasion de "
    "confirmer mon projet et de découvrir l'organisation d'une équipe.",
]
SCHOOL_REFUSALS = [
    "Cette offre est loin de chez toi : parlons-en avec ton professeur principal avant "
    "de postuler.",
    "Ta lettre de motivation est trop courte : complète-la avec ton professeur principal "
    "et postule à nouveau.",
]

# (class name, level, pupils)
MEAUX_CLASSES = [("3e A", "3e", 24), ("3e B", "3e", 22), ("3e C", "3e", 26), ("4e A", "4e", 20)]
NANTES_CLASSES = [("3e 1", "3e", 19), ("3e 2", "3e", 18)]

# (email, role, first, last, function label, status, scope, main classes)
MEAUX_STAFF = [
    ("prof@demo.mystage.fr", Role.PROFESSEUR_PRINCIPAL, "Thomas", "Roux",
     "Professeur principal", "active", "classes", ["3e A"]),
    ("paul.mercier@ac-creteil.fr", Role.PROFESSEUR_PRINCIPAL, "Paul", "Mercier",
     "Professeur principal", "active", "classes", ["3e B"]),
    ("amina.kone@ac-creteil.fr", Role.PROFESSEUR_PRINCIPAL, "Amina", "Koné",
     "Professeur principal", "active", "classes", ["3e C"]),
    ("julie.garnier@ac-creteil.fr", Role.PERSONNEL, "Julie", "Garnier",
     "Conseiller principal d'éducation (CPE)", "active", "school", []),
    ("sarah.benhamou@ac-creteil.fr", Role.PROFESSEUR, "Sarah", "Benhamou",
     "Professeur", "pending", "classes", ["4e A"]),
]  # fmt: skip


def _slug(text: str) -> str:
    from mystage.services.text import fold

    return fold(text).replace(" ", "-")


def _noon(d: date) -> datetime:
    return datetime.combine(d, time(12), tzinfo=clock.PARIS).astimezone(UTC)


class _Builder:
    def __init__(self, s: Session, password: str, rng: random.Random):
        self.s = s
        self.password = password
        self.rng = rng
        self.today = clock.today_paris()
        self.year = weeks_svc.active_school_year(self.today)
        self.used_emails: set[str] = set(s.execute(sa.select(User.email)).scalars())
        self.capacity: dict[tuple[int, date], int] = {}
        self.places: dict[tuple[int, date], int] = {}
        self.taken: dict[tuple[int, date], int] = {}
        self.accepts: dict[tuple[int, date], int] = {}
        self.apps: list[dict] = []
        self.audit: list[dict] = []
        self.seen: set[tuple[int, int, date]] = set()
        self.confirmed_weeks: set[tuple[int, date]] = set()

    # --- people ---------------------------------------------------------------------------

    def school(self, uai: str) -> School | None:
        return self.s.exec(select(School).where(School.uai == uai)).first()

    def staff(self, email, role, first, last, school, job_title, scope) -> User:
        from mystage.services import accounts

        user = self.s.exec(select(User).where(User.email == email)).first()
        if user is None:
            user, errors = accounts.create_active_account(
                self.s, role=role, email=email, password=self.password, first_name=first,
                last_name=last, school_id=school.id,
            )  # fmt: skip
            if errors:
                raise RuntimeError(f"démo {email}: {errors}")
        user.school_id = school.id
        user.job_title = job_title
        user.staff_scope = scope
        self.used_emails.add(email)
        return user

    def membership(self, user: User, school: School, status: str, days_ago: int) -> None:
        when = clock.now() - timedelta(days=days_ago)
        self.s.add(
            StaffMembership(
                user_id=user.id, school_id=school.id, status=status, created_at=when,
                decided_at=when + timedelta(hours=20) if status == "active" else None,
            )
        )  # fmt: skip

    def classes(self, school: School, specs) -> dict[str, SchoolClass]:
        out = {}
        for name, level, _n in specs:
            c = SchoolClass(
                school_id=school.id,
                name=name,
                level=level,
                created_at=clock.now() - timedelta(days=75),
            )
            self.s.add(c)
            out[name] = c
        self.s.flush()
        return out

    def _email(self, first: str, last: str) -> str:
        base = f"{_slug(first)}.{_slug(last)}"
        email, n = f"{base}@eleve.demo.mystage.fr", 1
        while email in self.used_emails:
            n += 1
            email = f"{base}{n}@eleve.demo.mystage.fr"
        self.used_emails.add(email)
        return email

    def pupils(self, school: School, cls: SchoolClass, n: int, authorizer: User) -> None:
        """``n`` pupils inserted in one statement (one shared hash of the demo password)."""
        from mystage.services.accounts import passwords

        rng = self.rng
        pw_hash = passwords.hash_password(self.password)
        born = self.year - {"2de_gt": 15, "3e": 14}.get(cls.level, 13)
        rows = []
        for _ in range(n):
            gender = rng.choice(("f", "m"))
            first = rng.choice(FIRST_F if gender == "f" else FIRST_M)
            last = rng.choice(LAST)
            year = born - 1 if rng.random() < 0.06 else born  # a few pupils repeated a year
            birth = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            created = clock.now() - timedelta(days=rng.randint(40, 70), minutes=rng.randint(0, 900))
            authorized = rng.random() < 0.82
            auth_day = (created + timedelta(days=rng.randint(3, 20))).date()
            rows.append(
                {
                    "email": self._email(first, last),
                    "password_hash": pw_hash,
                    "role": Role.ELEVE,
                    "status": "active",
                    "first_name": first,
                    "last_name": last,
                    "birth_date": birth,
                    "gender": gender,
                    "school_id": school.id,
                    "class_id": cls.id,
                    "level": cls.level,
                    "parental_authorization_at": _noon(auth_day) if authorized else None,
                    "parental_authorization_by_id": authorizer.id if authorized else None,
                    "staff_scope": "school",
                    "terms_accepted_at": created,
                    "privacy_accepted_at": created,
                    "activated_at": created,
                    "email_verified_at": created,
                    "password_changed_at": created,
                    "created_at": created,
                }
            )
        self.s.execute(sa.insert(User), rows)

    # --- applications ----------------------------------------------------------------------

    def week_rows(self, offer_ids: list[int]) -> None:
        from mystage.models import OfferWeek

        for ow in self.s.exec(select(OfferWeek).where(OfferWeek.offer_id.in_(offer_ids))):
            self.capacity[(ow.offer_id, ow.week_start)] = ow.places - ow.places_taken
            self.places[(ow.offer_id, ow.week_start)] = ow.places - ow.places_taken

    # The applications are simulated in memory with the real transition table
    # (:data:`applications.TRANSITIONS`: from-states, timestamps, message fields), then
    # inserted in one statement with one audit row per step (:meth:`flush_applications`).
    # Handles are list indexes until then.

    def apply(self, pupil: User, offer_id: int, week: date, days_ago: float, referent=""):
        """« Postuler » ``days_ago`` days ago (same checks as the service: one application per
        offer and week, none in a week already confirmed, at most two confirmed a year)."""
        if (pupil.id, offer_id, week) in self.seen or (pupil.id, week) in self.confirmed_weeks:
            return None
        if sum(1 for p, _w in self.confirmed_weeks if p == pupil.id) >= 2:
            return None
        self.seen.add((pupil.id, offer_id, week))
        at = clock.now() - timedelta(days=days_ago)
        school = self.s.get(School, pupil.school_id)
        app = {
            "pupil_id": pupil.id,
            "offer_id": offer_id,
            "week_start": week,
            "state": A.SUBMITTED,
            "school_id": pupil.school_id,
            "class_id": pupil.class_id,
            "school_year": weeks_svc.school_year_of(week),
            "motivation": self.rng.choice(MOTIVATIONS),
            "contact_email": pupil.email or "",
            "referent_email": referent or school.referent_email or school.email or "",
            "created_at": at,
            "submitted_at": at,
            "updated_at": at,
        }
        self.apps.append(app)
        idx = len(self.apps) - 1
        self._audit(idx, "submit", "", A.SUBMITTED, at, pupil, "")
        route = "route_to_school" if platform.school_validates(school) else "send"
        self._fire(idx, route, at)
        return idx

    def act(self, actor: User, idx: int | None, action: str, days_ago: float, message=""):
        if idx is None:
            return False
        app = self.apps[idx]
        at = max(clock.now() - timedelta(days=days_ago), app["updated_at"] + timedelta(minutes=7))
        at = min(at, clock.now())
        key = (app["offer_id"], app["week_start"])
        if action == "accept" and self.taken.get(key, 0) >= self.places.get(key, 0):
            return False
        if action != "confirm":
            return self._fire(idx, action, at, actor, message)
        if (app["pupil_id"], app["week_start"]) in self.confirmed_weeks:
            return False
        if self.taken.get(key, 0) >= self.places.get(key, 0):
            return self._fire(idx, "place_unavailable", at)
        if not self._fire(idx, "confirm", at, actor):
            return False
        self.taken[key] = self.taken.get(key, 0) + 1
        self.confirmed_weeks.add((app["pupil_id"], app["week_start"]))
        for other, a in enumerate(self.apps):
            if other != idx and a["pupil_id"] == app["pupil_id"] and a["week_start"] == key[1]:
                self._fire(other, "withdraw", at)
        if self.taken[key] >= self.places.get(key, 0):
            for other, a in enumerate(self.apps):
                if other != idx and (a["offer_id"], a["week_start"]) == key:
                    self._fire(other, "place_unavailable", at)
        return True

    def _fire(self, idx: int, action: str, at: datetime, actor: User | None = None, message=""):
        from mystage.services.applications import TRANSITIONS

        t = TRANSITIONS[action]
        app = self.apps[idx]
        if app["state"] not in t.from_states:
            return False
        from_state = app["state"]
        app["state"] = t.to_state
        app["updated_at"] = at
        for col in t.stamps:
            app[col] = at
        if t.message_field and message:
            app[t.message_field] = message
        if action == "refuse":  # the demo's refusals: « Semaine indisponible »
            app["refuse_reason"] = "week"
        if actor is not None and t.actor in ("employer", "school"):
            app["decided_by_id"] = actor.id
        system = t.actor == "system" or actor is None
        self._audit(idx, action, from_state, t.to_state, at, None if system else actor, message)
        return True

    def _audit(self, idx, action, from_state, to_state, at, actor: User | None, message):
        self.audit.append(
            {
                "idx": idx, "entity": "application", "action": action, "from_state": from_state,
                "to_state": to_state, "actor_id": actor.id if actor else None,
                "actor_role": actor.role if actor else "system", "message": message,
                "created_at": at,
            }
        )  # fmt: skip

    def expire(self) -> None:
        """What the expiry jobs did meanwhile: no answer 15 days after sending (30 « à
        l'étude ») → expired; accepted and not confirmed in 15 days → expired_by_pupil."""
        now = clock.now()
        for idx, app in enumerate(self.apps):
            sent = app.get("sent_at")
            if app["state"] in (A.SENT, A.READ) and sent and sent <= now - timedelta(days=15):
                self._fire(idx, "expire", sent + timedelta(days=15, hours=3))
            elif app["state"] == A.UNDER_REVIEW and sent and sent <= now - timedelta(days=30):
                self._fire(idx, "expire", sent + timedelta(days=30, hours=3))
            accepted = app.get("accepted_at")
            if app["state"] == A.ACCEPTED and accepted <= now - timedelta(days=15):
                self._fire(idx, "expire_by_pupil", accepted + timedelta(days=15, hours=3))

    def flush_applications(self) -> list[int]:
        """Insert the applications, their audit rows and the places taken; returns the ids."""
        from mystage.models import AuditLog, OfferWeek

        if not self.apps:
            return []
        columns = set().union(*(a.keys() for a in self.apps))
        rows = [{c: a.get(c) for c in columns} for a in self.apps]
        for r in rows:
            for c in ("school_message", "review_message", "accept_message", "refuse_message",
                      "cancel_message", "refuse_reason"):  # fmt: skip
                if c in r and r[c] is None:
                    r[c] = ""
        ids = list(
            self.s.execute(
                sa.insert(Application).returning(Application.id, sort_by_parameter_order=True),
                rows,
            ).scalars()
        )
        audit_rows = []
        for a in self.audit:
            row = dict(a)
            row["entity_id"] = ids[row.pop("idx")]
            audit_rows.append(row)
        self.s.execute(sa.insert(AuditLog), audit_rows)
        for (offer_id, week), n in self.taken.items():
            if n:
                self.s.execute(
                    sa.update(OfferWeek)
                    .where(OfferWeek.offer_id == offer_id, OfferWeek.week_start == week)
                    .values(places_taken=OfferWeek.places_taken + n)
                    .execution_options(synchronize_session=False)
                )
        return ids

    def can_accept(self, offer_id: int, week: date) -> bool:
        key = (offer_id, week)
        return self.accepts.get(key, 0) < self.capacity.get(key, 0)

    def note_accept(self, offer_id: int, week: date) -> None:
        key = (offer_id, week)
        self.accepts[key] = self.accepts.get(key, 0) + 1


def _employers(s: Session, offer_ids: list[int]) -> dict[int, User]:
    rows = s.execute(
        sa.select(Offer.id, User)
        .join(User, User.id == Offer.created_by_id)
        .where(Offer.id.in_(offer_ids))
    ).all()
    return {oid: user for oid, user in rows}


def _offers(s: Session, titles: list[str]) -> list[int]:
    ids = []
    for t in titles:
        oid = s.execute(sa.select(Offer.id).where(Offer.title.like(f"{t}%"))).scalar()
        if oid is not None:
            ids.append(oid)
    return ids


def _run_pupil(b: _Builder, pupil: User, plan: str, ctx: dict) -> None:
    """One pupil's story (Meaux and Nantes alike)."""
    rng = b.rng
    weeks: list[date] = ctx["weeks"]
    validator: User | None = ctx["validator"]
    bosses: dict[int, User] = ctx["bosses"]
    open_offers: dict[date, list[int]] = ctx["offers"]  # may accept there
    busy: dict[date, list[int]] = ctx["busy"]  # applications only (kept open for tests)
    referent = ctx.get("referent", "")

    def pick(week: date, accept: bool = False) -> int | None:
        pool = [o for o in open_offers.get(week, []) if not accept or b.can_accept(o, week)]
        if not accept:
            pool += busy.get(week, [])
        return rng.choice(pool) if pool else None

    def send(app_id, days_ago):
        """Through the school's validation when the school asks for it."""
        if app_id is not None and validator is not None:
            b.act(
                validator,
                app_id,
                "school_validate",
                days_ago,
                rng.choice(["", "", "Bonne chance !"]),
            )
        return app_id

    def new(week: date, days_ago: float, accept: bool = False):
        offer_id = pick(week, accept)
        if offer_id is None:
            return None, None
        ref = referent if referent and rng.random() < 0.25 else ""
        return offer_id, b.apply(pupil, offer_id, week, days_ago, ref)

    week = rng.choice(weeks)
    other = next((w for w in weeks if w != week), week)
    both = [week] if other == week else [week, other]
    if plan == "awaiting":
        for w in both:
            new(w, rng.uniform(0.2, 3))
    elif plan == "school_refused" and validator is not None:
        _, app_id = new(week, rng.uniform(4, 10))
        b.act(validator, app_id, "school_refuse", rng.uniform(2, 4), rng.choice(SCHOOL_REFUSALS))
        new(other, rng.uniform(0.5, 2))
    elif plan in ("sent", "school_refused"):
        for w in both:
            offer_id, app_id = new(w, rng.uniform(3, 12))
            send(app_id, rng.uniform(1.5, 2.5))
            if app_id and rng.random() < 0.6:
                b.act(bosses[offer_id], app_id, "read", rng.uniform(0.5, 1.4))
                if rng.random() < 0.5:
                    b.act(
                        bosses[offer_id],
                        app_id,
                        "review",
                        rng.uniform(0.1, 0.4),
                        "Votre candidature est à l'étude, réponse sous une semaine.",
                    )
    elif plan == "refused":
        offer_id, app_id = new(week, rng.uniform(6, 13))
        send(app_id, rng.uniform(5, 5.9))
        b.act(
            bosses.get(offer_id, validator),
            app_id,
            "refuse",
            rng.uniform(1, 4),
            "Nous avons déjà accueilli un élève cette semaine-là, désolés.",
        )
        offer_id, app_id = new(other, rng.uniform(1, 3))
        send(app_id, rng.uniform(0.2, 0.9))
    elif plan == "expired":
        _, app_id = new(week, rng.uniform(22, 26))
        send(app_id, 21)  # left unanswered: the expiry job closes it at the end
    elif plan in ("accepted", "confirmed", "expired_by_pupil"):
        offer_id = pick(week, accept=True)
        if offer_id is None:
            return _run_pupil(b, pupil, "sent", ctx)
        start = 24 if plan == "expired_by_pupil" else rng.uniform(10, 16)
        app_id = b.apply(pupil, offer_id, week, start, "")
        if app_id is None:
            return None
        send(app_id, start - 1)
        boss = bosses[offer_id]
        b.act(boss, app_id, "read", start - 2)
        accepted_ago = 17 if plan == "expired_by_pupil" else rng.uniform(3, 7)
        if not b.act(boss, app_id, "accept", accepted_ago,
                     "Avec plaisir ! Rendez-vous le lundi à 9 h à l'accueil."):  # fmt: skip
            return None
        b.note_accept(offer_id, week)
        if rng.random() < 0.5:  # another application for the same week, withdrawn on confirm
            _, second = new(week, start - 0.5)
            send(second, start - 1.5)
        if plan == "confirmed":
            if b.act(pupil, app_id, "confirm", accepted_ago - rng.uniform(0.5, 2)):
                ctx["confirmed"].append(app_id)
    elif plan == "cancelled":
        _, app_id = new(week, rng.uniform(5, 9))
        send(app_id, 4)
        b.act(pupil, app_id, "cancel_by_pupil", rng.uniform(1, 3), "J'ai trouvé un stage ailleurs.")
    return None


def _plans(rng: random.Random, n: int, heavy: bool) -> list[str]:
    """Stories for the authorized pupils of a class, most advanced first in importance."""
    weights = {
        "none": 14,
        "awaiting": 10 if heavy else 0,
        "school_refused": 4 if heavy else 0,
        "sent": 22,
        "refused": 10,
        "expired": 5,
        "accepted": 7,
        "confirmed": 20,
        "expired_by_pupil": 2,
        "cancelled": 4,
    }
    names = [k for k, w in weights.items() if w]
    return [rng.choices(names, [weights[k] for k in names])[0] for _ in range(n)]


def _school_weeks(s: Session, school: School, year: int, mondays: list[date], class_id=None):
    for monday in mondays:
        s.add(
            SchoolWeek(school_id=school.id, class_id=class_id, week_start=monday, school_year=year)
        )


def _seed_lycee(b: _Builder) -> None:
    """Lycée Henri Moissan (Meaux): its head, « 2de 3 » and four authorized seconde pupils
    (no application: the seconde's weeks are in June, for everyone's own tries)."""
    from mystage.services.accounts import passwords

    s = b.s
    lycee = b.school(UAI_LYCEE)
    if lycee is None:
        return
    now = clock.now()
    lycee.email = HEAD_LYCEE
    lycee.registered_at = now - timedelta(days=40)
    lycee.validation_required = False
    lycee.qpv_declared_at = now - timedelta(days=3)  # awaits an admin's confirmation
    lycee.updated_at = now
    head = b.staff(HEAD_LYCEE, Role.CHEF_ETABLISSEMENT, "Sophie", "Marchetti", lycee,
                   "Proviseure", "school")  # fmt: skip
    b.membership(head, lycee, "active", 40)
    (cls,) = b.classes(lycee, [("2de 3", "2de_gt", len(LYCEE_PUPILS))]).values()
    pw_hash = passwords.hash_password(b.password)
    rows = []
    for i, (email, first, last, gender) in enumerate(LYCEE_PUPILS):
        created = now - timedelta(days=30 - i)
        rows.append(
            {
                "email": email or b._email(first, last),
                "password_hash": pw_hash,
                "role": Role.ELEVE,
                "status": "active",
                "first_name": first,
                "last_name": last,
                "birth_date": date(b.year - 15, 2 + 2 * i, 10 + i),
                "gender": gender,
                "school_id": lycee.id,
                "class_id": cls.id,
                "level": cls.level,
                "parental_authorization_at": _noon((created + timedelta(days=5)).date()),
                "parental_authorization_by_id": head.id,
                "staff_scope": "school",
                "terms_accepted_at": created,
                "privacy_accepted_at": created,
                "activated_at": created,
                "email_verified_at": created,
                "password_changed_at": created,
                "created_at": created,
            }
        )
    existing = set(s.execute(sa.select(User.email).where(User.email == SECONDE_PUPIL)).scalars())
    rows = [r for r in rows if r["email"] not in existing]
    if rows:
        s.execute(sa.insert(User), rows)
    s.commit()


# 3e A's list: three pupils who have not created their account yet (« pas encore
# inscrit »; invited two days ago, the last one without a contact), and the class code.
DEMO_CLASS_CODE = "DEM3A7"
DEMO_ROSTER = [
    ("Camille", "Perrin", "famille.perrin@demo.mystage.fr", "email"),
    ("Enzo", "Lambert", "+33600000077", "phone"),
    ("Jade", "Moreau", "", ""),
]


def _roster(s: Session, school: School, cls: SchoolClass, by: User | None, now) -> None:
    from mystage.services.text import fold

    cls.join_code = DEMO_CLASS_CODE
    cls.join_code_at = now - timedelta(days=2)
    for first, last, contact, kind in DEMO_ROSTER:
        s.add(
            RosterEntry(
                school_id=school.id, class_id=cls.id,
                school_year=weeks_svc.active_school_year(), first_name=first, last_name=last,
                name_key=f"{fold(last)}|{fold(first)}", contact=contact, contact_kind=kind,
                invited_at=now - timedelta(days=2) if contact else None,
                invitations=1 if contact else 0, created_by_id=by.id if by else None,
                created_at=now - timedelta(days=2),
            )
        )  # fmt: skip


def seed_schools(s: Session, password: str) -> dict[str, int]:
    """Create the demo population (see the module notes); returns a few counts."""
    rng = random.Random(77)
    b = _Builder(s, password, rng)
    meaux, nantes = b.school(UAI_MEAUX), b.school(UAI_NANTES)
    if meaux is None:
        return {}
    year = b.year
    mondays = [m for m in weeks_svc.weeks_of_school_year(year) if m > b.today]
    dec = [m for m in mondays if m.month == 12]
    jan = [m for m in mondays if m.month == 1]
    june = [m for m in mondays if m.month == 6]

    # --- Meaux: the school's space, weeks, staff, classes -------------------------------------
    now = clock.now()
    meaux.email = HEAD_MEAUX
    meaux.registered_at = now - timedelta(days=80)
    meaux.validation_required = True
    meaux.updated_at = now
    weeks_meaux = [w for w in (dec[1:2] + jan[1:2])]
    s.execute(sa.delete(SchoolWeek).where(SchoolWeek.school_id == meaux.id))
    _school_weeks(s, meaux, year, weeks_meaux)
    head = s.exec(select(User).where(User.email == HEAD_MEAUX)).first()
    classes = b.classes(meaux, MEAUX_CLASSES)
    if june:
        _school_weeks(s, meaux, year, june[1:2], classes["4e A"].id)
    if head is not None:
        head.job_title = "Principale"
        b.membership(head, meaux, "active", 80)
    teachers: dict[str, User] = {}
    for email, role, first, last, job, status, scope, mains in MEAUX_STAFF:
        user = b.staff(email, role, first, last, meaux, job, scope)
        b.membership(user, meaux, status, 60 if status == "active" else 2)
        for name in mains:
            s.add(StaffClass(user_id=user.id, class_id=classes[name].id, is_main_teacher=True))
            if status == "active":
                teachers[name] = user
    s.flush()
    from mystage.services.accounts import tokens

    tokens.issue(  # a pending invitation (its mail is not kept)
        s, TokenPurpose.INVITATION, target="documentaliste.dunant@ac-creteil.fr",
        payload={"school_id": meaux.id, "email": "documentaliste.dunant@ac-creteil.fr",
                 "function": "documentaliste", "scope": "school", "class_ids": [],
                 "invited_by": head.id if head else None},
        ttl=timedelta(days=12),
    )  # fmt: skip
    for name, _level, n in MEAUX_CLASSES:
        b.pupils(meaux, classes[name], n, teachers.get(name) or head)
    lea = s.exec(select(User).where(User.email == "eleve@demo.mystage.fr")).first()
    if lea is not None:
        lea.class_id = classes["3e A"].id
        lea.birth_date = date(year - 14, 5, 12)
        lea.gender = "f"
    _roster(s, meaux, classes["3e A"], teachers.get("3e A") or head, now)
    s.commit()

    # --- Meaux: applications -----------------------------------------------------------------
    titles_dec = [
        "Pharmacie du Marché",
        "Atelier Brie",
        "Le Grand Cerf",
        "Mairie de Chelles – Culture",
    ]
    titles_jan = ["Mairie de Chelles – Administration", "Mairie de Chelles – Numérique",
                  "Centre hospitalier", "Pharmacie du Marché", "Atelier Brie", "Le Grand Cerf"]  # fmt: skip
    busy_titles = ["Boulangerie Aux Délices – Alimentation", "Garage Brie Auto"]
    dec_w, jan_w = (weeks_meaux + [None, None])[:2]
    offers_by_week = {dec_w: _offers(s, titles_dec), jan_w: _offers(s, titles_jan)}
    busy = {dec_w: _offers(s, busy_titles)}
    all_ids = sorted({o for ids in (*offers_by_week.values(), *busy.values()) for o in ids})
    mediatheque = _offers(s, ["Mairie de Chelles – Culture"])
    b.week_rows(all_ids)
    ctx = {
        "weeks": [w for w in (dec_w, jan_w) if w],
        "validator": None,
        "bosses": _employers(s, all_ids),
        "offers": offers_by_week,
        "busy": busy,
        "referent": "prof@demo.mystage.fr",
        "confirmed": [],
    }
    pupils = s.exec(
        select(User)
        .where(User.school_id == meaux.id, User.role == Role.ELEVE, User.class_id.is_not(None))
        .order_by(User.id)
    ).all()
    by_class: dict[int, list[User]] = {}
    for p in pupils:
        by_class.setdefault(p.class_id, []).append(p)
    for name, level, _n in MEAUX_CLASSES:
        cls = classes[name]
        ctx["validator"] = teachers.get(name) or head
        authorized = [
            p for p in by_class.get(cls.id, [])
            if p.parental_authorization_at is not None and p.email != "eleve@demo.mystage.fr"
        ]  # fmt: skip
        if level == "4e":  # fewer applications, on the class's own June week (médiathèque)
            if not june or not mediatheque:
                continue
            ctx4 = dict(ctx, weeks=june[1:2], offers={june[1]: mediatheque}, busy={})
            b.week_rows(mediatheque)
            for p, plan in zip(authorized, _plans(rng, len(authorized), heavy=True), strict=True):
                if rng.random() < 0.5:
                    _run_pupil(b, p, plan if plan != "confirmed" else "sent", ctx4)
            continue
        for p, plan in zip(authorized, _plans(rng, len(authorized), heavy=True), strict=True):
            if plan != "none":
                _run_pupil(b, p, plan, ctx)
    confirmed_meaux = list(ctx["confirmed"])

    # --- Nantes -----------------------------------------------------------------------------
    confirmed_nantes: list[int] = []
    if nantes is not None:
        nantes.email = HEAD_NANTES
        nantes.registered_at = now - timedelta(days=50)
        nantes.validation_required = False
        nantes.updated_at = now
        head_n = b.staff(HEAD_NANTES, Role.CHEF_ETABLISSEMENT, "Hervé", "Le Goff", nantes,
                         "Principal", "school")  # fmt: skip
        b.membership(head_n, nantes, "active", 50)
        s.execute(sa.delete(SchoolWeek).where(SchoolWeek.school_id == nantes.id))
        weeks_nantes = jan[1:3]
        _school_weeks(s, nantes, year, weeks_nantes)
        classes_n = b.classes(nantes, NANTES_CLASSES)
        for name, _level, n in NANTES_CLASSES:
            b.pupils(nantes, classes_n[name], n, head_n)
        s.commit()
        titles_n = [
            "Département de Loire-Atlantique – Social",
            "Atelier naval",
            "Nantes Athlétisme",
        ]
        ids_n = _offers(s, titles_n)
        b.week_rows(ids_n)
        ctx_n = {
            "weeks": weeks_nantes,
            "validator": None,
            "bosses": _employers(s, ids_n),
            "offers": {w: ids_n for w in weeks_nantes},
            "busy": {},
            "confirmed": [],
        }
        for cls in classes_n.values():
            pupils_n = s.exec(
                select(User)
                .where(User.class_id == cls.id, User.parental_authorization_at.is_not(None))
                .order_by(User.id)
            ).all()
            for p, plan in zip(pupils_n, _plans(rng, len(pupils_n), heavy=False), strict=True):
                if plan != "none":
                    _run_pupil(b, p, plan, ctx_n)
        confirmed_nantes = ctx_n["confirmed"]

    # --- the lycée of Meaux (no application) ------------------------------------------------
    _seed_lycee(b)

    # --- what time did (expiry), then everything in a few statements ------------------------
    from mystage.services.offers import places_left_expr

    b.expire()
    ids = b.flush_applications()
    s.commit()
    _conventions(s, [ids[i] for i in confirmed_meaux + confirmed_nantes], head_by_school={
        meaux.id: head, **({nantes.id: head_n} if nantes is not None else {})})  # fmt: skip
    this_monday = clock.monday_of(clock.today_paris())
    s.execute(
        sa.update(Offer)
        .values(places_left=places_left_expr(this_monday))
        .execution_options(synchronize_session=False)
    )
    s.commit()
    counts = dict(
        s.execute(
            sa.select(Application.state, sa.func.count(Application.id)).group_by(Application.state)
        ).all()
    )
    return {str(k): int(v) for k, v in counts.items()}


DEMO_WEEK = {
    "lundi": ("09:00", "16:30", "12:00", "13:00"),
    "mardi": ("09:00", "16:30", "12:00", "13:00"),
    "mercredi": ("09:00", "12:00", "", ""),
    "jeudi": ("09:00", "16:30", "12:00", "13:00"),
    "vendredi": ("09:00", "16:00", "12:00", "13:00"),
}
DEMO_STAGES = ("draft", "employer_done", "validated", "signing", "signed")


def _conventions(s: Session, app_ids: list[int], head_by_school: dict[int, User | None]) -> None:
    """Each confirmed internship gets its convention, through the services (pre-filled,
    then completed, validated and signed), at a stage taken in turn: draft, completed by
    the employer, validated, signature started, signed by all (sealed PDF)."""
    from mystage.models import Outbox
    from mystage.services import conventions, permissions

    before = s.execute(sa.select(sa.func.max(Outbox.id))).scalar() or 0
    for n, app_id in enumerate(app_ids):
        app = s.get(Application, app_id)
        conv = conventions.create_for_application(s, app)
        s.commit()
        stage = DEMO_STAGES[n % len(DEMO_STAGES)]
        if stage == "draft":
            continue
        offer = s.get(Offer, app.offer_id)
        boss = s.get(User, offer.created_by_id) if offer.created_by_id else None
        if boss is None or not permissions.can_edit_offer(s, boss, offer):
            continue
        pupil = s.get(User, app.pupil_id)
        form = {
            "rep_name": f"{boss.first_name} {boss.last_name}".strip() or "Responsable",
            "rep_function": boss.job_title or "Responsable",
            "rep_email": boss.email or "contact@exemple.fr",
            "tutor_name": offer.tutor_name or "Tuteur désigné",
            "tutor_function": offer.tutor_role or "Tuteur",
            "tutor_email": offer.tutor_email or boss.email or "contact@exemple.fr",
            "tutor_phone": "01 23 45 67 89",
            "lunch": "Pause déjeuner d'une heure, repas tiré du sac.",
            "activities": (offer.description or "Découverte des métiers de la structure.")[:3900],
            "preparation": "Lire la présentation de la structure.",
            "learning": "Les métiers, les horaires et la sécurité au travail.",
        }
        for day in conventions.DAYS:
            start, end, b1, b2 = DEMO_WEEK.get(day, ("", "", "", ""))
            form.update({f"{day}_start": start, f"{day}_end": end, f"{day}_break_start": b1,
                         f"{day}_break_end": b2})  # fmt: skip
        if conventions.save_employer_part(s, boss, conv.id, form, submit=True):
            continue
        head = head_by_school.get(app.school_id or 0)
        if stage == "employer_done" or head is None:
            continue
        parent = f"{'Martine' if n % 2 else 'Karim'} {pupil.last_name}"
        school_form = {
            "rep1_name": parent, "rep1_email": f"parent{n}@demo.mystage.fr",
            "rep1_phone": f"06 00 00 {n // 100 % 100:02d} {n % 100:02d}", "rep2_name": "",
            "rep2_email": "", "rep2_phone": "", "emergency_name": parent,
            "emergency_phone": "06 00 00 00 01", "pupil_address": "12 rue de la République",
            "teacher_name": "Professeur principal", "teacher_email": "prof@demo.mystage.fr",
            "teacher_phone": "",
        }  # fmt: skip
        if conventions.save_school_part(s, head, conv.id, school_form, submit=True):
            continue
        at = clock.now() - timedelta(hours=2)
        if stage == "signing":
            conventions.record_demo_signatures(s, conv.id, ["pupil", "legal_rep_1"], at)
        elif stage == "signed":
            conventions.record_demo_signatures(
                s, conv.id, ["legal_rep_1", "pupil", "employer", "school_head"], at
            )
        s.commit()
    # the demo keeps no mail (as the rest of the demo): the steps' messages are dropped
    s.execute(sa.delete(Outbox).where(Outbox.id > before))
    s.commit()
