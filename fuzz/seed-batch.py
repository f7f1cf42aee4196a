#!/usr/bin/env python3
"""Seeds for the `batch` fuzz target (docs/fuzzing.md): the spec's example record as the
first line's text (mode 2), and two whole lines of records.jsonl (mode 1), with the case ids
the target's own batch uses, so the fuzzer starts past the checks it cannot forge."""
import hashlib
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
example = open(os.path.join(here, "../crates/core/tests/fixtures/example.json")).read()
ids = ["0190f3c2-8a7e-7b7c-9a51-%012x" % i for i in range(2)]
texts = [example.replace("0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11", i) for i in ids]
lines = "".join(
    json.dumps(
        {
            "case_id": i,
            "version": 1,
            "status": "finalised",
            "saved_at": "2026-01-19T18:00:00+07:00",
            "officer": "officer1",
            "reason": None,
            "photo_sha256": None,
            "record_text": t,
            "record_sha256": hashlib.sha256(t.encode()).hexdigest(),
        },
        separators=(",", ":"),
    )
    + "\n"
    for i, t in zip(ids, texts)
)
corpus = os.path.join(here, "corpus/batch")
os.makedirs(corpus, exist_ok=True)
open(os.path.join(corpus, "seed-record"), "wb").write(b"\x02" + texts[0].encode())
open(os.path.join(corpus, "seed-lines"), "wb").write(b"\x01" + lines.encode())
