from .accounts import (
    FULL_NAME_MAX_LENGTH,
    Institution,
    InstitutionType,
    Language,
    ProfessionalRole,
    User,
)
from .counties import County
from .outbox import PendingTask
from .pages import ContentPage, HomePage
from .site_settings import NavigationSettings

__all__ = [
    "FULL_NAME_MAX_LENGTH",
    "ContentPage",
    "County",
    "NavigationSettings",
    "PendingTask",
    "HomePage",
    "Institution",
    "InstitutionType",
    "Language",
    "ProfessionalRole",
    "User",
]
