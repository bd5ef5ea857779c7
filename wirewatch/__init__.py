"""wirewatch: armed-conflict events from the news, as they are published."""

__version__ = "0.1.0"
