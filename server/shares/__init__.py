"""Sharing sessions with coaches: ``/api/v1/shares`` and the revocation of live viewing."""
