"""A short, human name for a browser ("Firefox auf Android"), read from its User-Agent.

Only this summary is kept with a sign-in: the User-Agent string itself is detailed
enough to help recognise a device across sites, and nobody needs it to tell their own
devices apart.
"""

# First match wins: browsers built on others name those too (Edge says "Chrome" and
# "Safari", Chrome says "Safari"), so the more specific ones come first.
BROWSERS = (
    ("EdgiOS/", "Edge"),
    ("EdgA/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)
UNKNOWN_BROWSER = "Unbekannter Browser"
MAX_LENGTH = 60


def _first_match(user_agent: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for marker, name in table if marker in user_agent), None)


def browser_summary(user_agent: str | None) -> str:
    """ "Safari auf iPhone", "Chrome auf Windows", "Firefox" or "Unbekannter Browser"."""
    user_agent = user_agent or ""
    browser = _first_match(user_agent, BROWSERS)
    system = _first_match(user_agent, SYSTEMS)
    if browser and system:
        return f"{browser} auf {system}"[:MAX_LENGTH]
    if system:
        return f"{UNKNOWN_BROWSER} auf {system}"
    return browser or UNKNOWN_BROWSER
