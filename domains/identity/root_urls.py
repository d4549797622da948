"""Identity's pages outside the versioned API: where the links in its mails land."""

from django.urls import path

from domains.identity import mail_pages

urlpatterns = [
    path("verify-email", mail_pages.verify_email_page, name="identity-verify-email-page"),
    path("reset-password", mail_pages.reset_password_page, name="identity-reset-password-page"),
]
