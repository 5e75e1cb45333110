// Call GSE JoinGameServerSessionBatch with the official Go SDK and print ONE JSON line.
// Same options as py_client.py / node_client.js (argv --name=value or env GSE_<NAME>):
// endpoint, scheme, secret-id, secret-key, token, method, sign-method, language, region,
// client (common|typed), params (JSON), action.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	gse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/gse/v20191112"
)

const defaultParams = `{"GameServerSessionId":"qcs::gse:ap-guangzhou:uin/100000:gameserversession/fleet-1/gss-1","PlayerIds":["p1","p2"],"PlayerDataMap":{"Key":"k1","Value":"v1"}}`

func opts() map[string]string {
	d := map[string]string{"endpoint": "127.0.0.1:8080", "scheme": "http", "secret-id": "AKIDDUMMYRESEARCH0001",
		"secret-key": "dummySecretKeyForResearch00", "token": "", "method": "POST", "sign-method": "TC3-HMAC-SHA256",
		"language": "", "region": "ap-guangzhou", "client": "common", "params": "", "action": "JoinGameServerSessionBatch"}
	for k := range d {
		if v, ok := os.LookupEnv("GSE_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_"))); ok {
			d[k] = v
		}
	}
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "--") && strings.Contains(a, "=") {
			kv := strings.SplitN(a[2:], "=", 2)
			if _, ok := d[kv[0]]; !ok {
				fmt.Fprintln(os.Stderr, "unknown option", a)
				os.Exit(2)
			}
			d[kv[0]] = kv[1]
		}
	}
	if d["params"] == "" {
		d["params"] = defaultParams
	}
	return d
}

func main() {
	o := opts()
	out := map[string]interface{}{"sdk": "go", "client": o["client"], "sdk_version": "common v1.3.166 / gse v1.0.1204"}
	cred := common.NewTokenCredential(o["secret-id"], o["secret-key"], o["token"])
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = o["endpoint"]
	cpf.HttpProfile.Scheme = o["scheme"]
	cpf.HttpProfile.ReqMethod = o["method"]
	cpf.SignMethod = o["sign-method"]
	if o["language"] != "" {
		cpf.Language = o["language"]
	}
	var err error
	var result interface{}
	if o["client"] == "typed" {
		client, _ := gse.NewClient(cred, o["region"], cpf)
		req := gse.NewJoinGameServerSessionBatchRequest()
		if err = req.FromJsonString(o["params"]); err == nil {
			var resp *gse.JoinGameServerSessionBatchResponse
			resp, err = client.JoinGameServerSessionBatch(req)
			if err == nil {
				result = resp.Response
			}
		}
	} else {
		client := common.NewCommonClient(cred, o["region"], cpf)
		req := tchttp.NewCommonRequest("gse", "2019-11-12", o["action"])
		if err = req.SetActionParameters(o["params"]); err == nil {
			resp := tchttp.NewCommonResponse()
			if err = client.Send(req, resp); err == nil {
				var m interface{}
				_ = json.Unmarshal(resp.GetBody(), &m)
				result = m
			}
		}
	}
	if err != nil {
		out["ok"] = false
		e := map[string]interface{}{"class": fmt.Sprintf("%T", err), "message": err.Error()}
		if te, ok := err.(*tcerr.TencentCloudSDKError); ok {
			e["code"], e["message"], e["requestId"] = te.Code, te.Message, te.RequestId
		}
		out["error"] = e
	} else {
		out["ok"] = true
		out["result"] = result
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
