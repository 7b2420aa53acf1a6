import django.dispatch

# Sent once per run of a learner through a course, after the transaction that completed it
# commits. Arguments: learner_id, course_key (UUID), completed_at, run (the run's number).
course_completed = django.dispatch.Signal()

# Sent inside the transaction that starts a learner's new run (a retake or a renewal).
# Arguments: learner_id, course_key, run. Quizzes close what the earlier run left in progress.
run_started = django.dispatch.Signal()

# Sent inside the transaction that starts a course's re-certification campaign (a new campaign
# closes the one before). Argument: campaign (courses.RecertificationCampaign). Certificates
# marks the certificates current at that moment and queues the announcement after commit.
recertification_started = django.dispatch.Signal()

# Sent inside the transaction that closes a campaign without a new one. Argument: campaign.
# Certificates stops asking for the renewals not yet done.
recertification_closed = django.dispatch.Signal()

# Sent inside the transaction that records a completed step (idempotent: sent again when a
# step already done is recorded again). Arguments: learner_id, course_key, step (the page),
# run. Learning records (xAPI) listen; nothing in courses depends on a receiver.
step_completed = django.dispatch.Signal()

# Sent inside the transaction when a visit to a step is written (not for a reload within
# courses.services.VISIT_REFRESH). Arguments: learner_id, course_key, step (the page),
# visited_at.
step_visited = django.dispatch.Signal()
