"""The domain: every rule, transition, permission and query, as plain Python over a Session (never imports reflex). One package per domain; see docs/architecture.md."""
