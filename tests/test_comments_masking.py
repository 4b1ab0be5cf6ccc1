"""Masking of personal details on hand-made cases (no real data): what is masked and what is not."""

import pytest

from kpi.comments.masking import mask_personal_details


@pytest.mark.parametrize("text, masked", [
    ("Ring me on 07700 900123 please", "Ring me on [phone] please"),
    ("Call 020 7946 0958 after five", "Call [phone] after five"),
    ("my number is 01632960983", "my number is [phone]"),
    ("tel (0121) 496 0000", "tel [phone]"),
    ("from abroad +44 7700 900123", "from abroad [phone]"),
    ("US line +1 (555) 123-4567.", "US line [phone]."),
    ("write to jo.bloggs+ward@example.co.uk today", "write to [email] today"),
    ("(a.b@nhs.net)", "([email])"),
    ("x" * 50_000 + " or a@b.org", "x" * 50_000 + " or [email]"),  # a pasted run, then an address
    ("NHS number 943 476 5919", "NHS number [nhs number]"),
    ("nhs no 9434765919.", "nhs no [nhs number]."),
    ("MRN: RX1234567", "[record number]"),
    ("hospital number K1234567 on the band", "[record number] on the band"),
    ("my ref is AB123456", "my ref is [record number]"),
    ("DOB 12/03/1956", "DOB [date]"),
    ("born 3rd March 1956", "born [date]"),
    ("date of birth: 1 Mar 1956", "date of birth: [date]"),
    ("seen on 2024-03-12", "seen on [date]"),
    ("seen by Dr Smith", "seen by Dr [name]"),
    ("nurse Jane was lovely", "nurse [name] was lovely"),
    ("Mr J. Smith and Sister Brown", "Mr [name] and Sister [name]"),
    ("Dr. Anne-Marie O'Neil helped", "Dr [name] helped"),
    ("Matron Patel came round", "Matron [name] came round"),
])
def test_personal_details_become_placeholders(text, masked):
    assert mask_personal_details(text) == masked


@pytest.mark.parametrize("text", [
    "Ward 12 at 10:30", "at 10.30 am", "the Dr was nice", "Dr alone", "A&E was busy",
    "Doctor was kind", "the nurse I saw", "waited 4 hours", "bed 3 in bay 4",
    "in 2019 I had surgery", "room 101", "Call 999", "on 12/03 I came back",
    "I am 45 with 2 children", "ext 4567", "[phone]",
])
def test_ordinary_text_is_left_alone(text):
    assert mask_personal_details(text) == text


def test_several_details_in_one_comment():
    text = "Dr Khan (07700 900123, k.khan@example.org) saw NHS 943 476 5919 on 01/02/2024"
    assert mask_personal_details(text) == (
        "Dr [name] ([phone], [email]) saw NHS [nhs number] on [date]")
