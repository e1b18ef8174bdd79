# Benchmark (scripts/bench.sh parses the BENCHGROUP and BENCHROW lines), one
# boot. Every row is measured REPS times, the implementations of a table taking
# turns, so that drift over the run hits all of them alike:
# 1. QEMU's device, tcrypt mode=600 cbc(aes), num_mb 1 and 8: the C driver
#    (virtio_crypto.ko) and virtio_crypto_rs, the device bound to each in turn;
# 1b. pinning: the rows of 1 with tcrypt (and the C driver's crypto-engine
#    kthread) on CPU 0, then on CPU 1;
# 2. the device simulator, the same rows, the same two drivers;
# 3. the simulator, virtio_crypto_rs next to the kernel's generic code for one
#    cipher mode (ctr(aes), tcrypt mode=600), one hash (sha256) and one MAC
#    (hmac(sha256)) through AF_ALG (tcrypt cannot key a hash), and one AEAD
#    (gcm(aes), tcrypt mode=215 multibuffer);
# 4. queue scaling: cbc(aes) through AF_ALG from 2 and from 8 threads on 2 CPUs, with the
#    simulator offering 1 data queue, then 4.
# 5. the size policy on QEMU's device (see below);
# 6. with 1 and 2: the device's floor, which virtio_crypto_rs measures when
#    bound (module parameter floor_ms): one-block cbc(aes) requests, 1 and 8
#    at a time and 8 in batches (tcrypt's shape), on the driver's bare queue
#    path, next to tcrypt's 16-byte rows;
# 7. placement: on the simulator, the floor and tcrypt's 16-byte rows with the
#    submitter on the CPU of the simulator's worker, then on the other CPU;
# 8. RSA on QEMU's device: sign, verify, encrypt, decrypt per second through
#    the kernel API, 2048 and 4096 bits, 1 and 4 threads, virtio_crypto_rs vs
#    the kernel's generic rsa.
# 9. chain, on the simulator here and on DPDK's vhost-user device in a second
#    boot (vcrs.device=dpdk, scripts/bench.sh): ESP-shaped
#    authenc(hmac(sha256),cbc(aes)) encryptions through AF_ALG (afalg_speed
#    aead: 8-byte AAD, 16-byte tag, 64..1504 bytes, 8 threads with one request
#    each), native chaining vs the kernel's authenc template over our cbc(aes)
#    (and our hmac(sha256), where the device has one) vs the generic code; a
#    wget of 32 MiB through the ESP tunnel of guest/lib.sh with each of the
#    three; and on DPDK the cbc(aes) rows of 1 and 2 (the C driver vs ours).
# BENCHGROUP GROUP BASE OURS TITLE: a table whose ratio is OURS / BASE;
# BENCHGROUP GROUP BASE OURS BASE2 TITLE: OURS / max(BASE, BASE2).
# BENCHROW GROUP IMPL MB OP BYTES OPS_PER_S: one measurement (groups evt:*:
# events per 1000 requests, OP irq or ctxt, BYTES "all"; groups xfer:*: KiB
# per second, OP wget).
# The kernel command line may choose the parts (vcrs.parts=qemu,policy,sim,
# pinning,placement,services,queues,aead,rsa,chain; default all) and the
# repeats (vcrs.reps=N, default 5); vcrs.device=dpdk: the boot on DPDK's
# device (part chain only).
. /guest/lib.sh
cmdarg() { sed -n "s/.*vcrs\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
SEC=1
REPS=$(cmdarg reps); REPS=${REPS:-5}
FLOOR_MS=$(cmdarg floor_ms); FLOOR_MS=${FLOOR_MS:-1000}
PARTS=$(cmdarg parts); PARTS=${PARTS:-all}
part() { case ",$PARTS," in *,all,* | *,$1,*) return 0 ;; esac; return 1; }
SIMDBG=/sys/kernel/debug/vdpa_sim_crypto
SIMPAR=/sys/module/vdpa_sim_crypto/parameters

fail() { echo "bench: $*"; exit 1; }

# events: "IRQS CTXT", the interrupts so far of device $EVDEV (all its
# vectors but the config one; "-" if it has none, like the simulator) and the
# context switches so far.
events() {
    awk -v d="${EVDEV:-none}-" '/CPU0/ && !c { c = NF } index($0, d) && !/config/ { n++; for (i = 2; i <= 1 + c; i++) s += $i }
        END { printf "%s ", n ? s : "-" }' /proc/interrupts
    awk '/^ctxt/ { print $2 }' /proc/stat
}

