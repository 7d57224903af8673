# Shared by .ci/run and .ci/demo: find or install a JDK >= 21, Maven, PostgreSQL binaries and openssl.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d"); v=${v:-0}
    if [ "$v" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  echo "$best"
}

JAVA_HOME=$(pick_jdk)
if [ -z "$JAVA_HOME" ]; then
  apt_install openjdk-21-jdk-headless || apt_install openjdk-25-jdk-headless
  JAVA_HOME=$(pick_jdk)
fi
[ -n "$JAVA_HOME" ] || { echo "no JDK >= 21 found or installable" >&2; exit 1; }
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

command -v mvn >/dev/null || apt_install maven

have_pg() {
  { command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; } || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if [ -z "${PGREEN_TEST_DSN:-}" ] && ! have_pg; then
  apt_install postgresql postgresql-contrib
fi

# The throwaway cluster's certificate authority and certificates (TLS tests) are made with openssl.
if [ -z "${PGREEN_TEST_DSN:-}" ] && ! command -v openssl >/dev/null; then
  apt_install openssl
fi
