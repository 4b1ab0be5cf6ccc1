"""Personal details in free text replaced by placeholders before a comment is shown or exported."""

from __future__ import annotations

import re

MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
TITLES = (r"(?i:dr|doctor|mr|mrs|ms|miss|mx|prof|professor|nurse|sister|matron|midwife|"
          r"consultant|surgeon|sr)")  # any case; the name after it must be capitalised
NAME = r"(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*"

# Applied in this order: each later pattern sees the placeholders of the earlier ones.
MASKS: tuple[tuple[re.Pattern, str], ...] = (
    # Starts only where an address can start, so a long run of letters is read once, not per letter.
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?,?\s+(?:19|20)\d\d\b"
                rf"|\b{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
                r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
                r"|\b(?:19|20)\d\d-\d\d-\d\d\b", re.IGNORECASE), "[date]"),
    (re.compile(r"(?<![\d+])\b[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}\b(?![\d])"), "[nhs number]"),
    (re.compile(r"\b(?:MRN|hospital\s+(?:no|number)|record\s+(?:no|number)|patient\s+(?:no|number|id)|"
                r"case\s+(?:no|number)|ref(?:erence)?(?:\s+(?:no|number))?)\.?\s*[:#]?\s*[A-Z]{0,3}\d[\d -]{3,}\d\b"
                r"|\b[A-Z]{1,3}\d{6,9}\b", re.IGNORECASE), "[record number]"),
    (re.compile(r"(?:\+\d{1,3}[\s.-]?|\b0)(?:\(?\d{1,5}\)?[\s.-]?){2,5}\d{2,4}\b"
                r"|\(0\d{2,4}\)\s?\d{3,4}\s?\d{3,4}\b"), "[phone]"),
    (re.compile(rf"\b({TITLES})\.?\s+(?:[A-Z]\.\s*)*{NAME}(?:\s+{NAME})?\b"), r"\1 [name]"),
)


def mask_personal_details(text: str) -> str:
    """The text with emails, dates, NHS, record and phone numbers and titled names replaced."""
    for pattern, placeholder in MASKS:
        text = pattern.sub(placeholder, text)
    return text
