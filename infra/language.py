"""Which language an article is in, and whether the extractor reads it (English only).

The rule leans to reading: an article is skipped only when py3langid (its model ships in
the wheel; nothing is downloaded) puts another language first AND gives English less
than a thousandth of the probability. Short text (under MIN_LETTERS letters) is read, and
so are the English-based languages the model confuses English headlines with (Nigerian
Pidgin, Scots). A headline wrongly skipped loses an event; one wrongly read costs only
an extraction that finds nothing. Only the title and the text's first SAMPLE_CHARS
characters are looked at: the cost grows with the length, the answer hardly does.
bench/languages.py measures both sides on labelled real text.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

READ = frozenset({"en", "pcm", "sco"})  # English, and English-based codes read as English
UNDETERMINED = "und"  # ISO 639-2: too short or too unsure to say; read
SAMPLE_CHARS = 200
MIN_LETTERS = 10
MAX_ENGLISH = 0.001  # skipped only when English is less likely than this
_lock = threading.Lock()


@cache
def load_model() -> Any:
    """py3langid's model, loaded once per process (about 3 s): on first use, or before
    it by a process that would rather not pause then (the worker, at start)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def sample_of(title: str, text: str) -> str:
    """What detection looks at: the title, then the start of the text."""
    return f"{title}\n{text}"[:SAMPLE_CHARS]


def detect_language(title: str, text: str = "") -> str:
    """The ISO 639 code of the language the article is in, "en" for the English-based
    ones, UNDETERMINED when it is too short or English cannot be ruled out."""
    sample = sample_of(title, text)
    if sum(character.isalpha() for character in sample) < MIN_LETTERS:
        return UNDETERMINED
    identifier = load_model()
    with _lock:  # the identifier is not documented as thread-safe
        ranked = identifier.rank(sample)
    best, _ = ranked[0]
    if best in READ:
        return "en"
    english = next(score for language, score in ranked if language == "en")
    return best if english < MAX_ENGLISH else UNDETERMINED


def is_read(language: str | None) -> bool:
    """Whether the extractor reads an article detected as LANGUAGE (None: not detected)."""
    return language is None or language in READ or language == UNDETERMINED


def language_of(title: str, text: str, detected: str | None) -> str:
    """The detected language an article carries, or detected now when it carries none
    (a message from before detection)."""
    return detected if detected is not None else detect_language(title, text)
