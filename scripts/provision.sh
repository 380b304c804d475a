#!/usr/bin/env bash
# System packages the tests and the land layer need, installed where the machine allows it.
#   chromium            headless browser of tests/test_browser.py
#   gmt, gmt-gshhg-full the GSHHG shoreline that vesseltrack.land reads (full resolution)
# Quick and silent when everything is there. As root with apt-get it installs what is missing;
# otherwise it prints one line saying what to install and carries on (vesseltrack.land then
# falls back to the coarser Natural Earth land shipped in the package).
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! command -v gmt >/dev/null 2>&1; then
    missing+=(gmt gmt-gshhg-full)
elif ! (cd "${TMPDIR:-/tmp}" && gmt coast -R133/133.01/42.7/42.71 -Df -M -W >/dev/null 2>&1); then
    missing+=(gmt-gshhg-full)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "provision: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "provision: please install ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]}); without them the browser tests fail and maps use the coarser Natural Earth land" >&2
exit 0
