"""Schemathesis hooks for Casework's API (loaded by scripts/lib/schemathesis.sh).

`POST /api/v1/inbound/email` takes a raw RFC 5322 message (`message/rfc822`), which
Schemathesis cannot make from a JSON schema: this teaches it to write real messages, with
generated subjects, bodies and Message-IDs.
"""
import schemathesis
from hypothesis import strategies as st

printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


def _message(subject, body, number):
    return (
        f"From: Tester {number} <tester{number}@example.com>\r\n"
        "To: support@casework.test\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <schemathesis-{number}@example.com>\r\n"
        "Date: Sat, 21 Nov 2026 09:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode("utf-8")


schemathesis.openapi.media_type(
    "message/rfc822", st.builds(_message, printable, st.text(max_size=400), st.integers(0, 10**15)))


def _nhs_number(digits):
    """Nine digits and their Modulus 11 check digit, skipping the nine that have none."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else digits + str(check)


# The formats the API names that JSON Schema cannot spell out.
schemathesis.openapi.format(
    "nhs-number",
    st.text(alphabet="0123456789", min_size=9, max_size=9).map(_nhs_number).filter(lambda n: n is not None))


def _cursor(seconds, uuid):
    import base64
    text = f"{seconds}_{str(uuid).upper()}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


schemathesis.openapi.format(
    "case-cursor", st.builds(_cursor, st.floats(min_value=0, max_value=2e9, allow_nan=False), st.uuids()))
