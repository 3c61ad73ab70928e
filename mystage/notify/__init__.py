"""Notifications: the outbox (messages queued in the caller's transaction), message
templates, transports (SMTP, SMS over HTTP, dev mailbox) and the delivery job."""
