"""The ratings ledger of one member: every rating they received, as events.

Why one aggregate per rated member: the rules that protect a reputation (nobody rates
themselves, one rating per rater and context, a score on the scale) are about the
ratings that member received, so checking them against one ledger, written with
optimistic concurrency, keeps them true under concurrent writers without a lock.

``RatingGiven`` is stored for good, so its shape is versioned. Version 1 carried the
context as one string (``"booking:123"``); version 2 splits it into ``context_type``
and ``context_id``. Stored version 1 events are never rewritten: ``upcast_v1_v2`` reads
them as version 2.

A rater may edit a rating (``RatingEdited``) within ``EDIT_WINDOW`` of giving it. For
that the ledger keeps each rating's rater, time and score (``given``); snapshots taken
before this state existed (aggregate class version 1) are upcast with it empty, so
ratings recorded before then cannot be edited (their window closed long ago).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from common.refusals import Invalid
from domains.reputation.domain.ratings import EDIT_WINDOW, MAX_SCORE, MIN_SCORE

#: Ledger ids are derived from member ids, so a ledger is found without an index.
LEDGER_NAMESPACE = UUID("6f1f6bb0-5d1e-4f0e-9a53-0d7c2a6e1c11")
CONTEXT_TYPE_MAX_LENGTH = 40
CONTEXT_ID_MAX_LENGTH = 100


class RatingRefused(Invalid):
    """A rating the rules do not allow; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)


class DuplicateRating(RatingRefused):
    """The rater already rated this member in this context."""

    kind = "conflict"


class RatingNotFound(RatingRefused):
    """No rating with this id by this rater in the ledger."""

    kind = "not_found"


class EditWindowClosed(RatingRefused):
    """The rating is older than ``EDIT_WINDOW``."""

    kind = "conflict"


def _received_key(rater_id: UUID, context_type: str, context_id: str) -> str:
    # A JSON list is unambiguous whatever the strings contain, and is a valid
    # dictionary key in a snapshot's JSON.
    return json.dumps([str(rater_id), context_type, context_id])


def _check_score(score: int) -> None:
    if isinstance(score, bool) or not MIN_SCORE <= score <= MAX_SCORE:
        raise RatingRefused(
            f"The score must be between {MIN_SCORE} and {MAX_SCORE}.", field="score"
        )


class MemberLedger(Aggregate):
    """Ratings received by one member, in the order they were recorded."""

    #: Version 2 of the state adds ``given`` (see the module docstring).
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["given"] = {}

    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return uuid5(LEDGER_NAMESPACE, str(member_id))

    @event("Opened")
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        #: Rating id by (rater, context type, context id), see ``_received_key``.
        self.received: dict[str, UUID] = {}
        #: [rater id, given at (ISO 8601), score] by rating id, for edits.
        self.given: dict[str, list] = {}
        self.score_total = 0

    class RatingGiven(Aggregate.Event):
        """A member rated the ledger's member; version 2 names the context in two parts."""

        class_version = 2

        rating_id: UUID
        rater_id: UUID
        ratee_id: UUID
        context_type: str
        context_id: str
        score: int
        comment: str
        given_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            context_type, _, context_id = state.pop("context").partition(":")
            state["context_type"] = context_type
            state["context_id"] = context_id

    def give_rating(
        self,
        *,
        rater_id: UUID,
        context_type: str,
        context_id: str,
        score: int,
        comment: str,
        given_at: datetime,
        rating_id: UUID | None = None,
    ) -> None:
        """Record a rating of this member, or raise ``RatingRefused``. ``rating_id`` is
        given when the rating was copied from another system that named it."""
        if rater_id == self.member_id:
            raise RatingRefused("A member cannot rate themselves.", field="ratee_id")
        _check_score(score)
        if not 0 < len(context_type) <= CONTEXT_TYPE_MAX_LENGTH:
            raise RatingRefused(
                f"The context type needs 1 to {CONTEXT_TYPE_MAX_LENGTH} characters.",
                field="context_type",
            )
        if not 0 < len(context_id) <= CONTEXT_ID_MAX_LENGTH:
            raise RatingRefused(
                f"The context id needs 1 to {CONTEXT_ID_MAX_LENGTH} characters.",
                field="context_id",
            )
        if _received_key(rater_id, context_type, context_id) in self.received:
            raise DuplicateRating(
                f"This member already has your rating for {context_type} {context_id}.",
                field="context_id",
            )
        self._record_rating(
            rating_id=rating_id or uuid4(),
            rater_id=rater_id,
            ratee_id=self.member_id,
            context_type=context_type,
            context_id=context_id,
            score=score,
            comment=comment,
            given_at=given_at,
        )

    @event(RatingGiven)
    def _record_rating(
        self,
        rating_id: UUID,
        rater_id: UUID,
        ratee_id: UUID,
        context_type: str,
        context_id: str,
        score: int,
        comment: str,
        given_at: datetime,
    ) -> None:
        self.received[_received_key(rater_id, context_type, context_id)] = rating_id
        self.given[str(rating_id)] = [str(rater_id), given_at.isoformat(), score]
        self.score_total += score

    class RatingEdited(Aggregate.Event):
        """The rater changed a rating's score or comment within the edit window."""

        rating_id: UUID
        score: int
        comment: str
        edited_at: datetime

    def edit_rating(
        self, *, rating_id: UUID, rater_id: UUID, score: int, comment: str, edited_at: datetime
    ) -> None:
        """Change one's own rating within ``EDIT_WINDOW``, or raise ``RatingRefused``."""
        given = self.given.get(str(rating_id))
        if given is None or given[0] != str(rater_id):
            raise RatingNotFound("You gave no rating with this id.", field="rating_id")
        if edited_at > datetime.fromisoformat(given[1]) + EDIT_WINDOW:
            minutes = int(EDIT_WINDOW / timedelta(minutes=1))
            raise EditWindowClosed(
                f"A rating can be edited for {minutes} minutes after it was given.",
                field="rating_id",
            )
        _check_score(score)
        self._record_edit(rating_id=rating_id, score=score, comment=comment, edited_at=edited_at)

    @event(RatingEdited)
    def _record_edit(self, rating_id: UUID, score: int, comment: str, edited_at: datetime) -> None:
        entry = self.given[str(rating_id)]
        self.score_total += score - entry[2]
        entry[2] = score

    class RatingCorrected(Aggregate.Event):
        """The system of record a rating was copied from changed it (the legacy system
        during the transition): its score, comment and time are now the ones given."""

        rating_id: UUID
        score: int
        comment: str
        given_at: datetime

    def correct_rating(
        self, *, rating_id: UUID, score: int, comment: str, given_at: datetime
    ) -> None:
        """Take over a copied rating's new state (no edit window: the copy follows its
        source), or raise ``RatingRefused``."""
        if str(rating_id) not in self.given:
            raise RatingNotFound("No rating with this id in the ledger.", field="rating_id")
        _check_score(score)
        self._record_correction(
            rating_id=rating_id, score=score, comment=comment, given_at=given_at
        )

    @event(RatingCorrected)
    def _record_correction(
        self, rating_id: UUID, score: int, comment: str, given_at: datetime
    ) -> None:
        entry = self.given[str(rating_id)]
        self.score_total += score - entry[2]
        entry[1], entry[2] = given_at.isoformat(), score
