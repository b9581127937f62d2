"""Patients' comments lose email addresses and phone numbers before they are stored (education.content)."""

import pytest

from education.content import REMOVED_CONTACT, scrub_contact_details

R = REMOVED_CONTACT


@pytest.mark.parametrize(
    ("comment", "stored"),
    [
        ("Call me on +33 6 12 34 56 78 please", f"Call me on {R} please"),
        ("My number is 020 7946 0000.", f"My number is {R}."),
        ("Ring (555) 123-4567 after 5", f"Ring {R} after 5"),
        ("Mobile 07700900123", f"Mobile {R}"),
        ("Tél. 06.12.34.56.78", f"Tél. {R}"),
        ("UK +44 (0)20 7946 0000 ok", f"UK {R} ok"),
        ("US 555-123-4567", f"US {R}"),
        ("Email name@example.org!", f"Email {R}!"),
        ("first.last+tag@mail.example.co.uk", R),
        ("write to name at example dot org", f"write to {R}"),
        ("jean [at] exemple [dot] fr", R),
        ("marie(at)exemple(point)fr", R),
        ("jean.dupont arobase orange point fr", R),
        ("Born 12/03/1950", f"Born {R}"),  # a date of birth is as identifying
        # What is not contact information stays as written.
        ("Fever of 38 C for 2-3 days, 1 in 10 people", None),
        ("I came at 3.30 and was at home. Then it got better.", None),
        ("Look at the spot. It is red.", None),
        ("Version 2 was clearer than 1", None),
        ("", None),
    ],
)
def test_contact_details_are_removed_and_ordinary_words_kept(comment, stored):
    assert scrub_contact_details(comment) == (comment if stored is None else stored)


def test_several_details_in_one_comment_all_go():
    text = "Me: ann@example.org or 01632 960 000, or ann at example dot com, or +1 (555) 010-9999."
    scrubbed = scrub_contact_details(text)
    assert scrubbed == f"Me: {R} or {R}, or {R}, or {R}."
    for digit_run in ("960", "555", "9999"):
        assert digit_run not in scrubbed
