"""REST conventions shared by every domain: errors, pagination, schema."""

from config.env import read
from config.settings.core import SERVES_ADMIN, SERVICE

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.parsers.LimitedJSONParser"],
    # Bearer tokens first: DRF answers 401 + WWW-Authenticate from the first class.
    # API keys and sessions exist only where the users live; elsewhere requests carry
    # tokens, verified locally.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.auth.authentication.BearerTokenAuthentication",
        *(
            [
                "domains.identity.authentication.ApiKeyAuthentication",
                "rest_framework.authentication.SessionAuthentication",
            ]
            if SERVES_ADMIN
            else []
        ),
    ],
    # Closed by default: an endpoint that is public says so (common.auth.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["common.auth.ratelimit.RateLimit"],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "common.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser" if SERVES_ADMIN else None,
}

#: Limits of every public JSON parser (common/api/json_limits.py): nesting depth, and
#: the largest API body (413 above). The LRS has its own body limit (LRS_MAX_BODY_BYTES).
JSON_MAX_DEPTH = read("JSON_MAX_DEPTH", "int", 64)
API_MAX_BODY_BYTES = read("API_MAX_BODY_BYTES", "int", 1024 * 1024)

SPECTACULAR_SETTINGS = {
    "TITLE": "Learning community platform API",
    "DESCRIPTION": (
        "Versioned REST API of the platform's domains. Errors are RFC 9457 "
        "problem details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.add_problem_responses",
        "common.api.schema.add_summaries",
    ],
    "SERVERS": [{"url": "/", "description": f"this process (SERVICE={SERVICE})"}],
}
