#!/bin/sh
# Certificates for Temporal over TLS with mutual authentication, made with the openssl CLI into DIR (default: tls):
#   ca.pem, ca.key          a private CA (2 years); its key stays in DIR, the CA certificate goes to every party
#   server.pem, server.key  the Temporal server's certificate, for the frontend and between server roles (server and
#                           client authentication), for the names in TEMPORAL_TLS_SERVER_NAMES
#   client.pem, client.key  the engine's client certificate (worker, bridge, CLI, Web UI): CN fulfillment-engine
# Files that exist are kept, so clients keep working across restarts; delete DIR to make new ones. A certificate that
# expires within RENEW_DAYS (default 30) is made again, keeping its key (the leaves only where ca.key is here: your own
# CA's certificates are yours to renew), so a long-lived deployment does not stop at a certificate's end date. Used by
# `fulfill cluster up` (src/cluster/) and by hand for the TLS option of docker-compose.yml (docs/CLUSTER.md).
set -eu
DIR="${1:-tls}"
NAMES="${TEMPORAL_TLS_SERVER_NAMES:-DNS:temporal,DNS:localhost,IP:127.0.0.1}"
RENEW_DAYS="${RENEW_DAYS:-30}"
case "$RENEW_DAYS" in
  *[!0-9]*) echo "generate-certs: RENEW_DAYS must be a whole number of days (got \"$RENEW_DAYS\")" >&2; exit 2 ;;
esac
RENEW_SECONDS=$((RENEW_DAYS * 86400))
mkdir -p "$DIR"
umask 077

# Whether a certificate exists and is still valid RENEW_DAYS from now.
lasting() {
  [ -f "$1" ] && openssl x509 -checkend "$RENEW_SECONDS" -noout -in "$1" >/dev/null 2>&1
}

key() {
  [ -f "$DIR/$1.key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/$1.key"
}

# leaf <name> <subject> <extended key usage> [subject alternative names]
leaf() {
  if [ -f "$DIR/$1.pem" ]; then
    if lasting "$DIR/$1.pem" || [ ! -f "$DIR/ca.key" ]; then return 0; fi
  fi
  key "$1"
  {
    echo 'basicConstraints = critical, CA:FALSE'
    echo 'keyUsage = critical, digitalSignature'
    echo "extendedKeyUsage = $3"
    [ -z "${4:-}" ] || echo "subjectAltName = $4"
  } >"$DIR/$1.ext"
  openssl req -new -key "$DIR/$1.key" -subj "$2" -out "$DIR/$1.csr"
  openssl x509 -req -in "$DIR/$1.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 365 -extfile "$DIR/$1.ext" -out "$DIR/$1.pem" 2>/dev/null
  rm -f "$DIR/$1.csr" "$DIR/$1.ext"
}

if [ ! -f "$DIR/ca.pem" ] || { [ -f "$DIR/ca.key" ] && ! lasting "$DIR/ca.pem"; }; then
  key ca
  openssl req -x509 -new -key "$DIR/ca.key" -subj '/O=fulfillment-engine/CN=fulfillment-engine Temporal CA' -days 730 \
    -addext 'basicConstraints = critical, CA:TRUE' -addext 'keyUsage = critical, keyCertSign, cRLSign' \
    -out "$DIR/ca.pem"
fi
leaf server '/O=fulfillment-engine/CN=temporal' 'serverAuth, clientAuth' "$NAMES"
leaf client '/O=fulfillment-engine/CN=fulfillment-engine' 'clientAuth'
# Certificates are public; the server (uid 1000 in its image) and the clients must be able to read the keys too.
chmod 644 "$DIR"/*.pem "$DIR/server.key" "$DIR/client.key"
echo "generate-certs: CA, server and client certificates in $DIR"
