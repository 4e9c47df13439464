# Shell helpers shared by deploy/demo/run.sh and tests/cli_test.sh. Source it.

# hubd_start HUBD CONFIG LOG PIDFILE: starts hubd in the background and sets
# HUBD_ADDR to the address it serves on once it says so on stdout (no polling:
# hubd writes one line to a FIFO when it is serving). Fails if hubd exits
# first. Call it directly, not in $(...), so hubd stays this shell's child.
hubd_start() {
  local hubd=$1 config=$2 log=$3 pidfile=$4
  local fifo
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/hubd-ready.XXXXXX")
  mkfifo "$fifo"
  "$hubd" --config "$config" >"$fifo" 2>>"$log" &
  echo $! >"$pidfile"
  local line=""
  read -r -t 30 line <"$fifo" || true
  rm -f "$fifo"
  case "$line" in
    "hubd: serving on "*) HUBD_ADDR="${line#hubd: serving on }" ;;
    *)
      echo "hubd did not start; its log ($log) ends:" >&2
      tail -5 "$log" >&2
      # Never leave a half-started hub holding the port and the database.
      kill -KILL "$(cat "$pidfile")" 2>/dev/null
      wait "$(cat "$pidfile")" 2>/dev/null
      rm -f "$pidfile"
      return 1
      ;;
  esac
}

# hubd_stop PIDFILE: sends SIGTERM and waits for hubd to drain and exit.
# Returns hubd's exit status (0 after a clean drain) when this shell started
# it; for a hubd another shell started, waits for it to go and returns 0.
hubd_stop() {
  local pidfile=$1 pid status=0
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  # Decide before signalling: once it exits, bash reaps it and forgets it.
  if jobs -p | grep -qx "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" || status=$?
    return $status
  fi
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  return 0
}

# write_profile DIR ADDRESS CERT KEY CA AUDIT_PUBLIC_KEY: writes
# DIR/profile.textproto.
write_profile() {
  mkdir -p "$1"
  cat >"$1/profile.textproto" <<PROFILE
hub_address: "$2"
cert_file: "$3"
key_file: "$4"
ca_file: "$5"
cache_path: "cache.db"
audit_public_key_file: "$6"
PROFILE
}

# write_hub_config FILE LISTEN PKI_DIR POLICY DB: writes a hubd config.
write_hub_config() {
  cat >"$1" <<CONFIG
listen_address: "$2"
cert_file: "$3/hub.pem"
key_file: "$3/hub.key"
ca_file: "$3/ca.pem"
crl_file: "$3/crl.pem"
policy_file: "$4"
database_path: "$5"
drain_seconds: 5
audit_signing_key_file: "$3/audit/signing.key"
audit_pseudonym_key_file: "$3/audit/pseudonym.key"
CONFIG
}
