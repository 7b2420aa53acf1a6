from .accounts import (
    FULL_NAME_MAX_LENGTH,
    Institution,
    InstitutionType,
    Language,
    ProfessionalRole,
    User,
)
from .counties import County
from .pages import ContentPage, HomePage
from .site_settings import NavigationSettings

__all__ = [
    "FULL_NAME_MAX_LENGTH",
    "ContentPage",
    "County",
    "NavigationSettings",
    "HomePage",
    "Institution",
    "InstitutionType",
    "Language",
    "ProfessionalRole",
    "User",
]
