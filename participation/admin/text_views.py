"""/admin/texts: the site's texts, edited with a preview; their versions, and restore.

Nested in the `admin` blueprint, whose guard lets only the administration in.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms import attach_error
from ..input_guard import record_id
from ..ratelimits import write_limit
from ..strategy import texts
from ..strategy.diff import line_diff
from .forms import PageForm

bp = Blueprint("texts", __name__, url_prefix="/texts")


@bp.context_processor
def text_helpers() -> dict:
    return {"public_endpoints": texts.PUBLIC_ENDPOINTS, "open_gaps": texts.open_gaps}


def _page_or_404(slug: str):
    return texts.get_editable_page(slug) or abort(404)


def _version_or_404(page, version_id: int):
    return texts.get_version(page, version_id) or abort(404)


@bp.get("")
def index():
    pages = texts.editable_pages()
    return render_template("admin/texts.html", pages=pages, latest=texts.latest_versions(pages))


@bp.route("/<slug>", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT", count_only_saved=True)
def edit(slug: str):
    page = _page_or_404(slug)
    form = PageForm(obj=None if request.method == "POST" else page)
    newest = texts.latest_versions([page]).get(page.id)
    if request.method == "GET":
        form.base_version.data = newest.id if newest else ""
    if not texts.has_own_title(page):
        del form.title
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            return _edit_page(page, form, newest, preview=True)
        title = form.title.data if form.title else None
        try:
            version = texts.save_page(
                current_user, page, form.body.data, title, record_id(form.base_version.data)
            )
        except texts.TextError as error:
            attach_error(form, error, "body")
            # Warned once: the next save, after comparing, goes over the newest version.
            form.base_version.data = newest.id if newest else ""
        else:
            if version is None:
                return _edit_page(page, form, newest, unchanged=True)
            flash("Der Text ist gespeichert und auf der Website zu sehen.", "success")
            return redirect(url_for(".edit", slug=page.slug))
    return _edit_page(page, form, newest)


def _edit_page(page, form: PageForm, latest, preview: bool = False, unchanged: bool = False):
    return render_template(
        "admin/text_edit.html",
        page=page,
        form=form,
        preview=preview,
        unchanged=unchanged,
        facts=texts.facts_for(page),
        latest=latest,
    )


@bp.get("/<slug>/versions")
def history(slug: str):
    page = _page_or_404(slug)
    return render_template("admin/text_history.html", page=page, versions=texts.history(page))


@bp.get("/<slug>/versions/<int:version_id>")
def version(slug: str, version_id: int):
    page = _page_or_404(slug)
    shown = _version_or_404(page, version_id)
    before = texts.predecessor(shown)
    return render_template(
        "admin/text_version.html",
        page=page,
        version=shown,
        before=before,
        changes=line_diff(before.body if before else "", shown.body),
        is_current=texts.is_current(shown),
    )


@bp.post("/<slug>/versions/<int:version_id>/restore")
@write_limit("MODERATION_RATE_LIMIT")
def restore(slug: str, version_id: int):
    page = _page_or_404(slug)
    restored = texts.restore_version(current_user, _version_or_404(page, version_id))
    if restored is None:
        flash("Diese Fassung ist schon die aktuelle; es wurde nichts geändert.", "success")
    else:
        flash("Die Fassung ist wiederhergestellt und auf der Website zu sehen.", "success")
    return redirect(url_for(".history", slug=page.slug))
