from celery import shared_task

from . import platform_client, services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(platform_client.PlatformError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_score(self, passback_id: int) -> bool:
    """Send one run's score to the platform; a platform that fails is tried again with backoff
    (the row is marked failed, so the retry claims it again; a sent one never is)."""
    return services.passback_send(passback_id)


@shared_task
def purge_login_states() -> int:
    """Daily: forget the OIDC login states older than a day (services.login_states_purge)."""
    return services.login_states_purge()
