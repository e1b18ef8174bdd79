# Helpers shared by the guest scripts (sourced). TAP output on the console.
NTEST=0
NPASS=0
NFAIL=0
MODDIR=/lib/modules

TAINT_SEEN=0

ok() {
    NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1))
    echo "ok $NTEST - $*"
    taint_watch
}

not_ok() {
    NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1))
    echo "not ok $NTEST - $*"
    taint_watch
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
    dmesg -c > /dev/null
    timeout -s KILL 45 insmod $MODDIR/tcrypt.ko mode=0 alg="$name" $tm 2>/tmp/tcrypt.err
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

# Waits until every algorithm of module $1 finished its self-tests (or 120 s).
wait_selftests() { wait_until 120 selftests_passed "$1"; }

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

# Kernel taint other than "out-of-tree module" (4096) and "unsigned" (8192).
bad_taint() {
    local t
    t=$(cat /proc/sys/kernel/tainted)
    echo $((t & ~(4096 | 8192)))
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
    tap_lines /tmp/$prog.out "$prog"
    check "$prog exited 0" [ $rc = 0 ]
}

# generic_of SUFFIX: the generic driver of our virtio_crypto_rs-SUFFIX.
generic_of() {
    case $1 in
        xts-aes) echo "xts(ecb(aes-generic))" ;;
        gcm-aes) echo "gcm_base(ctr(aes-generic),ghash-generic)" ;;
        ccm-aes) echo "ccm_base(ctr(aes-generic),cbcmac(aes-generic))" ;;
        rfc7539-chacha20-poly1305) echo "rfc7539(chacha20-generic,poly1305-generic)" ;;
        rfc7539esp-chacha20-poly1305) echo "rfc7539esp(chacha20-generic,poly1305-generic)" ;;
        hmac-*) echo "hmac(${1#hmac-}-generic)" ;;
        ecb-*|cbc-*|ctr-*|cmac-*|cbcmac-*|xcbc-*) echo "${1%%-*}(${1#*-}-generic)" ;;
        *) echo "$1-generic" ;;
    esac
}

# type_of SUFFIX: its AF_ALG type.
type_of() {
    case $1 in
        ecb-*|cbc-*|ctr-*|xts-*) echo skcipher ;;
        gcm-*|ccm-*|rfc7539*) echo aead ;;
        *) echo hash ;;
    esac
}

# fuzz_arg SUFFIX: the afalg_fuzz argument for it.
fuzz_arg() { echo "$(type_of $1):virtio_crypto_rs-$1:$(generic_of $1)"; }

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

finish() {
    echo "1..$NTEST"
    echo "VCRS-RESULT passed=$NPASS failed=$NFAIL"
}
