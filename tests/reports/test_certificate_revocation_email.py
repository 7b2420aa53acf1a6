"""A coordinator's revocation from the completion report tells the learner, once, like the
register's (certificates.services.certificate_revoke is the one path)."""

from django.core import mail
from django.urls import reverse

from .test_reports import login


def test_revoking_from_the_report_mails_the_learner_once(
    client, world, media_root, django_capture_on_commit_callbacks
):
    from certificates.models import Certificate

    learner = world.learners["done"]
    certificate = Certificate.objects.get(learner=learner)
    coordinator = world.coordinators["cluj"]
    login(client, coordinator)
    revoke = reverse("learning_reports:certificate_revoke", args=[certificate.pk])
    mail.outbox.clear()
    for reason in ("Emis din greșeală", "Altă dată"):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(revoke, {"reason": reason}).status_code == 302
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert "Emis din greșeală" in mail.outbox[0].body
    assert coordinator.email in mail.outbox[0].body
