"""Times the official Python SDK's own request signing on the bench's 25-player request.

Usage: sign_bench.py BODY_FILE SAMPLES PER_SAMPLE
Prints {"median", "p10", "p90"} in nanoseconds per signed request: the SDK's
`_build_req_with_tc3_signature` (headers, canonical request, string to sign, signature,
Authorization), with its clock and JSON encoder fixed so it signs the given bytes.
"""

import json
import sys
import time
import types

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.gse.v20191112 import gse_client


def main():
    body_file, samples, per_sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    body = open(body_file, encoding="utf-8").read()
    profile = ClientProfile(httpProfile=HttpProfile(endpoint="gse.tencentcloudapi.com"))
    client = gse_client.GseClient(credential.Credential("AKIDEXAMPLE", "secretEXAMPLE"), "ap-guangzhou", profile)
    abstract_client.time = types.SimpleNamespace(time=lambda: 1732406400)
    abstract_client.json = types.SimpleNamespace(dumps=lambda _params: body, loads=json.loads)

    def sign():
        request = RequestInternal("gse.tencentcloudapi.com", "POST", "/", header={})
        client._build_req_with_tc3_signature("JoinGameServerSessionBatch", {}, request)
        return request.header["Authorization"]

    for _ in range(per_sample):
        sign()
    results = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(per_sample):
            sign()
        results.append((time.perf_counter_ns() - start) / per_sample)
    results.sort()
    at = lambda q: results[round((len(results) - 1) * q)]
    print(json.dumps({"median": at(0.5), "p10": at(0.1), "p90": at(0.9), "authorization": sign()}))


if __name__ == "__main__":
    main()
