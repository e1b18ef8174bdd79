# Helpers shared by the guest scripts (sourced). TAP output on the console.
NTEST=0
NPASS=0
NFAIL=0
MODDIR=/lib/modules

TAINT_SEEN=0

ok() {
    NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1))
    echo "ok $NTEST - $*"
    took
    taint_watch
}

not_ok() {
    NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1))
    echo "not ok $NTEST - $*"
    took
    taint_watch
}

# took: after a TAP line, how long it took since the previous one, when that
# was 20 s or more (where the suite's time goes).
LAST_TAP_MS=0
took() {
    local now
    now=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
    [ $((now - LAST_TAP_MS)) -ge 20000 ] && [ $LAST_TAP_MS != 0 ] &&
        echo "#   (took $(((now - LAST_TAP_MS) / 1000)) s since the previous line)"
    LAST_TAP_MS=$now
}

# After every TAP line: when the kernel gains a taint flag (a WARN sets 512),
# names the test it appeared after and shows the warning from the kernel log
# (the console shows errors only, and the log may wrap before the end).
taint_watch() {
    local t
    t=$(bad_taint)
    [ "$t" = "$TAINT_SEEN" ] && return 0
    echo "# kernel taint became $t after test $NTEST; the kernel log says:"
    dmesg | grep -E -A45 'WARNING:|BUG:|Oops|lockdep|INFO: ' | tail -120 | sed 's/^/#   /'
    TAINT_SEEN=$t
}

# uptime_ms: milliseconds since boot.
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# section TITLE: a section header, with the time since boot (the harness
# reports each section's duration from them).
section() { echo "# $1 (at $(uptime_ms) ms)"; }

# health_baseline: kmemleak's baseline (objects leaked before the driver
# loads are not ours).
health_baseline() {
    echo scan > /sys/kernel/debug/kmemleak; echo clear > /sys/kernel/debug/kmemleak
}

# health_check: no leak since the baseline, no taint.
health_check() {
    echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak
    cat /sys/kernel/debug/kmemleak > /tmp/leaks
    sed 's/^/#   /' /tmp/leaks | head -60
    check "kmemleak is enabled" [ -e /sys/kernel/debug/kmemleak ]
    check "kmemleak: no unreferenced object since the baseline" [ ! -s /tmp/leaks ]
    check "kernel not tainted (other than by an out-of-tree module): $(cat /proc/sys/kernel/tainted)" [ "$(bad_taint)" = 0 ]
}

# check DESCRIPTION COMMAND...: one TAP line from the command's exit status.
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# Prints the /proc/crypto field $2 of the algorithm whose driver is $1. Test
# larvals (which carry the driver name and say "passed" while the test runs)
# are skipped.
crypto_field() {
    awk -v d="$1" -v f="$2" '
        function flush() { if (drv == d && type != "larval" && val != "") { print val; found = 1 } }
        /^name/ { drv = ""; type = ""; val = "" }
        /^driver/ { drv = $3 }
        /^type/ { type = $3 }
        $1 == f { val = $3 }
        /^$/ { flush(); if (found) exit }
        END { if (!found) flush() }' /proc/crypto
}

