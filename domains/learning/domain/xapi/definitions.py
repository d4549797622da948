"""Merging what statements say about one activity into the LRS's definition of it.

xAPI-Data §2.4.4.1 lets the LRS update its definition of an activity when a statement
brings a different one, and the Activities resource (Communication §2.5) returns
everything the LRS knows about the activity: a ``fr-FR`` name that arrives after an
``en-US`` one is added to the ``name`` language map, not dropped. Language maps
(``name``, ``description``, interaction components' ``description``) and
``extensions`` are merged key by key, the later statement winning on a clash; any
other property takes the later statement's value (what the ADL reference LRS does).
"""

from __future__ import annotations

from typing import Any

_LANGUAGE_MAPS = ("name", "description")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def _components(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The later list of components, each keeping descriptions the earlier one gave."""
    earlier = {c.get("id"): c for c in old if isinstance(c, dict)}
    merged = []
    for component in new:
        before = earlier.get(component.get("id"), {})
        if "description" in before or "description" in component:
            component = {
                **component,
                "description": {
                    **before.get("description", {}),
                    **component.get("description", {}),
                },
            }
        merged.append(component)
    return merged


def definition_merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old`` updated with ``new`` (both validated activity definitions)."""
    merged = dict(old)
    for key, value in new.items():
        if key in _LANGUAGE_MAPS or key == "extensions":
            merged[key] = {**old.get(key, {}), **value}
        elif key in _COMPONENT_LISTS:
            merged[key] = _components(old.get(key, []), value)
        else:
            merged[key] = value
    return merged
