load 'charts/common.gp'
set output 'charts/sync.png'
set title "POST /signals/sync vs an empty endpoint (wrk, 64 connections, all keys current)"
set xlabel "known keys per request"
set ylabel "requests/s (log scale)"
set logscale y
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set key top right
plot 'results/sync.dat' using 2:xtic(1) lc rgb "#e5e8e8" title "empty endpoint (reads the body, constant answer)", \
     '' using 3 lc rgb "#2471a3" title "Signals sync", \
     '' using ($0-0.17):2:(sprintf("%.0f", $2)) with labels offset 0,0.8 notitle, \
     '' using ($0+0.17):3:(sprintf("%.0f", $3)) with labels offset 0,0.8 notitle