# Drivers registered by module $1.
module_drivers() {
    awk -v m="$1" '/^driver/ { d = $3 } /^module/ && $3 == m { print d }' /proc/crypto
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.25 s until it succeeds
# (returns 0) or SECONDS have passed (returns 1).
wait_until() {
    local n=0 max=$(($1 * 4))
    shift
    while ! "$@"; do
        [ $n -ge $max ] && return 1
        sleep 0.25; n=$((n + 1))
    done
}

# Whether module $1 registered algorithms and all of them passed their self-tests.
selftests_passed() {
    local d
    [ -n "$(module_drivers "$1")" ] || return 1
    for d in $(module_drivers "$1"); do
        [ "$(crypto_field "$d" selftest)" = passed ] || return 1
    done
}

# Whether driver $1 passed its self-tests.
driver_passed() { [ "$(crypto_field "$1" selftest)" = passed ]; }

# instances NAME: the driver of every instance of algorithm NAME in /proc/crypto.
instances() {
    awk -v n="$1" '/^name/ { m = ($3 == n) } m && /^driver/ { print $3 }' /proc/crypto
}

# driver_of NAME DRIVER-PATTERN: whether /proc/crypto has an instance of
# algorithm NAME whose driver name matches the pattern (how a client's
# template is shown to stand on our driver).
driver_of() { instances "$1" | grep -q "$2"; }

# best_driver NAME: the driver a lookup of NAME gets: of the implementations
# that passed their self-tests, the one with the highest priority.
best_driver() {
    awk -v n="$1" '
        function flush() { if (m && st == "passed" && (best == "" || p > bp)) { best = d; bp = p } }
        /^name/ { flush(); m = ($3 == n); d = ""; p = 0; st = "" }
        /^driver/ { d = $3 } /^priority/ { p = $3 + 0 } /^selftest/ { st = $3 }
        END { flush(); print best }' /proc/crypto
}

# template_ready NAME KIND PATTERN [CLIENT]: a check that the kernel template
# instance NAME (KIND aead or skcipher) is instantiated on our
# driver (its driver name matches PATTERN) and passed its self-tests.
# tcrypt's lookup instantiates it and waits for the self-tests, but a lookup
# waits 60 s at most and then discards the test's result (crypto_larval_wait
# kills the test larval, crypto/api.c), and so would a client's own lookup
# (ip xfrm, cryptsetup). Under KASAN on a slow TCG host the randomized tests
# of rfc4106 or rfc4309 take longer (93 s and 78 s in one run). So the lookup
# is cut off at 45 s (a killed lookup leaves the test running), the result is
# awaited in /proc/crypto, and a client run after this check finds the
# instance ready, as it would on a host where the self-tests take a second.
template_ready() {
    local name=$1 pat=$3 client=${4:+ (for $4)} drv tm
    # The type and mask crypto_alloc_aead and crypto_alloc_skcipher look up
    # with (CRYPTO_ALG_TYPE_AEAD; CRYPTO_ALG_TYPE_SKCIPHER under its mask,
    # which also admits lskcipher: essiv insists on that).
    case $2 in aead) tm="type=3" ;; skcipher) tm="type=5 mask=14" ;; esac
    kclear
    timeout -s KILL 45 modload $MODDIR/tcrypt.ko mode=0 alg="$name" $tm 2>/tmp/tcrypt.err
    # testmgr also instantiates the generic one to compare with.
    drv=$(instances "$name" | grep "$pat" | head -1)
    [ -n "$drv" ] && wait_until 300 driver_passed "$drv"
    check "$name$client: instantiated as ${drv:-nothing of ours}, selftest $(crypto_field "$drv" selftest), no 'alg:' failure" \
        sh -c "[ -n '$drv' ] && [ '$(crypto_field "$drv" selftest)' = passed ] && ! dmesg | grep -qE 'alg: .*(fail|error|Unexpected)'"
}

# extra_tests on|off: whether the kernel self-tests of the registrations that
# follow include the randomized comparisons with the generic code
# (cryptomgr.noextratests; on at boot). With them, a registration of all 31
# algorithms keeps the guest busy for 3 to 4 minutes under KASAN, and the
# suite registers them about a dozen times. They stay on wherever the data
# path is new (the first registration on QEMU's device and on the simulator,
# 4 queues, REVISION_1, a small max_size, a device added after a device loss);
# they are off, and the self-tests run the test vectors only, where a check is
# about which algorithms get registered or the same device comes back.
extra_tests() {
    case $1 in on) echo 0 ;; off) echo 1 ;; esac > /sys/module/cryptomgr/parameters/noextratests
}

# Whether module $1 has no algorithm registered.
unregistered() { [ -z "$(module_drivers "$1")" ]; }

