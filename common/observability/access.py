"""Who may read ``/metrics``: the scraper holding ``METRICS_TOKEN``.

One rule for the web processes (``common/observability/views.py``) and the workers'
small server (``worker_server.py``): ``Authorization: Bearer <METRICS_TOKEN>``, compared
in constant time. Outside DEBUG the token is required at start-up
(``config/settings/security.py``); only a DEBUG run without one leaves the metrics open.
"""

import hmac

from django.conf import settings


def scraper_allowed(authorization: str | None) -> bool:
    expected = settings.METRICS_TOKEN
    if not expected:
        return bool(settings.DEBUG)
    given = authorization or ""
    return given[:7].lower() == "bearer " and hmac.compare_digest(
        given[7:].encode(), expected.encode()
    )
