#!/usr/bin/env bash
# Spec review for a pull request: what the change of spec/ does to callers of the client
# (`cargo xtask spec-diff BASE --format markdown --allow-breaking`) and how faithful the spec is
# to Tencent's definition of the service (`cargo xtask spec-audit --format markdown`), as ONE
# Markdown report, kept up to date as ONE pull-request comment: created the first time, edited
# afterwards. The comment is found by its first line, the marker `<!-- spec-review -->`.
#
# Usage: spec-review.sh BASE [OUTPUT]
#   BASE    the revision to compare with (in CI: the pull request's base commit)
#   OUTPUT  where to write the report (default: target/spec-review/comment.md in the
#           workspace; `-` for standard output). Also appended to $GITHUB_STEP_SUMMARY when
#           that is set.
#
# Environment:
#   XTASK               how to run xtask (default: `cargo xtask`), split on spaces
#   SPEC_REVIEW_ROOT    the workspace (default: the checkout this script sits in)
#   SPEC_AUDIT_ARGS     more arguments for spec-audit, split on spaces, e.g.
#                       `--definition target/tccli/gse-2019-11-12.api.json --error-codes ...`
#   SPEC_REVIEW_DRY_RUN 1: send nothing to GitHub; print the API calls it would make on
#                       standard output instead. Also a dry run when GITHUB_TOKEN is unset.
#   SPEC_REVIEW_COMMENTS  dry run only: a JSON file standing for the pull request's existing
#                       comments, as `GET repos/OWNER/REPO/issues/N/comments` answers (a list of
#                       objects with `id` and `body`); when one's body has the marker line, the
#                       dry run edits it, otherwise it creates one. Unset: no comments yet.
#   GITHUB_TOKEN        the token `gh api` uses (needs pull-requests: write); never printed
#   GITHUB_REPOSITORY   OWNER/REPO; PR_NUMBER  the pull request's number (both required
#                       unless dry run)
#
# Exit status: 0 when the spec is faithful (breaking changes are reported, not failed), 3 when
# spec-audit finds a contradiction, 2 when either command could not run or on bad usage, 1 when
# GitHub refused a call. The report is written and posted in every case but bad usage.
set -euo pipefail

readonly MARKER='<!-- spec-review -->'
# GitHub refuses comments longer than 65536 characters; the job summary holds the whole report.
readonly MAX_COMMENT_CHARS=65000

usage() {
    echo "usage: spec-review.sh BASE [OUTPUT]   (see the comment at the top of the script)" >&2
    exit 2
}
die() {
    echo "spec-review: $*" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 && -n $1 ]] || usage
base=$1
root=${SPEC_REVIEW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ -d $root ]] || die "SPEC_REVIEW_ROOT: no such directory: $root"
root=$(cd "$root" && pwd)
output=${2:-$root/target/spec-review/comment.md}
read -r -a xtask <<<"${XTASK:-cargo xtask}"
[[ ${#xtask[@]} -gt 0 ]] || die "XTASK is empty"
read -r -a audit_args <<<"${SPEC_AUDIT_ARGS:-}"

dry_run=0
if [[ ${SPEC_REVIEW_DRY_RUN:-0} == 1 || -z ${GITHUB_TOKEN:-} ]]; then
    dry_run=1
fi
if [[ $dry_run == 0 ]]; then
    [[ -n ${GITHUB_REPOSITORY:-} ]] || die "GITHUB_REPOSITORY (OWNER/REPO) is not set"
    [[ ${PR_NUMBER:-} =~ ^[0-9]+$ ]] || die "PR_NUMBER is not a pull request number: '${PR_NUMBER:-}'"
    command -v gh >/dev/null || die "gh (the GitHub CLI) is not on PATH"
fi
repo=${GITHUB_REPOSITORY:-OWNER/REPO}
pr=${PR_NUMBER:-PR_NUMBER}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one xtask command; its standard output into $work/NAME.md, its standard error into
# $work/NAME.err (also shown in the log), its exit status into $work/NAME.rc.
run_xtask() {
    local name=$1
    shift
    local rc=0
    (cd "$root" && "${xtask[@]}" --root "$root" "$@") >"$work/$name.md" 2>"$work/$name.err" || rc=$?
    echo "$rc" >"$work/$name.rc"
    cat "$work/$name.err" >&2
    echo "spec-review: $name exited $rc" >&2
}

run_xtask spec-diff spec-diff "$base" --format markdown --allow-breaking
run_xtask spec-audit spec-audit --format markdown ${audit_args[@]+"${audit_args[@]}"}
diff_rc=$(cat "$work/spec-diff.rc")
audit_rc=$(cat "$work/spec-audit.rc")

# One section: the command's Markdown, or why there is none.
section() {
    local name=$1 rc=$2
    if [[ $rc == 0 || ($name == spec-audit && $rc == 3) ]]; then
        cat "$work/$name.md"
    else
        local fence='```'
        printf '### %s\n\n%s could not run (exit %s):\n\n%s\n' "$name" "\`$name\`" "$rc" "$fence"
        tail -n 40 "$work/$name.err"
        printf '%s\n' "$fence"
    fi
}

case $diff_rc in
0)
    breaking=$(grep -Eo '^[0-9]+ breaking' "$work/spec-diff.md" | head -n 1 | cut -d' ' -f1 || true)
    if [[ -z $breaking || $breaking == 0 ]]; then
        diff_result="no breaking change"
    else
        diff_result="**$breaking breaking change(s)**: the crate's version needs a major bump (0.x: the minor)"
    fi
    ;;
*) diff_result="**could not run** (exit $diff_rc)" ;;
esac
case $audit_rc in
0) audit_result="faithful to Tencent's definition" ;;
3) audit_result="**contradicts Tencent's definition**: the job fails" ;;
*) audit_result="**could not run** (exit $audit_rc)" ;;
esac

