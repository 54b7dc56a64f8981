# Starts a throw-away PostgreSQL server on loopback in a temporary directory and stops it.
# initdb refuses to run as root, so as root the server runs as the `postgres` system user.
# shellcheck shell=bash

casework_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

casework_pg_start() {
  local bindir; bindir=$(casework_pg_bindir) || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  CASEWORK_PG_DIR=$(mktemp -d /tmp/casework-pg.XXXXXX)
  CASEWORK_PG_PORT=$(casework_free_port)
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$CASEWORK_PG_DIR"
    run=(runuser -u postgres --)
  fi
  CASEWORK_PG_RUN=("${run[@]}")
  "${run[@]}" "$bindir/initdb" -D "$CASEWORK_PG_DIR/data" -U casework --auth=trust -E UTF8 --locale=C.UTF-8 >"$CASEWORK_PG_DIR/initdb.log" 2>&1 ||
    { cat "$CASEWORK_PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$bindir/pg_ctl" -D "$CASEWORK_PG_DIR/data" -l "$CASEWORK_PG_DIR/server.log" -w -t 60 \
    -o "-p $CASEWORK_PG_PORT -k $CASEWORK_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_buffers=256MB" start >/dev/null ||
    { cat "$CASEWORK_PG_DIR/server.log" >&2; return 1; }
  psql -h 127.0.0.1 -p "$CASEWORK_PG_PORT" -U casework -d postgres -qc "CREATE DATABASE casework_test" >/dev/null
  export CASEWORK_TEST_POSTGRES_URL="postgres://casework@127.0.0.1:$CASEWORK_PG_PORT/casework_test?sslmode=disable"
  echo "PostgreSQL started on 127.0.0.1:$CASEWORK_PG_PORT" >&2
}

casework_pg_stop() {
  [ -n "${CASEWORK_PG_DIR:-}" ] || return 0
  local bindir; bindir=$(casework_pg_bindir)
  "${CASEWORK_PG_RUN[@]}" "$bindir/pg_ctl" -D "$CASEWORK_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$CASEWORK_PG_DIR"
  CASEWORK_PG_DIR=""
}
