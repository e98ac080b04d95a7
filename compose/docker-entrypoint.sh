#!/bin/sh
# driftdb-server in a container. Extra conveniences over bin/driftdb-server:
#   DRIFTDB_ADMIN_TOKEN_FILE  read the admin bearer token from this file (a Docker/Compose secret),
#                             so the token is neither in the image nor in `docker inspect`;
#   DRIFTDB_PASSWORD_FILE     the same for the bootstrap superuser's password (--auth password);
#   DRIFTDB_JAVA_OPTS         JVM flags (split on blanks), e.g. -Xmx2g.
# Arguments are passed on to io.driftdb.server.DriftServer (flags win over DRIFTDB_* variables).
set -eu
if [ -n "${DRIFTDB_ADMIN_TOKEN_FILE:-}" ]; then
  DRIFTDB_ADMIN_TOKEN="$(tr -d '\r\n' < "$DRIFTDB_ADMIN_TOKEN_FILE")"
  export DRIFTDB_ADMIN_TOKEN
fi
if [ -n "${DRIFTDB_PASSWORD_FILE:-}" ]; then
  DRIFTDB_PASSWORD="$(tr -d '\r\n' < "$DRIFTDB_PASSWORD_FILE")"
  export DRIFTDB_PASSWORD
fi
unset DRIFTDB_ADMIN_TOKEN_FILE DRIFTDB_PASSWORD_FILE
# The launchers' default JVM flags (bin/driftdb-server says why).
# shellcheck disable=SC2086
exec java -XX:MaxTenuringThreshold=0 -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=70 \
  -XX:MetaspaceSize=256m ${DRIFTDB_JAVA_OPTS:-} -cp '/opt/driftdb/classes:/opt/driftdb/lib/*' io.driftdb.server.DriftServer "$@"
