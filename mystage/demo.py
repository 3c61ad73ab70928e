"""Demo data for ``make run``: loaded only when the database has no user yet.

Every demo account uses the password ``DEMO_PASSWORD``; they are listed in the README.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlmodel import func, select

from mystage import db
from mystage.models import PupilLevel, Role, School, User

DEMO_PASSWORD = "stage-demo-2026"
DEMO_SCHOOL_UAI = "0771029A"  # Collège Henri Dunant, Meaux (REP+)

# (role, email, phone, first name, last name, extra profile)
DEMO_ACCOUNTS: list[tuple[str, str | None, str | None, str, str, dict]] = [
    (Role.ADMIN, "admin@demo.mystage.fr", None, "Alice", "Administratrice", {}),
    (Role.ELEVE, "eleve@demo.mystage.fr", None, "Léa", "Martin", {"level": PupilLevel.TROISIEME}),
    (Role.ELEVE, None, "+33612345678", "Yanis", "Benali", {"level": PupilLevel.TROISIEME}),
    (
        Role.ELEVE,
        "eleve.nantes@demo.mystage.fr",
        None,
        "Inès",
        "Moreau",
        {"level": PupilLevel.TROISIEME, "school_uai": "0440284V"},
    ),
    (Role.PARENT, "parent@demo.mystage.fr", None, "Sophie", "Martin", {}),
    (Role.EMPLOYEUR, "employeur@demo.mystage.fr", "+33698765432", "Marc", "Durand", {}),
    (Role.CHEF_ETABLISSEMENT, "ce.0771029a@ac-creteil.fr", None, "Nadia", "Lefèvre", {}),
    (Role.PROFESSEUR_PRINCIPAL, "prof@demo.mystage.fr", None, "Thomas", "Roux", {}),
    (
        Role.REFERENT_DEPARTEMENTAL,
        "referent77@demo.mystage.fr",
        None,
        "Claire",
        "Moreau",
        {"department_code": "77"},
    ),
    (Role.OPERATEUR, "operateur@demo.mystage.fr", None, "Karim", "Haddad", {}),
    # Référent central bound to one ministry: the offers of public hospitals only.
    (
        Role.REFERENT_CENTRAL,
        "referent.sante@demo.mystage.fr",
        None,
        "Hélène",
        "Garnier",
        {"ministry": "etablissement-hospitalier", "job_title": "Chargée de mission stages"},
    ),
]


def seed_demo(force: bool = False) -> bool:
    with _one_hash(DEMO_PASSWORD):
        return _seed_demo(force)


def _seed_demo(force: bool) -> bool:
    from mystage.services import accounts

    with db.session() as s:
        if not force and s.exec(select(func.count()).select_from(User)).one() > 0:
            return False
        school = s.exec(select(School).where(School.uai == DEMO_SCHOOL_UAI)).first()
        for role, email, phone, first, last, extra in DEMO_ACCOUNTS:
            profile = dict(extra)
            own_uai = profile.pop("school_uai", None)
            if own_uai:
                own = s.exec(select(School).where(School.uai == own_uai)).first()
                profile["school_id"] = own.id if own else None
            elif school is not None and (
                role == Role.ELEVE or role in (Role.CHEF_ETABLISSEMENT, Role.PROFESSEUR_PRINCIPAL)
            ):
                profile["school_id"] = school.id
            user, errors = accounts.create_active_account(
                s,
                role=role,
                email=email,
                phone=phone,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                **profile,
            )
            if errors:
                raise RuntimeError(f"démo : {email or phone}: {errors}")
        s.commit()
        _school_weeks(s)
        from mystage.demo_offers import seed_offers
        from mystage.demo_schools import seed_schools

        seed_offers(s, DEMO_PASSWORD)
        s.commit()
        seed_schools(s, DEMO_PASSWORD)
        s.commit()
        from mystage.demo_seconde import seed_seconde_applications

        seed_seconde_applications(s)  # nothing until the demo has a lycée with 2de pupils
    return True


@contextmanager
def _one_hash(password: str):
    """Every demo account shares ONE argon2 hash of the demo password (computed once):
    seeding then stays within seconds on a small machine (a hash costs up to 0.5 s)."""
    from mystage.services.accounts import passwords

    real = passwords.hash_password
    cache: dict[str, str] = {}

    def hash_once(value: str) -> str:
        if value != password:
            return real(value)
        if value not in cache:
            cache[value] = real(value)
        return cache[value]

    passwords.hash_password = hash_once
    try:
        yield
    finally:
        passwords.hash_password = real


def _school_weeks(s) -> None:
    """Internship weeks of a demo collège (highlighted in the offer week picker); the weeks
    of Henri Dunant (Meaux) and of the Nantes collège are set by :mod:`mystage.demo_schools`."""
    from mystage import clock
    from mystage.models import SchoolWeek
    from mystage.services import weeks

    year = weeks.school_year_of(clock.today_paris())
    mondays = weeks.weeks_of_school_year(year)
    picks = {"0440286X": [m for m in mondays if m.month == 1][1:3]}
    for uai, chosen in picks.items():
        school = s.exec(select(School).where(School.uai == uai)).first()
        if school is None:
            continue
        for monday in chosen:
            s.add(SchoolWeek(school_id=school.id, week_start=monday, school_year=year))
    s.commit()
