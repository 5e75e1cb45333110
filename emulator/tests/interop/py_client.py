#!/usr/bin/env python3
"""Calls GSE JoinGameServerSessionBatch with the official Python SDK, for the emulator's interop
tests (adapted from docs/research/sdk-scripts/py_client.py). Prints ONE JSON line per call.

Options (argv --name=value, or env GSE_<NAME> upper-case, argv wins):
  --endpoint     host[:port] of the server            (default 127.0.0.1:8080)
  --scheme       http | https                          (default http)
  --secret-id / --secret-key
  --token        temporary-credential token; empty = none
  --method       POST | GET                            (default POST)
  --sign-method  TC3-HMAC-SHA256 | HmacSHA256 | HmacSHA1 (default TC3-HMAC-SHA256)
  --language     zh-CN | en-US  (empty: the SDK default, zh-CN; Python always sends one)
  --region       (default ap-guangzhou; "" = no region)
  --client       typed | common   (GseClient, the default, or CommonClient.call_json)
  --params       JSON object of action params
  --action       (default JoinGameServerSessionBatch)
  --unsigned-payload  1 to set ClientProfile.unsignedPayload = True
  --skew         seconds added to the SDK's clock (e.g. -600: a timestamp 10 minutes old)
  --calls        JSON list of objects, each overriding options for one call (and a "label");
                 one line is printed per call, in order
Output: {"sdk":"python","label":..,"ok":true,"result":{...}}
     or {"sdk":"python","label":..,"ok":false,"error":{"class":..,"code":..,"message":..,"requestId":..}}
"""
import json
import os
import sys
import time

NAMES = ["endpoint", "scheme", "secret-id", "secret-key", "token", "method", "sign-method",
         "language", "region", "client", "params", "action", "unsigned-payload", "skew", "calls",
         "label"]
DEFAULTS = {"endpoint": "127.0.0.1:8080", "scheme": "http", "secret-id": "", "secret-key": "",
            "token": "", "method": "POST", "sign-method": "TC3-HMAC-SHA256", "language": "",
            "region": "ap-guangzhou", "client": "typed", "params": "{}",
            "action": "JoinGameServerSessionBatch", "unsigned-payload": "", "skew": "0",
            "calls": "", "label": ""}

REAL_TIME = time.time
SKEW = [0.0]
# The SDK reads `time.time()` at each call (abstract_client): the skew shifts its clock only.
time.time = lambda: REAL_TIME() + SKEW[0]


def opts():
    o = {}
    for n in NAMES:
        env = os.environ.get("GSE_" + n.upper().replace("-", "_"))
        o[n] = env if env is not None else DEFAULTS[n]
    for a in sys.argv[1:]:
        if not (a.startswith("--") and "=" in a):
            raise SystemExit("expected --name=value, got %r" % a)
        k, v = a[2:].split("=", 1)
        if k not in NAMES:
            raise SystemExit("unknown option --%s" % k)
        o[k] = v
    return o


def call(o):
    out = {"sdk": "python", "client": o["client"], "label": o["label"]}
    try:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        import tencentcloud
        out["sdk_version"] = tencentcloud.__version__
        params = o["params"] if isinstance(o["params"], dict) else json.loads(o["params"])
        cred = credential.Credential(o["secret-id"], o["secret-key"], o["token"] or None)
        hp = HttpProfile(protocol=o["scheme"], endpoint=o["endpoint"], reqMethod=o["method"])
        kw = {"signMethod": o["sign-method"], "httpProfile": hp}
        if o["language"]:
            kw["language"] = o["language"]
        cp = ClientProfile(**kw)
        if str(o["unsigned-payload"]) in ("1", "true", "True"):
            cp.unsignedPayload = True
        SKEW[0] = float(o["skew"] or 0)
        region = o["region"]
        if o["client"] == "typed":
            from tencentcloud.gse.v20191112 import gse_client, models
            client = gse_client.GseClient(cred, region, cp)
            req = models.JoinGameServerSessionBatchRequest()
            req.from_json_string(json.dumps(params))
            resp = getattr(client, o["action"])(req)
            out["result"] = json.loads(resp.to_json_string())
        else:
            from tencentcloud.common.common_client import CommonClient
            client = CommonClient("gse", "2019-11-12", cred, region, profile=cp)
            out["result"] = client.call_json(o["action"], params)["Response"]
        out["ok"] = True
    except Exception as e:  # noqa: BLE001 - every failure is reported, as the SDK raised it
        out["ok"] = False
        err = {"class": type(e).__name__}
        for f in ("code", "message", "requestId"):
            if hasattr(e, f):
                v = getattr(e, f)
                err[f] = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        if "message" not in err:
            err["message"] = str(e)
        out["error"] = err
    finally:
        SKEW[0] = 0.0
    print(json.dumps(out, ensure_ascii=False, default=str), flush=True)


def main():
    o = opts()
    calls = json.loads(o["calls"]) if o["calls"] else [{}]
    for overrides in calls:
        one = dict(o)
        one.update({k: v for k, v in overrides.items()})
        call(one)


if __name__ == "__main__":
    main()
