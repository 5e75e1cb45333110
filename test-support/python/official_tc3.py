"""Signs requests with the official Python SDK's own TC3 code, for the interop test.

Reads one JSON object per line on stdin: secret_id, secret_key, token, region, language,
timestamp, host, body (the exact body text sent); and for a service other than GSE, service,
version and action (signed through the SDK's CommonClient). Writes one JSON object per line: the headers
the SDK's `_build_req_with_tc3_signature` sets for that request. Only the SDK's clock and its
JSON encoder are replaced, so that it signs the given timestamp and the exact given bytes.
"""

import json
import sys
import types

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.gse.v20191112 import gse_client

ACTION = "JoinGameServerSessionBatch"
real_json = abstract_client.json


def sdk_headers(case):
    cred = credential.Credential(case["secret_id"], case["secret_key"], case.get("token"))
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=case["host"]))
    # The SDK always sends a language; ours only when asked. It is not signed either way.
    profile.language = case.get("language")
    if "service" in case:
        client = CommonClient(case["service"], case["version"], cred, case["region"], profile)
    else:
        client = gse_client.GseClient(cred, case["region"], profile)
    action = case.get("action", ACTION)
    timestamp = case["timestamp"]
    body = case["body"]
    abstract_client.time = types.SimpleNamespace(time=lambda: timestamp)
    abstract_client.json = types.SimpleNamespace(dumps=lambda _params: body, loads=real_json.loads)
    try:
        request = RequestInternal(client._get_endpoint(), "POST", "/", header={})
        client._build_req_with_tc3_signature(action, {}, request)
    finally:
        abstract_client.json = real_json
    return request.header


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps({"headers": sdk_headers(json.loads(line))}), flush=True)


if __name__ == "__main__":
    main()
