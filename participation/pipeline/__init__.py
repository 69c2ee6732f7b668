"""Pipeline: the project team and the steering committee rate ideas (more to come:
projects, roadmap, exports, statistics)."""
