"""Database models, engine, repositories and migrations."""
