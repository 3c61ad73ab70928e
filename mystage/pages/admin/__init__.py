"""The back office (issue 18): one module per page of /espace/admin."""
