"""A user's own account: export everything, delete everything."""
