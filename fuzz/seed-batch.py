#!/usr/bin/env python3
"""Seeds for the `batch` fuzz target (docs/fuzzing.md): the spec's example record as the
first line's text (mode 2), two whole lines of records.jsonl (mode 1) and a print and a void
of a request (mode 3), with the case ids the target's own batch uses, so the fuzzer starts
past the checks it cannot forge."""
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
# Mode 3: the manifest's request events, a print then a void of case 0's request.
sha0 = hashlib.sha256(texts[0].encode()).hexdigest()
events = [
    {"seq": s, "serial": "PNH-2026-7KQ2-000001", "action": a, "at": "2026-01-19T18:00:00+07:00",
     "officer": "officer1", "reason": r, "case_id": ids[0], "version": 1,
     "record_sha256": sha0, "issued_at": "2026-01-19T18:00:00+07:00"}
    for s, a, r in [(1, "print", None), (2, "void", "spoiled")]
]
open(os.path.join(corpus, "seed-requests"), "wb").write(b"\x03" + json.dumps(events).encode())
