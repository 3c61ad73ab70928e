"""Employer pages, the offers: form, preview, dashboard, public offer page."""
