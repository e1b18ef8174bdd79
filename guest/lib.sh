# Helpers shared by the guest scripts (sourced). TAP output on the console.
NTEST=0
NPASS=0
NFAIL=0
MODDIR=/lib/modules

ok() {
    NTEST=$((NTEST + 1)); NPASS=$((NPASS + 1))
    echo "ok $NTEST - $*"
}

not_ok() {
    NTEST=$((NTEST + 1)); NFAIL=$((NFAIL + 1))
    echo "not ok $NTEST - $*"
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

# Waits until every algorithm of module $1 finished its self-tests (or 120 s).
wait_selftests() {
    local n=0 pending d
    while [ $n -lt 240 ]; do
        pending=0
        for d in $(module_drivers "$1"); do
            [ "$(crypto_field "$d" selftest)" = passed ] || pending=1
        done
        [ $pending = 0 ] && [ -n "$(module_drivers "$1")" ] && return 0
        sleep 0.5; n=$((n + 1))
    done
    return 1
}

# Waits until driver $1 passed its self-tests (or 120 s).
wait_driver_passed() {
    local n=0
    while [ $n -lt 240 ]; do
        [ "$(crypto_field "$1" selftest)" = passed ] && return 0
        sleep 0.5; n=$((n + 1))
    done
    return 1
}

# Waits until module $1 has no algorithm registered (or 10 s).
wait_unregistered() {
    local n=0
    while [ $n -lt 40 ]; do
        [ -z "$(module_drivers "$1")" ] && return 0
        sleep 0.25; n=$((n + 1))
    done
    return 1
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

finish() {
    echo "1..$NTEST"
    echo "VCRS-RESULT passed=$NPASS failed=$NFAIL"
}
