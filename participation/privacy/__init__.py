"""A person's own data: everything stored about them, as a download (DSGVO Art. 15 and 20)."""
