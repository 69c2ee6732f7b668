"""Rating: the committee and the project team rate published ideas by relevance and
feasibility, and see them ranked in one overview (where the team also chooses)."""
