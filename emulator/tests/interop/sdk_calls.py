"""Calls the emulator with the official Python SDK's GseClient, for the interop test.

Usage: sdk_calls.py PORT SECRET_ID SECRET_KEY SESSION_ID
Prints one JSON object: for each case, what the SDK returned or raised.
"""

import json
import sys
import time

from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.gse.v20191112 import gse_client, models


def client(port, secret_id, secret_key):
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint="127.0.0.1:%s" % port))
    return gse_client.GseClient(credential.Credential(secret_id, secret_key), "ap-shanghai", profile)


def join(gse, session, players, data=None):
    request = models.JoinGameServerSessionBatchRequest()
    params = {"GameServerSessionId": session, "PlayerIds": players}
    if data:
        params["PlayerDataMap"] = data
    request.from_json_string(json.dumps(params))
    try:
        response = gse.JoinGameServerSessionBatch(request)
    except TencentCloudSDKException as e:
        return {"error": e.get_code(), "message": e.get_message(), "request_id": e.get_request_id()}
    sessions = []
    for s in response.PlayerSessions or []:
        sessions.append({
            "CreationTime": s.CreationTime, "DnsName": s.DnsName, "FleetId": s.FleetId,
            "GameServerSessionId": s.GameServerSessionId, "IpAddress": s.IpAddress,
            "PlayerData": s.PlayerData, "PlayerId": s.PlayerId,
            "PlayerSessionId": s.PlayerSessionId, "Port": s.Port, "Status": s.Status,
            "TerminationTime": s.TerminationTime,
        })
    return {"sessions": sessions, "request_id": response.RequestId}


def main():
    port, secret_id, secret_key, session = sys.argv[1:5]
    results = {
        "success": join(client(port, secret_id, secret_key), session, ["sdk-1", "sdk-2"],
                        {"Key": "team", "Value": "blue"}),
        "wrong_key": join(client(port, secret_id, secret_key + "x"), session, ["sdk-3"]),
        "unknown_id": join(client(port, "AKIDUNKNOWN", secret_key), session, ["sdk-4"]),
        "too_many_players": join(client(port, secret_id, secret_key), session,
                                 ["sdk-many-%d" % i for i in range(26)]),
    }
    real_time = abstract_client.time
    abstract_client.time = type("SkewedClock", (), {"time": staticmethod(lambda: real_time.time() - 600)})
    try:
        results["ten_minutes_off"] = join(client(port, secret_id, secret_key), session, ["sdk-5"])
    finally:
        abstract_client.time = real_time
    print(json.dumps(results))


if __name__ == "__main__":
    main()
