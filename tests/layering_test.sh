#!/usr/bin/env bash
# The one-way dependency rule (docs/architecture.md), checked on the sources: a folder may
# include only itself and the folders below it, and the deterministic core (consensus/,
# contracts/, ledger/, codec/, crypto/, common/) never includes RocksDB, Asio, Beast or
# anything that reads the clock or the network.
set -euo pipefail
cd "$1"
status=0
allowed() {  # folder -> folders it may include
  case "$1" in
    common) echo "common" ;;
    codec) echo "common codec" ;;
    crypto) echo "common codec crypto" ;;
    consensus) echo "common codec crypto consensus" ;;
    ledger) echo "common codec crypto consensus ledger" ;;
    contracts) echo "common codec crypto consensus ledger contracts" ;;
  esac
}
for folder in common codec crypto consensus ledger contracts; do
  ok=" $(allowed $folder) "
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include *"([^/"]+)\/.*/\1/' <<<"$line")
    if [[ "$ok" != *" $target "* ]]; then
      echo "$file includes $target/ (only: $(allowed $folder))"
      status=1
    fi
  done < <(grep -rnE '#include *"[^"]+/' "$folder" || true)
  if grep -rnE '#include *<(rocksdb/|boost/asio|boost/beast|chrono>|thread>|sys/socket)' "$folder" |
     grep -v '^common/log.cpp' | grep -v '^common/clock.h'; then
    echo "$folder/ reaches I/O, threads or the clock"
    status=1
  fi
done
[ $status -eq 0 ] && echo "layering ok"
exit $status