# Waits until every device of ours was brought up (probe returns before its
# checks and registrations: see `VCrypto::start`) and every algorithm of
# module $1 finished its self-tests (or 120 s).
wait_selftests() { wait_until 120 brought_up && wait_until 120 selftests_passed "$1"; }

# Waits until driver $1 passed its self-tests (or 120 s).
wait_driver_passed() { wait_until 120 driver_passed "$1"; }

# Waits until module $1 has no algorithm registered (or 10 s).
wait_unregistered() { wait_until 10 unregistered "$1"; }

# Arms fail-nth for sleeping allocations too (failslab and fail_page_alloc),
# silently, and keeps its faults out of the crypto manager (crypto/algboss.c):
# when that cannot start an algorithm's self-test thread, the kernel warns and
# leaves the algorithm untested for good (crypto_schedule_test), which no
# driver can undo. Its functions lie together in the kernel's text; the
# stack-trace filter's reject range runs from the first of those named to the
# symbol after the last. Fails if the range cannot be set.
failnth_setup() {
    local range f
    range=$(awk '$2 ~ /^[tT]$/ { print $1, $3 }' /proc/kallsyms | sort | awk '
        lo == "" && $2 ~ /^cryptomgr_(notify|schedule_test|schedule_probe)$/ { lo = $1 }
        lo != "" && hi == "" && !($2 ~ /^cryptomgr_/) { hi = $1 }
        END { if (lo != "" && hi != "" && lo != "0000000000000000") print "0x" lo, "0x" hi }')
    [ -n "$range" ] || { echo "# fail-nth: crypto manager functions not found in /proc/kallsyms"; return 1; }
    for f in failslab fail_page_alloc; do
        echo N > /sys/kernel/debug/$f/ignore-gfp-wait; echo 0 > /sys/kernel/debug/$f/verbose
        echo ${range% *} > /sys/kernel/debug/$f/reject-start || return 1
        echo ${range#* } > /sys/kernel/debug/$f/reject-end || return 1
    done
    echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
    echo "# fail-nth: faults spared in the crypto manager's text, $range"
}

# Back to the defaults: sleeping allocations are not failed, no reject range.
failnth_teardown() {
    local f
    for f in failslab fail_page_alloc; do
        echo Y > /sys/kernel/debug/$f/ignore-gfp-wait
        echo 0 > /sys/kernel/debug/$f/reject-start; echo 0 > /sys/kernel/debug/$f/reject-end
    done
}

# kclear: clears the kernel log for a step that reads it afresh, keeping what
# it held in /tmp/kmsg.cleared (the end of the run checks all of it for
# warnings, and prints it with the rest).
kclear() { dmesg -c >> /tmp/kmsg.cleared; }

# The driver's counters (stats.rs): VSTATS/DEV/stats for a bound device
# (virtioN), VSTATS/none/stats for transforms without a device.
VSTATS=/sys/kernel/debug/virtio_crypto_rs
# vstat DEV ALG FIELD: counter FIELD (device, failed, software, rescued, lost,
# sessions, refused) of algorithm ALG (virtio_crypto_rs-ALG) on DEV; 0 when
# there is none (no such device or algorithm).
vstat() {
    awk -v a="virtio_crypto_rs-$2" -v f="$3" '
        $1 == "algorithm" { for (i = 2; i <= NF; i++) col[$i] = i; next }
        $1 == a && (f in col) { v = $(col[f]) }
        END { print v + 0 }' "$VSTATS/$1/stats" 2>/dev/null || echo 0
}
# dev_state DEV: the device's state line (checking, ready, not-ready, none).
dev_state() { sed -n 's/^# [^:]*: state \([a-z-]*\),.*/\1/p' "$VSTATS/$1/stats" 2>/dev/null; }
# live_sessions DEV: sessions of transforms on the device now.
live_sessions() { sed -n 's/.*sessions of transforms on the device now \([0-9]*\)/\1/p' "$VSTATS/$1/stats" 2>/dev/null; }
# ctrl_waited DEV: control requests that found the ring full and waited for room.
ctrl_waited() { sed -n 's/^# control queue: \([0-9]*\) requests waited for room/\1/p' "$VSTATS/$1/stats" 2>/dev/null; }
# no_live_sessions DEV: no transform holds a session on the device.
no_live_sessions() { [ "$(live_sessions $1)" = 0 ]; }
# queue_requests DEV Q: requests put on data queue Q.
queue_requests() { sed -n "s/^# data queue $2: \([0-9]*\) requests/\1/p" "$VSTATS/$1/stats" 2>/dev/null; }
# mark DEV ALG...: remembers the counters of ALG on DEV (and on none) for
# grew, on_device and in_software.
mark() {
    local d=$1 a; shift
    for a in "$@"; do
        echo "$(vstat $d $a device) $(vstat $d $a software) $(vstat none $a software)" \
            "$(vstat $d $a failed) $(vstat $d $a refused) $(vstat $d $a sessions)" > /tmp/mark.$d.$a
    done
}
# grew DEV ALG FIELD: how much FIELD (device, software, failed, refused,
# sessions; or nosoft, the software counter of transforms without a device)
# of ALG on DEV grew since mark.
grew() {
    local d s n f r m
    read -r d s n f r m < /tmp/mark.$1.$2 || { echo 0; return; }
    case $3 in
        device) echo $(($(vstat $1 $2 device) - d)) ;;
        software) echo $(($(vstat $1 $2 software) - s)) ;;
        nosoft) echo $(($(vstat none $2 software) - n)) ;;
        failed) echo $(($(vstat $1 $2 failed) - f)) ;;
        refused) echo $(($(vstat $1 $2 refused) - r)) ;;
        sessions) echo $(($(vstat $1 $2 sessions) - m)) ;;
    esac
}
# counted DEV ALG: the counters' growth since mark, as words for a TAP line.
counted() {
    local f
    f=$(grew $1 $2 failed)
    echo "device +$(grew $1 $2 device)$([ "$f" = 0 ] || echo " (failed +$f)"), software +$(grew $1 $2 software)"
}
# on_device DEV ALG MIN: since mark, the device answered at least MIN
# requests of ALG (completed, or failed as a wrong tag does) and none ran in
# software (on DEV or without a device).
on_device() {
    [ $(($(grew $1 $2 device) + $(grew $1 $2 failed))) -ge "$3" ] && [ "$(grew $1 $2 software)" = 0 ] &&
        [ "$(grew $1 $2 nosoft)" = 0 ]
}
# in_software DEV ALG MIN: since mark, at least MIN requests of ALG ran in
# software (on DEV, or without a device) and the device completed none.
in_software() {
    [ $(($(grew $1 $2 software) + $(grew $1 $2 nosoft))) -ge "$3" ] && [ "$(grew $1 $2 device)" = 0 ]
}
# check_dev DESC DEV ALG MIN COMMAND...: one TAP line: COMMAND succeeds and
# the work ran on the device (on_device); the counts in the line.
check_dev() {
    local desc=$1 d=$2 a=$3 min=$4 rc; shift 4
    "$@"; rc=$?
    if [ $rc = 0 ] && on_device $d $a $min; then ok "$desc ($a on $d: $(counted $d $a))"
    else not_ok "$desc ($a on $d: $(counted $d $a), at least $min wanted on the device; exit $rc)"; fi
}
# check_soft DESC DEV ALG MIN COMMAND...: the same for work that must run in software.
check_soft() {
    local desc=$1 d=$2 a=$3 min=$4 rc; shift 4
    "$@"; rc=$?
    if [ $rc = 0 ] && in_software $d $a $min; then ok "$desc ($a: $(counted $d $a), without a device +$(grew $d $a nosoft))"
    else not_ok "$desc ($a: $(counted $d $a), without a device +$(grew $d $a nosoft), at least $min wanted in software; exit $rc)"; fi
}
# bound_devs DRIVER: the virtio devices bound to DRIVER.
bound_devs() { ls /sys/bus/virtio/drivers/$1/ 2>/dev/null | grep '^virtio[0-9]'; }
# brought_up: every device bound to virtio_crypto_rs finished its checks.
brought_up() {
    local d
    for d in $(bound_devs virtio_crypto_rs); do
        [ "$(dev_state $d)" != checking ] || return 1
    done
}

