"""`flask jobs`: the background work the timers run, each job once at a time across servers."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from participation import jobs
from participation.accounts.models import User
from participation.extensions import db
from participation.ideas.models import Idea, Support
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.factories import add_supports, create_idea, create_user
from tests.notifications.helpers import mails_to, write_comment

FLASK_COMMAND = (sys.executable, "-m", "flask", "--app", "participation")
ALREADY_RUNNING = "läuft bereits auf einem anderen Server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queue_mails(count: int) -> list[int]:
    messages = [
        OutboxMessage(recipient=f"person{n}@example.org", subject=f"Nachricht {n}", body="Text")
        for n in range(count)
    ]
    db.session.add_all(messages)
    db.session.commit()
    return [message.id for message in messages]


def sent_ids() -> set[int]:
    db.session.expire_all()
    query = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_not(None))
    return set(db.session.scalars(query))


def run(runner, *args):
    return runner.invoke(args=["jobs", *args])


# --- each job does its work -----------------------------------------------------------


def test_mail_job_delivers_what_is_queued(runner):
    ids = queue_mails(3)

    result = run(runner, "mail")

    assert result.exit_code == 0, result.output
    assert "3 gesendet, 0 fehlgeschlagen (später erneut), 0 aufgegeben." in result.output
    assert "Job mail fertig nach" in result.output
    assert sent_ids() == set(ids)
    assert "0 gesendet" in run(runner, "mail").output


def test_mail_job_shows_progress_and_respects_its_limit(runner, monkeypatch):
    monkeypatch.setattr(jobs, "MAIL_BATCH", 2)
    queue_mails(5)

    result = run(runner, "mail", "--limit", "4")

    assert result.exit_code == 0, result.output
    assert "2 E-Mails bearbeitet" in result.output
    assert "4 gesendet" in result.output
    assert len(sent_ids()) == 4


def test_mail_job_exits_with_1_when_the_mail_server_is_unreachable(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}")
    [mail_id] = queue_mails(1)

    result = run(runner, "mail")

    assert result.exit_code == 1
    assert "0 gesendet, 1 fehlgeschlagen (später erneut)" in result.output
    assert "Job mail mit Fehlern beendet" in result.output
    mail = db.session.get(OutboxMessage, mail_id)
    assert mail.sent_at is None and mail.attempts == 1


def test_summaries_job_puts_the_daily_summary_in_the_outbox(runner, as_user):
    paula = create_user(email="paula@example.org", display_name="Paula P.")
    idea = create_idea(paula, title="Trinkbrunnen im Stadtpark")
    write_comment(as_user(create_user(display_name="Ben B.")), idea, "Auch für Hunde, bitte.")
    assert mails_to(paula) == []

    result = run(runner, "summaries")

    assert result.exit_code == 0, result.output
    assert "1 Zusammenfassungen in den Ausgang gelegt" in result.output
    [mail] = mails_to(paula)
    assert mail.subject.startswith("Ihre Tagesübersicht")
    assert "Auch für Hunde, bitte." in mail.body


def test_trending_job_lets_old_supports_age_out(runner):
    idea = create_idea(title="War letzten Monat gefragt")
    add_supports(idea, 2)
    db.session.execute(
        update(Support)
        .where(Support.idea_id == idea.id)
        .values(created_at=utcnow() - timedelta(days=15))
    )
    db.session.commit()

    result = run(runner, "trending")

    assert result.exit_code == 0, result.output
    assert "1 Trend-Zähler (letzte 14 Tage) aktualisiert." in result.output
    db.session.expire_all()
    refreshed = db.session.get(Idea, idea.id)
    assert (refreshed.recent_support_count, refreshed.support_count) == (0, 2)


def test_retention_job_deletes_an_old_unconfirmed_account(runner):
    old = create_user("alt@example.org", confirmed=False)
    old.created_at = utcnow() - timedelta(days=8)
    fresh = create_user("neu@example.org", confirmed=False)
    db.session.commit()
    old_id, fresh_id = old.id, fresh.id

    result = run(runner, "retention")

    assert result.exit_code == 0, result.output
    assert "1 unbestätigte Konten gelöscht (älter als 7 Tage)." in result.output
    db.session.expire_all()
    assert db.session.get(User, old_id) is None
    assert db.session.get(User, fresh_id) is not None


def test_a_job_that_breaks_exits_with_1_and_leaves_the_lock_free(runner, monkeypatch):
    from participation.ideas import services as ideas

    def broken(now=None):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(ideas, "refresh_trending", broken)
    result = run(runner, "trending")
    assert result.exit_code == 1
    assert "Job trending fehlgeschlagen (siehe Log)." in result.output

    monkeypatch.undo()
    again = run(runner, "trending")
    assert again.exit_code == 0, again.output
    assert ALREADY_RUNNING not in again.output


def test_the_old_commands_still_do_the_same_work(runner):
    [mail_id] = queue_mails(1)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 gesendet, 0 fehlgeschlagen (später erneut), 0 aufgegeben." in result.output
    assert sent_ids() == {mail_id}


def test_jobs_list_names_every_job_with_its_schedule(runner):
    result = run(runner, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["mail", "summaries", "trending", "retention"]
    assert "07:00:00 Europe/Berlin" in lines[1]


# --- the lock -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(jobs.JOBS))
def test_a_job_whose_lock_is_held_elsewhere_does_nothing_and_says_so(runner, name):
    queue_mails(1)
    old = create_user("alt@example.org", confirmed=False)
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    old_id = old.id

    with jobs.job_lock(name) as held:
        assert held
        result = run(runner, name)

    assert result.exit_code == 0, result.output
    assert f"Job {name} {ALREADY_RUNNING}" in result.output
    assert "gesendet" not in result.output and "gelöscht" not in result.output
    assert sent_ids() == set()
    assert db.session.get(User, old_id) is not None


def test_the_lock_of_one_job_does_not_hold_up_another(runner):
    [mail_id] = queue_mails(1)
    with jobs.job_lock("retention"):
        result = run(runner, "mail")
    assert result.exit_code == 0, result.output
    assert sent_ids() == {mail_id}


def test_lock_keys_stay_the_same_across_releases():
    """Servers running an older and a newer release at once must take the same lock."""
    assert {name: jobs.lock_key(name) for name in jobs.JOBS} == {
        "mail": -7781958349774830681,
        "summaries": -1276131596556675066,
        "trending": 8225511703043545238,
        "retention": 2445350661194829162,
    }


# --- two processes, as two servers' timers start them ---------------------------------


class Inbox:
    """An SMTP server that counts what each recipient got. `held`: each mail waits for
    `release`, at most HOLD seconds (the sender gives up after 10), so a run takes long
    while it is not released; `delay` slows every mail down."""

    HOLD = 4.0

    def __init__(self, held: bool = False, delay: float = 0.0):
        self.recipients = Counter()
        self.arrived = threading.Event()
        self.release = threading.Event()
        if not held:
            self.release.set()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        deadline = time.monotonic() + self.HOLD
        while not self.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(self.delay)
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    started = []

    def start(inbox: Inbox) -> int:
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append((controller, inbox))
        return port

    yield start
    for controller, inbox in started:
        inbox.release.set()
        controller.stop()


def mail_job_process(app, smtp_port: int) -> subprocess.Popen:
    """`flask jobs mail` in a process of its own, on the test database."""
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_FORMAT": "text",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.Popen(
        [*FLASK_COMMAND, "jobs", "mail"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    return output


def test_a_second_server_starting_the_job_during_a_run_leaves_it_alone(app, smtp_sink):
    inbox = Inbox(held=True)
    port = smtp_sink(inbox)
    ids = queue_mails(12)  # held, the first run takes 48 s: time for the second to start

    first = mail_job_process(app, port)
    assert inbox.arrived.wait(60), "the first run never reached the mail server"
    second_output = finish(mail_job_process(app, port))  # while the first one is mid-run
    inbox.release.set()
    first_output = finish(first)

    assert f"Job mail {ALREADY_RUNNING}" in second_output
    assert "12 gesendet, 0 fehlgeschlagen" in first_output
    assert inbox.recipients == Counter({f"person{n}@example.org": 1 for n in range(12)})
    assert sent_ids() == set(ids)


def test_two_servers_starting_at_once_deliver_every_mail_exactly_once(app, smtp_sink):
    inbox = Inbox(delay=0.05)
    port = smtp_sink(inbox)
    count = 30
    ids = queue_mails(count)

    processes = [mail_job_process(app, port) for _ in range(2)]
    outputs = [finish(process) for process in processes]

    assert inbox.recipients == Counter({f"person{n}@example.org": 1 for n in range(count)})
    assert sum(int(n) for o in outputs for n in re.findall(r"(\d+) gesendet", o)) == count
    assert sent_ids() == set(ids)
    db.session.expire_all()
    attempts = db.session.scalars(select(OutboxMessage.attempts)).all()
    assert attempts == [1] * count
