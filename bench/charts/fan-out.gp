load 'charts/common.gp'
set output 'charts/fan-out.png'
set multiplot layout 1,2 title "One change to N subscribers of one key, one server process"
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
unset xlabel
set key below
set title "change -> last subscriber, p50, by subscriber count"
set ylabel "ms (log scale)"
set logscale y
plot 'results/fan-out.dat' using 2:xtic(1) lc rgb "#2471a3" title "Signals (commit through EF Core)", \
     '' using 3 lc rgb "#7f8c8d" title "bare ASP.NET Core SSE", \
     '' using 4 lc rgb "#d68910" title "SignalR (WebSockets)"
unset logscale y
set title "server RSS per idle connection, by subscriber count"
set ylabel "KB"
set yrange [0:*]
plot 'results/fan-out.dat' using 8:xtic(1) lc rgb "#2471a3" title "Signals", \
     '' using 9 lc rgb "#7f8c8d" title "bare SSE", \
     '' using 10 lc rgb "#d68910" title "SignalR"
unset multiplot
