"""Waiting for something another process does (a Celery worker sends an e-mail, renders a PDF)."""

import time


def wait_for(condition, timeout: float = 60.0) -> bool:
    """True as soon as `condition()` is; False once `timeout` seconds have passed without it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