# tcrypt_rows GROUP IMPL MB TCRYPT-ARGS...: one tcrypt run, as BENCHROW lines
# (run by $PIN if set, e.g. "taskset -c 1"). With EVDEV set, also the
# device's interrupts and the context switches per 1000 requests over the whole
# run (all block sizes), as rows irq and ctxt of group evt:GROUP.
tcrypt_rows() {
    local g=$1 im=$2 mb=$3 e0 e1
    shift 3
    dmesg -c > /dev/null
    e0=$(events)
    ${PIN:-} modload $MODDIR/tcrypt.ko "$@" sec=$SEC 2>/dev/null
    e1=$(events)
    dmesg | sed 's/^\[[^]]*\] //' > /tmp/tc.out
    grep -q "testing speed" /tmp/tc.out || { echo "bench: no result for $g $im:"; head -5 /tmp/tc.out; }
    awk -v g="$g" -v im="$im" -v mb="$mb" -f /guest/tcrypt-rows.awk /tmp/tc.out /tmp/tc.out
    [ -n "${EVDEV:-}" ] || return 0
    grep -o '[0-9]* operations in' /tmp/tc.out | awk -v g="evt:$g" -v im="$im" -v mb="$mb" -v e="$e0 $e1" '
        { n += $1 }
        END {
            split(e, v, " "); if (!n) exit
            if (v[1] != "-") printf "BENCHROW %s %s %s irq all %.0f\n", g, im, mb, 1000 * (v[3] - v[1]) / n
            printf "BENCHROW %s %s %s ctxt all %.0f\n", g, im, mb, 1000 * (v[4] - v[2]) / n
        }'
}

# cbc_rows GROUP IMPL: tcrypt mode=600 cbc(aes), 128-bit key, 1 and 8 in flight.
cbc_rows() {
    local mb
    for mb in 1 8; do
        tcrypt_rows "$1" "$2" $mb mode=600 alg="cbc(aes)" klen=16 num_mb=$mb
    done
}

# bind_to DRIVER DEVICE ALG-DRIVER: moves DEVICE to virtio driver DRIVER and
# waits until its cbc(aes) (driver name ALG-DRIVER) passed its self-tests and
# the other driver's registrations are gone.
bind_to() {
    local cur
    cur=$(basename "$(readlink /sys/bus/virtio/devices/$2/driver)" 2>/dev/null)
    [ -n "$cur" ] && [ "$cur" != "$1" ] && echo $2 > /sys/bus/virtio/drivers/$cur/unbind
    [ "$cur" = "$1" ] || echo $2 > /sys/bus/virtio/drivers/$1/bind || return 1
    wait_driver_passed $3 || return 1
    [ "$1" = virtio_crypto ] && wait_unregistered virtio_crypto_rs
    [ "$1" = virtio_crypto_rs ] && wait_until 10 sh -c "! grep -q virtio_crypto_aes_cbc /proc/crypto"
    return 0
}

# wait_floor: the floor of a device just bound, which its bring-up work
# measures once the kernel's self-tests of its algorithms are done (the bind
# itself returns at once), is in the kernel log.
wait_floor() { wait_until 300 sh -c "dmesg | grep -q 'floor: .* in batches'"; }

# floor_rows GROUP: the floor virtio_crypto_rs measured when it was bound
# (module parameter floor_ms), as BENCHROW lines of implementation FLOOR, the
# batches of 8 as operation batch/128.
floor_rows() {
    dmesg | sed -n 's/.*floor: [0-9]* one-block cbc(aes) requests, \([0-9]*\) at a time, in [0-9]* us: \([0-9]*\) per second.*/\1 enc \2/p
        s/.*floor: [0-9]* one-block cbc(aes) requests, \([0-9]*\) at a time in batches, in [0-9]* us: \([0-9]*\) per second.*/\1 batch \2/p' |
        while read -r depth op rate; do echo "BENCHROW $1 FLOOR $depth $op/128 16 $rate"; done
}

# floor_ours GROUP: tcrypt's 16-byte rows (/tmp/rs.rows) for the floor's
# table, the num_mb=8 encryption also next to the batches.
floor_ours() {
    awk -v g="$1" '$6 == 16 { $2 = g; print } $6 == 16 && $4 == 8 && $5 == "enc/128" { $5 = "batch/128"; print }' /tmp/rs.rows
}

# c_vs_rs GROUP DEVICE: the cbc(aes) rows, REPS times, on each driver in turn;
# and ours at 16 bytes next to the device's floor.
c_vs_rs() {
    local r EVDEV=$2
    echo "BENCHGROUP $1 C RS cbc(aes) on $2: the C driver vs virtio_crypto_rs"
    echo "BENCHGROUP evt:$1 C RS cbc(aes) on $2: events per 1000 requests over each whole tcrypt run (irq: the device's interrupts; ctxt: context switches); lower is better"
    echo "BENCHGROUP floor:$1 FLOOR RS cbc(aes) on $2, 16 bytes: the floor (one-block requests on virtio_crypto_rs's bare queue path; batch: 8 at a time in batches, tcrypt's load shape) vs virtio_crypto_rs through tcrypt"
    echo $FLOOR_MS > /sys/module/virtio_crypto_rs/parameters/floor_ms
    for r in $(seq $REPS); do
        bind_to virtio_crypto $2 virtio_crypto_aes_cbc || fail "C driver on $2"
        cbc_rows "$1" C
        dmesg -c > /dev/null
        bind_to virtio_crypto_rs $2 virtio_crypto_rs-cbc-aes || fail "virtio_crypto_rs on $2"
        wait_floor || fail "no floor measured on $2"
        floor_rows "floor:$1"
        cbc_rows "$1" RS | tee /tmp/rs.rows
        floor_ours "floor:$1"
    done
    echo 0 > /sys/module/virtio_crypto_rs/parameters/floor_ms
}

