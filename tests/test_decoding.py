"""Content-Encoding undone with a cap on every layer (`ingest.decoding`): pure, no server."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from ingest.decoding import BoundedDecoder, DecodingError

BODY = b"<rss><channel><title>t</title></channel></rss>" * 200


def _decode(data: bytes, encoding: str, cap: int = 1 << 20, chunk: int = 1000) -> bytes:
    decoder = BoundedDecoder(encoding, cap)
    out = b"".join(decoder.feed(data[i : i + chunk]) for i in range(0, len(data), chunk))
    return out + decoder.flush()


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("", lambda b: b),
        ("identity", lambda b: b),
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),  # as the standard says: zlib-wrapped
        ("deflate", _raw_deflate),  # as some servers send it
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate, gzip", lambda b: gzip.compress(zlib.compress(b))),
    ],
)
def test_each_encoding_and_layers_of_them_decode(encoding, encode):
    for chunk in (1, 7, 1000, 1 << 20):
        assert _decode(encode(BODY), encoding, chunk=chunk) == BODY


def test_the_cap_is_the_decoded_size_exactly():
    packed = gzip.compress(BODY)
    assert _decode(packed, "gzip", cap=len(BODY)) == BODY
    with pytest.raises(DecodingError) as caught:
        _decode(packed, "gzip", cap=len(BODY) - 1)
    assert caught.value.kind == "too_large"


def test_a_double_gzip_bomb_stops_at_the_cap_without_inflating_it():
    """256 MiB of zeros gzipped twice is a few kB; decoding holds about the cap."""
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    inner = b"".join(packer.compress(bytes(1 << 20)) for _ in range(256)) + packer.flush()
    bomb = gzip.compress(inner)
    assert len(bomb) < 10_000
    tracemalloc.start()
    try:
        with pytest.raises(DecodingError) as caught:
            _decode(bomb, "gzip, gzip", cap=2 << 20, chunk=65536)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.kind == "too_large"
    assert peak < 16 << 20, f"{peak / 2**20:.0f} MiB held while decoding"


@pytest.mark.parametrize(
    ("encoding", "data", "problem"),
    [
        ("br", b"x", "unsupported Content-Encoding br"),
        ("gzip, gzip, gzip, gzip", b"x", "4 layers"),
        ("gzip", b"this is not gzip at all", "bad gzip data"),
        ("deflate", b"\x00\x01garbage" * 10, "bad deflate data"),
    ],
)
def test_what_cannot_be_decoded_is_a_clear_error(encoding, data, problem):
    with pytest.raises(DecodingError) as caught:
        _decode(data, encoding)
    assert caught.value.kind == "decoding" and problem in str(caught.value)
