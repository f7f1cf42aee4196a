#!/usr/bin/env python3
"""Seeds for the `status_list` target: lists as spreadsheets save them (semicolons with a
byte-order mark and CRLF, commas with bad lines, tabs with bare CR line ends and a quoted
field across lines), so the fuzzer starts past the header check."""
from pathlib import Path

SEEDS = {
    "semicolons.csv": b"\xef\xbb\xbfNama;NIK;Passport;Status\r\n"
    b"SITI AMINAH;3203415204990001;;departed\r\n;;;\r\nBUDI;;C7654321;Departed\r\n",
    "problems.csv": b"case_id,nik,passport,status\n"
    b"0190f3c2-8a7e-7b7c-9a51-000000000005,,,departed\n,3.20342E+15,,departed\n"
    b",,C0000001,lost\n",
    "tabs-cr.tsv": b'passport\tstatus\tnote\rc 765 4321\tSPLP_ISSUED\t"a ""quoted""\rnote"\r',
}

corpus = Path(__file__).parent / "corpus" / "status_list"
corpus.mkdir(parents=True, exist_ok=True)
for name, data in SEEDS.items():
    (corpus / name).write_bytes(data)
print(f"{len(SEEDS)} seeds in {corpus}")
