"""The gateway's ops REST API, under ``/ops/gateway/`` (outside the public ``/api/v1``
schema, which holds only the domains' endpoints), for members with the admin role."""
