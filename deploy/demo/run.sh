#!/usr/bin/env bash
# The demo partnership (SPEC §5: every name fictional) on one machine.
#   deploy/demo/run.sh [walkthrough]  up, show each demo principal's identity, down
#   deploy/demo/run.sh up             build if needed, make the demo PKI and profiles under
#                                     .demo/, start hubd on 127.0.0.1 in the background
#   deploy/demo/run.sh down           stop hubd (SIGTERM: drain, exit 0)
# After `up`: .demo/hub.addr holds the address; try
#   build/client/hubctl --profile .demo/profiles/u-hokoro whoami
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
demo=$root/.demo
build=${HUB_BUILD_DIR:-$root/build}
. "$root/deploy/lib/hubd.sh"

hubd=$build/hub/hubd
hubctl=$build/client/hubctl
policy=$root/deploy/demo/partnership.textproto

running() { [ -f "$demo/hubd.pid" ] && kill -0 "$(cat "$demo/hubd.pid")" 2>/dev/null; }

build_binaries() {
  "$root/deploy/install-deps.sh"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)" --target hubd hubctl >/dev/null
}

up() {
  if running; then
    echo "demo hub already running on $(cat "$demo/hub.addr") (deploy/demo/run.sh down to stop)"
    return 0
  fi
  echo "== building hubd and hubctl"
  build_binaries
  "$hubd" policy check "$policy"
  mkdir -p "$demo"
  echo "== making the demo PKI (partnership CA, hub, one certificate per principal)"
  "$root/certs/make_certs.sh" --out "$demo/pki" --policy "$policy"
  write_hub_config "$demo/hub.textproto" "127.0.0.1:0" "$demo/pki" "$policy" "$demo/hub.db"
  hubd_start "$hubd" "$demo/hub.textproto" "$demo/hubd.log" "$demo/hubd.pid"
  echo "$HUBD_ADDR" >"$demo/hub.addr"
  rm -rf "$demo/profiles"
  for cert in "$demo"/pki/clients/*.pem; do
    user=$(basename "$cert" .pem)
    write_profile "$demo/profiles/$user" "$HUBD_ADDR" "$cert" "${cert%.pem}.key" "$demo/pki/ca.pem"
  done
  echo "== hubd serving on $HUBD_ADDR (log: .demo/hubd.log; profiles: .demo/profiles/)"
}

down() {
  if ! running; then
    rm -f "$demo/hubd.pid"
    echo "demo hub is not running"
    return 0
  fi
  hubd_stop "$demo/hubd.pid"
  echo "== hubd stopped"
}

walkthrough() {
  trap down EXIT
  up
  echo
  echo "== Who is who: each demo principal asks the hub who it takes them to be"
  for profile in "$demo"/profiles/*/; do
    user=$(basename "$profile")
    echo "-- hubctl --profile .demo/profiles/$user whoami"
    "$hubctl" --profile "$profile" whoami
  done
  echo
}

case "${1:-walkthrough}" in
  up) up ;;
  down) down ;;
  walkthrough) walkthrough ;;
  *)
    echo "usage: $0 [walkthrough|up|down]" >&2
    exit 1
    ;;
esac
