"""The kinds of news a person can hear, and the ways they can hear of them."""

from enum import StrEnum


class Channel(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    INBOX = "inbox"


CHANNEL_LABELS = {
    Channel.IMMEDIATE: "E-Mail sofort",
    Channel.DAILY: "Tägliche Zusammenfassung per E-Mail",
    Channel.WEEKLY: "Wöchentliche Zusammenfassung per E-Mail",
    Channel.INBOX: "Nur im Postfach auf der Website",
}
SUMMARY_CHANNELS = (Channel.DAILY, Channel.WEEKLY)


class Category(StrEnum):
    DECISIONS = "decisions"
    REPLIES = "replies"
    MY_IDEAS = "my_ideas"
    FOLLOWED = "followed"
    PROJECTS = "projects"
    STAFF = "staff"


CATEGORY_LABELS = {
    Category.DECISIONS: "Entscheidungen zu meinen Beiträgen",
    Category.REPLIES: "Antworten auf meine Kommentare",
    Category.MY_IDEAS: "Kommentare zu meinen Ideen",
    Category.FOLLOWED: "Neues zu Ideen, denen ich folge oder die ich unterstütze",
    Category.PROJECTS: "Neues aus Projekten, denen ich folge oder die aus meinen Ideen entstanden",
    Category.STAFF: "Was in meinem Bereich auf Bearbeitung wartet",
}
CATEGORY_HINTS = {
    Category.DECISIONS: "Freigabe, Ablehnung mit Begründung, Korrekturen der Moderation und die "
    "Antwort des Projektteams zu Ihren Ideen und Kommentaren.",
    Category.REPLIES: "Wenn jemand direkt auf einen Ihrer Kommentare antwortet.",
    Category.MY_IDEAS: "Neue Kommentare zu Ideen, die Sie eingereicht haben.",
    Category.FOLLOWED: "Neue Kommentare und ein neuer Stand, etwa wenn eine Idee in ein Projekt "
    "einfließt.",
    Category.PROJECTS: "Fortschrittsberichte aus der Roadmap.",
    Category.STAFF: "Ideen, Kommentare und Meldungen, die auf die Moderation warten. Nur wenn "
    "etwas wartet.",
}
DEFAULT_CHANNELS = {
    Category.DECISIONS: Channel.IMMEDIATE,
    Category.REPLIES: Channel.IMMEDIATE,
    Category.MY_IDEAS: Channel.DAILY,
    Category.FOLLOWED: Channel.DAILY,
    Category.PROJECTS: Channel.WEEKLY,
    Category.STAFF: Channel.DAILY,
}
# The staff summary is about work, not news: once a day or not at all.
CHANNELS_OF = {
    category: (Channel.DAILY, Channel.INBOX) if category == Category.STAFF else tuple(Channel)
    for category in Category
}
PERSONAL_CATEGORIES = tuple(c for c in Category if c != Category.STAFF)
