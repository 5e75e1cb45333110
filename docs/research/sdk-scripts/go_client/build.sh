#!/usr/bin/env bash
# Build the Go SDK client (no Go module proxy here): SDK sources are taken from a local git snapshot of
# TencentCloud/tencentcloud-sdk-go (common at HEAD = v1.3.166; gse/v20191112 from release v1.0.1204, the last
# one before the gse package was deleted). Needs Debian golang-go (1.19).
# Usage: bash build.sh [MIRROR_GIT_DIR] [OUT_BINARY]
set -eu
MIRROR="${1:-/work/.mirror/TencentCloud+tencentcloud-sdk-go/repo}"
OUTBIN="${2:-/tmp/sdkresearch/go/gse_client}"
HERE="$(cd "$(dirname "$0")" && pwd)"
W=/tmp/sdkresearch/go; rm -rf "$W/src" "$W/gseclient"; mkdir -p "$W/src" "$W/gseclient"
git --git-dir="$MIRROR" archive HEAD tencentcloud/common | tar -x -C "$W/src"
GSE_COMMIT=$(git --git-dir="$MIRROR" log --format=%H -1 -- tencentcloud/gse/v20191112/client.go)
git --git-dir="$MIRROR" archive "$GSE_COMMIT^" tencentcloud/gse | tar -x -C "$W/src"
cp "$HERE/main.go" "$W/gseclient/"
cat > "$W/gseclient/go.mod" <<MOD
module gseclient

go 1.19

require (
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.166
	github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/gse v1.0.1204
)

replace github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common => ../src/tencentcloud/common

replace github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/gse => ../src/tencentcloud/gse
MOD
cd "$W/gseclient"
GOPATH=$W/gopath GOCACHE=$W/cache GOPROXY=off GOFLAGS=-mod=mod go build -o "$OUTBIN" .
echo "built $OUTBIN"