# cpu_ticks: busy and idle ticks of all CPUs so far (/proc/stat).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
# busy_row GROUP IMPL "THREADS OP SIZE" BUSY0 IDLE0: the percent of CPU time
# busy since cpu_ticks gave BUSY0 IDLE0, as a BENCHROW.
busy_row() {
    set -- "$@" $(cpu_ticks)
    echo "BENCHROW $1 $2 $3 $(( 100 * ($6 - $4) / ($6 - $4 + $7 - $5) ))"
}

# Part chain: authenc(hmac(sha256),cbc(aes)) three ways, by driver name.
NAT=virtio_crypto_rs-authenc-hmac-sha256-cbc-aes
GENA="authenc(hmac(sha256-generic),cbc(aes-generic))"
ESPALG="authenc(hmac(sha256),cbc(aes))"
AEAD_SIZES="64 256 512 1024 1504"
# aead_rows WHERE IMPL ALG: afalg_speed's ESP-shaped encryptions (16-byte AES
# key, 32-byte HMAC key), 8 threads, 2 s a size, as rows of group
# authenc@WHERE (native and template) and authenc/gen@WHERE (native and
# generic); and how busy the guest's CPUs were during each (cpu:authenc@WHERE).
aead_rows() {
    local w=$1 im=$2 alg=$3 size t
    for size in $AEAD_SIZES; do
        t=$(cpu_ticks)
        /bin/afalg_speed "authenc@$w" $im aead "$alg" 16 2 8 $size > /tmp/aead.rows ||
            echo "bench: afalg_speed aead $alg $size failed"
        awk '$3 != "GEN" { print } $3 != "TPL" { $2 = "authenc/gen@" substr($2, 9); print }' /tmp/aead.rows
        [ $im = GEN ] || busy_row "cpu:authenc@$w" $im "8 enc $size" $t
    done
}

# chain_counts DEV WHAT [SOFT-OK]: the driver's counters of the algorithms part
# chain uses, grown since chain_mark, as a comment line; unless SOFT-OK, a
# "bench:" line if any of them ran in software (then a row measured the
# software path, not the device).
CHAIN_ALGS="authenc-hmac-sha256-cbc-aes cbc-aes hmac-sha256"
chain_mark() { mark $1 $CHAIN_ALGS; }
chain_counts() {
    local a line="" soft=0
    for a in $CHAIN_ALGS; do
        line="$line $a: device +$(grew $1 $a device), software +$(grew $1 $a software);"
        soft=$((soft + $(grew $1 $a software) + $(grew $1 $a nosoft)))
    done
    echo "# $2:$line"
    [ $soft = 0 ] || [ -n "${3:-}" ] || echo "bench: $2: $soft requests ran in software"
}

# chain_aead DEV WHERE TEMPLATE: the authenc@WHERE tables: native chaining vs
# TEMPLATE (the kernel's authenc over our driver's algorithms, by driver
# names: AF_ALG instantiates it) vs the generic code, REPS times in turn.
chain_aead() {
    local dev=$1 w=$2 tpl=$3 r im alg
    echo "BENCHGROUP authenc@$w TPL NAT authenc(hmac(sha256),cbc(aes)) on $w, ESP-shaped encryptions (8-byte AAD, 16-byte IV and tag; bytes: the payload), 8 threads with one request each (AF_ALG): the template $tpl vs native chaining ($NAT)"
    echo "BENCHGROUP authenc/gen@$w GEN NAT the same: the generic $GENA vs native chaining"
    echo "BENCHGROUP cpu:authenc@$w TPL NAT the same rows: how busy the guest's CPUs were (percent, not idle)"
    for r in $(seq $REPS); do
        for im in NAT TPL GEN; do
            case $im in NAT) alg=$NAT ;; TPL) alg=$tpl ;; GEN) alg=$GENA ;; esac
            chain_mark $dev
            aead_rows $w $im "$alg"
            [ $r = 1 ] && chain_counts $dev "authenc@$w $im ($alg)"
        done
        [ $r = 1 ] && for alg in $NAT "$tpl" "$GENA"; do
            echo "# $alg: priority $(crypto_field "$alg" priority), selftest $(crypto_field "$alg" selftest)"
            [ "$(crypto_field "$alg" selftest)" = passed ] || echo "bench: $alg is not in /proc/crypto"
        done
    done
}

