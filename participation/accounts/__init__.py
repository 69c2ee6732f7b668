"""Accounts: residents and organisations, staff roles, sign-up and login."""
