"""The demo's credential files are readable by their owner only (issue 15, Low: they
were 0644)."""

import io
import stat

import pytest

from domains.identity.demo import _demo_credentials
from domains.identity.models import User
from domains.learning.demo import load

pytestmark = pytest.mark.django_db(databases=["default", "identity"])


@pytest.mark.parametrize("existing_mode", [None, 0o644])
def test_the_demo_credentials_file_is_0600(settings, tmp_path, existing_mode):
    settings.DATA_DIR = str(tmp_path)
    target = tmp_path / "demo-credentials.txt"
    if existing_mode is not None:
        target.write_text("from an earlier run\n")
        target.chmod(existing_mode)
    User.objects.create_user("ana@example.com", "x-long-passphrase-1")
    _demo_credentials(io.StringIO())
    assert "lcp_" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.django_db(databases=["learning"])
@pytest.mark.parametrize("existing_mode", [None, 0o644])
def test_the_demo_lrs_client_file_is_0600_too(settings, tmp_path, existing_mode):
    """The LMS's key and secret (found 0644 on a production-like instance after the
    first fix): the same rule as the identity file."""
    settings.DATA_DIR = str(tmp_path)
    target = tmp_path / "demo-lrs-credentials.txt"
    if existing_mode is not None:
        target.write_text("from an earlier run\n")
        target.chmod(existing_mode)
    load(io.StringIO())
    assert "HTTP Basic" in target.read_text()
    assert "earlier run" not in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
