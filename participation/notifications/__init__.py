"""The notification centre: who hears of an event, through which channel, and how.

Services only record events (`participation.events`). This package alone turns them
into inbox entries and mails: `audience` decides who hears and why, `delivery` writes
the entries and the mails at once (under the daily ceiling), `summaries` sends the
daily and weekly summaries, `messages` says the same thing in the inbox and in mail,
`tokens` is the one scheme of the links that stop mail. Mail leaves only through the
outbox.
"""

from flask import Flask

from .. import events


def init_app(app: Flask) -> None:
    from .delivery import route
    from .views import bp, legacy_bp

    events.listen(route)
    app.register_blueprint(bp)
    app.register_blueprint(legacy_bp)
