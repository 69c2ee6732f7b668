"""Fixtures for the home, town and sharing tests."""

from tests.ideas.test_queries import count_queries  # noqa: F401  (fixture)
