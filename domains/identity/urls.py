"""Identity's URLs, mounted at ``/api/v1/identity/``."""

from django.urls import path

from domains.identity.api import api_keys, me, registration, service_clients, tokens, users

app_name = "identity"

urlpatterns = [
    path("auth/register", registration.RegisterApi.as_view(), name="register"),
    path("auth/verify-email", registration.EmailVerifyApi.as_view(), name="email-verify"),
    path(
        "auth/password-reset",
        registration.PasswordResetRequestApi.as_view(),
        name="password-reset-request",
    ),
    path(
        "auth/password-reset/confirm",
        registration.PasswordResetConfirmApi.as_view(),
        name="password-reset-confirm",
    ),
    path("auth/login", tokens.LoginApi.as_view(), name="login"),
    path("auth/refresh", tokens.RefreshApi.as_view(), name="refresh"),
    path("auth/logout", tokens.LogoutApi.as_view(), name="logout"),
    path("auth/token", tokens.ClientTokenApi.as_view(), name="client-token"),
    path("auth/api-key-token", tokens.ApiKeyTokenApi.as_view(), name="api-key-token"),
    path("me", me.MeApi.as_view(), name="me"),
    path("me/profile", me.ProfileUpdateApi.as_view(), name="profile-update"),
    path("me/password", me.PasswordChangeApi.as_view(), name="password-change"),
    path("me/deactivate", me.AccountDeactivateApi.as_view(), name="account-deactivate"),
    path("me/api-keys", api_keys.ApiKeyListApi.as_view(), name="api-key-list"),
    path("me/api-keys/create", api_keys.ApiKeyCreateApi.as_view(), name="api-key-create"),
    path(
        "me/api-keys/<uuid:key_id>/revoke",
        api_keys.ApiKeyRevokeApi.as_view(),
        name="api-key-revoke",
    ),
    path("users", users.UserListApi.as_view(), name="user-list"),
    path("users/<uuid:user_id>", users.UserDetailApi.as_view(), name="user-detail"),
    path(
        "users/<uuid:user_id>/deactivate", users.UserDeactivateApi.as_view(), name="user-deactivate"
    ),
    path(
        "users/<uuid:user_id>/reactivate", users.UserReactivateApi.as_view(), name="user-reactivate"
    ),
    path("users/<uuid:user_id>/roles/grant", users.RoleGrantApi.as_view(), name="role-grant"),
    path("users/<uuid:user_id>/roles/revoke", users.RoleRevokeApi.as_view(), name="role-revoke"),
    path("users/<uuid:user_id>/roles/history", users.RoleHistoryApi.as_view(), name="role-history"),
    path(
        "service-clients",
        service_clients.ServiceClientCreateApi.as_view(),
        name="service-client-create",
    ),
    path(
        "service-clients/<uuid:client_id>/secrets/rotate",
        service_clients.ServiceClientSecretRotateApi.as_view(),
        name="service-client-secret-rotate",
    ),
]
