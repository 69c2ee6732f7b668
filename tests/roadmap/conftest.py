"""Fixtures for the public roadmap tests (helpers: tests/roadmap/helpers.py)."""

from tests.ideas.test_queries import count_queries  # noqa: F401  (fixture)
