"""Moodle drill, step 11 (our Django shell): the drill's registration (client id from
moodle-setup.json) gets an institution if it has none, and that institution opts in to sharing
learning records. Prints both. Run like register_platform.py."""

import json
import os

from accounts.models import Institution
from lti.models import PlatformRegistration

conf = json.load(open(os.environ.get("DRILL_MOODLE_JSON", "/work/moodle-drill/moodle-setup.json")))
registration = PlatformRegistration.objects.get(issuer=conf["issuer"], client_id=conf["client_id"])
if registration.institution_id is None:
    # The teachers' course is the drill's: a county school inspectorate.
    registration.institution = Institution.objects.get(
        pk=int(os.environ.get("DRILL_INSTITUTION", "1"))
    )
    registration.save(update_fields=["institution"])
Institution.objects.filter(pk=registration.institution_id).update(share_learning_records=True)
institution = Institution.objects.get(pk=registration.institution_id)
print(
    "registration",
    registration.pk,
    registration.client_id,
    "institution",
    institution.pk,
    institution,
    "share_learning_records",
    institution.share_learning_records,
)
