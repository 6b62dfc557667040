"""Django's PostgreSQL backend, with work run as the last statements before COMMIT.

Selected in config/settings.py whenever DATABASE_URL names PostgreSQL.
"""
