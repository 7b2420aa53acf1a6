"""What a learner may not write in a survey's free text: anything that could identify a child,
a family or a case (DESIGN.md: no data about victims or cases is ever entered here).

The checks are deliberately broad: a refused comment costs the learner a rewrite, an accepted
phone number or name is personal data about a third person that should never have been stored.
Each rule returns the reason shown to the learner; `screen` returns them all (empty: accepted).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# Phone numbers: Romanian mobiles and landlines (07xx xxx xxx, 02xx/03xx, with +40 or 0040),
# and any run of 9 or more digits with the usual separators (spaces, dots, dashes, brackets).
_ROMANIAN_PHONE = re.compile(
    r"(?<!\d)(?:\+|00)?\s*(?:40[\s.\-/]*)?\(?0?[237]\d{2}\)?(?:[\s.\-/]*\d){6}(?!\d)"
)
_LONG_NUMBER = re.compile(r"(?<!\d)(?:\+\s*)?\d(?:[\s.\-/()]*\d){8,}(?!\d)")
# CNP: 13 digits starting 1–9 (the personal numeric code).
_CNP = re.compile(r"(?<!\d)[1-9]\d{12}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+", re.IGNORECASE)
# A name announced: "numele", "nume:", "pe nume", "se numește", "name is", "called"… followed by
# a word written with a capital letter.
_NAME = re.compile(
    r"(?i:\b(?:nume(?:le)?|prenume(?:le)?|numit[aă]?|se\s+nume[șşs]te|pe\s+nume|name[ds]?|called)\b)"
    # up to four words in between ("numele copilului este Ionel", "name of the boy is Tom")
    r"[\s:\-–—]*(?:[a-zăâîșțşţ]+\s+){0,4}[A-ZĂÂÎȘŞȚŢ][a-zăâîșțşţ]+",
)
# Street addresses: "str.", "strada", "bd.", "bulevardul", "calea", "nr. 12", "bl.", "ap.",
# "street", "no. 5".
_ADDRESS = re.compile(
    r"(?:\b(?:str|bd|bld|bl|ap|sc)\.\s*\w|\b(?:strada|bulevardul|aleea|calea|street|avenue)\s+\w"
    r"|\b(?:nr|no)\.?\s*\d)",
    re.IGNORECASE,
)

RULES = [
    (_ROMANIAN_PHONE, _("Do not write phone numbers.")),
    (_LONG_NUMBER, _("Do not write phone numbers or other long numbers.")),
    (_CNP, _("Do not write personal numeric codes (CNP).")),
    (_EMAIL, _("Do not write e-mail addresses.")),
    (_NAME, _("Do not write anyone's name.")),
    (_ADDRESS, _("Do not write addresses.")),
]


def screen(text: str) -> list[str]:
    """The reasons `text` cannot be stored (one per kind of problem), in the active language."""
    reasons: list[str] = []
    for pattern, reason in RULES:
        if pattern.search(text) and str(reason) not in reasons:
            reasons.append(str(reason))
    # A phone number or a CNP is a long number too: say it once, the precise way.
    long_number = str(RULES[1][1])
    if long_number in reasons and (str(RULES[0][1]) in reasons or str(RULES[2][1]) in reasons):
        reasons.remove(long_number)
    return reasons
