"""IRIs as xAPI uses them: activity ids, verbs and types must be absolute IRIs."""

import re

# RFC 3987: an absolute IRI starts with a scheme, then ':'; it has no white space.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def is_absolute_iri(value: str) -> bool:
    return bool(_SCHEME.match(value)) and not any(ch.isspace() for ch in value)
