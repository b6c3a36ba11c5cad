"""Administrator-only endpoints."""
