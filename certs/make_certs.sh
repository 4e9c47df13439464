#!/usr/bin/env bash
# Makes a partnership PKI for development and tests (ECDSA P-256, openssl CLI):
#   DIR/ca.pem, DIR/private/ca.key      the partnership CA
#   DIR/crl.pem                          its revocation list (next update in --crl-days)
#   DIR/hub.pem, DIR/hub.key             the hub (SAN localhost, 127.0.0.1)
#   DIR/audit/signing.key, signing.pub   the hub's Ed25519 audit checkpoint key pair
#   DIR/audit/pseudonym.key              32 random bytes: the HMAC key for subject pseudonyms
#   DIR/clients/<user>.pem, <user>.key   one per SPIFFE ID in the policy file,
#                                        <user> being the ID's last segment (e.g. u-hokoro)
# With --bad, also the certificates tests need refused, in DIR/bad/ (see certs/README.md).
# Private keys are written mode 0600 and must never be committed.
set -euo pipefail

usage() {
  echo "usage: $0 --out DIR --policy POLICY_FILE [--bad] [--days N] [--crl-days N]" >&2
  exit 1
}

out="" policy="" bad=0 days=30 crl_days=7
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:-}"; shift 2 ;;
    --policy) policy="${2:-}"; shift 2 ;;
    --bad) bad=1; shift ;;
    --days) days="${2:-}"; shift 2 ;;
    --crl-days) crl_days="${2:-}"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$out" ] && [ -n "$policy" ] || usage
[ -r "$policy" ] || { echo "make_certs: cannot read policy file $policy" >&2; exit 1; }

