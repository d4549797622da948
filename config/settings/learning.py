"""Settings of the learning part: the xAPI Learning Record Store (docs/xapi.md).

Every value comes from the environment (``.env.example``, section "Learning / xAPI").
"""

from config.env import read
from config.settings.core import SECRET_KEY

#: Keys the HMAC-SHA-256 digests of LRS client secrets; falls back to SECRET_KEY.
LRS_CLIENT_SECRET_KEY = read("LRS_CLIENT_SECRET_KEY", "str", "") or SECRET_KEY
#: homePage of the account in the ``authority`` the LRS sets (clients and members).
LRS_AUTHORITY_HOMEPAGE = read(
    "LRS_AUTHORITY_HOMEPAGE", "str", "https://learning-community.example/xapi"
)
#: Most statements one page of a statement query returns (``limit=0`` means this).
LRS_STATEMENT_PAGE_MAX = read("LRS_STATEMENT_PAGE_MAX", "int", 100)
#: Most statements one POST may carry.
LRS_BATCH_MAX = read("LRS_BATCH_MAX", "int", 1000)
#: Statement writes time out after this many seconds, so every statement stored that
#: long ago is committed (or gone): X-Experience-API-Consistent-Through = now - this.
LRS_WRITE_TIMEOUT_SECONDS = read("LRS_WRITE_TIMEOUT_SECONDS", "float", 5.0)
#: Per caller and xAPI endpoint (the platform's rate limiter).
LRS_RATE_LIMIT = read("LRS_RATE_LIMIT", "str", "6000/m")
#: Browser content may call the LRS from these origins ("*" for any: xAPI credentials
#: travel in the Authorization header, never in cookies).
LRS_CORS_ALLOWED_ORIGINS = read("LRS_CORS_ALLOWED_ORIGINS", "list", ["*"])
#: Largest request body (statements with attachments, documents), bytes.
LRS_MAX_BODY_BYTES = read("LRS_MAX_BODY_BYTES", "int", 20 * 1024 * 1024)
#: Longest IRI, mbox or account part in a statement or document request (400 above).
LRS_MAX_IRI_LENGTH = read("LRS_MAX_IRI_LENGTH", "int", 1000)
#: A verified LRS client credential is trusted this long without a database read
#: (a revocation reaches other processes at most this late).
LRS_CLIENT_CACHE_SECONDS = read("LRS_CLIENT_CACHE_SECONDS", "float", 30.0)
