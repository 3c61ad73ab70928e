"""Employer pages, the structure: sign-up, profile and logo, team."""
