"""Moodle drill, steps 8 (no second send) and 9 (roster), our side, from the Django shell:

  ELEARNING_HOST=127.0.0.1 ELEARNING_PORT=8765 .venv/bin/python manage.py shell \
      -c "exec(open('interop/roster_and_resend.py').read())" < /dev/null

Runs send_score again (eagerly, in this process) for every passback row and prints what it
answered and the rows after; then reads each context's roster from Moodle (NRPS) the way
Settings → LTI tool configuration → Roster does, and prints it."""

from lti import platform_client, selectors
from lti.models import LtiContext, ScorePassback
from lti.tasks import send_score

for row in ScorePassback.objects.all():
    result = send_score.apply(args=[row.pk]).get()
    row.refresh_from_db()
    print(f"send_score({row.pk}) again -> {result}; status={row.status} attempts={row.attempts}")

for context in LtiContext.objects.select_related("registration"):
    members = platform_client.memberships(context.registration, url=context.memberships_url)
    print("context", context.context_id, context.title, "members:", len(members))
    for row in selectors.roster(context=context, members=members):
        print("  ", row)
