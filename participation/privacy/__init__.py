"""A person's own data: everything stored about them, as a download (DSGVO Art. 15 and 20),
and deleting their account (Art. 17)."""
