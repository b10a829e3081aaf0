# Shared look of the charts; each script is run from bench/ by run-all.sh (gnuplot -c charts/<name>.gp).
set terminal pngcairo size 960,540 font "DejaVu Sans,10" noenhanced
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set key top left box opaque
set style fill solid 0.85 border -1
