"""Moderation: reports, decisions with reasons, scopes and the audit log."""
