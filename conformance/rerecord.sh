#!/usr/bin/env bash
# Re-records a deterministic sample of the conformance corpus with the
# upstream recorder and compares each trace with its golden.trace byte for
# byte. Exits non-zero on any difference.
#
#   ./rerecord.sh          the sample: every hand-written scenario and every 5th random one
#   ./rerecord.sh --all    every scenario in the corpus
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

all=0
if [[ "${1:-}" == "--all" ]]; then
	all=1
fi

bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT

echo "building the recorder..."
go build -o "$bin/record" ./cmd/record

sample=()
for dir in testdata/corpus/*/; do
	name="$(basename "$dir")"
	if [[ $all -eq 0 && "$name" =~ ^random-([0-9]+)$ ]]; then
		num=$((10#${BASH_REMATCH[1]}))
		if ((num % 5 != 0)); then
			continue
		fi
	fi
	sample+=("$name")
done

failed=0
for name in "${sample[@]}"; do
	dir="testdata/corpus/$name"
	# A scenario whose commands fail makes the recorder exit 1; only the
	# trace matters here.
	rc=0
	"$bin/record" --trace "$dir/scenario" >"$bin/trace" 2>"$bin/stderr" || rc=$?
	if ((rc > 1)); then
		echo "FAIL $name: the recorder stopped: $(cat "$bin/stderr")"
		failed=$((failed + 1))
		continue
	fi
	if ! cmp -s "$bin/trace" "$dir/golden.trace"; then
		echo "FAIL $name: trace differs from golden.trace"
		diff -u "$dir/golden.trace" "$bin/trace" | head -40 || true
		failed=$((failed + 1))
	fi
done

echo "re-recorded ${#sample[@]} scenarios: $((${#sample[@]} - failed)) passed, $failed failed"
if ((failed > 0)); then
	exit 1
fi
