from .counties import County
from .institutions import Institution, InstitutionType
from .users import FULL_NAME_MAX_LENGTH, Language, ProfessionalRole, User, UserManager

__all__ = [
    "FULL_NAME_MAX_LENGTH",
    "County",
    "Institution",
    "InstitutionType",
    "Language",
    "ProfessionalRole",
    "User",
    "UserManager",
]
