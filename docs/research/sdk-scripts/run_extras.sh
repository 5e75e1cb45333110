#!/usr/bin/env bash
# Extra observations: value types in GET/V1 flattening, multipart, empty region, SkipSign, GET+token+en-US.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-/tmp/sdkresearch/observed_extras}"
mkdir -p "$OUT"; rm -f "$OUT"/*.jsonl "$OUT/port"
export PYTHONPATH="${PYTHONPATH:-/tmp/sdkresearch/py}"
export GSE_SECRET_ID="AKIDDUMMYRESEARCH0001" GSE_SECRET_KEY="dummySecretKeyForResearch00"
python3 "$HERE/echo_server.py" --secret-key "$GSE_SECRET_KEY" --log "$OUT/server.jsonl" --port-file "$OUT/port" > "$OUT/server.stdout" 2>&1 &
SRV=$!; trap 'kill $SRV 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$OUT/port" ] && break; sleep 0.1; done
PORT=$(cat "$OUT/port"); export GSE_ENDPOINT="127.0.0.1:$PORT"
run() { local name=$1 sdk=$2; shift 2; local cmd
  case $sdk in py) cmd=(python3 "$HERE/py_client.py");; node) cmd=(node "$HERE/node_client.js");; go) cmd=("${GO_CLIENT:-/tmp/sdkresearch/go/gse_client}");; esac
  curl -s "http://127.0.0.1:$PORT/__mode?m=ok" >/dev/null; curl -s "http://127.0.0.1:$PORT/__reset" >/dev/null
  local res; res=$("${cmd[@]}" "$@" 2>"$OUT/$name.stderr")
  local req; req=$(curl -s "http://127.0.0.1:$PORT/__last")
  printf '{"name":"%s","client_output":%s,"server_saw":%s}\n' "$name" "${res:-null}" "$req" >> "$OUT/results.jsonl"
  curl -s "http://127.0.0.1:$PORT/__last" -o /dev/null
  echo "$name => $(echo "$res" | head -c 300)"; }
TYPES='{"GameServerSessionId":"g","PlayerIds":["p1"],"B":true,"F":false,"N":5,"D":1.5,"Z":null,"E":[],"LO":[{"K":"x","V":2}],"O":{"In":{"Deep":"y"}}}'
for sdk in py node; do
  run ${sdk}_get_tc3_types $sdk --method=GET --params="$TYPES"
  run ${sdk}_post_tc3_types $sdk --params="$TYPES"
  run ${sdk}_get_v1_types $sdk --method=GET --sign-method=HmacSHA256 --params="$TYPES"
  run ${sdk}_get_tc3_token_en $sdk --method=GET --token=tmpTokenABC --language=en-US
  run ${sdk}_skipsign $sdk --options='{"SkipSign":true,"skipSign":true}'
done
GT='{"GameServerSessionId":"g","PlayerIds":["p0","p1","p2","p3","p4","p5","p6","p7","p8","p9","p10","p11"],"PlayerDataMap":{"Key":"k","Value":"v v"}}'
run go_get_tc3_typed_12ids go --method=GET --client=typed --params="$GT"
run go_get_v1_typed go --method=GET --client=typed --sign-method=HmacSHA1 --token=tmpTokenABC
run go_post_v1_typed_noregion go --client=typed --sign-method=HmacSHA256 --region=
run go_get_tc3_common go --method=GET
run go_post_v1_common go --sign-method=HmacSHA256
run go_post_tc3_token_en go --token=tmpTokenABC --language=en-US
run py_get_tc3_12ids py --method=GET --params="$GT"
run py_multipart py --options='{"IsMultipart":true}'
run node_multipart_strings node --options='{"multipart":true}' --params='{"GameServerSessionId":"g","PlayerDataMapKey":"k"}'
run node_multipart_array node --options='{"multipart":true}'
run node_region_empty node --region=__empty__
run node_custom_traceid node --options='{"headers":{"X-TC-TraceId":"my-trace-1"}}'