# dm_write MAPPING FILE SKIP_MIB: writes FILE at SKIP_MIB MiB into the mapping
# and syncs it (status in $rc).
dm_write() {
    [ -b "/dev/mapper/$1" ] || { rc=1; return; }
    dd if="$2" of="/dev/mapper/$1" bs=1M seek="$3" conv=fsync 2>/dev/null; rc=$?
}

# dm_verify MAPPING FILE: drops the page cache, reads the mapping back and
# compares its first bytes with FILE.
dm_verify() {
    local n
    [ -b "/dev/mapper/$1" ] || return 1
    echo 3 > /proc/sys/vm/drop_caches
    n=$(($(wc -c < "$2") / 1048576))
    dd if="/dev/mapper/$1" of=/tmp/dm.back bs=1M count=$n 2>/dev/null &&
        cmp -s /tmp/dm.back "$2"
}

# le64_block N: a 16-byte block holding N as a little-endian 64-bit number.
le64_block() {
    local n=$1 i fmt=
    for i in 0 1 2 3 4 5 6 7; do
        fmt="$fmt\\$(printf %03o $((n % 256)))"; n=$((n / 256))
    done
    printf "$fmt\\000\\000\\000\\000\\000\\000\\000\\000"
}

# busybox sh runs its own applets first: iproute2's ip by its path.
IP=/sbin/ip

