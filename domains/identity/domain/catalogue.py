"""The roles and named permissions the platform starts with.

They are data: the first data migration stores them and admins change which
permissions a role carries in the admin. This module is the seed and the one place
that says what each role was meant to allow.

Every active member is a ``learner``: it is the baseline role, held without a grant,
so a member's permissions never depend on a grant that a registration forgot.
"""

BASELINE_ROLE = "learner"
ADMIN_ROLE = "admin"

PERMISSIONS: dict[str, str] = {
    "account.manage_own": "See and edit one's own account and profile, change password, leave.",
    "api_key.manage_own": "Create, list and revoke one's own API keys.",
    "rating.give": "Rate another member.",
    "rating.read": "Read the ratings that count for a member.",
    "statement.write": "Record learning statements.",
    "proposal.create": "Put a proposal to the community.",
    "proposal.vote": "Vote on a proposal.",
    "booking.create": "Book a learning space.",
    "credential.issue": "Issue competencies and credentials to learners.",
    "space.manage_own": "List and run one's own learning spaces.",
    "content.moderate": "Hide content and handle reports.",
    "user.read": "Read any member's account.",
    "user.manage": "Deactivate and reactivate any member's account.",
    "role.grant": "Grant and revoke roles.",
    "service_client.manage": "Register service clients and rotate their secrets.",
}

ROLES: dict[str, tuple[str, ...]] = {
    "learner": (
        "account.manage_own", "api_key.manage_own", "rating.give", "rating.read",
        "statement.write", "proposal.create", "proposal.vote", "booking.create",
    ),
    "mentor": ("credential.issue",),
    "space_owner": ("space.manage_own",),
    "moderator": ("content.moderate", "user.read"),
    "admin": tuple(PERMISSIONS),
}  # fmt: skip
