"""The migration dashboard in the admin: where the strangling stands.

Routes by mode, the share of traffic on new code per hour, shadow mismatch rates per
route with the latest diffs, the degradation and kill-all flags, and the legacy-usage
report: routes whose legacy side had no traffic for N days (``?days=``), and legacy
calls per endpoint and caller (gateway, ports, sync) over 1/7/30 days with the
"ready to delete" gate per capability (``gateway.legacy_elimination``).
"""

from __future__ import annotations

from django.template.response import TemplateResponse

from gateway import selectors, traffic
from gateway.legacy_elimination import readiness
from gateway.models import Route
from gateway.services import DEGRADATION_FLAGS
from legacy_adapter.capabilities import CAPABILITIES
from legacy_adapter.usage import usage_report


def dashboard_view(admin_site):
    def view(request):
        traffic.flush()  # this process's latest counts, so the page is current
        try:
            days = max(1, min(int(request.GET.get("days", 14)), 365))
        except ValueError:
            days = 14
        state = selectors.gateway_state()
        context = {
            **admin_site.each_context(request),
            "title": "Migration dashboard",
            "opts": Route._meta,
            "by_mode": selectors.routes_by_mode(),
            "shares": selectors.new_traffic_share(hours=48),
            "figures": selectors.route_figures(days=7),
            "mismatches": selectors.recent_mismatches(limit=5),
            "unused": selectors.legacy_unused(days=days),
            "days": days,
            "kill_all": state.kill_all,
            "degraded": [(name, bool(state.degraded.get(name))) for name in DEGRADATION_FLAGS],
            "legacy_calls": [
                {
                    "capability": r.capability,
                    "endpoint": r.endpoint,
                    "caller": r.caller,
                    "day1": r.calls[1],
                    "day7": r.calls[7],
                    "day30": r.calls[30],
                }
                for r in usage_report()
            ],
            "gates": [readiness(name) for name in CAPABILITIES],
        }
        return TemplateResponse(request, "admin/gateway/dashboard.html", context)

    return view
