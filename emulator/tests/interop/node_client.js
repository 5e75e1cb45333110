#!/usr/bin/env node
/*
 Calls GSE JoinGameServerSessionBatch with the official Node.js SDK (tencentcloud-sdk-nodejs-common),
 for the emulator's interop tests (adapted from docs/research/sdk-scripts/node_client.js).
 Prints ONE JSON line per call.

 Options (argv --name=value, or env GSE_<NAME> upper-case with '-'->'_', argv wins):
   --endpoint     host[:port]                          (default 127.0.0.1:8080)
   --scheme       http | https                         (default http)  -> httpProfile.protocol "http://"
   --secret-id / --secret-key / --token (empty = none)
   --method       POST | GET                           (default POST)
   --sign-method  TC3-HMAC-SHA256 | HmacSHA256 | HmacSHA1
   --language     zh-CN | en-US | "" (Node default: no language sent)
   --region       (default ap-guangzhou; "" = region omitted)
   --client       common | typed  ("typed" = a subclass shaped like the generated gse Client)
   --params       JSON of action params
   --action       (default JoinGameServerSessionBatch)
   --skew         seconds added to the SDK's clock (e.g. -600)
   --calls        JSON list of objects, each overriding options for one call (and a "label")
 Module path: env NODE_SDK_DIR (the tests pass target/node/node_modules/tencentcloud-sdk-nodejs-common).
 The SDK sends every request through process.env.http_proxy if set, loopback included: the tests
 unset it.
 Output: {"sdk":"node","label":..,"ok":true,"result":{...}} or
         {"sdk":"node","label":..,"ok":false,"error":{class,code,message,requestId,traceId,httpCode}}
*/
const path = require("path");

const DEFAULTS = {
  endpoint: "127.0.0.1:8080", scheme: "http", "secret-id": "", "secret-key": "", token: "",
  method: "POST", "sign-method": "TC3-HMAC-SHA256", language: "", region: "ap-guangzhou",
  client: "common", params: "{}", action: "JoinGameServerSessionBatch", skew: "0", calls: "",
  label: "",
};

function opts() {
  const o = {};
  for (const n of Object.keys(DEFAULTS)) {
    const env = process.env["GSE_" + n.toUpperCase().replace(/-/g, "_")];
    o[n] = env !== undefined ? env : DEFAULTS[n];
  }
  for (const a of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (!m || !(m[1] in DEFAULTS)) { console.error("unknown option " + a); process.exit(2); }
    o[m[1]] = m[2];
  }
  return o;
}

// The SDK reads the clock with Date.now() and new Date(): the skew shifts both.
const RealDate = Date;
let skewMs = 0;
class SkewedDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(RealDate.now() + skewMs); else super(...args); }
  static now() { return RealDate.now() + skewMs; }
}
global.Date = SkewedDate;

async function call(sdk, version, o) {
  const out = { sdk: "node", client: o.client, label: o.label, sdk_version: version };
  try {
    const params = typeof o.params === "string" ? JSON.parse(o.params) : o.params;
    const profile = {
      signMethod: o["sign-method"],
      httpProfile: { endpoint: o.endpoint, protocol: o.scheme + "://", reqMethod: o.method },
    };
    if (o.language) profile.language = o.language;
    const credential = { secretId: o["secret-id"], secretKey: o["secret-key"] };
    if (o.token) credential.token = o.token;
    const region = o.region === "" ? undefined : o.region;
    const cfg = { credential, region, profile };
    skewMs = Number(o.skew || 0) * 1000;
    if (o.client === "typed") {
      class GseClient extends sdk.AbstractClient {
        constructor(c) { super("gse.tencentcloudapi.com", "2019-11-12", c); }
        async JoinGameServerSessionBatch(req, cb) { return this.request("JoinGameServerSessionBatch", req, cb); }
      }
      out.result = await new GseClient(cfg).JoinGameServerSessionBatch(params);
    } else {
      const client = new sdk.CommonClient("gse.tencentcloudapi.com", "2019-11-12", cfg);
      out.result = await client.request(o.action, params);
    }
    out.ok = true;
  } catch (e) {
    out.ok = false;
    out.error = {
      class: e && e.constructor ? e.constructor.name : typeof e,
      code: e && e.code, message: e && e.message, requestId: e && e.requestId,
      traceId: e && e.traceId, httpCode: e && e.httpCode,
    };
  } finally {
    skewMs = 0;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

async function main() {
  const o = opts();
  const dir = process.env.NODE_SDK_DIR;
  if (!dir) { console.error("NODE_SDK_DIR is not set"); process.exit(2); }
  const sdk = require(dir);
  const version = require(path.join(dir, "package.json")).version;
  const calls = o.calls ? JSON.parse(o.calls) : [{}];
  for (const overrides of calls) {
    await call(sdk, version, Object.assign({}, o, overrides));
  }
}

main();
