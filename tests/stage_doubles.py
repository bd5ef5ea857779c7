"""Stand-ins for what faust hands the stage loop (`processors.stream.runner`): a
topic that keeps what is sent to it, and events carrying a value and its message's
coordinates. The loop's own code runs on them, no broker needed."""

from __future__ import annotations


class Topic:
    """Keeps every value sent to it, in order."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.sent: list[bytes] = []

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, key: bytes, value: bytes, timestamp: float | None = None) -> None:
        self.sent.append(value)


class Message:
    partition, offset, key, timestamp = 0, 7, b"k", 0.0

    def __init__(self, value: bytes, topic: str) -> None:
        self.value = value
        self.topic = topic
        self.refcount = 1  # faust's: the stream's own reference, given up when it acks
        self.acked = False

    def incref(self) -> None:
        self.refcount += 1

    def decref(self) -> int:
        self.refcount -= 1
        return self.refcount


class StreamEvent:
    def __init__(self, value: bytes, topic: str = "articles.raw") -> None:
        self.value = value
        self.message = Message(value, topic)
