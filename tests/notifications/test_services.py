"""The outbox's write path: queue in the caller's transaction, deliver once, retry, reschedule."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from hubportal.notifications import services
from hubportal.notifications.enums import Channel, Status
from hubportal.notifications.models import Notification
from hubportal.notifications.sms import LocmemSmsBackend, sms_reference

pytestmark = pytest.mark.django_db

TEMPLATE = "notifications/test_message"


def enqueue(**overrides):
    arguments = {"template": TEMPLATE, "context": {"name": "Kari"}, "to_address": "kari@example.no"}
    return services.notification_enqueue(**{**arguments, **overrides})


def test_enqueue__rolled_back_transaction__leaves_no_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the event that caused the message failed")
    assert not Notification.objects.exists()


def test_enqueue__renders_in_the_recipients_language():
    User = get_user_model()
    nynorsk = User.objects.create_user("nn@example.no", language="nn")
    english = User.objects.create_user("en@example.no", language="en")
    bokmal = User.objects.create_user("nb@example.no", language="nb")
    subjects = {
        user.language: enqueue(recipient=user, to_address=None).subject
        for user in (nynorsk, english, bokmal)
    }
    assert subjects["en"] == "Test message from the hub portal"
    assert subjects["nb"] == "Testmelding fra innbyggerportalen"
    assert subjects["nn"] == "Testmelding frå innbyggjarportalen"


def test_enqueue__same_dedupe_key_twice__queues_one_message():
    first = enqueue(dedupe_key="reminder:registration:1")
    second = enqueue(dedupe_key="reminder:registration:1")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_deliver__run_twice__sends_once():
    notification = enqueue()
    assert services.notification_deliver(notification_id=notification.pk).outcome == "sent"
    assert services.notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@example.no"]
    assert message.extra_headers["Message-ID"] == notification.message_id
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.sent_at is not None


def test_deliver__sms_channel__goes_through_the_sms_backend():
    LocmemSmsBackend.outbox.clear()
    notification = enqueue(channel=Channel.SMS, to_address="+4791234567", language="en")
    services.notification_deliver(notification_id=notification.pk)
    assert LocmemSmsBackend.outbox == [
        {
            "to": "+4791234567",
            "text": "Test message from the hub portal. http://127.0.0.1:8000",
            "reference": sms_reference(notification.pk),
        }
    ]
    assert mail.outbox == []


def test_deliver__failure__retries_with_growing_backoff_then_fails_visibly(settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing.AlwaysFailingBackend"
    notification = enqueue()
    delays = []
    for _attempt in range(notification.max_attempts):
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        result = services.notification_deliver(notification_id=notification.pk)
        if result.outcome == "retry":
            delays.append((result.retry_at - before).total_seconds())
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == notification.max_attempts
    assert "SMTPServerDisconnected" in notification.last_error
    assert len(delays) == notification.max_attempts - 1
    assert all(later > earlier for earlier, later in itertools.pairwise(delays))
    assert delays[0] >= 0.8 * settings.NOTIFICATION_BACKOFF_SECONDS


def test_deliver__not_yet_due__is_skipped():
    notification = enqueue(send_after=timezone.now() + timedelta(hours=1))
    assert services.notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert mail.outbox == []


def test_reschedule__reminder_moved_later__does_not_fire_at_the_old_time():
    notification = enqueue(dedupe_key="reminder:1")  # due now: a task is queued for now
    new_time = timezone.now() + timedelta(days=2)
    services.notification_reschedule(dedupe_key="reminder:1", send_after=new_time)
    # The task queued for the old time runs now and finds nothing due.
    assert services.notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.next_attempt_at == new_time


def test_reschedule__with_context__renders_the_new_text():
    enqueue(dedupe_key="reminder:2", send_after=timezone.now() + timedelta(hours=1))
    notification = services.notification_reschedule(
        dedupe_key="reminder:2",
        send_after=timezone.now() + timedelta(hours=5),
        context={"name": "Ola"},
    )
    assert "Ola" in notification.body_text


def test_cancel__pending_reminder__is_never_sent():
    notification = enqueue(dedupe_key="reminder:3")
    assert services.notification_cancel(dedupe_key="reminder:3")
    assert services.notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert mail.outbox == []


def test_retry__failed_message__is_sent_again(settings, django_capture_on_commit_callbacks):
    notification = enqueue()
    Notification.objects.filter(pk=notification.pk).update(status=Status.FAILED, attempts=6)
    assert services.notification_retry(notification=notification)
    assert services.notification_deliver(notification_id=notification.pk).outcome == "sent"
    assert len(mail.outbox) == 1


def test_retry__sent_message__is_not_sent_again():
    notification = enqueue()
    services.notification_deliver(notification_id=notification.pk)
    assert not services.notification_retry(notification=notification)


def test_dispatch_due__hands_over_waiting_rows_once_within_the_redispatch_window(monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(
        "hubportal.notifications.tasks.deliver_notification.apply_async",
        lambda args, **kwargs: handed.append(args[0]),
    )
    due = enqueue()
    enqueue(send_after=timezone.now() + timedelta(days=1))
    assert services.notification_dispatch_due() == 1
    assert handed == [due.pk]
    assert services.notification_dispatch_due() == 0  # already with the broker
    Notification.objects.filter(pk=due.pk).update(
        dispatched_at=timezone.now() - services.redispatch_after() - timedelta(seconds=1)
    )
    assert services.notification_dispatch_due() == 1  # the broker lost it: hand it over again


def test_dispatch_due__redispatch_delay__five_minutes_unless_configured(monkeypatch, settings):
    handed: list[int] = []
    monkeypatch.setattr(
        "hubportal.notifications.tasks.deliver_notification.apply_async",
        lambda args, **kwargs: handed.append(args[0]),
    )
    assert services.redispatch_after() == timedelta(minutes=5)
    notification = enqueue()
    Notification.objects.filter(pk=notification.pk).update(
        dispatched_at=timezone.now() - timedelta(seconds=20)
    )
    assert services.notification_dispatch_due() == 0  # 20 s is well inside five minutes
    settings.NOTIFICATION_REDISPATCH_SECONDS = 10
    assert services.notification_dispatch_due() == 1
    assert handed == [notification.pk]


def test_enqueue__broker_down__row_waits_for_the_dispatcher(
    django_capture_on_commit_callbacks, dead_broker
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue()
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.dispatched_at is None


@pytest.mark.django_db(transaction=True)
def test_deliver__two_workers_at_once__send_once():
    notification = enqueue()
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(services.notification_deliver(notification_id=notification.pk).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(mail.outbox) == 1


def test_purge_old__removes_delivered_messages_only():
    sent = enqueue()
    services.notification_deliver(notification_id=sent.pk)
    waiting = enqueue()
    Notification.objects.update(updated_at=timezone.now() - timedelta(days=200))
    assert services.notification_purge_old() == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.django_db(transaction=True)
def test_dispatch_due__second_dispatcher_at_the_same_time__does_nothing(monkeypatch):
    monkeypatch.setattr(
        "hubportal.notifications.tasks.deliver_notification.apply_async", lambda *a, **k: None
    )
    enqueue()
    Notification.objects.update(dispatched_at=None)  # as if the broker had been down
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [services._DISPATCH_LOCK_ID])
        assert services.notification_dispatch_due() == 0  # the other beat holds the lock
    finally:
        other.rollback()
        other.close()
    assert services.notification_dispatch_due() == 1


def test_admin__superuser_retries_a_failed_message(client, django_capture_on_commit_callbacks):
    admin = get_user_model().objects.create_superuser("root@example.no", "et-langt-passord-2026")
    notification = enqueue()
    Notification.objects.filter(pk=notification.pk).update(status=Status.FAILED, attempts=6)
    client.force_login(admin)
    listing = client.get("/admin/notifications/notification/", {"status__exact": "failed"})
    assert notification.to_address in listing.content.decode()
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "retry_selected", "_selected_action": [notification.pk]},
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.PENDING and notification.attempts == 0


class OrderRecordingBackend:
    """Records the steps of a send, and what the row says when the message goes out."""

    events: list[tuple[str, str]] = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        self.events.append(("open", ""))
        return True

    def close(self):
        self.events.append(("close", ""))

    def send_messages(self, messages):
        for message in messages:
            pk = message.extra_headers["Message-ID"].split("-", 1)[1].split("@")[0]
            self.events.append(("send", Notification.objects.get(pk=pk).status))
        return len(messages)


def test_deliver__row_marked_sent_before_the_send_and_connection_closed_after_commit(settings):
    # The window in which a crash sends a message twice is the commit alone: the mail
    # server's acceptance comes after the row says "sent" and before the connection closes.
    settings.EMAIL_BACKEND = f"{__name__}.OrderRecordingBackend"
    OrderRecordingBackend.events = []
    notification = enqueue()
    assert services.notification_deliver(notification_id=notification.pk).outcome == "sent"
    assert OrderRecordingBackend.events[0] == ("open", "")
    assert OrderRecordingBackend.events[1] == ("send", Status.SENT)
    assert OrderRecordingBackend.events[-1][0] == "close"
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 1
