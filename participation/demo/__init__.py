"""Believable German demo content for local development and load measurements."""
