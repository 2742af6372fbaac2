#!/usr/bin/env bash
# A private cupsd for the demo when the machine has no CUPS queue "bms-demo":
# one PDF printer queue whose backend writes every job to DIR/printed/ as its
# own PDF file. Same set-up as the tests' harness (PrintingTesting) and
# platform-notes.md: no systemd, a socket in DIR, nothing outside DIR.
#   . scripts/demo-printer.sh DIR      starts it; exports CUPS_SERVER and
#                                      DEMO_PRINTER_PID (kill it to stop)
# Sourced by scripts/run.sh.
demo_printer_start() {
  local d; d="$(realpath -m "$1")"
  local ppd=/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd
  for t in /usr/sbin/cupsd /usr/sbin/lpadmin; do
    [ -x "$t" ] || { echo "demo printer: $t missing (apt-get install cups cups-client)"; return 1; }
  done
  [ -f "$ppd" ] || { echo "demo printer: $ppd missing (apt-get install cups-filters)"; return 1; }
  rm -rf "$d"; mkdir -p "$d"/{etc/ppd,state,cache,spool,tmp,log,run,serverbin/backend} "$d/printed"
  chmod 0755 "$d" "$d/serverbin" "$d/serverbin/backend"; chmod 1777 "$d/tmp" "$d/printed"
  # cupsd runs backends as lp: lp must reach DIR (and the folders above it).
  local up="$d"; while [ "$up" != "/" ]; do up="$(dirname "$up")"; chmod o+x "$up" 2>/dev/null || true; done
  for sub in filter daemon cgi-bin monitor notifier driver; do
    [ -e "/usr/lib/cups/$sub" ] && ln -s "/usr/lib/cups/$sub" "$d/serverbin/$sub"
  done
  cat >"$d/serverbin/backend/bmsdemo" <<'SH'
#!/bin/sh
# One PDF file per job in the folder of the device URI (bmsdemo:/path).
[ $# -eq 0 ] && exit 0
out="${DEVICE_URI#bmsdemo:}"
tmp="$out/.job-$1.tmp"
if [ -n "$6" ]; then cat "$6" > "$tmp"; else cat > "$tmp"; fi || exit 1
chmod 0644 "$tmp" && mv "$tmp" "$out/job-$1.pdf"
exit 0
SH
  chmod 0755 "$d/serverbin/backend/bmsdemo"
  cat >"$d/etc/cupsd.conf" <<CONF
LogLevel warn
Listen $d/run/cups.sock
Browsing No
WebInterface No
DefaultAuthType None
DefaultEncryption Never
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
  cat >"$d/etc/cups-files.conf" <<CONF
ServerRoot $d/etc
StateDir $d/state
CacheDir $d/cache
RequestRoot $d/spool
TempDir $d/tmp
ServerBin $d/serverbin
AccessLog $d/log/access_log
ErrorLog $d/log/error_log
PageLog $d/log/page_log
Printcap $d/printcap
FileDevice Yes
User lp
Group lp
SystemGroup root
CONF
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo /usr/sbin/cupsd -f -c "$d/etc/cupsd.conf" -s "$d/etc/cups-files.conf" >"$d/log/cupsd.out" 2>&1 </dev/null &
  DEMO_PRINTER_PID=$!
  export CUPS_SERVER="$d/run/cups.sock"
  for _ in $(seq 1 100); do
    [ -S "$CUPS_SERVER" ] && lpstat -r >/dev/null 2>&1 && break
    kill -0 "$DEMO_PRINTER_PID" 2>/dev/null || { echo "demo printer: cupsd exited:"; cat "$d/log/cupsd.out" "$d/log/error_log" 2>/dev/null | tail -n 20; return 1; }
    sleep 0.1
  done
  lpadmin -p bms-demo -E -v "bmsdemo:$d/printed" -P "$ppd" -o PageSize=A4 -o printer-error-policy=abort-job \
    2>>"$d/log/lpadmin.out" || { echo "demo printer: lpadmin failed (see $d/log/error_log)"; cat "$d/log/lpadmin.out"; return 1; }
  export DEMO_PRINTER_PID
}
demo_printer_start "$@"
