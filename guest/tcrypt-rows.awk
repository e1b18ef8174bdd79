# Turns tcrypt speed output (dmesg, timestamps removed; given twice as two
# input files) into "BENCHROW GROUP IMPL MB DIR BYTES OPS_PER_S" lines.
# Variables: g (group), im (implementation), mb (requests in flight).
# tcrypt prints each result with pr_cont, which another message can split from
# its "test N (...)" head: sizes are taken by test index in a first pass.
NR == FNR {
    if (match($0, /test +[0-9]+ \(/)) {
        t = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", t); i = t + 0
        if (match($0, /[0-9]+ byte blocks/)) { b = substr($0, RSTART, RLENGTH); sub(/ .*/, "", b) }
        if (match($0, /[0-9]+ bytes per update/)) {
            p = substr($0, RSTART, RLENGTH); sub(/ .*/, "", p)
            sz[i] = b; kind[i] = (p == b) ? "digest" : "upd" p
        } else {
            sz[i] = b
        }
    }
    next
}
/testing speed/ { dir = ($0 ~ /decryption/) ? "dec" : ($0 ~ /encryption/) ? "enc" : "hash"; idx = 0 }
/operations in [0-9]+ seconds/ {
    match($0, /[0-9]+ operations in [0-9]+ seconds/); split(substr($0, RSTART, RLENGTH), f, " ")
    printf "BENCHROW %s %s %s %s %s %.0f\n", g, im, mb, dir, sz[idx], f[1] / f[4]; idx++
}
/opers\/sec/ {
    match($0, /[0-9]+ opers\/sec/); split(substr($0, RSTART, RLENGTH), f, " ")
    printf "BENCHROW %s %s %s %s %s %d\n", g, im, mb, kind[idx], sz[idx], f[1]; idx++
}
