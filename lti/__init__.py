"""LTI 1.3 / LTI Advantage tool (issue 20): institutions running Moodle put our courses inside
theirs (launch, deep linking) and get completions and grades back (AGS), with their rosters
(NRPS).

Why this is written on jwcrypto instead of a library (evaluated 2026-12, issue 20 item 6):

- pylti1p3 2.0.0 is the library's last release (2022); its `ServiceConnector` posts to the
  platform's token and service endpoints without a timeout (a platform that hangs holds a
  Celery worker until the task's time limit), keeps registrations in a JSON file or a dict
  (a database registration needs our own `ToolConfAbstract`), and keeps launch data and
  nonces in Django's cache, which is allowed to forget (our nonces are rows, used once).
- django-lti 0.10.1 (on pylti1p3 >= 2.0) declares Django 5.2 and is maintained, and it does
  offer database registrations, deep linking, AGS and NRPS; but it brings its own registration,
  deployment, key, user, context and membership models (and the tool's private key stored in
  the database, where ours comes from the environment), its own launch middleware and
  URLs, all of which would need Wagtail viewsets, security-matrix rows and translations of
  their own, while inheriting pylti1p3's missing timeouts.
- What the tool needs is small: verify an RS256 JWT against a key set, sign two kinds of JWT
  (deep linking response, RFC 7523 client assertion), and three HTTP calls. jwcrypto (planned
  for the project anyway) does the cryptography; the rules are in `services.py` and read
  top to bottom.

Layout: `models.py` (registrations, login states, identities, line items, score passbacks,
contexts), `keys.py` (our key pair), `services.py` (launch validation, accounts, deep
linking, passback), `platform_client.py` (the HTTP calls to a platform, with timeouts),
`selectors.py`, thin `views.py`, `tasks.py`, `receivers.py`, `wagtail_hooks.py`.
"""
