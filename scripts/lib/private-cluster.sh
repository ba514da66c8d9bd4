# Sourced by the benchmark scripts (run from the project root): finds the PostgreSQL server programs and
# the `loyalty` binary, and starts a private cluster in a temporary directory with a migrated database
# `loyalty`, stopped and removed on exit (KEEP=1 keeps the directory).
#
#   LOYALTY_PG_BIN   the server programs (default: the newest /usr/lib/postgresql/N/bin)
#   LOYALTY_BIN      the binary (default .build/release/loyalty, else .build/debug/loyalty)
#
# After `start_private_cluster "-c shared_buffers=1GB …"`: DIR, PG_BIN, LOYALTY, LOYALTY_DATABASE_URL and
# LOYALTY_HOME are set, and `psql` runs against the database. A script that starts more (a server) defines
# `before_cleanup`, which runs first on exit.

PG_BIN=${LOYALTY_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r | head -1)}
LOYALTY=${LOYALTY_BIN:-$( [ -x .build/release/loyalty ] && echo .build/release/loyalty || echo .build/debug/loyalty )}
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server programs (set LOYALTY_PG_BIN)" >&2; exit 1; }
[ -x "$LOYALTY" ] || { echo "no loyalty binary at $LOYALTY: swift build -c release --product loyalty" >&2; exit 1; }
LOYALTY=$(readlink -f "$LOYALTY")

DIR=$(mktemp -d /tmp/loyalty-bench.XXXXXX)
AS=()
if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    chown postgres "$DIR"
    AS=(su postgres -s /bin/sh -c)
fi
pg() { if [ ${#AS[@]} -gt 0 ]; then "${AS[@]}" "$*"; else sh -c "$*"; fi; }
before_cleanup() { :; }
cleanup() {
    before_cleanup
    pg "'$PG_BIN/pg_ctl' -D '$DIR/data' -m fast stop" >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -U loyalty -d loyalty "$@"; }

# start_private_cluster OPTIONS: initdb, start with the server options OPTIONS (`-c name=value …`),
# create and migrate the database `loyalty`.
start_private_cluster() {
    pg "'$PG_BIN/initdb' -D '$DIR/data' -A trust -U loyalty" >/dev/null
    pg "'$PG_BIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -w -o \"-k $DIR -c listen_addresses='' $1\" start" >/dev/null
    "$PG_BIN/createdb" -h "$DIR" -U loyalty loyalty
    export LOYALTY_DATABASE_URL="postgres://loyalty@/loyalty?host=$DIR"
    export LOYALTY_HOME="$DIR/home"
    "$LOYALTY" db migrate >/dev/null
}
