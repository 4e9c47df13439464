#!/usr/bin/env bash
# TESTING §3.8's second and third procedures, on a real file system: hubd's
# database on a small tmpfs that fills up, then remounted read-only, in a
# mount namespace of the test's own. The NHS lead submits with hubctl
# throughout. While the disk is full no submission is acknowledged (hubctl
# exits 3 and keeps it in its outbox) and no read is answered; once space is
# freed the next call succeeds without restarting hubd. On a read-only file
# system hubd refuses to start, naming its database. A sync then delivers
# every queued submission exactly once, and the stored audit log verifies. Needs root (to
# make the namespace and mount); otherwise it is skipped (exit 77). The
# last line printed is the suite's figures for docs/reliability.md.
# Usage: real_fs_test.sh HUBD HUBCTL DEMO_CERTS_DIR SOURCE_DIR
set -uo pipefail

hubd=$1 hubctl=$2 certs=$3 src=$4
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
  echo "SKIP: needs root and mount namespaces (unshare -m)"
  exit 77
fi
if [ -z "${REAL_FS_TEST_IN_NAMESPACE:-}" ]; then
  exec env REAL_FS_TEST_IN_NAMESPACE=1 unshare -m --propagation private "$0" "$@"
fi

. "$src/deploy/lib/hubd.sh"
export HUBCTL_PASSPHRASE="real fs test passphrase"
work=$(mktemp -d "${TMPDIR:-/tmp}/real_fs_test.XXXXXX")
fs=$work/fs
mkdir -p "$fs"
trap 'hubd_stop "$work/hubd.pid" >/dev/null 2>&1; umount "$fs" 2>/dev/null; rm -rf "$work"' EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
check() {  # NAME CONDITION...
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

if ! mount -t tmpfs -o size=8m tmpfs "$fs"; then
  echo "SKIP: cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?)"
  exit 77
fi
write_hub_config "$work/hub.textproto" "127.0.0.1:0" "$certs" \
  "$src/deploy/demo/partnership.textproto" "$fs/hub.db"
hubd_start "$hubd" "$work/hub.textproto" "$work/hubd.log" "$work/hubd.pid" || {
  echo "FAIL hubd did not start"; exit 1; }
write_profile "$work/p/drwhit" "$HUBD_ADDR" "$certs/clients/u-drwhit.pem" \
  "$certs/clients/u-drwhit.key" "$certs/ca.pem" "$certs/audit/signing.pub"
referral=$src/deploy/demo/referrals/000123-ryan-marsh.textproto

acknowledged=() queued=() unexpected=0
# submit ID: one submission; records whether the hub acknowledged it (exit
# 0) or it was queued (exit 3); anything else is a failure.
submit() {
  local out rc
  out=$("$hubctl" --profile "$work/p/drwhit" referral submit "$referral" --request-id "$1" 2>&1)
  rc=$?
  case $rc in
    0) acknowledged+=("$1"); last_ref=$(grep -oE 'PRV-[A-Z]+-[0-9]+-[0-9]+' <<<"$out" | head -n 1) ;;
    3) queued+=("$1") ;;
    *) unexpected=$((unexpected + 1)); echo "unexpected exit $rc for $1: $out" ;;
  esac
  return $rc
}
read_back() {  # REF: the lead reads her referral back
  "$hubctl" --profile "$work/p/drwhit" referral show "$1" \
    --purpose REFERRER_FEEDBACK >/dev/null 2>&1
}

