#!/usr/bin/env bash
# What the tests need from Debian, installed when missing:
#   source scripts/deps.sh && deps_install
# PostgreSQL + PostGIS (the PostGIS tests), GDAL's ogrinfo/ogr2ogr (output
# checks), sqlite3 (GeoPackage checks), PROJ's cs2cs (the Gauss–Krüger
# importer is checked against it), Chromium, node and npm (browser tests)
# and a CJK font (readable screenshots). It runs apt-get directly as root,
# otherwise through sudo; it does nothing when everything is there.
# MINQING_NO_INSTALL=1 turns it off (then missing tools fail their tests).

deps_missing() {
  local need=()
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql postgresql-postgis)
  command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
  command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
  command -v cs2cs >/dev/null 2>&1 || need+=(proj-bin)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
  fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
  echo "${need[@]}"
}

deps_install() {
  local need
  need=$(deps_missing)
  [ -n "$need" ] || return 0
  if [ "${MINQING_NO_INSTALL:-}" = 1 ]; then
    echo "deps: missing $need (MINQING_NO_INSTALL=1: not installing)" >&2
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "deps: missing $need, and not root without sudo: install them with apt-get as root" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing $need, and this is not a Debian-like system (no apt-get): install them by hand" >&2
    return 1
  fi
  echo "deps: installing $need (apt-get${sudo:+ through sudo})…" >&2
  # shellcheck disable=SC2086
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
}