mapfile -t ids < <(grep -o 'spiffe://[^"]*' "$policy" | awk '!seen[$0]++')
[ ${#ids[@]} -gt 0 ] || { echo "make_certs: no spiffe_id in $policy" >&2; exit 1; }
trust_domain=$(echo "${ids[0]}" | sed -E 's#^spiffe://([^/]+)/.*#\1#')
for id in "${ids[@]}"; do
  [[ "$id" =~ ^spiffe://${trust_domain//./\\.}/partner/[a-z0-9.-]+/user/[a-z0-9.-]+$ ]] || {
    echo "make_certs: $policy: '$id' is not spiffe://$trust_domain/partner/<partner>/user/<user>" >&2
    exit 1
  }
done

umask 077
rm -rf "$out"
mkdir -p "$out/private" "$out/clients" "$out/.ca"
out=$(cd "$out" && pwd)

# A CA in directory $1 with subject $2, driven by `openssl ca` so it keeps an
# index for revocation and can set exact validity dates.
new_ca() {
  local dir=$1 subject=$2
  mkdir -p "$dir"
  : >"$dir/index.txt"
  echo "unique_subject = no" >"$dir/index.txt.attr"
  cat >"$dir/openssl.cnf" <<CNF
[ca]
default_ca = the_ca
[the_ca]
dir = $dir
database = $dir/index.txt
new_certs_dir = $dir
certificate = $dir/ca.pem
private_key = $dir/ca.key
rand_serial = yes
default_md = sha256
default_crl_days = $crl_days
policy = any
unique_subject = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = \${ENV::SAN}
[client_no_san]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[server_only_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \${ENV::SAN}
[sub_ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  SAN= openssl req -new -x509 -config "$dir/openssl.cnf" -extensions ca_ext -key "$dir/ca.key" \
    -subj "$subject" -days $((days + 365)) -sha256 -out "$dir/ca.pem" 2>/dev/null
}

# issue CA_DIR EXTENSIONS SAN NAME OUT_BASE [KEY] [openssl ca date options...]
issue() {
  local ca=$1 ext=$2 san=$3 name=$4 base=$5 key=${6:-}
  shift 6
  if [ -z "$key" ]; then
    key="$base.key"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key" 2>/dev/null
  fi
  openssl req -new -key "$key" -subj "/O=${name%%/*}/CN=${name##*/}" -out "$base.csr" 2>/dev/null
  SAN="$san" openssl ca -batch -notext -config "$ca/openssl.cnf" -extensions "$ext" \
    -in "$base.csr" -out "$base.pem" "$@" 2>"$base.err" ||
    { cat "$base.err" >&2; exit 1; }
  rm -f "$base.csr" "$base.err"
}

ca="$out/.ca"
new_ca "$ca" "/O=Prevent Partnership Hub (DEV)/CN=$trust_domain CA"
cp "$ca/ca.pem" "$out/ca.pem"
cp "$ca/ca.key" "$out/private/ca.key"
issue "$ca" server "" "hub/hub" "$out/hub" "" -days "$days"
mkdir -p "$out/audit"
openssl genpkey -algorithm ed25519 -out "$out/audit/signing.key" 2>/dev/null
openssl pkey -in "$out/audit/signing.key" -pubout -out "$out/audit/signing.pub" 2>/dev/null
openssl rand -out "$out/audit/pseudonym.key" 32

for id in "${ids[@]}"; do
  partner=$(echo "$id" | sed -E 's#.*/partner/([^/]+)/user/.*#\1#')
  user=${id##*/}
  issue "$ca" client "URI:$id" "$partner/$user" "$out/clients/$user" "" -days "$days"
done

if [ "$bad" -eq 1 ]; then
  mkdir -p "$out/bad"
  first=${ids[0]}
  fpartner=$(echo "$first" | sed -E 's#.*/partner/([^/]+)/user/.*#\1#')
  fuser=${first##*/}
  b="$out/bad"
  # Valid identity, validity period in the past / in the future.
  issue "$ca" client "URI:$first" "$fpartner/$fuser" "$b/expired" "" \
    -startdate 20200101000000Z -enddate 20200201000000Z
  issue "$ca" client "URI:$first" "$fpartner/$fuser" "$b/not-yet-valid" "" \
    -startdate 20990101000000Z -enddate 20991231000000Z
  # Valid identity, certificate revoked (a lost laptop's old certificate).
  issue "$ca" client "URI:$first" "$fpartner/$fuser" "$b/revoked" "" -days "$days"
  SAN=unused openssl ca -batch -config "$ca/openssl.cnf" -revoke "$b/revoked.pem" -crl_reason keyCompromise 2>/dev/null
  # Our CA, but no SPIFFE ID, or one the registry does not know.
  issue "$ca" client_no_san "" "$fpartner/$fuser" "$b/no-spiffe" "" -days "$days"
  issue "$ca" client "URI:spiffe://$trust_domain/partner/p-unknown/user/u-unknown" \
    "p-unknown/u-unknown" "$b/unknown" "" -days "$days"
  # A valid identity in a certificate for servers only (wrong key usage).
  issue "$ca" server_only_client "URI:$first" "$fpartner/$fuser" "$b/wrong-usage" "" -days "$days"
  # An intermediate CA under ours, since revoked, and a client certificate
  # it issued with a valid identity (presented with the intermediate).
  new_ca "$ca-sub" "/O=Prevent Partnership Hub (DEV)/CN=intermediate CA"
  openssl req -new -key "$ca-sub/ca.key" -subj "/O=Prevent Partnership Hub (DEV)/CN=intermediate CA" \
    -out "$ca-sub/ca.csr" 2>/dev/null
  SAN=unused openssl ca -batch -notext -config "$ca/openssl.cnf" -extensions sub_ca_ext \
    -in "$ca-sub/ca.csr" -out "$ca-sub/ca.pem" -days "$days" 2>/dev/null
  SAN=unused openssl ca -batch -config "$ca/openssl.cnf" -revoke "$ca-sub/ca.pem" -crl_reason cACompromise 2>/dev/null
  issue "$ca-sub" client "URI:$first" "$fpartner/$fuser" "$b/intermediate-client" "" -days "$days"
  cat "$ca-sub/ca.pem" >>"$b/intermediate-client.pem"
  # A good certificate paired with someone else's key.
  cp "$out/clients/$fuser.pem" "$b/wrong-key.pem"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$b/wrong-key.key" 2>/dev/null
  # Another CA: a client claiming a valid identity, and a hub impostor.
  new_ca "$ca-other" "/O=Not The Partnership/CN=other CA"
  cp "$ca-other/ca.pem" "$b/other-ca.pem"
  issue "$ca-other" client "URI:$first" "$fpartner/$fuser" "$b/other-ca-client" "" -days "$days"
  issue "$ca-other" server "" "hub/hub" "$b/other-ca-hub" "" -days "$days"
fi

SAN=unused openssl ca -batch -config "$ca/openssl.cnf" -gencrl -out "$out/crl.pem" 2>/dev/null
chmod 600 "$out"/private/*.key "$out"/*.key "$out"/clients/*.key "$out"/audit/*.key
echo "make_certs: CA, hub and ${#ids[@]} client certificates for $trust_domain in $out" >&2
