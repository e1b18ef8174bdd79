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
# BENCHGROUP GROUP BASE OURS TITLE: a table whose ratio is OURS / BASE;
# BENCHGROUP GROUP BASE OURS BASE2 TITLE: OURS / max(BASE, BASE2).
# BENCHROW GROUP IMPL MB OP BYTES OPS_PER_S: one measurement (groups evt:*:
# events per 1000 requests, OP irq or ctxt, BYTES "all").
# The kernel command line may choose the parts (vcrs.parts=qemu,policy,sim,
# pinning,placement,services,queues,aead,rsa; default all) and the repeats (vcrs.reps=N, default 5).
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

# The C driver's rsa fails the kernel self-tests on this QEMU (a WARN): that is
# the C driver's problem, not a reason to drop the measurement.
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
part sim && c_vs_rs "cbc(aes)@sim" $(simdev)
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

# cpu_ticks: busy and idle ticks of all CPUs so far (/proc/stat).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
# busy_row GROUP IMPL "THREADS OP SIZE" BUSY0 IDLE0: the percent of CPU time
# busy since cpu_ticks gave BUSY0 IDLE0, as a BENCHROW.
busy_row() {
    set -- "$@" $(cpu_ticks)
    echo "BENCHROW $1 $2 $3 $(( 100 * ($6 - $4) / ($6 - $4 + $7 - $5) ))"
}

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
