"""Internal reports for the committee and the project team: the portfolio matrix, the
statistics and the exports of ideas and projects."""
