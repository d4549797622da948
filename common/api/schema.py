"""OpenAPI post-processing: every operation documents the problem responses it can give.

DRF can answer any operation with 401/403 (authentication, permissions), 429 (rate
limits) and 400/404; writing them on every view would be noise, and leaving them out
makes clients (and schema-driven fuzzing) treat them as surprises.
"""

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}

_PROBLEMS = {
    "400": "Invalid fields or malformed body (problem+json, errors name each field).",
    "401": "No or invalid credentials; see WWW-Authenticate.",
    "403": "Signed in, but without the permission this needs.",
    "404": "No such resource.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflicts with the current state.",
    "415": "Unsupported media type.",
    "429": "Rate limited or locked out; see Retry-After.",
}


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in _PROBLEMS.items():
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", {})["application/problem+json"] = {"schema": ref}
    return result


def add_summaries(result, generator, request, public):
    """Every operation gets a summary (Swagger UI's one-line title): the first line of
    its description (the view's docstring) when it has one, else its operation id in
    words, without the domain prefix its path already shows (``reputation_member_
    explanation_list`` → "Member explanation list"). A view's own ``summary`` wins."""
    for path, operations in result.get("paths", {}).items():
        domain = path.removeprefix("/api/v1/").split("/", 1)[0]
        for operation in operations.values():
            if not isinstance(operation, dict) or operation.get("summary"):
                continue
            description = (operation.get("description") or "").strip()
            if description:
                operation["summary"] = description.splitlines()[0].rstrip(".:")[:120]
                continue
            words = operation.get("operationId", "").removeprefix(f"{domain}_").split("_")
            operation["summary"] = " ".join(words).capitalize() or f"{domain} operation"
    return result
