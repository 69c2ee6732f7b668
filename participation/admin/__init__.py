"""Administration: accounts and their roles, for staff who never open a terminal."""
