# A real SMTP server (aiosmtpd, from PyPI) on loopback for the email tests, with STARTTLS and
# AUTH, and a second one without STARTTLS. Exports CASEWORK_TEST_SMTP_URL,
# CASEWORK_TEST_SMTP_PLAIN_URL (no credentials, no TLS offered) and CASEWORK_TEST_SMTP_DIR.
# shellcheck shell=bash

casework_smtp_start() {
  python3 -c 'import aiosmtpd' 2>/dev/null || pip install -q aiosmtpd >&2 || { echo "Could not install aiosmtpd from PyPI" >&2; return 1; }
  CASEWORK_SMTP_WORK=$(mktemp -d /tmp/casework-smtp.XXXXXX)
  mkdir -p "$CASEWORK_SMTP_WORK/mail"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$CASEWORK_SMTP_WORK/key.pem" -out "$CASEWORK_SMTP_WORK/cert.pem" >/dev/null 2>&1
  local port plain; port=$(casework_free_port); plain=$(casework_free_port)
  while [ "$plain" = "$port" ]; do plain=$(casework_free_port); done
  python3 scripts/lib/smtp-sink.py "$port" "$CASEWORK_SMTP_WORK/mail" "$CASEWORK_SMTP_WORK/cert.pem" "$CASEWORK_SMTP_WORK/key.pem" "$plain" \
    >"$CASEWORK_SMTP_WORK/out" 2>"$CASEWORK_SMTP_WORK/log" &
  CASEWORK_SMTP_PID=$!
  for _ in $(seq 1 50); do grep -q ready "$CASEWORK_SMTP_WORK/out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$CASEWORK_SMTP_WORK/out" || { echo "The test SMTP server did not start:" >&2; cat "$CASEWORK_SMTP_WORK/log" >&2; return 1; }
  export CASEWORK_TEST_SMTP_URL="smtp://casework:secret@127.0.0.1:$port?tls=insecure"
  export CASEWORK_TEST_SMTP_PLAIN_URL="smtp://127.0.0.1:$plain"
  export CASEWORK_TEST_SMTP_DIR="$CASEWORK_SMTP_WORK/mail"
}

casework_smtp_stop() {
  if [ -n "${CASEWORK_SMTP_PID:-}" ]; then
    kill "$CASEWORK_SMTP_PID" 2>/dev/null || true
    wait "$CASEWORK_SMTP_PID" 2>/dev/null || true
  fi
  if [ -n "${CASEWORK_SMTP_WORK:-}" ]; then rm -rf "$CASEWORK_SMTP_WORK"; fi
  CASEWORK_SMTP_PID=""
  return 0
}
