"""Demo data for ``make run``: loaded only when the database has no user yet.

Every demo account uses the password ``DEMO_PASSWORD``; they are listed in the README.
"""

from __future__ import annotations

from sqlmodel import func, select

from mystage import db
from mystage.models import PupilLevel, Role, School, User

DEMO_PASSWORD = "stage-demo-2026"

# (role, email, phone, first name, last name, extra profile)
DEMO_ACCOUNTS: list[tuple[str, str | None, str | None, str, str, dict]] = [
    (Role.ADMIN, "admin@demo.mystage.fr", None, "Alice", "Administratrice", {}),
    (Role.ELEVE, "eleve@demo.mystage.fr", None, "Léa", "Martin", {"level": PupilLevel.TROISIEME}),
    (Role.ELEVE, None, "+33612345678", "Yanis", "Benali", {"level": PupilLevel.TROISIEME}),
    (Role.PARENT, "parent@demo.mystage.fr", None, "Sophie", "Martin", {}),
    (Role.EMPLOYEUR, "employeur@demo.mystage.fr", "+33698765432", "Marc", "Durand", {}),
    (Role.CHEF_ETABLISSEMENT, "ce.0771234a@ac-creteil.fr", None, "Nadia", "Lefèvre", {}),
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
]


def seed_demo(force: bool = False) -> bool:
    from mystage.services import accounts

    with db.session() as s:
        if not force and s.exec(select(func.count()).select_from(User)).one() > 0:
            return False
        school = s.exec(select(School).where(School.department_code == "77")).first()
        for role, email, phone, first, last, extra in DEMO_ACCOUNTS:
            profile = dict(extra)
            if school is not None and (
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
    return True
