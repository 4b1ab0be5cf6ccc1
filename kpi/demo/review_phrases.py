"""The demo's online review phrases (made up, name-free but for a few titled names and a phone
number that the masking must hide), by how the review reads, and the sources and their mix."""

from __future__ import annotations

REVIEW_SOURCES = ("google", "nhs_website", "yelp")
REVIEW_SOURCE_SHARES = (0.6, 0.25, 0.15)

POSITIVE_REVIEWS = (
    "Wonderful staff, kind and patient from the moment we arrived.",
    "The nurses explained everything and kept us informed all day.",
    "Seen quickly, treated with respect, home the same afternoon.",
    "Dr Patel listened carefully and took time to answer every question.",
    "Spotless ward and the food was better than expected.",
    "Excellent care for my mother - thank you to the whole team.",
    "Friendly reception, short wait, clear advice for afterwards.",
    "The midwives were brilliant \N{HEAVY BLACK HEART}",
)
MIXED_REVIEWS = (
    "Good treatment, but the wait to be seen was far too long.",
    "Lovely nurses, though the discharge paperwork was confusing.",
    "Care was fine; getting through on the phone took ages.",
    "Clean and modern, but nobody told us what was happening.",
)
NEGATIVE_REVIEWS = (
    "Waited five hours with no updates at all.",
    "Rude receptionist and nobody apologised for the delay.",
    "My appointment was cancelled twice without explanation.",
    "Staff seemed rushed and the call bell was ignored at night.",
    "The ward was dirty and noisy, impossible to sleep.",
    "Nobody returned my calls, ring 0161 496 0000 and it just rings out.",
    "Sent home without my medication or any instructions.",
)
# The story's parking change: what North Campus reviewers say once it has happened.
PARKING_REVIEWS = (
    "Parking is a nightmare since the new barriers, missed my appointment.",
    "Nowhere to park any more and the new charges are ridiculous.",
    "Drove round the car park for forty minutes, awful since the change.",
    "The parking changes have made visiting my dad so stressful.",
)
