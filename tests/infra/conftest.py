"""Markers of the infrastructure tests."""


def pytest_configure(config):
    # Runs that bring the platform up with Podman (minutes, not seconds).
    config.addinivalue_line("markers", "slow: brings containers up with Podman (minutes)")
