"""The stream runtime: the faust app that wires the pure stage handlers
(`processors.stages`) to Kafka topics and tables, and the sinks (storage, alert
delivery) to the events they consume. It sits above both the stages and the sinks."""