# dm_data: 12 MiB of random data for dm-crypt, /tmp/dmdata, and its three
# 4 MiB parts /tmp/dmdata.1, .2, .3.
dm_data() {
    head -c 12582912 /dev/urandom > /tmp/dmdata
    for i in 1 2 3; do
        dd if=/tmp/dmdata bs=1M skip=$(((i - 1) * 4)) count=4 2>/dev/null > /tmp/dmdata.$i
    done
}

# Kernel taint other than "out-of-tree module" (4096) and "unsigned" (8192).
bad_taint() {
    local t
    t=$(cat /proc/sys/kernel/tainted)
    t=$((t & ~(4096 | 8192)))
    # A warning (512) the suite triggered on purpose (expect_warn) and no other.
    if [ $((t & 512)) != 0 ] && [ -s /tmp/expected_warns ] &&
        ! { cat /tmp/kmsg.cleared 2>/dev/null; dmesg; } |
            awk -v pats="$(paste -sd'|' /tmp/expected_warns)" -f /guest/warns.awk | grep -q 'WARNING:'; then
        t=$((t & ~512))
    fi
    echo $t
}

# expect_warn TEXT: the next step makes the kernel warn with TEXT on purpose
# (Linux's C driver failing its own self-test, say): the harness and the
# taint checks leave that warning alone, and only it.
expect_warn() {
    echo "$1" >> /tmp/expected_warns
    echo "VCRS-EXPECTED-WARN $1"
}

hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }

# kcapi-enc with a key from a file (kcapi-enc reads keys only from a descriptor).
kenc() {
    local keyfile=$1; shift
    kcapi-enc -q --keyfd 3 "$@" 3<"$keyfile"
}

# kselftest PROGRAM [ARGS...]: runs a kselftest program and turns each of its
# result lines into a TAP line of ours, prefixed with the program's name.
kselftest() {
    local prog=$1 rc
    "$@" > /tmp/$prog.out 2>&1
    rc=$?
    prog_check /tmp/$prog.out $rc "$prog"
}

