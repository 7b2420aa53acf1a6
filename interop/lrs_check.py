"""Moodle drill, step 11 (our Django shell, read-only): the statements Ralph holds about the
account a Moodle user launched into, read back through the LRS's own API (GET /xAPI/statements,
Basic auth, X-Experience-API-Version 1.0.3, filtered by the actor = the account's pseudonym),
with the checks: verbs and counts, no e-mail address of the learner (nor any "@" outside
Ralph's own `authority`), every activity id built from a translation key (course, step,
question key) or a fixed kind, our outbox all sent. Prints a sample statement.

  DRILL_MOODLE_USER=student_lrs XAPI_LRS_ENDPOINT=… XAPI_LRS_KEY=… XAPI_LRS_SECRET=… \
    .venv/bin/python manage.py shell -c "exec(open('interop/lrs_check.py').read())" < /dev/null
"""

import base64
import collections
import json
import os
import re
import urllib.parse
import urllib.request

from django.conf import settings
from wagtail.models import Page

from learning_records.models import LearnerPseudonym, Statement
from lti.models import LtiIdentity
from quizzes.models import Question

moodle_user = os.environ.get("DRILL_MOODLE_USER", "student_lrs")
identity = (
    LtiIdentity.objects.select_related("user")
    .filter(email=f"{moodle_user}@drill.invalid")
    .order_by("pk")
    .first()
)
user = identity.user
pseudonym = str(LearnerPseudonym.objects.get(learner=user).pseudonym)
print(
    "moodle user",
    moodle_user,
    "sub",
    identity.subject,
    "-> our user",
    user.pk,
    user.email,
    "institution",
    user.institution_id,
    "pseudonym",
    pseudonym,
)

agent = {"objectType": "Agent", "account": {"homePage": settings.SITE_URL, "name": pseudonym}}
auth = base64.b64encode(f"{settings.XAPI_LRS_KEY}:{settings.XAPI_LRS_SECRET}".encode()).decode()
url = (
    settings.XAPI_LRS_ENDPOINT.rstrip("/")
    + "/statements?"
    + urllib.parse.urlencode({"agent": json.dumps(agent), "limit": 500})
)
found = []
while url:
    request = urllib.request.Request(  # noqa: S310 - the drill's local Ralph
        url, headers={"X-Experience-API-Version": "1.0.3", "Authorization": "Basic " + auth}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = json.load(response)
    found += body["statements"]
    url = (
        urllib.parse.urljoin(settings.XAPI_LRS_ENDPOINT, body["more"]) if body.get("more") else None
    )

verbs = collections.Counter(s["verb"]["id"].rsplit("/", 1)[-1] for s in found)
print("LRS statements for the pseudonym:", len(found), dict(sorted(verbs.items())))
outbox = collections.Counter(
    Statement.objects.filter(learner=user).values_list("status", flat=True)
)
print(
    "our outbox for the user:",
    dict(outbox),
    "sent_to",
    set(Statement.objects.filter(learner=user).values_list("sent_to", flat=True)),
)
ours = set(str(pk) for pk in Statement.objects.filter(learner=user).values_list("pk", flat=True))
print("ids in LRS == ids in outbox:", {s["id"] for s in found} == ours)

# E-mail: the learner's addresses (Moodle's, our placeholder), and any "@" outside authority.
text = json.dumps(
    [{k: v for k, v in s.items() if k != "authority"} for s in found], ensure_ascii=False
)
for address in (identity.email, user.email):
    print("contains", address, ":", address in text)
print("any '@' or 'mailto:' outside authority:", "@" in text or "mailto:" in text)
print("authority (Ralph's, from its credentials):", {json.dumps(s.get("authority")) for s in found})
print("learner's name in statements:", user.full_name in text)

# Activity ids: <SITE_URL>/xapi/activities/<kind>[/<key>]; every key a translation key.
keys = set(str(k) for k in Page.objects.values_list("translation_key", flat=True))
keys |= set(str(k) for k in Question.objects.values_list("key", flat=True))
page_ids = set(str(pk) for pk in Page.objects.values_list("pk", flat=True))
ids = set()
for s in found:
    ids.add(s["object"]["id"])
    for group in (s.get("context", {}).get("contextActivities") or {}).values():
        ids |= {a["id"] for a in group}
pattern = re.compile(re.escape(settings.SITE_URL) + r"/xapi/activities/([a-z-]+)(?:/(.+))?$")
bad, kinds = [], collections.Counter()
for iri in sorted(ids):
    match = pattern.match(iri)
    if not match:
        bad.append(iri)
        continue
    kinds[match.group(1)] += 1
    if match.group(2) is not None and (match.group(2) not in keys or match.group(2) in page_ids):
        bad.append(iri)
print("activity ids:", len(ids), "by kind", dict(kinds), "not from a translation key:", bad)
sample = next((s for s in found if s["verb"]["id"].endswith("/passed")), found[0])
print("SAMPLE", json.dumps(sample, ensure_ascii=False, indent=1))
