"""The newsletter's use-cases, one module per use-case; import them from here.

``issues`` publishes and unpublishes; ``sends`` runs a send's lifecycle;
``expansion`` finds its recipients; ``batches`` is the engine that mails them.

Sending an issue to its subscribers: every eligible person once, none lost, none twice.

How a send stays safe (see "Sending and crash safety" in docs/architecture.md):

1. A Send row is the durable record of the intent; beat starts due sends from
   the database (``send_start_due``), so a restart never loses a scheduled one.
2. ``send_expand`` turns recipients into Delivery rows in chunks: the next
   chunk of subscriber ids after a saved cursor (one chunk in memory at a time),
   inserted with ON CONFLICT DO NOTHING against the unique (issue, subscriber) constraint,
   so overlapping lists, a second send or a replayed task add no one twice.
3. ``send_batch`` claims up to NEWSLETTER_SEND_BATCH_SIZE due deliveries with
   SELECT … FOR UPDATE SKIP LOCKED and leases them; parallel batches never
   share a delivery. At claim time each recipient is checked again, so an
   unsubscribe or a suppression during a send takes effect at once.
4. The batch goes over one SMTP connection and its results are written in
   bulk. It holds its deliveries by a lease (NEWSLETTER_SEND_LEASE_SECONDS)
   and a token of its own (``Delivery.claimed_by``), and a live batch never
   loses them, however slow the machine or the mail server: before each
   message, when less than two thirds of the lease is left, it renews the
   lease of its rows still carrying its token (and the send's last activity,
   so the watchdog leaves it alone), and it starts a message only with two
   thirds of the lease left. EMAIL_TIMEOUT, which settings hold to at most a
   third of the lease, ends a stuck SMTP step well inside that. Results, and
   the release of unsent deliveries, touch only rows still carrying the token;
   a message that went out is recorded as sent whoever holds its row. The
   results commit in a transaction of their own, before any follow-up (the
   send's last activity, suppressing addresses refused for good), so nothing
   that happens after a message went out can undo the record that it went out;
   a suppression whose subscriber is busy is queued and tried again.
5. A batch killed before writing leaves its deliveries leased, and no one
   renews them; once the lease ends the next claim takes them again. So at
   most the messages of the batches in flight at a hard kill can be sent
   twice, and none is skipped. A graceful stop lets the running batch finish
   and record: none twice.
6. What a lease cannot rule out: a worker frozen mid-batch past its lease
   (a stopped VM, or an SMTP exchange of several steps each near EMAIL_TIMEOUT)
   is taken over like a dead one: a batch records its results only at its end,
   so everything it had sent and not yet recorded goes out again (up to a batch
   per pool process, as at a hard kill). Woken, it may finish the message it
   had on the wire; then its renewal finds a delivery no longer carries its
   token, so it starts no other. Its unsent deliveries go back to the queue.
   Leases compare the workers' clocks, so their hosts must agree on the time
   to well within a third of the lease (NTP does).
"""

from newsletter.services.batches import batches_start, send_batch
from newsletter.services.expansion import send_expand
from newsletter.services.images import (
    issue_image_check_deletable,
    issue_image_delete,
)
from newsletter.services.issues import (
    issue_check_publishable,
    issue_publish,
    issue_publish_due,
    issue_unpublish,
)
from newsletter.services.sends import (
    send_cancel,
    send_create,
    send_pause,
    send_restart_stalled,
    send_resume,
    send_start_due,
    send_test,
    send_test_request,
)

__all__ = [
    "batches_start",
    "issue_check_publishable",
    "issue_image_check_deletable",
    "issue_image_delete",
    "issue_publish",
    "issue_publish_due",
    "issue_unpublish",
    "send_batch",
    "send_cancel",
    "send_create",
    "send_expand",
    "send_pause",
    "send_restart_stalled",
    "send_resume",
    "send_start_due",
    "send_test",
    "send_test_request",
]
