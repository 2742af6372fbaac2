# Sourced by the scripts that build: how many compile jobs this machine can
# really run. `swift build` starts one job per processor the system reports;
# in a container limited by a CPU quota (cgroup cpu.max) that is the host's
# count, and dozens of compilers at once exhaust memory and crawl. Jobs are
# bounded by the quota, by the processors we may run on, and by memory
# (about 2 GiB per compile job of this package).
bms_build_jobs() {
  local jobs quota period mem
  jobs=$(nproc 2>/dev/null || echo 2)
  if [ -r /sys/fs/cgroup/cpu.max ]; then
    read -r quota period < /sys/fs/cgroup/cpu.max || true
    if [ -n "${quota:-}" ] && [ "$quota" != "max" ] && [ "${period:-0}" -gt 0 ]; then
      local q=$(( (quota + period - 1) / period ))
      [ "$q" -lt "$jobs" ] && jobs=$q
    fi
  fi
  mem=$(awk '/MemAvailable/ { print int($2 / 1024 / 1024 / 2) }' /proc/meminfo 2>/dev/null || echo 2)
  if [ -r /sys/fs/cgroup/memory.max ] && [ "$(cat /sys/fs/cgroup/memory.max)" != "max" ]; then
    local cg=$(( $(cat /sys/fs/cgroup/memory.max) / 1024 / 1024 / 1024 / 2 ))
    [ "$cg" -lt "$mem" ] && mem=$cg
  fi
  [ "$mem" -lt "$jobs" ] && jobs=$mem
  [ "$jobs" -lt 1 ] && jobs=1
  echo "$jobs"
}
BMS_JOBS="${BMS_JOBS:-$(bms_build_jobs)}"
