#!/usr/bin/env bash
# Run every SDK variation against a fresh loopback echo server and collect the observations.
# Usage: bash run_matrix.sh [OUTDIR]   (default /tmp/sdkresearch/observed)
# Env: PYTHONPATH for the Python SDK (default /tmp/sdkresearch/py), NODE_SDK_DIR for the Node SDK.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/sdkresearch/observed}"
mkdir -p "$OUT"; rm -f "$OUT"/*.jsonl "$OUT/port"
export PYTHONPATH="${PYTHONPATH:-/tmp/sdkresearch/py}"
export GSE_SECRET_ID="AKIDDUMMYRESEARCH0001"
export GSE_SECRET_KEY="dummySecretKeyForResearch00"

python3 "$HERE/echo_server.py" --port 0 --secret-key "$GSE_SECRET_KEY" --log "$OUT/server.jsonl" \
  --port-file "$OUT/port" > "$OUT/server.stdout" 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$OUT/port" ] && break; sleep 0.1; done
PORT=$(cat "$OUT/port")
export GSE_ENDPOINT="127.0.0.1:$PORT"
NEXT_MODE=ok
mode() { NEXT_MODE=$1; }

SPECIAL='{"GameServerSessionId":"gss 1/x~y*z'"'"'(a)!","PlayerIds":["p 1","p+2","é","a&b=c"],"PlayerDataMap":{"Key":"k","Value":"v v"}}'
run() {  # name sdk extra-args...
  local name=$1 sdk=$2; shift 2
  local cmd
  case $sdk in py) cmd=(python3 "$HERE/py_client.py");; node) cmd=(node "$HERE/node_client.js");; go) cmd=("$GO_CLIENT");; esac
  curl -s "http://127.0.0.1:$PORT/__mode?m=$NEXT_MODE" >/dev/null; curl -s "http://127.0.0.1:$PORT/__reset" >/dev/null; NEXT_MODE=ok
  local res; res=$("${cmd[@]}" "$@" 2>"$OUT/$name.stderr")
  local req; req=$(curl -s "http://127.0.0.1:$PORT/__last")
  printf '{"name":"%s","client_output":%s,"server_saw":%s}\n' "$name" "${res:-null}" "$req" >> "$OUT/results.jsonl"
  echo "$name: $(echo "$req" | python3 -c 'import json,sys; d=json.load(sys.stdin)
if not d: print("NO REQUEST RECEIVED"); sys.exit()
v=d["verify"]; print(d["method"], v.get("algorithm"), "valid=",v.get("valid"), "signed_host=",v.get("signed_host"), "service=",v.get("service"))') => $(echo "$res" | head -c 400)"
}

GO_CLIENT="${GO_CLIENT:-/tmp/sdkresearch/go/gse_client}"
SDKS="py node"; [ -x "$GO_CLIENT" ] && SDKS="py node go"
for sdk in $SDKS; do
  run ${sdk}_post_tc3_common $sdk
  run ${sdk}_post_tc3_typed $sdk --client=typed
  run ${sdk}_get_tc3 $sdk --method=GET
  run ${sdk}_get_tc3_special $sdk --method=GET --params="$SPECIAL"
  run ${sdk}_post_tc3_special $sdk --params="$SPECIAL"
  run ${sdk}_post_hmacsha256 $sdk --sign-method=HmacSHA256
  run ${sdk}_get_hmacsha256 $sdk --sign-method=HmacSHA256 --method=GET
  run ${sdk}_post_hmacsha1 $sdk --sign-method=HmacSHA1
  run ${sdk}_get_hmacsha1_special $sdk --sign-method=HmacSHA1 --method=GET --params="$SPECIAL"
  run ${sdk}_post_hmacsha1_special $sdk --sign-method=HmacSHA1 --params="$SPECIAL"
  run ${sdk}_token_en $sdk --token=tmpTokenABC --language=en-US
  run ${sdk}_token_v1 $sdk --token=tmpTokenABC --language=en-US --sign-method=HmacSHA256
  run ${sdk}_noregion $sdk --region=
  mode error;         run ${sdk}_resp_error $sdk
  mode error;         run ${sdk}_resp_error_typed $sdk --client=typed
  mode error-charset; run ${sdk}_resp_error_charset $sdk
  mode error-charset; run ${sdk}_resp_error_charset_typed $sdk --client=typed
  mode http500;       run ${sdk}_resp_http500 $sdk
  mode notjson;       run ${sdk}_resp_notjson $sdk
  mode notjson;       run ${sdk}_resp_notjson_typed $sdk --client=typed
  mode noresponse;    run ${sdk}_resp_noresponse $sdk
  mode noresponse;    run ${sdk}_resp_noresponse_typed $sdk --client=typed
done
run py_unsigned_payload py --unsigned-payload=1
