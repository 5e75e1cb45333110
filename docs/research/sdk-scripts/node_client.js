#!/usr/bin/env node
/*
 Call GSE JoinGameServerSessionBatch with the official Node.js SDK (tencentcloud-sdk-nodejs-common)
 and print ONE JSON line.

 Options (argv --name=value, or env GSE_<NAME> upper-case with '-'->'_', argv wins):
   --endpoint     host[:port]                          (default 127.0.0.1:8080)
   --scheme       http | https                         (default http)  -> httpProfile.protocol "http://"
   --secret-id / --secret-key / --token (empty = none)
   --method       POST | GET                           (default POST)
   --sign-method  TC3-HMAC-SHA256 | HmacSHA256 | HmacSHA1
   --language     zh-CN | en-US | "" (Node default: no language sent)
   --region       (default ap-guangzhou; "" = region omitted)
   --client       common | typed  ("typed" = a subclass shaped exactly like the generated gse Client:
                                   super("gse.tencentcloudapi.com","2019-11-12",cfg) + this.request(action, req))
   --params       JSON of action params
   --action       (default JoinGameServerSessionBatch)
   --options      JSON passed as request(action, params, options), e.g. {"multipart":true}, {"skipSign":true},
                  {"headers":{"X-TC-TraceId":"abc"}}   (common only)
   --region=__empty__  sends region "" (Node then sends an empty X-TC-Region header)
 Module path: env NODE_SDK_DIR (default /tmp/sdkresearch/node/node_modules/tencentcloud-sdk-nodejs-common)
 Output: {"sdk":"node","ok":true,"result":{...}} or {"sdk":"node","ok":false,"error":{class,code,message,requestId,traceId,httpCode}}
*/
const path = require("path");

const DEFAULT_PARAMS = {
  GameServerSessionId: "qcs::gse:ap-guangzhou:uin/100000:gameserversession/fleet-1/gss-1",
  PlayerIds: ["p1", "p2"],
  PlayerDataMap: { Key: "k1", Value: "v1" },
};

function opts() {
  const defaults = {
    endpoint: "127.0.0.1:8080", scheme: "http", "secret-id": "AKIDDUMMYRESEARCH0001",
    "secret-key": "dummySecretKeyForResearch00", token: "", method: "POST",
    "sign-method": "TC3-HMAC-SHA256", language: "", region: "ap-guangzhou", client: "common",
    params: "", action: "JoinGameServerSessionBatch", options: "",
  };
  const o = {};
  for (const n of Object.keys(defaults)) {
    const env = process.env["GSE_" + n.toUpperCase().replace(/-/g, "_")];
    o[n] = env !== undefined ? env : defaults[n];
  }
  for (const a of process.argv.slice(2)) {
    const m = /^--([^=]+)=(.*)$/s.exec(a);
    if (!m || !(m[1] in defaults)) { console.error("unknown option " + a); process.exit(2); }
    o[m[1]] = m[2];
  }
  return o;
}

async function main() {
  const o = opts();
  const out = { sdk: "node", client: o.client };
  try {
    const dir = process.env.NODE_SDK_DIR ||
      "/tmp/sdkresearch/node/node_modules/tencentcloud-sdk-nodejs-common";
    const sdk = require(dir);
    out.sdk_version = require(path.join(dir, "package.json")).version;
    const params = o.params ? JSON.parse(o.params) : DEFAULT_PARAMS;
    const profile = {
      signMethod: o["sign-method"],
      httpProfile: { endpoint: o.endpoint, protocol: o.scheme + "://", reqMethod: o.method },
    };
    if (o.language) profile.language = o.language;
    const credential = { secretId: o["secret-id"], secretKey: o["secret-key"] };
    if (o.token) credential.token = o.token;
    const region = o.region === "" ? undefined : (o.region === "__empty__" ? "" : o.region);
    const cfg = { credential, region, profile };
    let client;
    if (o.client === "typed") {
      class GseClient extends sdk.AbstractClient {
        constructor(c) { super("gse.tencentcloudapi.com", "2019-11-12", c); }
        async JoinGameServerSessionBatch(req, cb) { return this.request("JoinGameServerSessionBatch", req, cb); }
      }
      client = new GseClient(cfg);
      out.result = await client.JoinGameServerSessionBatch(params);
    } else {
      client = new sdk.CommonClient("gse.tencentcloudapi.com", "2019-11-12", cfg);
      const options = o.options ? JSON.parse(o.options) : undefined;
      out.result = await client.request(o.action, params, options);
    }
    out.ok = true;
  } catch (e) {
    out.ok = false;
    out.error = {
      class: e && e.constructor ? e.constructor.name : typeof e,
      code: e && e.code, message: e && e.message, requestId: e && e.requestId,
      traceId: e && e.traceId, httpCode: e && e.httpCode,
    };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main();
