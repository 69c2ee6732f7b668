"""/account/sessions: the devices a person is signed in on, and signing the others out."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..ratelimits import write_limit
from . import sessions
from .forms import EmptyForm

bp = Blueprint("sessions", __name__)


@bp.get("/account/sessions")
@login_required
def index():
    return render_template(
        "accounts/sessions.html",
        devices=sessions.active_sessions(current_user),
        this_device=sessions.current_sign_in(),
        form=EmptyForm(),
    )


@bp.post("/account/sessions/end-others")
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
def end_others():
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = sessions.end_other_sessions(current_user, keep=sessions.current_sign_in())
    flash(_signed_out(ended), "success")
    return redirect(url_for("sessions.index"))


@bp.post("/account/sessions/<int:sign_in_id>/end")
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
def end_one(sign_in_id: int):
    device = sessions.other_device(current_user, sign_in_id, sessions.current_sign_in())
    if device is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    sessions.end_session(device)
    flash(f"{device.browser} wurde abgemeldet.", "success")
    return redirect(url_for("sessions.index"))


def _signed_out(count: int) -> str:
    if count == 0:
        return "Sie waren an keinem anderen Gerät angemeldet."
    if count == 1:
        return "Ein anderes Gerät wurde abgemeldet."
    return f"{count} andere Geräte wurden abgemeldet."