# esp_pick IMPL TEMPLATE: makes IMPL (NAT, TPL, GEN) the highest-priority
# implementation of authenc(hmac(sha256),cbc(aes)), the algorithm IPsec asks
# for by name, by lowering the others' priorities (crypto_user, afalg_speed
# -p); NAT_PRIO and TPL_PRIO are their own. Fails if the lookup would get
# another.
esp_pick() {
    local want
    case $1 in
        NAT) /bin/afalg_speed -p $NAT $NAT_PRIO && /bin/afalg_speed -p "$2" $TPL_PRIO; want=$NAT ;;
        TPL) /bin/afalg_speed -p $NAT 1 && /bin/afalg_speed -p "$2" $TPL_PRIO; want=$2 ;;
        GEN) /bin/afalg_speed -p $NAT 1 && /bin/afalg_speed -p "$2" 1; want=$GENA ;;
    esac || return 1
    [ "$(best_driver "$ESPALG")" = "$want" ] ||
        { echo "bench: IPsec would get $(best_driver "$ESPALG"), not $want"; return 1; }
}

# chain_esp DEV WHERE TEMPLATE: the xfer:esp@WHERE tables: a 32 MiB HTTP
# transfer (busybox wget from httpd, nsa from nsb, the two namespaces of
# guest/lib.sh's ESP transport-mode tunnel over a veth pair, all in this
# guest: each packet is encrypted once and decrypted once) with each
# implementation of the tunnel's authenc(hmac(sha256),cbc(aes)), REPS times in
# turn, and how busy the guest's CPUs were (cpu:esp@WHERE). Needs chain_aead
# before it (the template and generic instances).
chain_esp() {
    local dev=$1 w=$2 tpl=$3 r im t0 t1 t row bytes=33554432
    echo "BENCHGROUP xfer:esp@$w TPL NAT the ESP tunnel (enc cbc(aes), auth-trunc hmac(sha256) 128) on $w, wget of 32 MiB: the template $tpl vs native chaining"
    echo "BENCHGROUP xfer:esp/gen@$w GEN NAT the same: the generic code vs native chaining"
    echo "BENCHGROUP cpu:esp@$w TPL NAT the same transfers: how busy the guest's CPUs were (percent, not idle)"
    echo "BENCHGROUP cpu:esp/gen@$w GEN NAT the same, the generic code"
    NAT_PRIO=$(crypto_field $NAT priority); TPL_PRIO=$(crypto_field "$tpl" priority)
    [ -n "$NAT_PRIO" ] && [ -n "$TPL_PRIO" ] || { echo "bench: ESP on $w: $NAT or $tpl missing"; return 1; }
    ipsec_up
    head -c $bytes /dev/urandom > /tmp/www/bulk32
    for r in $(seq $REPS); do
        for im in NAT TPL GEN; do
            esp_pick $im "$tpl" || continue
            ipsec_setup "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac(sha256) 0x$(rhex 32) 128" \
                "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac(sha256) 0x$(rhex 32) 128" ||
                { echo "bench: ESP on $w ($im): xfrm states refused"; continue; }
            rm -f /tmp/got
            chain_mark $dev
            t=$(cpu_ticks)
            t0=$(uptime_ms)
            $IP netns exec nsa wget -q -O /tmp/got http://10.9.0.2:8080/bulk32
            t1=$(uptime_ms)
            if cmp -s /tmp/got /tmp/www/bulk32 && [ "$(xfrm_errors)" = 0 ]; then
                row="1 wget $bytes $((bytes * 1000 / 1024 / (t1 - t0 + 1)))"
                [ $im = GEN ] || echo "BENCHROW xfer:esp@$w $im $row"
                [ $im = TPL ] || echo "BENCHROW xfer:esp/gen@$w $im $row"
                [ $im = GEN ] || busy_row "cpu:esp@$w" $im "1 wget $bytes" $t
                [ $im = TPL ] || busy_row "cpu:esp/gen@$w" $im "1 wget $bytes" $t
            else
                echo "bench: ESP on $w ($im): transfer wrong or xfrm errors ($(xfrm_errors))"
            fi
            [ $r = 1 ] && chain_counts $dev "ESP on $w, $im, $(esp_packets) ESP packets, $((t1 - t0)) ms"
        done
    done
    /bin/afalg_speed -p $NAT $NAT_PRIO; /bin/afalg_speed -p "$tpl" $TPL_PRIO
    ipsec_down
}

