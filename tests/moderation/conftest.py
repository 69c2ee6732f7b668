"""Fixtures for the moderation tests (helpers: tests/moderation/helpers.py)."""

import pytest

from tests.factories import create_user


@pytest.fixture
def moderator(as_user):
    """A browser signed in as a moderator with the given roles; returns (user, browser)."""

    def make(*roles: str, **kwargs):
        user = create_user(roles=roles or ("moderator",), **kwargs)
        return user, as_user(user)

    return make
