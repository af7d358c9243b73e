#!/usr/bin/env bash
# Stands in for skrouterd in supervisor tests. Called as `fake-router.sh -c FILE`; the boot file's
# content picks the behaviour: "crash" exits 1 shortly after start, "bootfail" exits 1 at once with
# a start-up failure on stderr (as skrouterd does on a value it cannot boot with), "stubborn"
# ignores SIGTERM, anything else runs until SIGTERM.
# `read`, not `$(cat …)`: a command substitution forks a copy of this process with the same
# command line, which a /proc scan for leftover routers would find too.
IFS= read -r mode < "$2" || true
echo "2026-11-25 20:04:01.123456 +0000 SERVER (info) Router started with $2"
echo "not a router line" >&2
case "$mode" in
  bootfail) echo "2026-11-25 20:04:01.200000 +0000 ERROR (critical) Router start-up failed: Python: CError: Configuration: Listener requires a self-identifying certificate (sslProfile: ca-only)" >&2; exit 1 ;;
  crash) sleep 0.2; echo "2026-11-25 20:04:01.323456 +0000 ROUTER (critical) Router start-up failed"; exit 1 ;;
  stubborn) trap '' TERM ;;
  *) trap 'echo "2026-11-25 20:04:02.000000 +0000 SERVER (warning) Shutting down"; exit 0' TERM ;;
esac
while true; do sleep 0.05; done
