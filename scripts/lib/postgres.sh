# Sourced by scripts/test and scripts/bench: a private PostgreSQL on loopback, in $work (which the
# caller made and removes), installed from Debian's packages when missing. Sets
# ROSTER_TEST_POSTGRES_URL; stop_private_postgres stops it (call it from the caller's EXIT trap).
pg_data=""
pg_ctl=""

run_as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_postgres() {
    local pg_bin pg_port
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
        apt_install postgresql
        pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    pg_ctl="$pg_bin/pg_ctl"
    pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_data="$work/pg"
    mkdir -p "$pg_data"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres "$work"; chmod 755 "$work"; fi
    run_as_postgres "$pg_bin/initdb" -D "$pg_data" -U roster --auth=trust -E UTF8 >/dev/null
    run_as_postgres "$pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
        -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work -c fsync=off -c max_connections=200" start >/dev/null
    export ROSTER_TEST_POSTGRES_URL="postgres://roster@127.0.0.1:$pg_port/postgres"
    echo "PostgreSQL on 127.0.0.1:$pg_port"
}

stop_private_postgres() {
    if [[ -n "$pg_data" ]]; then run_as_postgres "$pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true; fi
}

apt_install() {
    if [[ $(id -u) -ne 0 ]]; then echo "please install $* (needs root)" >&2; return 1; fi
    if [[ -z "${apt_updated:-}" ]]; then apt-get update -qq; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