# The boot on DPDK's vhost-user device (scripts/bench.sh; run-guest.sh
# VCRS_DEVICE=dpdk with the backend's --on-reject error, so that a request
# DPDK refuses, like the C driver's 4096-byte ones, fails instead of wedging
# the queue): part chain. One vCPU (QEMU on host CPU 0, the backend on CPU 1).
# Our driver applies DPDK's workarounds (one request in flight on its one data
# queue, requests up to about 2 KiB: bigger ones run in software). The device
# has no MAC service, so the template is authenc over our cbc(aes) and the
# generic hmac(sha256). Linux's C driver fails its own self-test on this device
# and puts several requests in flight, which DPDK answers in the wrong used
# slots ("id 0 is not a head!"): it is loaded with cryptomgr.notests=1 and its
# num_mb=8 rows come last, each run watched.
dpdk_bench() {
    local dev r n pid tpl="authenc(hmac(sha256-generic),virtio_crypto_rs-cbc-aes)"
    echo 0 > /sys/bus/virtio/drivers_autoprobe
    mkdir -p /run/netns
    dev=$(basename "$(dirname "$(grep -l '^virtio:d00000014v' /sys/bus/virtio/devices/*/modalias | head -1)")")
    insmod $MODDIR/virtio_crypto_rs.ko || exit 1
    echo $dev > /sys/bus/virtio/drivers/virtio_crypto_rs/bind && wait_selftests virtio_crypto_rs ||
        fail "virtio_crypto_rs on DPDK's device"
    dmesg | grep -m1 "DPDK vhost-user crypto workarounds" | sed 's/^\[[^]]*\] /# /'
    part chain || return 0
    chain_aead $dev DPDK "$tpl"
    chain_esp $dev DPDK "$tpl"
    # cbc(aes), the C driver vs ours, taking turns; the C driver's num_mb=8 last.
    echo "BENCHGROUP cbc(aes)@DPDK C RS cbc(aes) on DPDK's vhost-user device: the C driver (self-tests off) vs virtio_crypto_rs (one request in flight: DPDK's workaround; 4096 bytes: in software, over DPDK's limit; the C driver's 4096-byte requests are refused)"
    echo 1 > /sys/module/cryptomgr/parameters/notests
    insmod $MODDIR/crypto_engine.ko && insmod $MODDIR/virtio_crypto.ko || fail "C driver"
    for r in $(seq $REPS); do
        bind_to virtio_crypto $dev virtio_crypto_aes_cbc || fail "C driver on $dev"
        tcrypt_rows "cbc(aes)@DPDK" C 1 mode=600 alg="cbc(aes)" klen=16 num_mb=1
        bind_to virtio_crypto_rs $dev virtio_crypto_rs-cbc-aes || fail "virtio_crypto_rs on $dev"
        chain_mark $dev
        cbc_rows "cbc(aes)@DPDK" RS
        [ $r = 1 ] && chain_counts $dev "cbc(aes)@DPDK RS (the 4096-byte rows in software)" soft-ok
    done
    bind_to virtio_crypto $dev virtio_crypto_aes_cbc || fail "C driver on $dev"
    for r in $(seq $REPS); do
        dmesg -c > /dev/null
        modload $MODDIR/tcrypt.ko mode=600 alg="cbc(aes)" klen=16 num_mb=8 sec=$SEC 2>/dev/null &
        pid=$!; n=0
        while kill -0 $pid 2>/dev/null && [ $n -lt 120 ]; do sleep 1; n=$((n + 1)); done
        dmesg | sed 's/^\[[^]]*\] //' > /tmp/tc.out
        if kill -0 $pid 2>/dev/null; then
            echo "bench: the C driver's tcrypt num_mb=8 on DPDK (run $r) had not finished after $n s; the kernel log says:"
            grep -E "virtio_crypto|not a head|failed" /tmp/tc.out | head -5 | sed 's/^/#   /'
            awk -v g="cbc(aes)@DPDK" -v im=C -v mb=8 -f /guest/tcrypt-rows.awk /tmp/tc.out /tmp/tc.out
            echo "# the rest of the boot is skipped: the queue is wedged"
            return 0
        fi
        awk -v g="cbc(aes)@DPDK" -v im=C -v mb=8 -f /guest/tcrypt-rows.awk /tmp/tc.out /tmp/tc.out
    done
}

# The C driver's rsa fails the kernel self-tests on this QEMU (a WARN): that is
# the C driver's problem, not a reason to drop the measurement.
if [ "$(cmdarg device)" = dpdk ]; then
    dpdk_bench
    echo "BENCH-DONE"
    exit 0
fi
insmod $MODDIR/crypto_engine.ko || exit 1
insmod $MODDIR/virtio_crypto.ko || exit 1
insmod $MODDIR/virtio_crypto_rs.ko || exit 1
# The driver's sizes from its load message, kept now: every tcrypt run below
# clears the kernel log (dmesg -c).
memline=$(dmesg | grep -m1 "virtio_crypto_rs: memory:" | sed 's/^\[[^]]*\] /# /')
echo 0 > /sys/bus/virtio/drivers_autoprobe
qdev=$(basename "$(dirname "$(grep -l '^virtio:d00000014v' /sys/bus/virtio/devices/*/modalias | head -1)")")
part qemu && c_vs_rs "cbc(aes)@QEMU" $qdev
# Pinning on QEMU's device: tcrypt, and the C driver's crypto-engine kthread
# ("<device>-engine", which submits its requests), on CPU 0 (where the
# device's one virtqueue interrupt vector lands) or on CPU 1. Shows whether
# the C driver gains from its kthread on the other vCPU (it did not on
# 2026-11-27: it was fastest with everything on CPU 0) and how much a cross-CPU
# completion costs each driver.
engine_to() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat $p/comm 2>/dev/null)" = "$qdev-engine" ] && taskset -p $1 ${p#/proc/} > /dev/null
    done
}
part pinning && {
    echo "BENCHGROUP cpu0@QEMU C RS cbc(aes) on QEMU's device, tcrypt (and the C driver's engine kthread) on CPU 0, which takes the interrupts"
    echo "BENCHGROUP cpu1@QEMU C RS the same on CPU 1: every completion crosses CPUs"
    echo "BENCHGROUP evt:cpu0@QEMU C RS the same on CPU 0: events per 1000 requests (irq: the device's interrupts; ctxt: context switches)"
    echo "BENCHGROUP evt:cpu1@QEMU C RS the same on CPU 1: events per 1000 requests"
    for r in $(seq $REPS); do
        for place in 0:1 1:2; do
            cpu=${place%:*}; mask=${place#*:}
            bind_to virtio_crypto $qdev virtio_crypto_aes_cbc || fail "C driver on $qdev"
            engine_to $mask
            EVDEV=$qdev PIN="taskset -c $cpu" cbc_rows cpu$cpu@QEMU C
            bind_to virtio_crypto_rs $qdev virtio_crypto_rs-cbc-aes || fail "virtio_crypto_rs on $qdev"
            EVDEV=$qdev PIN="taskset -c $cpu" cbc_rows cpu$cpu@QEMU RS
        done
    done
}
# The size policy on QEMU's device: ours with sw_below=SW_BELOW next to the
# device path (sw_below=0) and the software path (cbc(aes-generic)); the ratio
# is the policy's figure over the better of the two.
SW_BELOW=$(cmdarg sw_below); SW_BELOW=${SW_BELOW:-auto}
SWB=/sys/module/virtio_crypto_rs/parameters/sw_below
# policy_on: sets sw_below=SW_BELOW; for auto, the first time, starts the
# device's measurement with one request, waits for it and prints what it found.
policy_on() {
    echo $SW_BELOW > $SWB || fail "sw_below=$SW_BELOW refused"
    [ "$SW_BELOW" = auto ] && [ ! -e /tmp/auto.done ] || return 0
    head -c 16 /dev/urandom > /tmp/pkey; head -c 16 /dev/urandom > /tmp/pmsg
    dmesg -c > /dev/null
    kenc /tmp/pkey -e -c virtio_crypto_rs-cbc-aes --iv 000102030405060708090a0b0c0d0e0f -i /tmp/pmsg -o /tmp/pout
    wait_until 120 sh -c "dmesg | grep -q 'auto: .* measured'" || fail "no auto measurement"
    dmesg | grep "auto:" | sed 's/^\[[^]]*\] /# /'
    touch /tmp/auto.done
}
part policy && bind_to virtio_crypto_rs $qdev virtio_crypto_rs-cbc-aes &&
echo "BENCHGROUP policy@QEMU DEV POL SW cbc(aes) on QEMU's device: virtio_crypto_rs with sw_below=$SW_BELOW vs the device path (sw_below=0) and software (cbc(aes-generic))"
part policy && for r in $(seq $(( (REPS + 1) / 2 ))); do
    echo 0 > $SWB; cbc_rows policy@QEMU DEV
    policy_on; cbc_rows policy@QEMU POL
    echo 0 > $SWB
    for mb in 1 8; do
        tcrypt_rows policy@QEMU SW $mb mode=600 alg="cbc(aes-generic)" klen=16 num_mb=$mb
    done
done
# RSA on QEMU's device through the kernel API (vcrs_akcipher.ko): sign,
# verify, encrypt and decrypt per second with 1 and 4 threads (each with its
# own transform; "mb" is the thread count, "bytes" the key size in bits),
# virtio_crypto_rs (pkcs1pad(rsa,sha256): the device's RSA, computed by the
# host) next to the kernel's generic rsa (computed in the emulated guest).
# Linux's C driver cannot sign on this device (it offers encryption only).
part rsa && bind_to virtio_crypto_rs $qdev virtio_crypto_rs-pkcs1pad-rsa-sha256 && {
    for bits in 2048 4096; do
        echo "BENCHGROUP rsa$bits@QEMU GEN RS RSA-$bits on QEMU's device through the kernel API: the generic rsa vs virtio_crypto_rs (mb: threads at once; bytes: key bits)"
    done
    for r in $(seq $REPS); do
        for bits in 2048 4096; do
            for t in 1 4; do
                dmesg -c > /dev/null
                insmod $MODDIR/vcrs_akcipher.ko alg=virtio_crypto_rs-pkcs1pad-rsa-sha256 \
                    key=/keys/rsa$bits.der mode=bench threads=$t secs=3 || fail "vcrs_akcipher"
                rmmod vcrs_akcipher
                dmesg | sed -n 's/.*vcrs_akcipher: BENCH //p' | while read -r op impl th rate err; do
                    im=RS; [ "$impl" = "pkcs1pad(rsa-generic,sha256)" ] && im=GEN
                    [ "$err" = 0 ] || echo "bench: $impl $op: $err errors"
                    echo "BENCHROW rsa$bits@QEMU $im $th $op $bits $rate"
                done
            done
        done
    done
}
cur=$(basename "$(readlink /sys/bus/virtio/devices/$qdev/driver)" 2>/dev/null)
# Without the qemu part the C driver still has QEMU's device from insmod. An
# unbind while the self-test of its cbc(aes) runs leaves that algorithm
# registered (a WARN in crypto_unregister_alg), and its next bind fails.
[ "$cur" = virtio_crypto ] && wait_driver_passed virtio_crypto_aes_cbc
[ -n "$cur" ] && echo $qdev > /sys/bus/virtio/drivers/$cur/unbind

for m in vhost_iotlb vringh iova vdpa_sim virtio_vdpa; do insmod $MODDIR/$m.ko || exit 1; done
insmod $MODDIR/vdpa_sim_crypto.ko selftest=0 || exit 1
simdev() { ls /sys/bus/vdpa/devices/crypto0/ | grep '^virtio[0-9]' | head -1; }
# For the two drivers, the simulator offers AES-CBC alone (all the C driver
# can use), so that each rebinding re-tests one algorithm, not 31.
services=$(cat $SIMPAR/services); ciphers=$(cat $SIMPAR/cipher_mask)
echo 1 > $SIMPAR/services; echo 8 > $SIMPAR/cipher_mask
vdpa dev add name crypto0 mgmtdev vdpasim_crypto || exit 1
{ part sim || part chain; } && c_vs_rs "cbc(aes)@sim" $(simdev)
# Placement: where the submitter runs relative to the simulator's worker (an
# unbound work item, kept on CPU 0 here). The bind (whose bring-up work, queued
# on the binding CPU, measures the floor) and tcrypt run on CPU 0 (same CPU: a
# completion wakes the submitter on its own vCPU) or on CPU 1 (every
# completion wakes the other vCPU).
part placement && {
    echo "BENCHGROUP same@sim FLOOR RS cbc(aes) on the simulator, 16 bytes, submitter on the CPU of the simulator's worker: the floor vs virtio_crypto_rs through tcrypt"
    echo "BENCHGROUP cross@sim FLOOR RS the same, submitter on the other CPU"
    wqmask=$(cat /sys/devices/virtual/workqueue/cpumask)
    echo 1 > /sys/devices/virtual/workqueue/cpumask || fail "unbound workqueues on CPU 0"
    for r in $(seq $REPS); do
        for place in same:0 cross:1; do
            g=${place%:*}@sim; cpu=${place#*:}; dev=$(simdev)
            cur=$(basename "$(readlink /sys/bus/virtio/devices/$dev/driver)" 2>/dev/null)
            [ -n "$cur" ] && echo $dev > /sys/bus/virtio/drivers/$cur/unbind
            echo $FLOOR_MS > /sys/module/virtio_crypto_rs/parameters/floor_ms
            dmesg -c > /dev/null
            taskset -c $cpu sh -c "echo $dev > /sys/bus/virtio/drivers/virtio_crypto_rs/bind" &&
                wait_driver_passed virtio_crypto_rs-cbc-aes || fail "virtio_crypto_rs on the simulator ($g)"
            wait_floor || fail "no floor measured on the simulator ($g)"
            echo 0 > /sys/module/virtio_crypto_rs/parameters/floor_ms
            floor_rows $g
            for mb in 1 8; do
                PIN="taskset -c $cpu" tcrypt_rows $g RS $mb mode=600 alg="cbc(aes)" klen=16 num_mb=$mb
            done > /tmp/rs.rows
            floor_ours $g
        done
    done
    echo $wqmask > /sys/devices/virtual/workqueue/cpumask
}
vdpa dev del crypto0
rmmod virtio_crypto crypto_engine
echo $services > $SIMPAR/services; echo $ciphers > $SIMPAR/cipher_mask
vdpa dev add name crypto0 mgmtdev vdpasim_crypto &&
    echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind &&
    wait_selftests virtio_crypto_rs || fail "self-tests on the simulator"

# Ours vs generic: the generic implementation by its driver name, ours by the
# name that resolves to it (it has the highest priority).
part services && {
echo "BENCHGROUP ctr(aes)@sim GEN RS ctr(aes) on the simulator: generic vs virtio_crypto_rs"
echo "BENCHGROUP sha256@sim GEN RS sha256 on the simulator (AF_ALG): generic vs virtio_crypto_rs"
echo "BENCHGROUP hmac(sha256)@sim GEN RS hmac(sha256) on the simulator (AF_ALG, 32-byte key): generic vs virtio_crypto_rs"
}
part services && for r in $(seq $REPS); do
    tcrypt_rows "ctr(aes)@sim" RS 8 mode=600 alg="ctr(aes)" klen=16 num_mb=8
    tcrypt_rows "ctr(aes)@sim" GEN 8 mode=600 alg="ctr(aes-generic)" klen=16 num_mb=8
    /bin/afalg_speed "sha256@sim" RS hash virtio_crypto_rs-sha256 0 $SEC 1 16 256 4096
    /bin/afalg_speed "sha256@sim" GEN hash sha256-generic 0 $SEC 1 16 256 4096
    /bin/afalg_speed "hmac(sha256)@sim" RS hash virtio_crypto_rs-hmac-sha256 32 $SEC 1 16 256 4096
    /bin/afalg_speed "hmac(sha256)@sim" GEN hash "hmac(sha256-generic)" 32 $SEC 1 16 256 4096
done

# Part chain on the simulator (chaining on, every service): the template is
# authenc over our cbc(aes) and our hmac(sha256).
part chain && {
    mkdir -p /run/netns
    chain_aead $(simdev) sim "authenc(virtio_crypto_rs-hmac-sha256,virtio_crypto_rs-cbc-aes)"
    chain_esp $(simdev) sim "authenc(virtio_crypto_rs-hmac-sha256,virtio_crypto_rs-cbc-aes)"
}

# Memory: the slab caches after loads of increasing length (transforms
# closed, caches dropped) must not grow with the number of requests served.
slab() { sync; echo 3 > /proc/sys/vm/drop_caches; awk '/^Slab:/ { print $2 }' /proc/meminfo; }
reqs() { awk '$1 ~ /^(cipher|mac)\.requests$/ { n += $2 } END { print n + 0 }' $SIMDBG/crypto0/counters; }
echo "${memline:-# memory: the driver's load message was not found}"
m0=$(slab); r0=$(reqs)
part services && for secs in 2 10; do
    /bin/afalg_speed mem RS skcipher virtio_crypto_rs-cbc-aes 16 $secs 2 256 > /dev/null
    /bin/afalg_speed mem RS hash virtio_crypto_rs-hmac-sha256 32 $secs 2 256 > /dev/null
    echo "BENCHMEM slab $(slab) kB after $(( $(reqs) - r0 )) device requests (before: $m0 kB)"
done


# Queue scaling: 2 threads, one per CPU, then 8 (4 per CPU, so that each CPU
# has several requests in flight), each with its own socket; the simulator
# offers AES-CBC alone (quick rebinding).
part queues && echo "BENCHGROUP queues@sim 1q 4q cbc(aes) on the simulator, AF_ALG from 2 CPUs (2 or 8 threads): 1 data queue vs 4"
part queues && echo "BENCHGROUP cpu:queues@sim 1q 4q the same rows: how busy the 2 CPUs were during each (percent, not idle)"
echo 1 > $SIMPAR/services; echo 8 > $SIMPAR/cipher_mask
part queues && for r in $(seq $REPS); do
    for nq in 1 4; do
        vdpa dev del crypto0
        echo $nq > $SIMPAR/nqueues
        vdpa dev add name crypto0 mgmtdev vdpasim_crypto &&
            echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind &&
            wait_selftests virtio_crypto_rs || fail "simulator with $nq queues"
        for threads in 2 8; do
            for size in 16 256 4096; do
                set -- $(cpu_ticks)
                /bin/afalg_speed "queues@sim" ${nq}q skcipher virtio_crypto_rs-cbc-aes 16 $SEC $threads $size
                busy_row "cpu:queues@sim" ${nq}q "$threads enc $size" $1 $2
            done
        done
    done
done

echo $services > $SIMPAR/services; echo $ciphers > $SIMPAR/cipher_mask
vdpa dev del crypto0
vdpa dev add name crypto0 mgmtdev vdpasim_crypto &&
    echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind &&
    wait_selftests virtio_crypto_rs || fail "self-tests on the simulator"

# AEAD last: tcrypt mode=215 names gcm(aes) itself, so the generic figures come
# from the same mode once our driver is unloaded. It runs every size with every
# key size (about 100 s a run), so it is repeated (REPS + 1) / 2 times.
part aead || { echo "BENCH-DONE"; exit 0; }
AEAD_REPS=$(( (REPS + 1) / 2 ))
echo "BENCHGROUP gcm(aes)@sim GEN RS gcm(aes) on the simulator (tcrypt mode=215): generic vs virtio_crypto_rs"
echo "BENCHGROUP rfc4106(gcm(aes))@sim GEN RS rfc4106(gcm(aes)) on the simulator (tcrypt mode=215): generic vs virtio_crypto_rs"
for r in $(seq $AEAD_REPS); do
    tcrypt_rows "auto@sim" RS 8 mode=215 num_mb=8
done
vdpa dev del crypto0
rmmod virtio_crypto_rs || exit 1
for r in $(seq $AEAD_REPS); do
    tcrypt_rows "auto@sim" GEN 8 mode=215 num_mb=8
done
echo "BENCH-DONE"
