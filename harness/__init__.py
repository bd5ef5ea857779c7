"""What the tests and the benches both stand on: real services (a Kafka broker, a
PostgreSQL server, `wirewatch serve`), a feed server, a webhook receiver, and readers
of the pipeline's topics. Not shipped with wirewatch: it is imported from the
repository's root (pytest's `pythonpath`, `python -m bench.<name>`), and nothing under
the runtime packages may import it (tests/test_layering.py)."""