# prog_check OUTPUT RC NAME: a test program's result lines as TAP lines of
# ours (tap_lines), and one more: it exited 0 and reported as many results as
# its plan line (1..N) announced; a crash that printed nothing fails it.
prog_check() {
    local n plan
    tap_lines "$1" "$3"
    n=$(grep -cE '^(not )?ok ' "$1")
    plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$1" | tail -1)
    check "$3: exited 0 (exit $2), $n results of the ${plan:-no} announced" \
        sh -c "[ $2 = 0 ] && [ -n '$plan' ] && [ '$plan' -gt 0 ] && [ $n = '$plan' ]"
}

# generic_of SUFFIX: the generic driver of our virtio_crypto_rs-SUFFIX.
generic_of() {
    case $1 in
        xts-aes) echo "xts(ecb(aes-generic))" ;;
        gcm-aes) echo "gcm_base(ctr(aes-generic),ghash-generic)" ;;
        ccm-aes) echo "ccm_base(ctr(aes-generic),cbcmac(aes-generic))" ;;
        rfc7539-chacha20-poly1305) echo "rfc7539(chacha20-generic,poly1305-generic)" ;;
        rfc7539esp-chacha20-poly1305) echo "rfc7539esp(chacha20-generic,poly1305-generic)" ;;
        authenc-hmac-*) local h=${1#authenc-hmac-}
            echo "authenc(hmac(${h%%-*}-generic),cbc(${h#*-cbc-}-generic))" ;;
        hmac-*) echo "hmac(${1#hmac-}-generic)" ;;
        ecb-*|cbc-*|ctr-*|cmac-*|cbcmac-*|xcbc-*) echo "${1%%-*}(${1#*-}-generic)" ;;
        *) echo "$1-generic" ;;
    esac
}

# type_of SUFFIX: its AF_ALG type.
type_of() {
    case $1 in
        ecb-*|cbc-*|ctr-*|xts-*) echo skcipher ;;
        gcm-*|ccm-*|rfc7539*|authenc-*) echo aead ;;
        *) echo hash ;;
    esac
}

# inflight DEV SUFFIX: requests in flight together on one transform of
# virtio_crypto_rs-SUFFIX on device DEV, every one on the device: through
# AF_ALG (afalg_inflight: 2, 4, 16, 64 AIO requests, one operation socket
# each, no MAY_BACKLOG; right after setkey and after a key change), then from
# a kernel client (vcrs_inflight.ko: the same numbers without and with
# MAY_BACKLOG, in place and out of place). Their TAP lines, and for each a
# check that the device completed all its requests and none ran in software.
inflight() {
    local dev=$1 a=$2 rc k good
    mark $dev $a
    /bin/afalg_inflight $(fuzz_arg $a) > /tmp/inflight.out 2>&1; rc=$?
    prog_check /tmp/inflight.out $rc "AF_ALG in flight"
    k=$(sed -n 's/^# requests //p' /tmp/inflight.out)
    on_device $dev $a ${k:-1}; good=$?
    check "AF_ALG in flight, virtio_crypto_rs-$a: the device completed the ${k:-?} requests, none ran in software ($(counted $dev $a))" \
        sh -c "[ -n '$k' ] && [ $good = 0 ]"
    mark $dev $a
    kclear
    insmod $MODDIR/vcrs_inflight.ko algs="$(fuzz_arg $a)"; rmmod vcrs_inflight
    dmesg | sed -n 's/.*vcrs_inflight: //p' > /tmp/kinflight.out
    tap_lines /tmp/kinflight.out "kernel client in flight"
    k=$(sed -n 's/^requests //p' /tmp/kinflight.out)
    on_device $dev $a ${k:-1}; good=$?
    check "kernel client in flight, virtio_crypto_rs-$a: ran to its end, the device completed the ${k:-?} requests, none in software ($(counted $dev $a))" \
        sh -c "grep -q '^done, 0 failed' /tmp/kinflight.out && [ -n '$k' ] && [ $good = 0 ]"
}

