"""The platform's infrastructure: what every app relies on and no domain rule lives in."""
