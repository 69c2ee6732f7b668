"""The public roadmap: every project grouped by field and on a timeline, each project's
page, and an idea's way into projects."""
