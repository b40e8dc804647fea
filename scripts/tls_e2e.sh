#!/usr/bin/env bash
# TLS login end to end against an independent server: OpenSSL's `s_server`, requiring a client
# certificate under the simulator's exported test roots (`-Verify 2 -verify_return_error`),
# and the `tls_login` example logging in with the embedded simulator's card.
#
# Checks, per case (applet-1.7 TLS 1.3, applet-1.7 TLS 1.2, applet-1.8 TLS 1.3):
#   - the example prints the server's status line `HTTP/1.0 200 ok`;
#   - s_server verified the card's chain (depth 0 = the authentication certificate);
#   - the PIN never appears in the example's output or the server's log.
# And: a wrong PIN fails the login with the typed reason and exit status 2.
#
# Every server is started in the background on 127.0.0.1 with its PID recorded and stopped by
# PID; every wait is bounded. Needs openssl (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never LC_ALL=C

WORK=$(mktemp -d)
SERVER_PID=""
PASS=0
FAIL=0
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ "$FAIL" -eq 0 ] && [ -z "${E2E_KEEP:-}" ]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
pass() { PASS=$((PASS + 1)); echo "PASS $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

cargo build --quiet --features rustls --example tls_login
EXAMPLE=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/tls_login

# A private server CA and a leaf for localhost / 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" -subj "/CN=beid tls_e2e server CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$WORK/server.key" -out "$WORK/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
  -CAcreateserial -days 2 -extfile "$WORK/ext.cnf" -out "$WORK/server.pem" 2>/dev/null
"$EXAMPLE" --export-root "$WORK/roots.pem" 2>/dev/null

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_server LOG [extra s_server flags…]: sets SERVER_PID and PORT.
start_server() {
  local log=$1
  shift
  PORT=$(free_port)
  openssl s_server -accept "127.0.0.1:$PORT" -cert "$WORK/server.pem" -key "$WORK/server.key" \
    -CAfile "$WORK/roots.pem" -Verify 2 -verify_return_error -www -naccept 1 "$@" \
    > "$log" 2>&1 < /dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if grep -q ACCEPT "$log" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "s_server did not start ($log)"
  return 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

PIN=1234
for case in "applet-1.7 -tls1_3" "applet-1.7 -tls1_2" "applet-1.8 -tls1_3"; do
  read -r profile version <<< "$case"
  log="$WORK/s_server-$profile$version.log"
  out="$WORK/tls_login-$profile$version.out"
  start_server "$log" "$version" || continue
  if echo "$PIN" | timeout 60 "$EXAMPLE" "https://localhost:$PORT/" --sim="$profile" \
      --server-ca "$WORK/ca.pem" --pin-stdin > "$out" 2>&1 \
      && grep -q '^HTTP/1.0 200 ok' "$out"; then
    pass "$profile $version: OpenSSL s_server accepted the card ($(grep '^Logged in' "$out"))"
  else
    fail "$profile $version: login failed: $(tail -3 "$out" | tr '\n' ' ')"
  fi
  if grep -q '^depth=0 .*(Authentication)' "$log" && grep -q 'verify return:1' "$log"; then
    pass "$profile $version: the server verified the authentication certificate chain"
  else
    fail "$profile $version: the server did not verify the chain ($log)"
  fi
  # As a word (s_server's page is full of hex) and as its PIN block (24 12 34 FF…).
  if grep -qwi -e "$PIN" -e "241234ff" -e "24 12 34 ff" "$out" "$log"; then
    fail "$profile $version: the PIN appears in the output"
  else
    pass "$profile $version: the PIN never appears in the output"
  fi
  stop_server
done

# A wrong PIN: typed reason, exit 2, a try spent on the (fresh) virtual card.
log="$WORK/s_server-wrong-pin.log"
out="$WORK/tls_login-wrong-pin.out"
if start_server "$log" -tls1_3; then
  set +e
  echo 9999 | timeout 60 "$EXAMPLE" "https://localhost:$PORT/" --sim=applet-1.8 \
    --server-ca "$WORK/ca.pem" --pin-stdin > "$out" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 2 ] && grep -q 'Login failed: wrong PIN, 2 tries left' "$out"; then
    pass "wrong PIN: typed failure, exit status 2"
  else
    fail "wrong PIN: status $status, $(tail -2 "$out" | tr '\n' ' ')"
  fi
  stop_server
fi

echo "tls_e2e: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
