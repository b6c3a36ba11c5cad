"""Scores (0–100 per dimension plus a weighted overall) and progress over sessions, from analysis reports."""
