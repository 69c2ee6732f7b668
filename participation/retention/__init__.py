"""Retention: removing what is no longer needed, run daily (`flask retention run`)."""
