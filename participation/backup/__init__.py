"""Backups: the database and the photo files in one archive (`flask backup create|restore`).

`services` holds the rules, callable without a request; `archive` the file format,
`codec` how a column's values become JSON and back, `cli` the two commands.
"""