head_note=""
if [[ -n ${GITHUB_SHA:-} ]]; then
    head_note=", head \`${GITHUB_SHA:0:10}\`"
fi
report=$work/report.md
{
    echo "$MARKER"
    echo "## Spec review"
    echo
    echo "Base \`$base\`$head_note."
    echo
    echo "| check | result |"
    echo "|---|---|"
    echo "| spec-diff (what the change does to callers) | $diff_result |"
    echo "| spec-audit (the spec against the service's definition) | $audit_result |"
    echo
    section spec-diff "$diff_rc"
    echo
    section spec-audit "$audit_rc"
    echo
    echo "<sub>Kept up to date by \`.github/scripts/spec-review.sh\` on every push; run it" \
        "locally with \`SPEC_REVIEW_DRY_RUN=1 bash .github/scripts/spec-review.sh BASE\`.</sub>"
} >"$report"

if [[ $output == - ]]; then
    cat "$report"
else
    mkdir -p "$(dirname "$output")"
    cp "$report" "$output"
    echo "spec-review: report written to $output" >&2
fi
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    cat "$report" >>"$GITHUB_STEP_SUMMARY"
fi

# The request body: {"body": the report}, cut to GitHub's limit with a pointer to the summary;
# beside the report (so a dry run's calls name a file that is still there).
if [[ $output == - ]]; then
    payload=$work/payload.json
else
    payload=$output.payload.json
fi
python3 - "$report" "$payload" "$MAX_COMMENT_CHARS" <<'PY'
import json, sys
body = open(sys.argv[1], encoding="utf-8").read()
limit = int(sys.argv[3])
if len(body) > limit:
    note = "\n\n… cut to fit a comment: the whole report is in the job's summary.\n"
    body = body[: limit - len(note)] + note
json.dump({"body": body}, open(sys.argv[2], "w", encoding="utf-8"))
PY

# The id of the first comment whose body has the marker line, from GitHub's answer (one or
# more JSON lists one after another, as `gh api --paginate` prints them); empty when none.
find_comment() {
    python3 - "$1" "$MARKER" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
decoder, pos, comments = json.JSONDecoder(), 0, []
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        break
    value, pos = decoder.raw_decode(text, pos)
    comments.extend(value if isinstance(value, list) else [value])
for c in comments:
    if sys.argv[2] in (line.strip() for line in (c.get("body") or "").splitlines()):
        print(c["id"])
        break
PY
}

# The dry run's account of the calls: on standard output, unless the report goes there.
if [[ $output == - ]]; then
    exec 3>&2
else
    exec 3>&1
fi

list_call=(gh api --paginate "repos/$repo/issues/$pr/comments")
comments=$work/comments.json
if [[ $dry_run == 1 ]]; then
    echo "spec-review: dry run (SPEC_REVIEW_DRY_RUN=1 or GITHUB_TOKEN unset): nothing is sent to GitHub" >&2
    if [[ -n ${SPEC_REVIEW_COMMENTS:-} ]]; then
        [[ -f $SPEC_REVIEW_COMMENTS ]] || die "SPEC_REVIEW_COMMENTS: no such file: $SPEC_REVIEW_COMMENTS"
        cp "$SPEC_REVIEW_COMMENTS" "$comments"
        echo "dry run: ${list_call[*]}  (answered by $SPEC_REVIEW_COMMENTS)" >&3
    else
        echo '[]' >"$comments"
        echo "dry run: ${list_call[*]}  (answered by no comments: SPEC_REVIEW_COMMENTS unset)" >&3
    fi
else
    if ! "${list_call[@]}" >"$comments"; then
        echo "spec-review: GitHub refused to list the comments of $repo#$pr" >&2
        exit 1
    fi
fi
existing=$(find_comment "$comments") || die "cannot read the list of comments (not GitHub's JSON?)"

if [[ -n $existing ]]; then
    post_call=(gh api --method PATCH "repos/$repo/issues/comments/$existing" --input "$payload")
    what="edited comment $existing"
else
    post_call=(gh api --method POST "repos/$repo/issues/$pr/comments" --input "$payload")
    what="created a comment"
fi
if [[ $dry_run == 1 ]]; then
    echo "dry run: ${post_call[*]}" >&3
    echo "dry run: would have $what on $repo#$pr" >&3
else
    if ! "${post_call[@]}" >/dev/null; then
        echo "spec-review: GitHub refused the comment on $repo#$pr (does the job have pull-requests: write?)" >&2
        exit 1
    fi
    echo "spec-review: $what on $repo#$pr" >&2
fi

if [[ $diff_rc != 0 ]]; then
    echo "spec-review: spec-diff could not run (exit $diff_rc)" >&2
    exit 2
fi
if [[ $audit_rc == 3 ]]; then
    echo "spec-review: spec-audit found contradictions (see the report)" >&2
    exit 3
fi
if [[ $audit_rc != 0 ]]; then
    echo "spec-review: spec-audit could not run (exit $audit_rc)" >&2
    exit 2
fi