# --- The disk fills: a filler takes all but a little of the tmpfs.
submit fs-0 && ref0=$last_ref
check "a submission is acknowledged on a file system with room" test -n "${ref0:-}"
free_kib=$(df -k --output=avail "$fs" | tail -n 1)
head -c $(((free_kib - 64) * 1024)) /dev/zero >"$fs/filler" 2>/dev/null
full_refusals=0 acked_while_full=0
for i in $(seq 1 60); do
  before=${#acknowledged[@]}
  submit "fs-full-$i"
  rc=$?
  if [ $rc = 3 ]; then
    full_refusals=$((full_refusals + 1))
    # Full for good: nothing is acknowledged from here until space is freed.
    [ $full_refusals -ge 3 ] && break
  elif [ $full_refusals -gt 0 ] && [ ${#acknowledged[@]} -gt "$before" ]; then
    acked_while_full=$((acked_while_full + 1))
  fi
done
check "the full disk refuses submissions (queued, exit 3)" test $full_refusals -ge 3
check "nothing is acknowledged once the disk is full" test $acked_while_full = 0
if read_back "$ref0"; then read_while_full=1; else read_while_full=0; fi
check "no read is answered while the audit log cannot be written" test $read_while_full = 0

rm -f "$fs/filler"
submit fs-after-full
recovered_full=$?
check "space freed: the next submission is acknowledged, hubd not restarted" test $recovered_full = 0
check "and reads are answered again" read_back "$ref0"

# --- The file system is read-only. Linux will not remount it read-only under
# a process writing to it (only the kernel does, after an I/O error; the VFS
# fault loop covers a hub that meets SQLITE_READONLY while serving), so
# hubd is stopped first: it must refuse to start, naming its database, and
# submissions made meanwhile wait in the outbox.
hubd_stop "$work/hubd.pid"
mount -o remount,ro "$fs"
"$hubd" --config "$work/hub.textproto" >"$work/ro.out" 2>"$work/ro.err" &
ro_pid=$!
wait $ro_pid
ro_start=$?
check "hubd refuses to start on a read-only file system (exit $ro_start)" test $ro_start != 0
check "and says which file it cannot write, and why" grep -q "database_path: .*hub.db can only be opened read-only" "$work/ro.err"
check "without claiming to serve" test ! -s "$work/ro.out"
ro_refusals=0
for i in 1 2 3; do
  submit "fs-ro-$i"
  [ $? = 3 ] && ro_refusals=$((ro_refusals + 1))
done
check "submissions wait in the outbox meanwhile (exit 3)" test $ro_refusals = 3
mount -o remount,rw "$fs"
hubd_start "$hubd" "$work/hub.textproto" "$work/hubd.log" "$work/hubd.pid" || {
  echo "FAIL hubd did not start once writable"; exit 1; }
write_profile "$work/p/drwhit" "$HUBD_ADDR" "$certs/clients/u-drwhit.pem" \
  "$certs/clients/u-drwhit.key" "$certs/ca.pem" "$certs/audit/signing.pub"
submit fs-after-ro
recovered_ro=$?
check "writable again: hubd starts and acknowledges submissions" test $recovered_ro = 0

# --- The outbox: every queued submission is delivered once by a sync.
"$hubctl" --profile "$work/p/drwhit" sync >"$work/sync.log" 2>&1
check "the sync delivers the queued submissions" test $? = 0
"$hubctl" --profile "$work/p/drwhit" sync >>"$work/sync.log" 2>&1

hubd_stop "$work/hubd.pid"
check "hubd drains and exits 0" test $? = 0
cp "$fs/hub.db" "$work/copy.db"
[ -f "$fs/hub.db-wal" ] && cp "$fs/hub.db-wal" "$work/copy.db-wal"
"$hubd" audit verify --database "$work/copy.db" --public-key "$certs/audit/signing.pub" \
  >"$work/verify.log" 2>&1
chain=$?
check "the audit log verifies" test $chain = 0
integrity=$(sqlite3 "$work/copy.db" "PRAGMA integrity_check")
check "the database is sound" test "$integrity" = ok

# I1, I2: every submission, acknowledged or queued, stored exactly once.
lost=0 duplicated=0
for id in "${acknowledged[@]}" "${queued[@]}"; do
  n=$(sqlite3 "$work/copy.db" "SELECT COUNT(*) FROM replies WHERE request_id = '$id'")
  [ "$n" = 0 ] && lost=$((lost + 1))
  [ "$n" -gt 1 ] 2>/dev/null && duplicated=$((duplicated + 1))
done
referrals=$(sqlite3 "$work/copy.db" "SELECT COUNT(*) FROM referrals")
expected=$((${#acknowledged[@]} + ${#queued[@]}))
check "nothing lost ($lost), nothing duplicated ($duplicated)" test $lost = 0 -a $duplicated = 0
check "one referral per submission ($referrals for $expected)" test "$referrals" = "$expected"
check "every hubctl exit was 0 or 3" test $unexpected = 0

echo "real fs test: acknowledged=${#acknowledged[@]} queued=${#queued[@]} disk_full_refusals=$full_refusals acked_while_full=$acked_while_full read_while_full=$read_while_full recovered_after_full=$((recovered_full == 0)) refused_start_read_only=$((ro_start != 0)) read_only_refusals=$ro_refusals recovered_after_read_only=$((recovered_ro == 0)) lost=$lost duplicated=$duplicated chain_ok=$((chain == 0)) passed=$passed failed=$failed"
[ $failed = 0 ]
