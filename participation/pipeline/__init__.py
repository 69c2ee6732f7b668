"""Pipeline: the committee and the project team rate ideas, the team takes the best into
projects and plans them, and the public follows them on the roadmap."""
