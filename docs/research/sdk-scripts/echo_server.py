#!/usr/bin/env python3
"""Loopback echo server for Tencent Cloud SDK research / interop tests.

For every request it records (one JSON line on stdout, and in --log if given):
method, raw path, raw query, headers as received (original case and order), body,
and an independent signature check ("verify") done with the secret key given by
--secret-key / $ECHO_SECRET_KEY (TC3-HMAC-SHA256, HmacSHA1, HmacSHA256).

It answers with a GSE JoinGameServerSessionBatch-shaped reply chosen by the mode:
  ok            200, {"Response":{"PlayerSessions":[...],"RequestId":...}}, Content-Type application/json
  ok-charset    same, Content-Type "application/json; charset=utf-8"
  error         200, {"Response":{"Error":{"Code":"InvalidParameter",...},"RequestId":...}}
  error-charset same error, Content-Type "application/json; charset=utf-8"
  http500       500 with a JSON error body
  notjson       200, text/html body "<html>oops</html>"
  noresponse    200, application/json body {"foo":1}
The mode comes from --mode, and can be changed at run time with  GET /__mode?m=<mode>
(that control request is not recorded).  GET /__last returns the last record as JSON (null after
GET /__reset).

Usage: python3 echo_server.py [--port 0] [--mode ok] [--secret-key KEY] [--log FILE] [--port-file FILE]
The first stdout line is "LISTENING <port>". Binds 127.0.0.1 only.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

STATE = {"mode": "ok", "secret_key": None, "log": None, "last": None}
LOCK = threading.Lock()


def sha256_hex(b):
    return hashlib.sha256(b).hexdigest()


def hmac256(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def host_variants(host):
    """The Host header as sent, and the same without a :port (Node signs hostname only)."""
    out = [host]
    if host.startswith("["):  # IPv6 literal
        end = host.find("]")
        if end != -1 and host[end + 1:].startswith(":"):
            out.append(host[: end + 1])
    elif host.count(":") == 1:
        out.append(host.split(":", 1)[0])
    return out


def verify_tc3(method, raw_path, raw_query, headers, body, secret_key):
    auth = headers.get("authorization", "")
    res = {"algorithm": "TC3-HMAC-SHA256"}
    try:
        algo, rest = auth.split(" ", 1)
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        cred = parts["Credential"].split("/")
        secret_id, date, service, term = cred[0], cred[1], cred[2], cred[3]
        signed_headers = parts["SignedHeaders"]
        signature = parts["Signature"]
    except Exception as e:  # noqa
        res["error"] = "cannot parse Authorization: %r" % auth
        return res
    res.update(secret_id=secret_id, date=date, service=service, term=term,
               signed_headers=signed_headers)
    ts = headers.get("x-tc-timestamp", "")
    try:
        ts_date = datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%d")
        res["date_matches_timestamp"] = ts_date == date
    except ValueError:
        res["date_matches_timestamp"] = False
    if headers.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD":
        payload_hash = sha256_hex(b"UNSIGNED-PAYLOAD")
        res["payload"] = "UNSIGNED-PAYLOAD"
    else:
        payload_hash = sha256_hex(body)
    names = signed_headers.split(";")
    host = headers.get("host", "")
    matched = None
    tried = []
    for hv in host_variants(host):
        canon_headers = ""
        for n in names:
            v = hv if n == "host" else headers.get(n, "")
            canon_headers += "%s:%s\n" % (n, v.strip())
        # canonical query: the raw query string exactly as received (no re-sort, no re-encode)
        creq = "\n".join([method, raw_path, raw_query, canon_headers, signed_headers, payload_hash])
        s2s = "TC3-HMAC-SHA256\n%s\n%s/%s/tc3_request\n%s" % (ts, date, service, sha256_hex(creq.encode("utf-8")))
        if secret_key is None:
            break
        k = hmac256(("TC3" + secret_key).encode("utf-8"), date)
        k = hmac256(k, service)
        k = hmac256(k, "tc3_request")
        sig = hmac.new(k, s2s.encode("utf-8"), hashlib.sha256).hexdigest()
        tried.append(hv)
        if hmac.compare_digest(sig, signature):
            matched = hv
            res["canonical_request"] = creq
            res["string_to_sign"] = s2s
            break
    res["signed_host"] = matched
    res["valid"] = matched is not None
    res["host_variants_tried"] = tried
    return res


def verify_v1(method, raw_path, raw_query, headers, body, secret_key):
    if method == "GET":
        pairs = parse_qsl(raw_query, keep_blank_values=True)
    else:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    params = dict(pairs)
    res = {"algorithm": params.get("SignatureMethod", "(absent => HmacSHA1)"),
           "params": params}
    sig = params.pop("Signature", None)
    sm = params.get("SignatureMethod", "HmacSHA1")
    digest = hashlib.sha256 if sm == "HmacSHA256" else hashlib.sha1
    matched = None
    tried = []
    for hv in host_variants(headers.get("host", "")):
        s = "%s%s%s?%s" % (method, hv, raw_path, "&".join("%s=%s" % (k, params[k]) for k in sorted(params)))
        if secret_key is None or sig is None:
            break
        calc = base64.b64encode(hmac.new(secret_key.encode("utf-8"), s.encode("utf-8"), digest).digest()).decode()
        tried.append(hv)
        if hmac.compare_digest(calc, sig):
            matched = hv
            res["string_to_sign"] = s
            break
    res["signed_host"] = matched
    res["valid"] = matched is not None
    res["host_variants_tried"] = tried
    return res


def sample_ok(request_id):
    return {"Response": {"PlayerSessions": [{
        "CreationTime": "2026-01-01T00:00:00Z", "DnsName": "", "FleetId": "fleet-1",
        "GameServerSessionId": "gss-1", "IpAddress": "127.0.0.1", "PlayerData": "d",
        "PlayerId": "p1", "PlayerSessionId": "psess-1", "Port": 7777, "Status": "RESERVED",
        "TerminationTime": None}], "RequestId": request_id}}


def sample_err(request_id):
    return {"Response": {"Error": {"Code": "InvalidParameter", "Message": "echo server error"},
                         "RequestId": request_id}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stdout for records
        pass

    def _handle(self):
        raw_path, _, raw_query = self.path.partition("?")
        if raw_path == "/__mode":
            STATE["mode"] = dict(parse_qsl(raw_query)).get("m", "ok")
            return self._send(200, "application/json", json.dumps({"mode": STATE["mode"]}).encode())
        if raw_path == "/__reset":
            STATE["last"] = None
            return self._send(200, "application/json", b"{}")
        if raw_path == "/__last":
            return self._send(200, "application/json", json.dumps(STATE["last"]).encode())
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        hdrs_list = list(self.headers.items())
        hl = {k.lower(): v for k, v in hdrs_list}
        auth = hl.get("authorization", "")
        if auth.startswith("TC3-HMAC-SHA256"):
            ver = verify_tc3(self.command, raw_path, raw_query, hl, body, STATE["secret_key"])
        elif "Signature=" in raw_query or b"Signature=" in body:
            ver = verify_v1(self.command, raw_path, raw_query, hl, body, STATE["secret_key"])
        else:
            ver = {"algorithm": None, "valid": False}
        rec = {"method": self.command, "path": raw_path, "query": raw_query,
               "request_line": self.requestline, "headers": hdrs_list,
               "body": body.decode("utf-8", "replace"), "verify": ver, "mode": STATE["mode"]}
        with LOCK:
            STATE["last"] = rec
            line = json.dumps(rec, ensure_ascii=False)
            print(line, flush=True)
            if STATE["log"]:
                with open(STATE["log"], "a") as f:
                    f.write(line + "\n")
        rid = str(uuid.uuid4())
        mode = STATE["mode"]
        if mode == "ok":
            return self._send(200, "application/json", json.dumps(sample_ok(rid)).encode())
        if mode == "ok-charset":
            return self._send(200, "application/json; charset=utf-8", json.dumps(sample_ok(rid)).encode())
        if mode == "error":
            return self._send(200, "application/json", json.dumps(sample_err(rid)).encode())
        if mode == "error-charset":
            return self._send(200, "application/json; charset=utf-8", json.dumps(sample_err(rid)).encode())
        if mode == "http500":
            return self._send(500, "application/json", json.dumps(sample_err(rid)).encode())
        if mode == "notjson":
            return self._send(200, "text/html", b"<html>oops</html>")
        if mode == "noresponse":
            return self._send(200, "application/json", b'{"foo":1}')
        return self._send(200, "application/json", json.dumps(sample_ok(rid)).encode())

    def _send(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-TC-TraceId", "echo-trace")
        self.end_headers()
        self.wfile.write(data)

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=int(os.environ.get("ECHO_PORT", "0")))
    ap.add_argument("--mode", default=os.environ.get("ECHO_MODE", "ok"))
    ap.add_argument("--secret-key", default=os.environ.get("ECHO_SECRET_KEY"))
    ap.add_argument("--log", default=os.environ.get("ECHO_LOG"))
    ap.add_argument("--port-file", default=None)
    a = ap.parse_args()
    STATE.update(mode=a.mode, secret_key=a.secret_key, log=a.log)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write(str(port))
    print("LISTENING %d" % port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
