"""Dead letters, in one place: what a stage could not handle, kept, counted, read back and
sent again. It stands above the foundation (infra) and below the stages that write
letters (ingest's collector, the stream's worker), which import it by name.

    apart.py    the one folder an original too large for its letter is kept in: written
                there, and read back only from there (confined, capped, no symlink out)
    reading.py  a `.dlq` topic read back, a letter parsed, its original given back only
                when it matches the letter's SHA-256
    replay.py   which originals to send back, and sending them
    status.py   how many letters each dead-letter topic holds

The letter itself (`schemas.dead_letter`: its fields, how it is built, how its original
is checked) is a message contract like every other: the topic registry below
(`schemas.topics`) names it as what each `.dlq` topic carries, and infra creates the
topics from that registry, so it stays with the schemas.
"""
