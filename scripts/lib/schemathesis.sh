# Schemathesis (a pinned version from PyPI, in a virtual environment made here) against a
# running `casework serve` on loopback: every check, every phase, stateful links included.
# shellcheck shell=bash

CASEWORK_SCHEMATHESIS_VERSION=4.32.5

casework_schemathesis() {
  local bin="$1" seconds="${2:-150}"
  local venv="$PWD/.build-venv/schemathesis"
  if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$CASEWORK_SCHEMATHESIS_VERSION"; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==$CASEWORK_SCHEMATHESIS_VERSION" >&2 ||
      { echo "Could not install schemathesis $CASEWORK_SCHEMATHESIS_VERSION from PyPI" >&2; return 1; }
  fi
  local work port token status
  work=$(mktemp -d /tmp/casework-schemathesis.XXXXXX)
  port=$(casework_free_port)
  export CASEWORK_DATA_DIR="$work/data" CASEWORK_PORT="$port" CASEWORK_BCRYPT_COST=4 LOG_LEVEL=error \
    CASEWORK_PUBLIC_SUBMISSIONS_PER_HOUR=1000000 CASEWORK_PUBLIC_URL="http://127.0.0.1:$port" \
    CASEWORK_SOCIAL_WEBHOOK_SECRET="schemathesis-social-secret-0123456789abcdef"
  "$bin" migrate >/dev/null
  echo "amber quarry whistle 17" | "$bin" users create --email st@casework.test --name Schemathesis --role admin --password-stdin >/dev/null
  token=$("$bin" tokens create --user st@casework.test --name schemathesis | tail -n 1)
  "$bin" serve >"$work/serve.log" 2>&1 &
  local server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  status=0
  SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/scripts/lib" \
    "$venv/bin/schemathesis" --config-file "$PWD/scripts/lib/schemathesis.toml" run "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $token" \
    --checks all --phases examples,coverage,fuzzing,stateful --max-time "$seconds" --workers 2 \
    --suppress-health-check all --generation-database none --seed "${CASEWORK_SCHEMATHESIS_SEED:-20261204}" >"$work/report.txt" 2>&1 || status=$?
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
  grep -E "API Links|Selected|Tested|passed|failures|Failures|ST[0-9]+" "$work/report.txt" | tail -n 20
  if [ $status -ne 0 ]; then cp "$work/report.txt" "$PWD/.build-venv/schemathesis-report.txt"; fi
  rm -rf "$work"
  return $status
}
