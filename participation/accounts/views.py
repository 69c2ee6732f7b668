from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import limiter
from ..forms import attach_error
from ..ratelimits import write_limit
from ..roles import landing_endpoint
from ..safe_redirect import is_local_path, redirect_back
from ..strategy.services import home_municipality_choices
from . import blocked, email_change, services, sessions, throttle
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from .identity import code_refusal, confirm_identity
from .second_factor import services as second_factor
from .second_factor import sign_in as pending_sign_in
from .second_factor import views as second_factor_views

bp = Blueprint("accounts", __name__)
bp.before_app_request(blocked.refuse_changes_while_blocked)
bp.app_errorhandler(403)(second_factor_views.explain_refusal)


def _config_limit(config_key: str):
    """A rate limit read from the config when the request comes (tests may change it)."""
    return lambda: current_app.config[config_key]


def _profile_data(form) -> services.ProfileData:
    return services.ProfileData(
        display_name=form.display_name.data,
        kind=form.kind.data,
        organisation_name=form.organisation_name.data,
        municipality_id=form.municipality.data or None,
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_config_limit("REGISTER_RATE_LIMIT"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.account"))
    form = RegistrationForm()
    form.municipality.choices = home_municipality_choices()
    if form.validate_on_submit():
        try:
            services.register_user(form.email.data, form.password.data, _profile_data(form))
        except services.AccountError as error:
            attach_error(form, error)
        else:
            return render_template("accounts/check_mail.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    user = services.confirm_email(token)
    if user is None:
        return render_template("accounts/token_invalid.html", purpose="confirm"), 400
    flash("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("pages.account"))
    return redirect(url_for("accounts.login"))


@bp.post("/confirm/resend")
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
def resend_confirmation():
    if EmptyForm().validate_on_submit() and not current_user.is_confirmed:
        services.send_confirmation(current_user)
        flash("Wir haben Ihnen den Bestätigungslink noch einmal geschickt.", "success")
    return redirect(url_for("pages.account"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@throttle.refuse_busy_address
def login():
    target = request.args.get("next")
    if current_user.is_authenticated:
        return redirect_back(target, landing_endpoint(current_user))
    form = LoginForm()
    wait = 0
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.forget_account(form.email.data)
            if user.has_second_factor:  # signed in only after the code
                pending_sign_in.begin(user, form.remember.data, target)
                return redirect(url_for("second_factor.sign_in_code"))
            sessions.start_session(user, remember=form.remember.data)
            flash(f"Willkommen, {user.display_name}! Sie sind angemeldet.", "success")
            return redirect_back(target, landing_endpoint(user))
        wait = throttle.record_failure(form.email.data)
        form.password.errors = [*form.password.errors, _login_error(wait)]
    next_path = target if is_local_path(target) else None
    page = render_template("accounts/login.html", form=form, next_path=next_path)
    return throttle.answer_with_wait(page, wait)


def _login_error(wait: int) -> str:
    if not wait:
        return "E-Mail-Adresse oder Passwort ist nicht richtig."
    return (
        "E-Mail-Adresse oder Passwort ist nicht richtig. Zu viele Fehlversuche: Bitte warten "
        f"Sie {throttle.minutes(wait)} oder setzen Sie Ihr Passwort über „Passwort vergessen?“ "
        "zurück."
    )


@bp.post("/logout")
def logout():
    if not EmptyForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        sessions.end_current_session()
    pending_sign_in.finish()  # a password given on this device waits for no code now
    flash("Sie sind abgemeldet.", "success")
    return redirect(url_for("pages.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_config_limit("MAILED_LINK_RATE_LIMIT_PER_ADDRESS"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if throttle.may_send_reset_mail(form.email.data):
            services.request_password_reset(form.email.data)
        return render_template("accounts/reset_requested.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_config_limit("MAILED_LINK_RATE_LIMIT_PER_ADDRESS"), methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/token_invalid.html", purpose="reset"), 400
    form = ResetPasswordForm(owner=user)
    wait = None
    if form.validate_on_submit():
        if user.has_second_factor:
            wait = second_factor.check_code(user, form.code.data)
            if wait is not None:
                form.code.errors = [*form.code.errors, code_refusal(wait)]
        if wait is None:
            services.set_password(user, form.password.data)
            throttle.forget_account(user.email)
            # The link (and the code) proved who this is: signing in here lets the owner
            # through even when strangers have used up the sign-in allowance of their address.
            sessions.start_session(user)
            flash("Ihr neues Passwort ist gespeichert. Sie sind angemeldet.", "success")
            return redirect(url_for(landing_endpoint(user)))
    page = render_template("accounts/reset_password.html", form=form)
    return throttle.answer_with_wait(page, wait)


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    form.municipality.choices = home_municipality_choices()
    if request.method == "GET":
        form.municipality.data = current_user.municipality_id or 0
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, _profile_data(form))
        except services.AccountError as error:
            attach_error(form, error)
        else:
            flash("Ihr Profil ist gespeichert.", "success")
            return redirect(url_for("pages.account"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def change_password():
    form = ChangePasswordForm(owner=current_user)
    wait = 0
    if form.validate_on_submit():
        wait = confirm_identity(
            current_user,
            form,
            "Das aktuelle Passwort ist nicht richtig. Ihr Passwort bleibt unverändert.",
        )
        if wait is None:
            keep = sessions.current_sign_in()
            services.change_password(current_user, form.new_password.data, keep)
            flash("Ihr Passwort ist geändert. Andere Geräte wurden abgemeldet.", "success")
            return redirect(url_for("pages.account"))
    return throttle.answer_with_wait(render_template("accounts/password.html", form=form), wait)


EMAIL_REFUSAL = "Das Passwort ist nicht richtig. Ihre E-Mail-Adresse bleibt unverändert."


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def change_email():
    form = ChangeEmailForm()
    wait = 0
    if form.validate_on_submit():
        wait = confirm_identity(current_user, form, EMAIL_REFUSAL)
        if wait is None:
            try:
                email_change.request_email_change(current_user, form.email.data)
            except services.AccountError as error:
                attach_error(form, error)
            else:
                flash(_email_link_sent(form.email.data), "success")
                return redirect(url_for("pages.account"))
    return throttle.answer_with_wait(render_template("accounts/email.html", form=form), wait)


def _email_link_sent(address: str) -> str:
    # The same words whether or not the address has an account of its own.
    return (
        f"Wir haben einen Bestätigungslink an {address} geschickt. Ihre E-Mail-Adresse "
        "ändert sich erst, wenn Sie diesen Link öffnen und die Änderung bestätigen."
    )


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_config_limit("MAILED_LINK_RATE_LIMIT_PER_ADDRESS"), methods=["POST"])
def confirm_email_change(token: str):
    """The link from the mail opens a page; only its button changes the address (mail
    scanners open links, they do not press buttons)."""
    change = email_change.pending_email_change(token)
    if change is None:
        return render_template("accounts/token_invalid.html", purpose="email"), 400
    form = EmptyForm()
    if form.validate_on_submit():
        here = _own_sign_in(change.user)
        if not email_change.change_email(change, keep=here):
            return render_template("accounts/token_invalid.html", purpose="email"), 400
        return _after_email_change(signed_in_here=here is not None)
    return render_template("accounts/email_confirm.html", form=form, change=change)


def _own_sign_in(user):
    """This device's session when it is `user`'s own: it stays signed in."""
    if current_user.is_authenticated and current_user.id == user.id:
        return sessions.current_sign_in()
    return None


def _after_email_change(signed_in_here: bool):
    if signed_in_here:
        flash(
            "Ihre neue E-Mail-Adresse gilt ab sofort. Andere Geräte wurden abgemeldet.", "success"
        )
        return redirect(url_for("pages.account"))
    flash(
        "Ihre neue E-Mail-Adresse gilt ab sofort. Bitte melden Sie sich damit an; "
        "auf allen Geräten wurden Sie abgemeldet.",
        "success",
    )
    return redirect(url_for("accounts.login"))
