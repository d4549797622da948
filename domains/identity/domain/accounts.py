"""Account rules: how an e-mail address identifies exactly one member."""


def normalize_email(email: str) -> str:
    """Addresses are case-insensitive on this platform: one member per mailbox.

    RFC 5321 lets the local part be case-sensitive, but no mainstream provider treats
    ``Ana@x`` and ``ana@x`` as different people, and allowing both invites account
    confusion. Surrounding white space is never part of an address.
    """
    return email.strip().lower()
