"""Every contract against its published snapshots, and each compatibility rule on its own."""

import json
import re
from pathlib import Path

import pytest

from contracts.compatibility import breaking_changes
from contracts.identity import v2 as identity_v2
from contracts.registry import load_all
from contracts.schema import json_schema
from contracts.snapshot import SCHEMAS_DIR, snapshot_path

REGISTRY = load_all()
SNAPSHOTS = sorted(SCHEMAS_DIR.glob("*.json"))


def published(path: Path) -> tuple[str, int, dict]:
    match = re.fullmatch(r"(?P<type>.+)\.v(?P<version>[0-9]+)\.json", path.name)
    assert match, f"{path.name} is not named <type>.v<N>.json"
    return match["type"], int(match["version"]), json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("cls", REGISTRY.all(), ids=lambda cls: f"{cls.TYPE}.v{cls.VERSION}")
def test_every_registered_contract_has_a_committed_snapshot(cls):
    assert snapshot_path(cls).is_file(), (
        f"{cls.TYPE} v{cls.VERSION} has no snapshot: run `python -m contracts.snapshot` "
        "and commit contracts/schemas/"
    )


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda path: path.name)
def test_no_breaking_change_against_a_published_snapshot(path):
    """The published version itself and every later version of its type stay compatible."""
    event_type, version, schema = published(path)
    # A published version is never withdrawn (get raises), nor skipped by a later one.
    for later in range(version, REGISTRY.latest(event_type).VERSION + 1):
        current = json_schema(REGISTRY.get(event_type, later))
        assert breaking_changes(schema, current) == [], f"{event_type} v{later}"


def test_member_registered_v2_holds_against_v1_and_v2():
    current = json_schema(identity_v2.MemberRegistered)
    for version in (1, 2):
        _, _, schema = published(SCHEMAS_DIR / f"identity.member_registered.v{version}.json")
        assert breaking_changes(schema, current) == []
    _, _, v1 = published(SCHEMAS_DIR / "identity.member_registered.v1.json")
    assert set(current["properties"]) - set(v1["properties"]) == {"locale"}


def schema(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
BASE = schema({"id": UUID, "name": TEXT, "note": TEXT}, ["id", "name"])


def test_the_same_schema_is_compatible():
    assert breaking_changes(BASE, BASE) == []


def test_adding_an_optional_field_passes():
    current = schema({**BASE["properties"], "locale": {"type": ["string", "null"]}}, ["id", "name"])
    assert breaking_changes(BASE, current) == []


def test_annotations_such_as_default_or_title_do_not_matter():
    note = {"type": "string", "default": "", "title": "A note"}
    assert (
        breaking_changes(BASE, schema({**BASE["properties"], "note": note}, ["id", "name"])) == []
    )


def test_removing_a_field_fails():
    current = schema({"id": UUID, "note": TEXT}, ["id"])
    assert breaking_changes(BASE, current) == ["field 'name' was removed"]


@pytest.mark.parametrize(
    ("retyped", "described"),
    [
        ({"type": "integer"}, "from string (uuid) to integer"),
        ({"type": "string"}, "from string (uuid) to string"),  # format dropped
        ({"type": ["string", "null"], "format": "uuid"}, "to string (uuid) or null"),
        ({"type": "array", "items": UUID}, "to array of string (uuid)"),
    ],
)
def test_retyping_a_field_fails(retyped, described):
    current = schema({**BASE["properties"], "id": retyped}, ["id", "name"])
    [reason] = breaking_changes(BASE, current)
    assert reason.startswith("field 'id' changed type") and described in reason


def test_retyping_list_items_fails():
    published = schema({"tags": {"type": "array", "items": TEXT}}, [])
    current = schema({"tags": {"type": "array", "items": {"type": "integer"}}}, [])
    assert breaking_changes(published, current) == [
        "field 'tags' changed type from array of string to array of integer"
    ]


def test_adding_a_required_field_fails():
    current = schema({**BASE["properties"], "locale": TEXT}, ["id", "name", "locale"])
    assert breaking_changes(BASE, current) == [
        "new field 'locale' is required (a new field must be optional)"
    ]


def test_making_an_optional_field_required_fails():
    current = schema(BASE["properties"], ["id", "name", "note"])
    assert breaking_changes(BASE, current) == ["optional field 'note' was made required"]


def test_every_reason_is_reported():
    current = schema({"id": TEXT, "note": TEXT, "extra": TEXT}, ["id", "note", "extra"])
    assert len(breaking_changes(BASE, current)) == 4
