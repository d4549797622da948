"""Serializer fields that refuse what DRF would coerce.

DRF turns ``0`` into ``"0"`` for a ``CharField`` and ``false`` into the nil UUID
(``UUID(int=0)``) for a ``UUIDField``: a client's type error becomes stored data.
These take JSON strings only, and say so (400 naming the field).
"""

from __future__ import annotations

from rest_framework import serializers


class _StringsOnly:
    default_error_messages = {"not_a_string": "Must be a JSON string, not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", kind=type(data).__name__)
        return super().to_internal_value(data)


class StrictCharField(_StringsOnly, serializers.CharField):
    pass


class StrictUUIDField(_StringsOnly, serializers.UUIDField):
    pass
