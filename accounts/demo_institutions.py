"""The public institutions every county has, for the demo list at registration.

Each county (and Bucharest) has a school inspectorate, a county police inspectorate, a tribunal
with its prosecutor's office, and a directorate for social assistance and child protection.
Names follow the institutions' usual official forms.
"""

from .models import County, InstitutionType


def county_institutions(code: str, name: str) -> list[tuple[str, str]]:
    if code == County.B:
        return [
            ("Inspectoratul Școlar al Municipiului București", InstitutionType.SCHOOL),
            ("Direcția Generală de Poliție a Municipiului București", InstitutionType.POLICE),
            ("Tribunalul București", InstitutionType.COURT),
            ("Parchetul de pe lângă Tribunalul București", InstitutionType.PROSECUTION),
            *[
                (
                    f"Direcția Generală de Asistență Socială și Protecția Copilului Sector {n}",
                    InstitutionType.CHILD_PROTECTION,
                )
                for n in range(1, 7)
            ],
        ]
    return [
        (f"Inspectoratul Școlar Județean {name}", InstitutionType.SCHOOL),
        (f"Inspectoratul de Poliție Județean {name}", InstitutionType.POLICE),
        (f"Tribunalul {name}", InstitutionType.COURT),
        (f"Parchetul de pe lângă Tribunalul {name}", InstitutionType.PROSECUTION),
        (
            f"Direcția Generală de Asistență Socială și Protecția Copilului {name}",
            InstitutionType.CHILD_PROTECTION,
        ),
    ]


NATIONAL_INSTITUTIONS = [
    ("Agenția Națională împotriva Traficului de Persoane", InstitutionType.OTHER, County.B),
    (
        "Autoritatea Națională pentru Protecția Drepturilor Copilului și Adopție",
        InstitutionType.CHILD_PROTECTION,
        County.B,
    ),
    ("Inspectoratul General al Poliției Române", InstitutionType.POLICE, County.B),
]
