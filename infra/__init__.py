"""The foundation every stage stands on: settings, the database and its migrations, Kafka
administration and the local broker, the network guard, HTTP helpers and geography.
It imports nothing from the stages above it (ingest, processors, sinks, wirewatch)."""
