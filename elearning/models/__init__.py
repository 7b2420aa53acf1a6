from .outbox import PendingTask
from .pages import ContentPage, HomePage
from .site_settings import NavigationSettings

__all__ = [
    "ContentPage",
    "HomePage",
    "NavigationSettings",
    "PendingTask",
]
