"""Settings of the governance part (every value from the environment, via config.env.read)."""

from config.env import read

#: Ed25519 private key of the decision register, as 64 hex digits (its 32-byte seed).
#: Empty: derived from SECRET_KEY (fine for development; set it in production and
#: publish its public key where monitors can pin it).
GOVERNANCE_REGISTER_KEY_SEED = read("GOVERNANCE_REGISTER_KEY_SEED", "str", "")
#: Members need at least this reputation (from reputation.changed) to vote; 0: anyone.
GOVERNANCE_VOTE_MIN_REPUTATION = read("GOVERNANCE_VOTE_MIN_REPUTATION", "float", 0.0)
#: Members holding one of these roles (from identity.role_granted) vote whatever their
#: reputation.
GOVERNANCE_VOTE_BYPASS_ROLES = read("GOVERNANCE_VOTE_BYPASS_ROLES", "list", ["moderator", "admin"])
#: The floor under every proposal created here (imported ones keep what their system
#: decided): fewest voters for a result, shortest discussion before the vote opens,
#: shortest vote. A proposal asking for less is refused (400 naming the field).
GOVERNANCE_MIN_QUORUM = read("GOVERNANCE_MIN_QUORUM", "int", 3)
GOVERNANCE_MIN_DISCUSSION_SECONDS = read("GOVERNANCE_MIN_DISCUSSION_SECONDS", "int", 86_400)
GOVERNANCE_MIN_VOTING_SECONDS = read("GOVERNANCE_MIN_VOTING_SECONDS", "int", 2 * 86_400)
