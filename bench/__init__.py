"""Benchmarks: scripts that print markdown tables of latency, throughput and accuracy (not tests)."""
