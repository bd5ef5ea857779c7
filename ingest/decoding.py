"""Undoing a response's Content-Encoding with a cap on every layer, checked while it
is decoded.

A decoder that inflates a whole chunk before its output is measured can be made to
write gigabytes from a kilobyte: a body gzipped twice (``Content-Encoding: gzip,
gzip``) turns 2 kB into 1 MB of inner stream, and that into 1 GiB. Here each layer asks
zlib for at most what is left of its cap (``max_length``), so no layer ever holds more
than the cap, and the first byte over it stops the fetch.
"""

from __future__ import annotations

import zlib

# Content-Encoding tokens and the zlib window that reads each
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
MAX_LAYERS = 3


class DecodingError(Exception):
    """A body that cannot be decoded: ``kind`` is ``too_large`` or ``decoding``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _zlib_header(first: bytes) -> bool:
    return len(first) == 2 and first[0] & 0x0F == 8 and (first[0] * 256 + first[1]) % 31 == 0


class _Layer:
    """One encoding, undone a chunk at a time, never producing more than CAP bytes."""

    def __init__(self, token: str, cap: int) -> None:
        self.token, self.cap, self.produced = token, cap, 0
        self.inflater = zlib.decompressobj(_WBITS[token])
        self.started, self.head = False, b""

    def feed(self, data: bytes) -> bytes:
        if self.token == "deflate" and not self.started:
            # "deflate" is meant to be zlib-wrapped; some servers send it raw: the first
            # two bytes tell
            data = self.head = self.head + data
            if len(data) < 2:
                return b""
            self.started = True
            if not _zlib_header(data[:2]):
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left = self.cap - self.produced
        try:
            # at most one byte over what is left: that byte says the cap is passed
            out = self.inflater.decompress(data, left + 1)
        except zlib.error as error:
            raise DecodingError("decoding", f"bad {self.token} data: {error}") from None
        self.produced += len(out)
        if self.produced > self.cap:
            raise DecodingError(
                "too_large", f"{self.token} layer decodes to more than {self.cap} bytes; aborted"
            )
        return out

    def flush(self) -> bytes:
        if self.head and not self.started:  # a one-byte body: raw deflate or nothing
            self.started = True
            self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.feed(self.head)
        out = self.inflater.flush(self.cap - self.produced + 1)
        self.produced += len(out)
        if self.produced > self.cap:
            raise DecodingError(
                "too_large", f"{self.token} layer decodes to more than {self.cap} bytes; aborted"
            )
        return out


class BoundedDecoder:
    """The layers of a Content-Encoding header, undone last-applied first, each capped
    at CAP bytes of output."""

    def __init__(self, content_encoding: str, cap: int) -> None:
        tokens = [t.strip().lower() for t in content_encoding.split(",") if t.strip()]
        tokens = [t for t in tokens if t != "identity"]
        unknown = [t for t in tokens if t not in _WBITS]
        if unknown:
            raise DecodingError("decoding", f"unsupported Content-Encoding {', '.join(unknown)}")
        if len(tokens) > MAX_LAYERS:
            raise DecodingError(
                "decoding", f"Content-Encoding of {len(tokens)} layers (at most {MAX_LAYERS})"
            )
        self.layers = [_Layer(token, cap) for token in reversed(tokens)]

    def feed(self, chunk: bytes) -> bytes:
        for layer in self.layers:
            chunk = layer.feed(chunk)
        return chunk

    def flush(self) -> bytes:
        """What the layers still hold at the end of the body, each layer's rest carried
        through the layers after it."""
        out = b""
        for number, layer in enumerate(self.layers):
            tail = layer.flush()
            for later in self.layers[number + 1 :]:
                tail = later.feed(tail)
            out += tail
        return out
