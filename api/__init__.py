"""The analyst's window: the HTTP API over the event store (above the sinks, below the
command line)."""
