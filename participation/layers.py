"""The order of the packages: each may import only from its own layer and those before it.

`tests/test_layers.py` reads every import under `participation/` and fails when one
points upwards or two modules import each other. New code goes into the lowest layer
that has everything it needs; pages that gather several features go into `pages`.
"""

LAYERS: tuple[tuple[str, ...], ...] = (
    # Shared core: configuration, extensions, text, time, errors and input, roles and
    # scopes, the audit log, the outbox, the record of events.
    (
        "extensions",
        "timeutil",
        "text",
        "errors",
        "rules",
        "forms",
        "input_guard",
        "pagination",
        "query_filters",
        "safe_redirect",
        "links",
        "security",
        "ratelimits",
        "templating",
        "roles",
        "audit",
        "outbox",
        "events",
        "health",
        "maps",
        "pagecache",
        "static_versions",
    ),
    ("strategy",),
    ("accounts",),
    # Photos are part of an idea and its form (each imports the other's modules, never in
    # a circle); a package of their own for the files, their processing and storage.
    ("ideas", "photos"),
    ("moderation",),
    ("rating",),
    ("projects",),
    ("roadmap",),
    # The notification centre decides who hears of an event; it reads every feature.
    ("reports", "notifications"),
    # Composers on top: pages that gather features, demo data, commands, the app.
    # Monitoring counts what waits in the outbox and the moderation queue.
    ("pages", "privacy", "retention", "backup", "admin", "sharing", "observability"),
    # Background jobs (`flask jobs`) run services of every feature; cli registers them.
    ("demo", "jobs", "cli", "models", "layers", "__init__"),
)


def layer_of(package: str) -> int | None:
    """The index of the layer a top-level module or package of `participation` is in."""
    for index, members in enumerate(LAYERS):
        if package in members:
            return index
    return None
