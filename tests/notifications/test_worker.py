"""The outbox with a real Celery worker on the real Redis broker (not eager mode).

The worker is a separate process using the test database, so these tests commit their data
(transactional tests). Only one worker may consume the queue at a time: the tests share an
xdist group.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import transaction

from hubportal.celery import app
from hubportal.notifications import services
from hubportal.notifications.enums import Status
from hubportal.notifications.models import Notification
from hubportal.notifications.tasks import deliver_notification
from tests.support.celery import broker_down, start_worker
from tests.support.mail import FAILURES_FILE, sent_messages

pytestmark = [
    pytest.mark.worker,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, mail_dir):
    """A real `celery worker` process on the test database and the test Redis, consuming a
    queue of its own so that parallel test processes never take each other's tasks."""

    queue_name = f"hubportal-test-{uuid.uuid4().hex[:12]}"
    original_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue_name
    with django_db_blocker.unblock():
        process = start_worker(
            queue=queue_name,
            log=mail_dir / "worker.log",
            environment={
                "HUBPORTAL_TEST_EMAIL_DIR": str(mail_dir),
                "HUBPORTAL_NOTIFICATION_BACKOFF_SECONDS": "1",
            },
        )
    yield process
    process.terminate()
    process.wait(timeout=20)
    app.conf.task_default_queue = original_queue


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def status_of(notification) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


def queue(to: str):
    with transaction.atomic():
        return services.notification_enqueue(
            template="notifications/test_message", context={"name": to}, to_address=to
        )


@pytest.fixture(autouse=True)
def _clean_mail_dir(mail_dir):
    for path in mail_dir.glob("*.json"):
        path.unlink()
    (mail_dir / FAILURES_FILE).unlink(missing_ok=True)


def test_worker__committed_notification__is_delivered_once(celery_worker_process, mail_dir):
    notification = queue("per@example.no")
    assert wait_for(lambda: status_of(notification) == Status.SENT)
    messages = sent_messages(mail_dir)
    assert [m["to"] for m in messages] == [["per@example.no"]]
    assert messages[0]["message_id"] == notification.message_id


def test_worker__mail_server_down_twice__retries_with_backoff_and_sends(
    celery_worker_process, mail_dir
):
    (mail_dir / FAILURES_FILE).write_text("2")
    notification = queue("retry@example.no")
    assert wait_for(lambda: status_of(notification) == Status.SENT, timeout=45)
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert [m["to"] for m in sent_messages(mail_dir)] == [["retry@example.no"]]


def test_worker__broker_down_at_commit__dispatcher_delivers_later(celery_worker_process, mail_dir):
    with broker_down():
        notification = queue("later@example.no")
    time.sleep(1)
    assert status_of(notification) == Status.PENDING  # nothing reached the worker
    assert services.notification_dispatch_due() == 1  # what celery beat runs every 30 s
    assert wait_for(lambda: status_of(notification) == Status.SENT)
    assert len(sent_messages(mail_dir)) == 1


def test_worker__same_task_queued_three_times__sends_once(celery_worker_process, mail_dir):
    notification = queue("once@example.no")
    for _ in range(3):
        deliver_notification.delay(notification.pk)
    assert wait_for(lambda: status_of(notification) == Status.SENT)
    time.sleep(1.5)  # let the duplicates run
    assert len(sent_messages(mail_dir)) == 1
