"""Public links outside the versioned API: ``/p/<id>`` and what verifying needs.

- ``/p/<id>``: the credential, as a page for people or as JSON (``Accept:
  application/json`` or ``?format=json``); revoked and expired ones say so.
- ``/p/<id>/bundle``: the credential with a signed status list snapshot and the
  issuer's key document, for verification with no further call to the platform.
- ``/p/status/revocation``: the Bitstring Status List credential.
- ``/p/issuer``: the issuer's public key (Multikey).
- ``/p/s/<id>``: a passport share link, showing only the sections its owner chose.
"""

from django.urls import path

from domains.passport import public_views as views

urlpatterns = [
    path("p/issuer", views.issuer_view, name="passport-issuer"),
    path("p/status/revocation", views.status_list_view, name="passport-status-list"),
    path("p/s/<uuid:share_id>", views.share_view, name="passport-share"),
    path("p/<uuid:credential_id>", views.credential_view, name="passport-credential"),
    path("p/<uuid:credential_id>/bundle", views.bundle_view, name="passport-bundle"),
]