# full_table DEV SUFFIX COUNT CAP SESSIONS LABEL [SLACK]: COUNT transforms of
# virtio_crypto_rs-SUFFIX at once on DEV, whose session table holds CAP of
# them (SESSIONS sessions in all; afalg_inflight -m): CAP on the device, the
# others refused (counted) and in software, every result correct; then half
# closed and the others keyed again: CAP back on the device; then all closed:
# no session left. Four TAP lines, named LABEL. SLACK: sessions of the table
# that earlier steps may hold (QEMU keeps its sessions across a device reset,
# and a removal while the probe's checks run can leave one of theirs); the
# table is then full with SESSIONS - SLACK of ours.
full_table() {
    local dev=$1 a=$2 count=$3 cap=$4 sessions=$5 label=$6 slack=${7:-0} many live d s r rc per
    mark $dev $a
    # A fresh output file first: the wait below must not find the last run's.
    rm -rf /tmp/many /tmp/many.out; mkdir -p /tmp/many
    /bin/afalg_inflight -m $count -w /tmp/many $(fuzz_arg $a) > /tmp/many.out 2>&1 &
    many=$!
    wait_until 600 grep -q "phase 1 done" /tmp/many.out
    live=$(live_sessions $dev); d=$(grew $dev $a device); s=$(grew $dev $a software); r=$(grew $dev $a refused)
    per=$((sessions / cap))
    check "$label: $count transforms at once: $cap on the device ($live sessions live, $d requests there; up to $slack sessions held by earlier steps allowed), the device refused the others' sessions ($r refusals), which ran in software ($s requests)" \
        sh -c "[ $live -le $sessions ] && [ $live -ge $((sessions - slack)) ] && [ $d -ge $((live / per)) ] &&
            [ $r -ge $((count - live / per)) ] && [ $s -ge $((count - live / per)) ]"
    mark $dev $a
    touch /tmp/many/1
    wait_until 600 grep -q "phase 2 done" /tmp/many.out
    live=$(live_sessions $dev); d=$(grew $dev $a device); s=$(grew $dev $a software)
    check "$label: $((count / 2)) closed, the others keyed again: $cap back on the device ($live sessions live, $d requests there, $s in software)" \
        sh -c "[ $live -le $sessions ] && [ $live -ge $((sessions - slack)) ] && [ $d -ge $((live / per)) ] &&
            [ $s -ge $((count - count / 2 - live / per)) ]"
    touch /tmp/many/2
    wait $many; rc=$?
    prog_check /tmp/many.out $rc "$label"
    wait_until 10 no_live_sessions $dev
    check "$label: all closed, no session of a transform left on the device ($(live_sessions $dev) live)" no_live_sessions $dev
}

# fuzz_arg SUFFIX: the afalg_fuzz argument for it.
fuzz_arg() { echo "$(type_of $1):virtio_crypto_rs-$1:$(generic_of $1)"; }

