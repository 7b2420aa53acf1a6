import pytest

from courses.signals import course_completed


@pytest.fixture
def completions():
    """The `course_completed` signals sent during the test, as their keyword arguments."""
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    course_completed.connect(receiver)
    yield received
    course_completed.disconnect(receiver)
