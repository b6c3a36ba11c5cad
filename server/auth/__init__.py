"""Authentication: password hashing, JWT access tokens, guards and routes."""
