"""Report intake: anyone signed in flags an idea or a comment for the moderation."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import render_error
from ..ideas.loaders import visible_comment_or_404, visible_idea_or_404
from ..ideas.permissions import OWN_REPORT_REFUSAL, can_report, can_see_idea_content
from ..ratelimits import write_limit
from .forms import ReportForm
from .services import file_report

bp = Blueprint("reports", __name__)


@bp.route("/ideas/<int:idea_id>/report", methods=["GET", "POST"], defaults={"comment_id": None})
@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"], defaults={"idea_id": None})
@login_required
@write_limit("REPORT_RATE_LIMIT")
def new(idea_id: int | None, comment_id: int | None):
    comment = visible_comment_or_404(comment_id) if comment_id else None
    idea = visible_idea_or_404(comment.idea_id if comment else idea_id)
    if not can_see_idea_content(current_user, idea):
        abort(404)  # the form quotes the title (and the comment): not for hidden ideas
    if not can_report(current_user):
        abort(403)
    if not can_report(current_user, (comment or idea).author_id):
        return render_error(403, OWN_REPORT_REFUSAL)
    form = ReportForm()
    if form.validate_on_submit():
        target = {"comment": comment} if comment else {"idea": idea}
        file_report(current_user, reason=form.reason.data, note=form.note.data or "", **target)
        flash("Danke für Ihre Meldung. Die Moderation sieht sie sich an.", "success")
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    return render_template("moderation/report.html", form=form, idea=idea, comment=comment)
