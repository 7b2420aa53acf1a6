import django.dispatch

# Sent inside the transaction that grades an attempt, after its ItemResponse rows are written
# (quizzes.services.attempt_submit), once per attempt. Arguments: attempt (graded), quiz (the
# page it was submitted on). Learning records (xAPI) listen; quizzes depend on no receiver.
attempt_submitted = django.dispatch.Signal()
