"""A blocked account may read, sign in and out, protect its password, stop mail, take
its data and delete itself; it contributes and changes nothing else, and every refusal
says why and until when."""

from flask import render_template, request
from flask_login import current_user

from ..errors import handle_http_exception
from ..roles import is_blocked

# What a blocked person may still send: their own security, stopping mail, and
# (with the account page's data rights) nothing that adds to or changes the site.
ALLOWED_WHILE_BLOCKED = frozenset(
    {
        "accounts.login",
        "accounts.logout",
        "accounts.change_password",
        "accounts.change_email",
        "accounts.confirm_email_change",
        "sessions.end_others",
        "sessions.end_one",
        "accounts.forgot_password",
        "accounts.reset_password",
        "second_factor.setup",
        "second_factor.new_recovery_codes",
        "second_factor.switch_off",
        "privacy.export",
        "privacy.delete_account",
        "ideas.unfollow",
        "roadmap.unfollow",
        # The inbox and how mail comes: reading and choosing, not contributing.
        "notifications.stop",
        "notifications.preferences",
        "notifications.mark_read",
        "notifications.mark_all_read",
        # Telling us about a barrier is no contribution to the site.
        "strategy.report_barrier",
    }
)
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def blocked_page():
    return render_template("accounts/blocked.html", person=current_user), 403


def refuse_changes_while_blocked():
    """Before every request: a blocked account's POST goes no further than this page."""
    if request.method in READING_METHODS or request.endpoint in ALLOWED_WHILE_BLOCKED:
        return None
    return blocked_page() if is_blocked(current_user) else None


def explain_refusal(error):
    """A 403 to a blocked account is the block: say so instead of "Kein Zugriff"."""
    return blocked_page() if is_blocked(current_user) else handle_http_exception(error)
