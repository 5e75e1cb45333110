#!/usr/bin/env python3
"""Print the requests recorded by run_matrix.sh as raw HTTP, plus the verifier's verdict.
Usage: python3 show_raw.py [results.jsonl] [name-substring ...]"""
import json, sys
path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sdkresearch/observed/results.jsonl"
want = sys.argv[2:]
for line in open(path):
    r = json.loads(line)
    if want and not any(w in r["name"] for w in want):
        continue
    s = r["server_saw"]
    print("### %s" % r["name"])
    if not s:
        print("(no request reached the server)")
        print("client: " + json.dumps(r["client_output"], ensure_ascii=False)); print(); continue
    print("```")
    print(s["request_line"])
    for k, v in s["headers"]:
        print("%s: %s" % (k, v))
    print()
    if s["body"]:
        print(s["body"])
    print("```")
    v = dict(s["verify"]); v.pop("params", None)
    keep = {k: v[k] for k in ("algorithm", "valid", "signed_host", "service", "signed_headers", "string_to_sign", "canonical_request") if k in v}
    print("verifier: " + json.dumps(keep, ensure_ascii=False))
    co = r["client_output"]
    if co and not co.get("ok"):
        print("client: " + json.dumps(co.get("error"), ensure_ascii=False))
    print()
