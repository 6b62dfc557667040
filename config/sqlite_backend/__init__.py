"""Django's SQLite backend, except that `flush` empties tables guarded by triggers.

Selected in config/settings.py whenever DATABASE_URL names SQLite.
"""
