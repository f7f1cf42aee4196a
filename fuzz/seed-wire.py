#!/usr/bin/env python3
"""Seeds for the `wire` fuzz target (docs/fuzzing.md): a receipt body (mode 1), a device
identity file (mode 2), headquarters' public key file (mode 3) and an index page body for
mission PNH and nonce "nonce" (mode 4), so the fuzzer starts from well-formed ones."""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus", "wire")
os.makedirs(out, exist_ok=True)
# A valid Ed25519 public key (RFC 8032, test 1) and age recipient (age's spec example).
ed25519 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
age = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
case = "0190f3c2-8a7e-7b7c-9a51-000000000000"
seeds = {
    "receipt": (1, {
        "format": "loket.receipt/1", "device_id": "PNH-01", "batches": [1, 2],
        "records": [{"case_id": case, "version": 1, "record_sha256": "ab" * 32}],
        "records_from_batch": 2, "issued_at": "2026-01-19T18:00:00+07:00"}),
    "device": (2, {"format": "loket.device/1", "device_id": "PNH-01", "mission": "PNH",
                   "public_key": ed25519}),
    "hq-key": (3, {"format": "loket.hq-key/1", "sign": ed25519, "age": age}),
    "index": (4, {
        "format": "loket.index/1", "mission": "PNH", "request_nonce": "nonce",
        "entries": [{"seq": 3, "case_id": case, "device_id": "PNH-02", "version": 2,
                     "status": "finalised", "ticket": "A-042", "full_name": "SITI AMINAH",
                     "aliases": ["SITI AMINA"], "date_of_birth": "1999-04-12",
                     "nik": "3203415204990001", "passport_number": "C1234567",
                     "hq_status": "departed", "hq_status_at": "2026-01-21T10:00:00Z"}],
        "next": 3, "more": False}),
}
for name, (mode, value) in seeds.items():
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(bytes([mode]) + json.dumps(value).encode())
