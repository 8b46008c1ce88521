#!/usr/bin/env bash
# Candidate embedded stores for the disk cache level (issue 15): SQLite (sqlite-jdbc), H2 MVStore, RocksDB.
#
#   bench/disk-stores/run.sh            # builds, runs every measurement (3-4 minutes here), prints a table
#   STORES="sqlite mvstore" N=20000 ROUNDS=2 bench/disk-stores/run.sh     # a quicker look
#
# All files go to one temp dir, deleted at the end. The disk-full test mounts a 64 MB tmpfs (needs root; it is
# skipped otherwise). One store at a time; the crash test has a parent JVM that mostly waits beside the writer.
set -euo pipefail
cd "$(dirname "$0")"
N=${N:-100000}            # records for the write, read, open and LRU tests
COLD=${COLD:-$N}          # gets right after reopen with the store's files dropped from the page cache
ROUNDS=${ROUNDS:-5}       # kill -9 rounds
STORES=${STORES:-"sqlite mvstore rocksdb"}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

mvn -B -q compile
work=$(mktemp -d /tmp/disk-stores.XXXXXX)
cleanup() {
  if mountpoint -q "$work/fs" 2>/dev/null; then umount "$work/fs"; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tmp"
out=$work/results
cp="target/classes:target/lib/*"
jvm=("$java" -Djava.io.tmpdir="$work/tmp" -cp "$cp")
fixed_heap=(-Xms1g -Xmx1g -XX:+AlwaysPreTouch) # so RSS growth is native memory
bench() { timeout 240 "${jvm[@]}" "$@" | tee -a "$out" | sed 's/^/  /'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
disk_kb() { du -sk "$1" | cut -f1; }
uncache() { # fsync, then drop the files from the page cache (posix_fadvise DONTNEED via dd)
  find "$1" -type f | while read -r f; do sync "$f"; dd if="$f" iflag=nocache count=0 status=none; done
}
cached_mb() { find "$1" -type f -exec fincore -b -n -o RES {} + 2>/dev/null | awk '{s+=$1} END {printf "%.1f", s/1e6}'; }
note() { echo "R $1 $2 $3" | tee -a "$out" | sed 's/^/  /'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GB;" \
  "$("$java" -version 2>&1 | head -1); load at start:$(cut -d' ' -f1-3 /proc/loadavg)"
echo "N=$N COLD=$COLD ROUNDS=$ROUNDS"
started=$(now_ms)

for s in $STORES; do
  echo "== $s"
  d=$work/$s
  bench "${fixed_heap[@]}" bench.Bench "$s" write "$d/n" "$N"
  note "$s" size.file_MB_on_disk "$(awk -v k="$(disk_kb "$d/n")" 'BEGIN {printf "%.1f", k*1024/1e6}')"
  uncache "$d/n"
  note "$s" read.page_cached_MB_at_open "$(cached_mb "$d/n")"
  bench "${fixed_heap[@]}" bench.Bench "$s" read "$d/n" "$N" "$COLD" "$N"

  mkdir -p "$d/0"
  timeout 240 "${jvm[@]}" bench.Bench "$s" write "$d/10k" 10000 >/dev/null # only a data set for the open test
  for size in 0 10k n; do
    for rep in 1 2 3; do
      t=$(now_ms)
      bench -Xmx1g bench.Bench "$s" open "$d/$size" "$size"
      note "$s" "open.$size.whole_process_ms" $(($(now_ms) - t))
    done
  done

  bench -Xmx1g bench.Bench "$s" evict "$d/n" "$N" $((N / 10 < 10000 ? N / 10 : 10000))
  note "$s" lru.file_MB_on_disk_after "$(awk -v k="$(disk_kb "$d/n")" 'BEGIN {printf "%.1f", k*1024/1e6}')"

  bench -Xmx1g bench.Bench "$s" crash "$d/crash" "$ROUNDS"

  mkdir -p "$work/fs"
  if mountpoint -q "$work/fs" || mount -t tmpfs -o size=64m tmpfs "$work/fs" 2>/dev/null; then
    bench -Xmx1g bench.Bench "$s" full "$work/fs/$s" disk_full_64MB_tmpfs
    rm -rf "${work:?}/fs/$s"
    # the same with a 16 MB spare file that the cache would delete when the file system is full
    bench -Xmx1g -DballastBytes=16000000 bench.Bench "$s" full "$work/fs/$s" disk_full_64MB_tmpfs_16MB_ballast
    rm -rf "${work:?}/fs/$s"
  else
    echo "T $s disk_full skipped: cannot mount a tmpfs here" | tee -a "$out"
  fi
  if [ "$s" = mvstore ]; then
    echo "T $s store_limit.failure MVStore has no size limit option" | tee -a "$out"
  else
    bench -Xmx1g -DlimitBytes=64000000 bench.Bench "$s" full "$d/limit" store_limit_64MB
  fi
  rm -rf "$d"
done

for s in $STORES; do
  jar=$(ls target/lib | grep -E "^$(case $s in sqlite) echo sqlite-jdbc;; mvstore) echo h2-mvstore;; rocksdb) echo rocksdbjni;; esac)")
  note "$s" "jar_MB($jar)" "$(awk -v b="$(stat -c %s "target/lib/$jar")" 'BEGIN {printf "%.2f", b/1e6}')"
done

echo
echo "== results (median where a figure was taken more than once; load at end:$(cut -d' ' -f1-3 /proc/loadavg); $((($(now_ms) - started) / 1000)) s)"
awk -v stores="$STORES" '
  $1 == "R" { k = $3 SUBSEP $2; v[k, ++n[k]] = $4; if (!($3 in seen)) { seen[$3] = 1; order[++rows] = $3 } }
  function median(k,   i, j, t, a, c) {
    c = n[k]; if (!c) return "-"
    for (i = 1; i <= c; i++) a[i] = v[k, i] + 0
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((c + 1) / 2)]
  }
  END {
    ns = split(stores, st, " ")
    printf "%-44s", "metric"; for (i = 1; i <= ns; i++) printf " %12s", st[i]; print ""
    for (r = 1; r <= rows; r++) {
      printf "%-44s", order[r]
      for (i = 1; i <= ns; i++) {
        m = median(order[r] SUBSEP st[i])
        printf (m == "-" ? " %12s" : m >= 100 || m == int(m) ? " %12.0f" : m >= 10 ? " %12.1f" : " %12.3g"), m
      }
      print ""
    }
  }' "$out"
echo
grep '^T ' "$out" | cut -c3- || true
