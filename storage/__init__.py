"""Persistence: SQLAlchemy models, repositories, migrations runner and blob storage.

Used by the server and the analysis jobs; never imports them.
"""
