import django.dispatch

# Sent once per learner and course, after the transaction that completed it commits.
# Arguments: learner_id, course_key (UUID), completed_at.
course_completed = django.dispatch.Signal()
