# Turns tcrypt speed output (dmesg, timestamps removed; given twice as two
# input files) into "BENCHROW GROUP IMPL MB OP BYTES OPS_PER_S" lines.
# Variables: g (group; "auto@WHERE" takes the algorithm name from each
# "testing speed of" line, for modes that test several), im (implementation),
# mb (requests in flight). OP is the direction (enc, dec) with the key size in
# bits where tcrypt names one (enc/128), or for hashes digest / updN.
# tcrypt prints each result with pr_cont, which another message can split from
# its "test N (...)" head: sizes are taken by header and test index in a first
# pass.
NR == FNR {
    if ($0 ~ /testing speed/) h++
    if (match($0, /test +[0-9]+ \(/)) {
        t = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", t); i = t + 0
        b = ""; p = ""
        if (match($0, /[0-9]+ byte blocks/)) { b = substr($0, RSTART, RLENGTH); sub(/ .*/, "", b) }
        sz[h, i] = b
        if (match($0, /[0-9]+ bit key/)) { k = substr($0, RSTART, RLENGTH); sub(/ .*/, "", k); kb[h, i] = "/" k }
        if (match($0, /[0-9]+ bytes per update/)) {
            p = substr($0, RSTART, RLENGTH); sub(/ .*/, "", p)
            kind[h, i] = (p == b) ? "digest" : "upd" p
        }
    }
    next
}
/testing speed/ {
    h2++; idx = 0
    dir = ($0 ~ /decryption/) ? "dec" : ($0 ~ /encryption/) ? "enc" : "hash"
    grp = g
    if (g ~ /^auto@/) {
        s = $0; sub(/.*speed of /, "", s); sub(/^(multibuffer|async) /, "", s)
        split(s, w, " "); grp = w[1] "@" substr(g, 6)
    }
}
/operations in [0-9]+ seconds/ {
    match($0, /[0-9]+ operations in [0-9]+ seconds/); split(substr($0, RSTART, RLENGTH), f, " ")
    printf "BENCHROW %s %s %s %s%s %s %.0f\n", grp, im, mb, dir, kb[h2, idx], sz[h2, idx], f[1] / f[4]; idx++
}
/opers\/sec/ {
    match($0, /[0-9]+ opers\/sec/); split(substr($0, RSTART, RLENGTH), f, " ")
    printf "BENCHROW %s %s %s %s %s %d\n", grp, im, mb, kind[h2, idx], sz[h2, idx], f[1]; idx++
}
