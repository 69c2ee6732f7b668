"""Shared by the administration's tests."""

# Everyone who is not the administration, each role alone: all of them are refused.
NOT_ADMIN_ROLES = {
    "resident": (),
    "moderator": ("moderator",),
    "town-moderator": ("moderator:rheine",),
    "committee": ("committee",),
    "team": ("team",),
}
