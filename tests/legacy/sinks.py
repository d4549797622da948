"""A spaces sink as the marketplace would provide it (LEGACY_SYNC_SINKS points here in
tests): upserts legacy spaces, already in the new API's shape, by their stable ids."""

from domains.marketplace.models import Space

FIELDS = ("owner_id", "name", "description", "is_online", "location", "capacity", "status")


class SpaceSink:
    def upsert(self, records: list[dict]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        existing = {str(s.id): s for s in Space.objects.filter(pk__in=[r["id"] for r in records])}
        for record in records:
            values = {name: record[name] for name in FIELDS}
            space = existing.get(record["id"])
            if space is None:
                Space.objects.create(
                    id=record["id"], accessibility=record["accessibility"], **values
                )
                counts["created"] += 1
            elif any(str(getattr(space, k)) != str(v) for k, v in values.items()):
                Space.objects.filter(pk=space.pk).update(**values)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return counts

    def get_many(self, ids: list[str]) -> dict[str, dict]:
        spaces = Space.objects.filter(pk__in=ids)
        return {str(s.id): self._record(s) for s in spaces}

    @staticmethod
    def _record(space: Space) -> dict:
        values = {k: getattr(space, k) for k in FIELDS}
        return {**values, "id": str(space.id), "owner_id": str(space.owner_id),
                "accessibility": space.accessibility}  # fmt: skip
