"""Snapshot the JSON Schema of every registered contract version: ``python -m contracts.snapshot``.

A snapshot, once committed, is the published form of that (type, version): the test
suite holds the current contracts against every snapshot. So this command writes only
the snapshots that are missing (a new type or version) and never rewrites one: a
published contract may only change compatibly (see ``contracts.compatibility``).
"""

import json
from pathlib import Path

from contracts.base import Event
from contracts.registry import Registry, load_all
from contracts.schema import json_schema

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


def snapshot_path(cls: type[Event], directory: Path = SCHEMAS_DIR) -> Path:
    return directory / f"{cls.TYPE}.v{cls.VERSION}.json"


def write_missing(registry: Registry, directory: Path = SCHEMAS_DIR) -> list[Path]:
    """Write the snapshot of each registered contract that has none; return the new files."""
    written = []
    for cls in registry.all():
        path = snapshot_path(cls, directory)
        try:
            with path.open("x", encoding="utf-8") as file:  # "x": never overwrite
                file.write(json.dumps(json_schema(cls), indent=2) + "\n")
        except FileExistsError:
            continue
        written.append(path)
    return written


def main() -> None:
    registry = load_all()
    written = write_missing(registry)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"all {len(registry.all())} contract versions already have a snapshot")


if __name__ == "__main__":
    main()
