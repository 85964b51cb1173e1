#!/bin/bash
# The disk and outbox figures of issue 15, for any build of the kiosk (needs root for
# the tmpfs mounts, python3 for the peer: scripts/disk-peer.py).
#
#   scripts/measure-disk.sh BIN posts     POSTs of one request in 11 s once the state disk is full
#   scripts/measure-disk.sh BIN sigterm   exit time after SIGTERM while 5 pictures download slowly
#   scripts/measure-disk.sh BIN peak      peak size of images/ (limit 200 MiB) with 30 pictures of 9 MB
#   scripts/measure-disk.sh BIN full [VAR=value...]
#                                         150 MB state disk, 25 pictures of 8 MB, then callback submit
set -u
BIN=$(realpath "$1"); WHAT=$2; shift 2
PEER=$(dirname "$(realpath "$0")")/disk-peer.py
W=$(mktemp -d); T=$W/state; mkdir "$T"
peer() { python3 "$PEER" "$W/port" "$@" 2>"$W/peer.log" & PP=$!; while [ ! -s "$W/port" ]; do sleep 0.1; done; PORT=$(cat "$W/port"); }
cleanup() { kill ${KP:-} ${PP:-} 2>/dev/null; wait 2>/dev/null; mountpoint -q "$T" && umount "$T"; rm -rf "$W"; }
trap cleanup EXIT
kiosk() { SAMEN_KIOSK_STATE_DIR=$T "$BIN" --config "$W/k.toml" "$@"; }
start() { SAMEN_KIOSK_STATE_DIR=$T "$BIN" --config "$W/k.toml" run --headless 2>"$W/kiosk.log" & KP=$!; }
feed_config() { printf 'kiosk_id = "m"\n[[feeds]]\nname = "m"\nurl = "http://127.0.0.1:%s/feed.json"\n' "$PORT" > "$W/k.toml"; }
case $WHAT in
posts)
  mount -t tmpfs -o size=4m tmpfs "$T"; peer 0 0
  printf 'kiosk_id = "m"\n[callback]\nretry_first_seconds = 1\nretry_max_seconds = 10\n[callback.webhook]\nurl = "http://127.0.0.1:%s/hook"\nsecret = "0123456789abcdef0123"\n' "$PORT" > "$W/k.toml"
  start
  sleep 1; kiosk callback submit --name Anna --phone "06 12345678" --when morning >/dev/null
  until grep -q POST "$W/peer.log"; do sleep 0.1; done     # answered 503: pending
  dd if=/dev/zero of="$T/fill" bs=4k 2>/dev/null            # the disk is full
  : > "$W/peer.log"; touch "$W/port.ok"                      # from now on 200
  sleep 11; echo "POSTs in 11 s with a full disk: $(grep -c POST "$W/peer.log")" ;;
sigterm)
  peer 5 100000 slow; feed_config
  start
  until grep -q "GET /p/" "$W/peer.log"; do sleep 0.1; done; sleep 1
  echo "picture requests in flight: $(grep -c 'GET /p/' "$W/peer.log")"
  S=$(date +%s.%N); kill -TERM $KP; wait $KP; E=$(date +%s.%N); KP=
  echo "exit after SIGTERM: $(echo "$E - $S" | bc) s" ;;
peak)
  peer 30 9000000; feed_config
  start
  peak=0; S=$(date +%s)
  while [ $(( $(date +%s) - S )) -lt 60 ]; do
    n=$(du -sb "$T/images" 2>/dev/null | cut -f1); n=${n:-0}; [ "$n" -gt $peak ] && peak=$n
    [ "$(grep -c 'GET /p/' "$W/peer.log")" -ge 26 ] && [ $(( $(date +%s) - S )) -gt 20 ] && break
    sleep 0.2
  done
  echo "picture requests: $(grep -c 'GET /p/' "$W/peer.log"); peak of images/: $((peak/1000000)) MB (limit 209 MB = 200 MiB)" ;;
full)
  mount -t tmpfs -o size=150m tmpfs "$T"; peer 25 8000000; feed_config
  env "$@" SAMEN_KIOSK_STATE_DIR="$T" "$BIN" --config "$W/k.toml" run --headless 2>"$W/kiosk.log" & KP=$!
  sleep 15; df -m "$T" | tail -1; echo "picture requests: $(grep -c 'GET /p/' "$W/peer.log")"
  kiosk callback submit --name Anna --phone "06 12345678" --when morning >/dev/null; echo "callback submit exit: $?"
  env "$@" SAMEN_KIOSK_STATE_DIR="$T" "$BIN" --config "$W/k.toml" status --json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print("outbox:", d["outbox"], "warnings:", d.get("warnings"))' ;;
*) echo "usage: $0 BIN posts|sigterm|peak|full" >&2; exit 2 ;;
esac
