# Drops the kernel warnings the test suite triggers on purpose and prints
# everything else: each block from "[ cut here ]" to "---[ end trace" whose
# text matches the extended regular expression `pats` (alternatives joined
# with |; empty: drop none). Used by the guest (lib.sh: bad_taint) and the
# host (scripts/run-guest.sh) on the kernel log.
/-+\[ cut here \]-+/ { inblk = 1; n = 0; keep = 1 }
inblk {
    buf[n++] = $0
    if (pats != "" && $0 ~ pats) keep = 0
    if ($0 ~ /---\[ end trace/) {
        if (keep) for (i = 0; i < n; i++) print buf[i]
        inblk = 0
    }
    next
}
{ print }
END { if (inblk) for (i = 0; i < n; i++) print buf[i] }
