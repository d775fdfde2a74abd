#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict (from Debian's linux-source-6.12) on every kernel C
# file and header of the project, one TAP result per file.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"
unpack_src612
cp="$(src612_dir)/scripts/checkpatch.pl"
cd "$top" || exit 1
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
	'net/*.[ch]' 'drivers/*.[ch]' 'include/*.h' 'tools/testing/vm/modules/*.c' \
	'tools/testing/selftests/*.[ch]' | sort)
echo "TAP version 13"
echo "1..${#files[@]}"
n=0 rc=0
for f in "${files[@]}"; do
	n=$((n + 1))
	if out=$("$cp" --strict --no-tree --quiet --show-types -f "$f" 2>&1); then
		echo "ok $n - checkpatch $f"
	else
		echo "not ok $n - checkpatch $f"
		printf '%s\n' "$out" | sed 's/^/# /'
		rc=1
	fi
done
exit $rc
