"""Coaches' timed notes on a session: ``/api/v1/sessions/{id}/notes``."""
