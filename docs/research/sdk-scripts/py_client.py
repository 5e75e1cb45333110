#!/usr/bin/env python3
"""Call GSE JoinGameServerSessionBatch with the official Python SDK and print ONE JSON line.

Options (argv --name=value, or env GSE_<NAME> upper-case, argv wins):
  --endpoint     host[:port] of the server            (default 127.0.0.1:8080)     env GSE_ENDPOINT
  --scheme       http | https                          (default http)              env GSE_SCHEME
  --secret-id    (default AKIDDUMMYRESEARCH0001)                                     env GSE_SECRET_ID
  --secret-key   (default dummySecretKeyForResearch00)                               env GSE_SECRET_KEY
  --token        temporary-credential token; empty = none                           env GSE_TOKEN
  --method       POST | GET                            (default POST)              env GSE_METHOD
  --sign-method  TC3-HMAC-SHA256 | HmacSHA256 | HmacSHA1 (default TC3-HMAC-SHA256) env GSE_SIGN_METHOD
  --language     zh-CN | en-US  (SDK default zh-CN; Python always sends a language) env GSE_LANGUAGE
  --region       (default ap-guangzhou; "" = no region)                              env GSE_REGION
  --client       common | typed   (CommonClient.call_json or GseClient)             env GSE_CLIENT
  --params       JSON object of action params (default: a sample request)           env GSE_PARAMS
  --action       (default JoinGameServerSessionBatch)                                env GSE_ACTION
  --unsigned-payload  1 to set ClientProfile.unsignedPayload = True                  env GSE_UNSIGNED_PAYLOAD
  --options      JSON passed as call_json(options=...), e.g. {"IsMultipart":true} or {"SkipSign":true} (common only)
Needs the SDK on sys.path: PYTHONPATH=/tmp/sdkresearch/py (or pip-installed).
Output: {"sdk":"python","client":...,"ok":true,"result":{...}}
     or {"sdk":"python","client":...,"ok":false,"error":{"class":..,"code":..,"message":..,"requestId":..}}
"""
import json
import os
import sys

DEFAULT_PARAMS = {
    "GameServerSessionId": "qcs::gse:ap-guangzhou:uin/100000:gameserversession/fleet-1/gss-1",
    "PlayerIds": ["p1", "p2"],
    "PlayerDataMap": {"Key": "k1", "Value": "v1"},
}


def opts():
    names = ["endpoint", "scheme", "secret-id", "secret-key", "token", "method", "sign-method",
             "language", "region", "client", "params", "action", "unsigned-payload", "options"]
    defaults = {"endpoint": "127.0.0.1:8080", "scheme": "http", "secret-id": "AKIDDUMMYRESEARCH0001",
                "secret-key": "dummySecretKeyForResearch00", "token": "", "method": "POST",
                "sign-method": "TC3-HMAC-SHA256", "language": "", "region": "ap-guangzhou",
                "client": "common", "params": "", "action": "JoinGameServerSessionBatch",
                "unsigned-payload": "", "options": ""}
    o = {}
    for n in names:
        env = os.environ.get("GSE_" + n.upper().replace("-", "_"))
        o[n] = env if env is not None else defaults[n]
    for a in sys.argv[1:]:
        if a.startswith("--") and "=" in a:
            k, v = a[2:].split("=", 1)
            if k not in names:
                raise SystemExit("unknown option --%s" % k)
            o[k] = v
    return o


def main():
    o = opts()
    out = {"sdk": "python", "client": o["client"]}
    try:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        import tencentcloud
        out["sdk_version"] = tencentcloud.__version__
        params = json.loads(o["params"]) if o["params"] else DEFAULT_PARAMS
        cred = credential.Credential(o["secret-id"], o["secret-key"], o["token"] or None)
        hp = HttpProfile(protocol=o["scheme"], endpoint=o["endpoint"], reqMethod=o["method"])
        kw = {"signMethod": o["sign-method"], "httpProfile": hp}
        if o["language"]:
            kw["language"] = o["language"]
        cp = ClientProfile(**kw)
        if o["unsigned-payload"] in ("1", "true", "True"):
            cp.unsignedPayload = True
        region = o["region"]
        if o["client"] == "typed":
            from tencentcloud.gse.v20191112 import gse_client, models
            client = gse_client.GseClient(cred, region, cp)
            req = models.JoinGameServerSessionBatchRequest()
            req.from_json_string(json.dumps(params))
            resp = getattr(client, o["action"])(req)
            out["ok"] = True
            out["result"] = json.loads(resp.to_json_string())
        else:
            from tencentcloud.common.common_client import CommonClient
            client = CommonClient("gse", "2019-11-12", cred, region, profile=cp)
            out["ok"] = True
            options = json.loads(o["options"]) if o["options"] else None
            out["result"] = client.call_json(o["action"], params, options=options)
    except Exception as e:  # noqa
        out["ok"] = False
        err = {"class": type(e).__name__}
        for f in ("code", "message", "requestId"):
            if hasattr(e, f):
                v = getattr(e, f)
                err[f] = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        if "message" not in err:
            err["message"] = str(e)
        out["error"] = err
    print(json.dumps(out, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
