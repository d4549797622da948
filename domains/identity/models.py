"""Identity's tables: members (``AUTH_USER_MODEL``) with their profiles, roles and
permissions as data, signing keys, refresh-token families, service clients, API keys.

Secrets never sit here in the clear: refresh tokens, client secrets and API keys are
stored as SHA-256 digests (they are 256-bit random values, so a slow hash adds nothing),
passwords as Argon2, and signing keys' private halves encrypted (``domains.identity.keys``).
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from domains.identity.domain.accounts import normalize_email
from domains.identity.domain.catalogue import ADMIN_ROLE, BASELINE_ROLE


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public"
    MEMBERS = "members"
    PRIVATE = "private"


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the platform, known to other domains only by ``id``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    #: BCP 47 tags, most preferred first.
    languages = models.JSONField(default=list, blank=True)
    avatar_url = models.CharField(
        max_length=500, blank=True, validators=[URLValidator(schemes=["https"])]
    )
    visibility = models.CharField(
        max_length=10, choices=ProfileVisibility.choices, default=ProfileVisibility.MEMBERS
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["date_joined"]

    def roles_held(self) -> frozenset[str]:
        """The baseline role, the granted ones, and admin for a superuser (read now)."""
        granted = self.role_assignments.values_list("role_id", flat=True)
        roles = {BASELINE_ROLE, *granted}
        if self.is_superuser:
            roles.add(ADMIN_ROLE)
        return frozenset(roles)

    @cached_property
    def roles(self) -> frozenset[str]:
        """What a session member's token would say (``common.auth.permissions``)."""
        return self.roles_held()

    @cached_property
    def scopes(self) -> frozenset[str]:
        return Role.permissions_of(self.roles)

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def __str__(self) -> str:
        return self.display_name or self.email


class Permission(models.Model):
    """A named permission an endpoint can require (``profile.edit_own``, ``role.grant``)."""

    name = models.CharField(max_length=60, primary_key=True)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A named bundle of permissions; which permissions is data, edited in the admin."""

    name = models.CharField(max_length=30, primary_key=True)
    description = models.CharField(max_length=200, blank=True)
    permissions = models.ManyToManyField(Permission, related_name="roles", blank=True)

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def permissions_of(roles: frozenset[str]) -> frozenset[str]:
        """Every permission the given roles grant, together."""
        names = Role.permissions.through.objects.filter(role_id__in=roles).values_list(
            "permission_id", flat=True
        )
        return frozenset(names)


class RoleAssignment(models.Model):
    """A role a member holds now (the audit trail of changes is event-sourced)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    granted_at = models.DateTimeField()
    granted_by = models.UUIDField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_role_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role_id}"


class SigningKey(models.Model):
    """An Ed25519 key pair. Published from ``created_at``, it signs from ``signs_from``
    until a newer key takes over, then verifies until ``verify_until`` (tokens it
    signed have expired by then)."""

    kid = models.CharField(max_length=40, primary_key=True)
    algorithm = models.CharField(max_length=10, default="EdDSA")
    public_jwk = models.JSONField()
    private_key_encrypted = models.BinaryField()
    created_at = models.DateTimeField()
    signs_from = models.DateTimeField()
    #: Set when a newer key took over signing; the key still verifies until ``verify_until``.
    superseded_at = models.DateTimeField(null=True, blank=True)
    verify_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class RefreshFamily(models.Model):
    """All refresh tokens descended from one login (one device); revoked as a whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_families")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"sign-in {self.id}"


class RefreshToken(models.Model):
    """One refresh token of a family; usable once (``used_at``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(RefreshFamily, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"refresh token {self.id}"


class ServiceClient(models.Model):
    """A platform service that obtains tokens by client credentials."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=60, unique=True)
    #: Services it may obtain tokens for (``aud``), e.g. ``["learning"]``.
    audiences = models.JSONField(default=list)
    scopes = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ServiceClientSecret(models.Model):
    """A client secret's digest; at most two are valid (current and the one before)."""

    client = models.ForeignKey(ServiceClient, on_delete=models.CASCADE, related_name="secrets")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    #: None while current; set when a newer secret replaced it (overlap for rollout).
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"secret of {self.client_id} from {self.created_at:%Y-%m-%d}"


class ApiKey(models.Model):
    """A member's key for a public API client; only its prefix and digest are kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"
