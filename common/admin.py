"""Admin pieces every domain uses.

``ReadOnlyAdmin``: for tables that only the domain's own events or services write
(projections, ledgers, records): the admin shows them and never adds, changes or
deletes a row behind the domain's back.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
