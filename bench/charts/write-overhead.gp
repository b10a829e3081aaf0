load 'charts/common.gp'
set output 'charts/write-overhead.png'
set title "Write overhead: Signals cost / plain EF Core cost (lower is better; 1 = free)"
set ylabel "x plain (time ratio; for 64 writers: plain throughput / Signals throughput)"
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set yrange [0:*]
set key top right
# With a before run (run-all.sh --before <ref>), its ratios stand beside the measured ones.
before = system("test -f results/before/write-overhead.dat && echo 1 || echo 0") + 0
if (before) {
  plot 'results/before/write-overhead.dat' using 4:xtic(1) lc rgb "#aab7b8" title "before", \
       'results/write-overhead.dat' using 4 lc rgb "#2471a3" title "after", \
       '' using 5 lc rgb "#e5e8e8" title "goal (at most)", \
       'results/before/write-overhead.dat' using ($0-0.3):4:(sprintf("%.2f", $4)) with labels offset 0,0.8 notitle, \
       'results/write-overhead.dat' using ($0):4:(sprintf("%.2f", $4)) with labels offset 0,0.8 notitle
} else {
  plot 'results/write-overhead.dat' using 4:xtic(1) lc rgb "#2471a3" title "measured", \
       '' using 5 lc rgb "#e5e8e8" title "goal (at most)", \
       '' using ($0-0.17):4:(sprintf("%.2f", $4)) with labels offset 0,0.8 notitle
}
