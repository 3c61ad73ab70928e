"""The conventions' pages."""
