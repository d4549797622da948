"""Account rules: how an e-mail address identifies exactly one member, and the
language tags a member's locale and languages are written in."""

#: A BCP 47 language tag as accounts take it: a 2-3 letter language, then subtags.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def normalize_email(email: str) -> str:
    """Addresses are case-insensitive on this platform: one member per mailbox.

    RFC 5321 lets the local part be case-sensitive, but no mainstream provider treats
    ``Ana@x`` and ``ana@x`` as different people, and allowing both invites account
    confusion. Surrounding white space is never part of an address.
    """
    return email.strip().lower()
