import django.dispatch

# Sent once per run of a learner through a course, after the transaction that completed it
# commits. Arguments: learner_id, course_key (UUID), completed_at, run (the run's number).
course_completed = django.dispatch.Signal()

# Sent inside the transaction that starts a learner's new run (a retake or a renewal).
# Arguments: learner_id, course_key, run. Quizzes close what the earlier run left in progress.
run_started = django.dispatch.Signal()
