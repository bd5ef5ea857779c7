"""Event extraction: pure functions from an Article to its EventMentions."""

from processors.extraction.extractor import extract_events

__all__ = ["extract_events"]
