"""Helpers shared by tests and benchmarks (hosts in network namespaces behind nginx)."""
