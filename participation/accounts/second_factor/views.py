"""/account/zwei-faktor (setting up, new recovery codes, switching off) and /login/code
(the step after the password)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ...extensions import limiter
from ...forms import attach_error
from ...ratelimits import write_limit
from ...roles import holds_staff_role, is_blocked, landing_endpoint, needs_second_factor
from ...safe_redirect import is_local_path, redirect_back
from .. import blocked, throttle
from ..identity import code_refusal, confirm_identity
from ..sessions import current_sign_in, start_session
from . import services, sign_in, totp
from .forms import ConfirmStepForm, SetupForm, SignInCodeForm

bp = Blueprint("second_factor", __name__)
REFUSED = "Das Passwort ist nicht richtig. Es wurde nichts geändert."
STAFF_NOTICE = (
    "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten Sie sie "
    "jetzt ein; danach geht es weiter."
)


def _next_path() -> str | None:
    target = request.args.get("next")
    return target if is_local_path(target) else None


def _private(page, status: int = 200, wait: int = 0):
    """Pages with a secret or codes on them: no cache keeps a copy."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


def _answer(template: str, wait: int | None, **context):
    """The page again; 429 with the seconds to wait after too many failures."""
    status = 429 if wait else 200
    return _private(render_template(template, **context), status, wait or 0)


# --- Setting up -----------------------------------------------------------------------


@bp.route("/account/zwei-faktor", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def setup():
    if current_user.has_second_factor:
        return _overview()
    form, wait = SetupForm(), 0
    if form.validate_on_submit():
        wait = confirm_identity(current_user, form, REFUSED)
        if wait is None:
            try:
                codes = services.switch_on(current_user, form.app_code.data, keep=current_sign_in())
            except services.SecondFactorError as error:
                attach_error(form, error)
            else:
                return _recovery_codes_page(codes, first=True)
    secret = services.setup_secret(current_user, fresh=request.method == "GET")
    return _answer(
        "accounts/second_factor/setup.html",
        wait,
        form=form,
        secret=totp.grouped(secret),
        next_path=_next_path(),
    )


def _overview():
    return _private(
        render_template(
            "accounts/second_factor/overview.html",
            unused=services.unused_recovery_codes(current_user),
            required_by_role=holds_staff_role(current_user),
        )
    )


def _recovery_codes_page(codes: list[str], first: bool = False):
    """Shown once, right after they were made: nothing stores the codes in clear."""
    return _private(
        render_template(
            "accounts/second_factor/recovery_codes.html",
            codes=codes,
            first=first,
            next_path=_next_path(),
        )
    )


@bp.get("/account/zwei-faktor/qr.svg")
@login_required
def qr_code():
    """The QR code of the secret being set up, drawn by the app."""
    if current_user.has_second_factor:
        abort(404)  # a secret in use is never shown again
    image = totp.qr_svg(services.setup_uri(current_user), "QR-Code für die Authenticator-App")
    response = _private(image)
    response.mimetype = "image/svg+xml"
    return response


@bp.route("/account/zwei-faktor/codes", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def new_recovery_codes():
    if not current_user.has_second_factor:
        return redirect(url_for("second_factor.setup"))
    form, wait = ConfirmStepForm(), 0
    if form.validate_on_submit():
        wait = confirm_identity(current_user, form, REFUSED)
        if wait is None:
            return _recovery_codes_page(services.renew_recovery_codes(current_user))
    return _answer("accounts/second_factor/new_codes.html", wait, form=form)


@bp.route("/account/zwei-faktor/ausschalten", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def switch_off():
    if not current_user.has_second_factor:
        return redirect(url_for("second_factor.setup"))
    form, wait, refusal = ConfirmStepForm(), 0, None
    if form.validate_on_submit():
        wait = confirm_identity(current_user, form, REFUSED)
        if wait is None:
            try:
                services.switch_off(current_user)
            except services.SecondFactorError as error:
                refusal = str(error)
            else:
                flash("Die Zwei-Faktor-Anmeldung ist ausgeschaltet.", "success")
                return redirect(url_for("pages.account"))
    return _answer(
        "accounts/second_factor/switch_off.html",
        wait,
        form=form,
        refusal=refusal,
        required_by_role=holds_staff_role(current_user),
    )


# --- Signing in -----------------------------------------------------------------------


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@throttle.refuse_busy_address
def sign_in_code():
    pending = sign_in.pending()
    if pending is None:
        flash(
            "Bitte melden Sie sich erneut an: Nach dem Passwort bleiben für den Code fünf Minuten.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    recovery = request.args.get("wiederherstellung") == "1"
    form, wait = SignInCodeForm(recovery=recovery), 0
    if form.validate_on_submit():
        wait = services.check_code(pending.user, form.code.data)
        if wait is None:
            return _finish_sign_in(pending)
        form.code.errors = [*form.code.errors, code_refusal(wait)]
    return _answer("accounts/second_factor/sign_in_code.html", wait, form=form, recovery=recovery)


def _finish_sign_in(pending: sign_in.PendingSignIn):
    sign_in.finish()
    start_session(pending.user, pending.remember)
    flash(f"Willkommen, {pending.user.display_name}! Sie sind angemeldet.", "success")
    return redirect_back(pending.target, landing_endpoint(pending.user))


# --- Staff without a second factor ------------------------------------------------------


def explain_refusal(error):
    """A 403 to staff without a second factor means their roles wait for it: to the
    setup, and after it back to the page they wanted. Blocked people hear of the block."""
    if needs_second_factor(current_user) and not is_blocked(current_user):
        flash(STAFF_NOTICE, "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("second_factor.setup", next=target))
    return blocked.explain_refusal(error)
