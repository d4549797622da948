"""Learning's tables: the LRS's statements (JSON plus indexed columns for the xAPI
filters), the agent and activity links those filters use, activities, attachments,
documents and LRS clients."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from domains.learning.domain.iris import is_absolute_iri


def validate_iri(value: str) -> None:
    if not is_absolute_iri(value):
        raise ValidationError("%(value)s is not an absolute IRI.", params={"value": value})


class Activity(models.Model):
    """An xAPI activity: something a learner did, identified by an IRI."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    iri = models.CharField(max_length=2048, unique=True, validators=[validate_iri])
    #: xAPI language map, e.g. {"en-US": "Intro to Django"}.
    name = models.JSONField(default=dict, blank=True)
    activity_type = models.CharField(max_length=2048, blank=True, validators=[validate_iri])
    #: The full xAPI activity definition, as last recorded.
    definition = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return next(iter(self.name.values()), self.iri) if self.name else self.iri


class Statement(models.Model):
    """One stored xAPI statement. ``document`` is the statement exactly as the LRS
    returns it (``format=exact``); the other columns exist to filter and order."""

    id = models.UUIDField(primary_key=True)
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    actor_ifi = models.CharField(max_length=2048)
    verb_id = models.CharField(max_length=2048)
    object_type = models.CharField(max_length=16)
    #: Activity id, agent IFI or referenced statement id; "" for a sub-statement.
    object_id = models.CharField(max_length=2048)
    registration = models.UUIDField(null=True, blank=True)
    authority_ifi = models.CharField(max_length=2048)
    #: Set when a voiding statement targets this one; voided statements leave lists.
    voided = models.BooleanField(default=False)
    #: For a voiding statement: the id of the statement it voids.
    voids = models.UUIDField(null=True, blank=True)
    #: statement_fingerprint of the statement as sent: a repeated id must match it.
    fingerprint = models.CharField(max_length=64)
    document = models.JSONField()

    class Meta:
        ordering = ["-stored", "-id"]
        indexes = [
            models.Index(fields=["stored", "id"], name="lrs_stmt_stored"),
            models.Index(fields=["verb_id", "stored"], name="lrs_stmt_verb"),
            models.Index(fields=["registration", "stored"], name="lrs_stmt_registration"),
            models.Index(fields=["actor_ifi", "stored"], name="lrs_stmt_actor"),
            models.Index(fields=["authority_ifi", "stored"], name="lrs_stmt_authority"),
            models.Index(fields=["voids"], name="lrs_stmt_voids"),
            # The few statements whose object is another statement: filters follow them.
            models.Index(
                fields=["stored", "id"],
                name="lrs_stmt_refs",
                condition=models.Q(object_type="StatementRef"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_ifi} {self.verb_id.rsplit('/', 1)[-1]} {self.object_id}"


class StatementLink(models.Model):
    """An agent or activity a statement mentions, for the ``agent``/``activity``
    filters (``direct``) and their ``related_*`` forms (every link)."""

    AGENT = "g"
    ACTIVITY = "a"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links")
    stored = models.DateTimeField()
    kind = models.CharField(max_length=1, choices=[(AGENT, "agent"), (ACTIVITY, "activity")])
    value = models.CharField(max_length=2048)
    direct = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "stored"], name="lrs_link_value")]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.get_kind_display()} {self.value}"


class Attachment(models.Model):
    """A statement attachment's raw content, stored once per SHA-2 hash."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sha2[:16]}… ({self.content_type})"


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document (xAPI-Communication §2.3-2.6)."""

    STATE = "state"
    ACTIVITY_PROFILE = "activity_profile"
    AGENT_PROFILE = "agent_profile"

    kind = models.CharField(max_length=16)
    activity_id = models.CharField(max_length=2048, blank=True)
    agent_ifi = models.CharField(max_length=2048, blank=True)
    #: "" when the State document has no registration: unique keys need a value.
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=2048)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()
    #: The authority IFI that created it: a client without ``read_all`` reaches only
    #: documents it wrote ("" for documents from before it was recorded).
    writer_ifi = models.CharField(max_length=2048, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_id", "agent_ifi", "registration", "document_id"],
                name="lrs_document_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "activity_id", "agent_ifi", "registration", "updated"],
                name="lrs_document_since",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class LrsClient(models.Model):
    """Credentials a learning tool uses for HTTP Basic against the LRS.

    The secret is a long random token, so an HMAC-SHA-256 digest keyed with
    ``LRS_CLIENT_SECRET_KEY`` is as safe as a password hash and costs microseconds
    (docs/xapi.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=64, unique=True)
    secret_digest = models.CharField(max_length=64)
    #: May read every statement; otherwise only those this client wrote.
    read_all = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LRS client"

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"
