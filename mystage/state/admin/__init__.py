"""The back office states (issue 18): one module per page of /espace/admin."""
