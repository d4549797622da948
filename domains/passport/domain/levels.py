"""Proficiency levels a competency can be held at, in increasing order."""

from enum import IntEnum


class Level(IntEnum):
    AWARE = 1
    PRACTISING = 2
    PROFICIENT = 3
    EXPERT = 4

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        return [(level.value, level.name.title()) for level in cls]
