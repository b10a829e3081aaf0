load 'charts/common.gp'
set output 'charts/commit-to-event.png'
set title "Commit on instance A -> SSE event on instance B at 1,000 commits/s (latency by percentile)"
set xlabel "percentile"
set ylabel "ms (log scale)"
set logscale y
set xrange [0:100]
set arrow from 0,25 to 100,25 nohead dashtype 2 lc rgb "#c0392b"
set label "goal: p99 <= 25 ms" at 2,30 tc rgb "#c0392b"
# With a before run (run-all.sh --before <ref>), its Signals curve is drawn too.
before = system("test -f results/before/commit-to-event.dat && echo 1 || echo 0") + 0
if (before) {
  plot 'results/commit-to-event.dat' using 1:3 with lines lw 2 lc rgb "#2471a3" title "Signals: SaveChanges on A -> event parsed on B", \
       'results/before/commit-to-event.dat' using 1:3 with lines lw 2 dashtype 2 lc rgb "#2471a3" title "Signals before", \
       'results/commit-to-event.dat' using 1:2 with lines lw 2 lc rgb "#7f8c8d" title "raw NOTIFY round trip (same run, same rate)"
} else {
  plot 'results/commit-to-event.dat' using 1:3 with lines lw 2 lc rgb "#2471a3" title "Signals: SaveChanges on A -> event parsed on B", \
       '' using 1:2 with lines lw 2 lc rgb "#7f8c8d" title "raw NOTIFY round trip (same run, same rate)"
}
