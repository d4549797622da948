"""The pages the links in identity's mails open: ``/verify-email`` and ``/reset-password``.

The mails point at ``IDENTITY_FRONTEND_URL`` (this platform by default). Both pages
act only on a POST from their own form (CSRF-protected), never on the GET a mail
client's link preview or a virus scanner makes, and go through the same services as
the API (``auth/verify-email``, ``auth/password-reset/confirm``): the same token
checks, password rules and sign-out of every session after a reset.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect

from domains.identity.services.accounts import TokenRefused, email_verify, password_reset_confirm


class _ResetForm(forms.Form):
    uid = forms.CharField(widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput)
    new_password = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    repeat = forms.CharField(label="Repeat it", widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("repeat"):
            raise ValidationError("The two passwords differ.")
        return data


@csrf_protect
def verify_email_page(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token", "")
    context = {"token": token, "done": False, "error": None}
    if request.method == "POST":
        try:
            user = email_verify(token=token)
            context.update(done=True, email=user.email)
        except TokenRefused as exc:
            context["error"] = str(exc)
    elif not token:
        context["error"] = "This link has no token; open the link from the mail as it is."
    status = 400 if context["error"] and request.method == "POST" else 200
    return render(request, "identity/verify_email.html", context, status=status)


@csrf_protect
def reset_password_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = _ResetForm(request.POST)
        if form.is_valid():
            try:
                user = password_reset_confirm(
                    uid=form.cleaned_data["uid"], token=form.cleaned_data["token"],
                    new_password=form.cleaned_data["new_password"],
                )  # fmt: skip
                return render(request, "identity/reset_password.html", {"done": user.email})
            except TokenRefused as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error("new_password", exc)
        return render(request, "identity/reset_password.html", {"form": form}, status=400)
    link = {"uid": request.GET.get("uid", ""), "token": request.GET.get("token", "")}
    form = _ResetForm(initial=link)
    return render(request, "identity/reset_password.html", {"form": form})