# IPsec between two network namespaces (nsa 10.9.0.1, nsb 10.9.0.2) over a
# veth pair, nsb serving /tmp/www/bulk (2 MiB) over HTTP.
ipsec_up() {
    $IP netns add nsa; $IP netns add nsb
    $IP link add va type veth peer name vb
    $IP link set va netns nsa; $IP link set vb netns nsb
    $IP -n nsa addr add 10.9.0.1/24 dev va; $IP -n nsa link set va up; $IP -n nsa link set lo up
    $IP -n nsb addr add 10.9.0.2/24 dev vb; $IP -n nsb link set vb up; $IP -n nsb link set lo up
    mkdir -p /tmp/www; head -c 2097152 /dev/urandom > /tmp/www/bulk
    $IP netns exec nsb httpd -p 8080 -h /tmp/www
}
# ipsec_down: the namespaces, their SAs and the HTTP server gone.
ipsec_down() {
    local ns
    for ns in nsa nsb; do $IP -n $ns xfrm state flush; $IP -n $ns xfrm policy flush; done
    kill $(pidof httpd) 2>/dev/null
    $IP netns del nsa; $IP netns del nsb
}
rhex() { head -c $1 /dev/urandom | od -An -tx1 -v | tr -d ' \n'; }
# ipsec_setup ALGSPEC...: the same SAs and policies in both namespaces.
ipsec_setup() {
    local ns
    for ns in nsa nsb; do
        $IP -n $ns xfrm state flush; $IP -n $ns xfrm policy flush
        $IP -n $ns xfrm state add src 10.9.0.1 dst 10.9.0.2 proto esp spi 0x1001 mode transport $1 || return 1
        $IP -n $ns xfrm state add src 10.9.0.2 dst 10.9.0.1 proto esp spi 0x1002 mode transport $2 || return 1
    done
    $IP -n nsa xfrm policy add src 10.9.0.1 dst 10.9.0.2 dir out tmpl proto esp mode transport &&
    $IP -n nsa xfrm policy add src 10.9.0.2 dst 10.9.0.1 dir in tmpl proto esp mode transport &&
    $IP -n nsb xfrm policy add src 10.9.0.2 dst 10.9.0.1 dir out tmpl proto esp mode transport &&
    $IP -n nsb xfrm policy add src 10.9.0.1 dst 10.9.0.2 dir in tmpl proto esp mode transport
}
# xfrm_stats: both namespaces' xfrm error counters; xfrm_errors: their sum.
xfrm_stats() {
    $IP netns exec nsa cat /proc/net/xfrm_stat; $IP netns exec nsb cat /proc/net/xfrm_stat
}
xfrm_errors() { xfrm_stats | awk '{ s += $2 } END { print s + 0 }'; }
# esp_packets: the packets all xfrm states of both namespaces processed (each
# ESP packet once encrypted by its sender, once decrypted by its receiver).
esp_packets() {
    { $IP -n nsa -s xfrm state; $IP -n nsb -s xfrm state; } |
        sed -n 's/.*[^0-9]\([0-9][0-9]*\)(packets).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}
# ipsec_transfer NAME: a ping and the 2 MiB HTTP transfer through the tunnel,
# no xfrm error.
ipsec_transfer() {
    check "IPsec $1: ping through the tunnel" $IP netns exec nsa ping -c 3 -W 5 10.9.0.2
    rm -f /tmp/got
    $IP netns exec nsa wget -q -O /tmp/got http://10.9.0.2:8080/bulk
    check "IPsec $1: 2 MiB HTTP transfer through the tunnel arrives intact" cmp -s /tmp/got /tmp/www/bulk
    check "IPsec $1: /proc/net/xfrm_stat shows no error in either namespace ($(xfrm_errors))" [ "$(xfrm_errors)" = 0 ]
}

# tap_lines OUTPUT PREFIX: a TAP line of ours, named PREFIX: ..., for each
# result line of a program's TAP output; its other lines as comments.
tap_lines() {
    local line
    grep -v '^ok \|^not ok \|^1\.\.' "$1" | sed 's/^/#   /'
    while read -r line; do
        case "$line" in
            "ok "*) line=${line#ok [0-9]* }; ok "$2: ${line#- }" ;;
            "not ok "*) line=${line#not ok [0-9]* }; not_ok "$2: ${line#- }" ;;
        esac
    done < "$1"
}

# The end of a guest run: lockdep still on (a lockdep report turns it off),
# then the plan and the totals the host compares with the lines it counted.
finish() {
    check "lockdep: debug_locks still 1 at the end of the run (no lockdep report)" \
        grep -qE '^ *debug_locks: +1$' /proc/lockdep_stats
    echo "# end of the run (at $(uptime_ms) ms)"
    echo "1..$NTEST"
    echo "VCRS-RESULT passed=$NPASS failed=$NFAIL"
}
