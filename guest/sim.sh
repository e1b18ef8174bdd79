# Device simulator tests (sourced by simtest.sh; sim_more.sh runs in the QEMU
# guest, test.sh).
# Expects lib.sh sourced, $DRV set, /tmp/key, /tmp/msg, $iv and
# /tmp/ct.gen (cbc(aes-generic) of /tmp/msg) in place, and virtio_crypto_rs
# not loaded.
. /guest/simlib.sh

# The randomized self-tests run where our data path is new: at the first
# bind of our driver to the simulator (section 9), for every algorithm.
# Elsewhere (QEMU's device, tested in the other guest; the C driver; module
# reloads; devices bound again; tcrypt's and the templates' re-tests of
# algorithms already tested) the test vectors.
extra_tests off
# Ciphertext produced on QEMU's device, to compare with the simulator's.
insmod $MODDIR/virtio_crypto_rs.ko && wait_selftests virtio_crypto_rs
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.qemu
rmmod virtio_crypto_rs

section "7. device simulator (vdpa_sim_crypto): its own known-answer self-test"
check "insmod vdpa_sim_crypto (runs the known-answer self-test)" sim_load
cat $SIMDBG/selftest > /tmp/kat
while read -r res rest; do
    case "$res" in
        ok) ok "simulator self-test: $rest" ;;
        *) not_ok "simulator self-test: $rest" ;;
    esac
done < /tmp/kat
# 47 published vectors (every implemented algorithm, RSA and the chains
# included; each in the legacy and the REVISION_1 request layouts), 7
# refusals, 15 RSA checks (refusals, lengths, faults), 14 chaining checks, a
# chain through real vring descriptors, and one robustness pass with random
# requests: fewer lines means part of the self-test did not run.
check "simulator self-test ran all 84 checks ($(wc -l < /tmp/kat) reported)" [ "$(wc -l < /tmp/kat)" = 84 ]
check "vdpa management device vdpasim_crypto present" sh -c "vdpa mgmtdev show | grep -q vdpasim_crypto"

# Drivers bind only where told to: QEMU's device stays unbound from here on.
echo 0 > /sys/bus/virtio/drivers_autoprobe

section "8. the C reference driver on the simulator: its self-tests, kcapi-enc, AF_ALG in flight"
insmod $MODDIR/crypto_engine.ko; insmod $MODDIR/virtio_crypto.ko
# The symmetric services only: the C driver is the cross-check of the
# simulator's (its RSA is compared with ours on QEMU's device, section 22).
svc=$(cat $SIMPAR/services); echo 15 > $SIMPAR/services
check "vdpa dev add crypto0 (for the C driver)" vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $svc > $SIMPAR/services
check "bind the C driver to the simulator ($(simdev))" sh -c "echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto/bind"
check "C driver's cbc(aes) passes the kernel self-tests on the simulator" wait_driver_passed virtio_crypto_aes_cbc
kenc /tmp/key -e -c virtio_crypto_aes_cbc --iv $iv -i /tmp/msg -o /tmp/ct.csim
check "C driver on the simulator: kcapi-enc equals cbc(aes-generic)" cmp -s /tmp/ct.csim /tmp/ct.gen
# Many requests in flight on one transform through their own sockets, as
# ours serves them (sections 6a, 11a).
/bin/afalg_inflight -n 2,16 "skcipher:virtio_crypto_aes_cbc:cbc(aes-generic)" > /tmp/inflight.c 2>&1; rc=$?
grep -E "^(not )?ok" /tmp/inflight.c | sed 's/^/#   C driver: /'
check "C driver: 2 and 16 AIO requests in flight on one transform, one socket each: correct (exit $rc)" [ $rc = 0 ]
check "vdpa dev del crypto0 (C driver)" vdpa dev del crypto0
check "rmmod the C driver" rmmod virtio_crypto crypto_engine

section "9. virtio_crypto_rs on the simulator"
insmod $MODDIR/virtio_crypto_rs.ko
extra_tests on
# 50 random vectors and configurations per algorithm (testmgr's default 100
# took 672 s of the suite's time budget for the 47 algorithms under TCG);
# scripts/soak.sh fuzzes for as long as one likes.
fuzz=$(cat /sys/module/cryptomgr/parameters/fuzz_iterations)
echo 50 > /sys/module/cryptomgr/parameters/fuzz_iterations
check "vdpa dev add crypto0 (for virtio_crypto_rs)" vdpa dev add name crypto0 mgmtdev vdpasim_crypto
check "bind virtio_crypto_rs to the simulator ($(simdev))" sh -c "echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind"
kclear
check "virtio_crypto_rs passes the kernel self-tests on the simulator (extra tests on, $(cat /sys/module/cryptomgr/parameters/fuzz_iterations) fuzz iterations)" wait_selftests virtio_crypto_rs
extra_tests off
echo $fuzz > /sys/module/cryptomgr/parameters/fuzz_iterations
dmesg > /tmp/dmesg.sim
grep -E "known-answer|skipped" /tmp/dmesg.sim | sed 's/^/#   /'
check "simulator: dmesg has no 'alg:' failure line" sh -c "! grep -E 'alg: .*(fail|error)' /tmp/dmesg.sim"
# Every algorithm: registered, self-tests passed (extra tests on), and its
# requests reached the simulator (its per-algorithm counter; the probe-time
# check accounts for 1 or 2 of them).
SV=$(simdev)
for a in $ALGS; do
    d=virtio_crypto_rs-${a%%:*}; c=${a#*:}.requests
    # testmgr has no vectors for authenc(hmac(sha384),cbc(aes)) ("No test
    # for"): only the probe-time check (3 requests) reached the device; its
    # known answers are afalg_authenc's, below.
    case $a in authenc-hmac-sha384-cbc-aes:*) dmin=2 cmin=-1 ;; *) dmin=10 cmin=10 ;; esac
    check "$d: selftest passed on the simulator, $(counter $c) requests reached the device, $(vstat $SV ${a%%:*} device) completed there by the driver's count" \
        sh -c "[ \"$(crypto_field $d selftest)\" = passed ] && [ \"$(counter $c)\" -gt $dmin ] && [ $(vstat $SV ${a%%:*} device) -gt $cmin ]"
done
# RSA: the kernel has test vectors for rsa and pkcs1pad(rsa,sha256) (and no
# randomized tests for akcipher); the others passed the probe-time check and
# have no kernel test ("No test for").
for a in $RSA_ALGS; do
    n=${a%%:*}; d=virtio_crypto_rs-$n
    case $n in rsa|pkcs1pad-rsa-sha256) min=1 ;; *) min=0 ;; esac
    check "$d: registered, selftest passed on the simulator, $(vstat $SV $n device) of its requests completed there by the driver's count (the simulator's RSA requests: $(counter akcipher.alg1.requests))" \
        sh -c "[ \"$(crypto_field $d selftest)\" = passed ] && [ $(vstat $SV $n device) -ge $min ] && [ $(vstat $SV $n software) = 0 ]"
done
# The AF_ALG kselftests of the other cipher modes and of the hashes and MACs.
kselftest afalg_modes
kselftest afalg_hash
kselftest afalg_aead
kselftest afalg_authenc
# kcapi-dgst (AF_ALG, streamed with update/final) against the generic code: a
# message the request buffers for the device and one past the buffer, which
# continues in software.
head -c 20000 /dev/urandom > /tmp/m20k; head -c 1000 /tmp/m20k > /tmp/m1k
head -c 100 /dev/urandom > /tmp/mackey; head -c 16 /tmp/mackey > /tmp/cmackey
head -c 24 /dev/urandom > /tmp/des3key
for a in $ALGS; do
    n=${a%%:*}; c=${a#*:}.requests
    case $n in
        ecb-*|cbc-*|ctr-*|xts-*|gcm-*|ccm-*|rfc7539*|authenc-*) continue ;;
        hmac-*) gen="hmac(${n#hmac-}-generic)"; key=/tmp/mackey ;;
        *-des3_ede) gen="${n%%-*}(des3_ede-generic)"; key=/tmp/des3key ;;
        cmac-*|cbcmac-*|xcbc-*) gen="${n%%-*}(${n#*-}-generic)"; key=/tmp/cmackey ;;
        *) gen="$n-generic"; key= ;;
    esac
    before=$(counter $c); where=
    for f in /tmp/m1k /tmp/m20k; do
        rm -f /tmp/d.dev; mark $SV $n
        if [ -n "$key" ]; then
            kcapi-dgst -c virtio_crypto_rs-$n --hex --keyfd 3 3<$key < $f > /tmp/d.dev
            kcapi-dgst -c "$gen" --hex --keyfd 3 3<$key < $f > /tmp/d.gen
        else
            kcapi-dgst -c virtio_crypto_rs-$n --hex < $f > /tmp/d.dev
            kcapi-dgst -c "$gen" --hex < $f > /tmp/d.gen
        fi
        [ -s /tmp/d.dev ] && cmp -s /tmp/d.dev /tmp/d.gen || where="$where wrong"
        # 1000 bytes fit the request's buffer: the device; 20000 do not: software.
        if [ $f = /tmp/m1k ]; then on_device $SV $n 1 || where="$where 1k:[$(counted $SV $n)]"
        else in_software $SV $n 1 || where="$where 20k:[$(counted $SV $n)]"; fi
    done
    check "kcapi-dgst virtio_crypto_rs-$n: 1000 B on the device, 20000 B in software (driver's counters; simulator $before -> $(counter $c) requests), both equal $gen$where" \
        [ -z "$where" ]
done
# tcrypt's correctness modes for these algorithms (testmgr picks ours: priority 200).
for m in "1 md5" "2 sha1" "4 ecb/cbc/ctr(des3_ede)" "6 sha256" "10 ecb/cbc/ctr/xts(aes) and templates on them" \
         "11 sha384" "12 sha512" "33 sha224" "48 sha3-224" "49 sha3-256" "50 sha3-384" "51 sha3-512" \
         "100 hmac(md5)" "101 hmac(sha1)" "102 hmac(sha256)" "103 hmac(sha384)" "104 hmac(sha512)" \
         "105 hmac(sha224)" "106 xcbc(aes)" "153 cmac(aes)" "154 cmac(des3_ede)" "35 gcm(aes)" \
         "37 ccm(aes)" "3 ecb/cbc(des)" "155 authenc(hmac(sha1),cbc(aes))" \
         "182 authenc(hmac(sha1),cbc(des3_ede))" "186 authenc(hmac(sha256),cbc(des3_ede))" \
         "188 authenc(hmac(sha384),cbc(des3_ede))" "190 authenc(hmac(sha512),cbc(des3_ede))"; do
    set -- $m; mode=$1; shift
    kclear
    modload $MODDIR/tcrypt.ko mode=$mode 2>/tmp/tcrypt.err
    dmesg > /tmp/dmesg.tcrypt
    check "tcrypt mode=$mode ($*) on the simulator: EAGAIN as designed, no failure" \
        sh -c "grep -q 'Resource temporarily unavailable' /tmp/tcrypt.err && ! grep -qE 'one or more tests failed|alg: .*(fail|error)' /tmp/dmesg.tcrypt"
done
# The kernel's AEAD templates on top of ours: instantiating one runs its
# self-tests (their vectors: the randomized tests of the algorithms under them
# ran at the bind above); its driver name shows which inner implementation it
# took.
template_ready "rfc4106(gcm(aes))" aead "virtio_crypto_rs-gcm-aes"
template_ready "rfc4543(gcm(aes))" aead "virtio_crypto_rs-gcm-aes"
template_ready "rfc4309(ccm(aes))" aead "virtio_crypto_rs-ccm-aes"
# Linux builds rfc7539esp on chacha20 and poly1305, not on an AEAD: the driver
# offers it itself, on the device's ChaCha20-Poly1305.
template_ready "rfc7539esp(chacha20,poly1305)" aead "virtio_crypto_rs-rfc7539esp-chacha20-poly1305"
# authenc over our cbc and hmac is the kernel's template only on a device
# without chaining (section 11f); this one chains.
check "authenc(hmac(sha256),cbc(aes)) resolves to our chained authenc, not the template over our cbc and hmac ($(best_driver "authenc(hmac(sha256),cbc(aes))"))" \
    [ "$(best_driver "authenc(hmac(sha256),cbc(aes))")" = virtio_crypto_rs-authenc-hmac-sha256-cbc-aes ]
kicks0=$(counter dataq0.kicks); reqs0=$(counter cipher.requests)
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.sim
check "virtio_crypto_rs: simulator and QEMU device give byte-identical cbc(aes)" cmp -s /tmp/ct.sim /tmp/ct.qemu
check "counters: the encryption reached the simulator (cipher requests $reqs0 -> $(counter cipher.requests), data queue kicks $kicks0 -> $(counter dataq0.kicks))" \
    [ "$(counter cipher.requests)" -gt "$reqs0" -a "$(counter dataq0.kicks)" -gt "$kicks0" ]
/bin/afalg_skcipher $DRV > /tmp/afalg.sim 2>&1
grep -E "^not ok|Totals" /tmp/afalg.sim | sed 's/^/#   /'
check "afalg_skcipher passes on the simulator" grep -q "Totals: pass:[0-9]* fail:0 " /tmp/afalg.sim
# The simulator offers no indirect descriptors: each request takes several ring
# entries, so 128 requests in flight overfill its 256-entry ring.
kclear
modload $MODDIR/tcrypt.ko mode=600 alg="cbc(aes)" klen=16 num_mb=128 sec=1 2>/dev/null
dmesg > /tmp/dmesg.mb
grep -E "full|error|fail" /tmp/dmesg.mb | head -5 | sed 's/^/#   /'
check "tcrypt num_mb=128 on the simulator ran on virtio_crypto_rs" grep -q "multibuffer cbc(aes) (virtio_crypto_rs-cbc-aes)" /tmp/dmesg.mb
check "the data queue filled up and MAY_BACKLOG requests were backlogged" grep -q "data queue full: backlogging" /tmp/dmesg.mb
check "tcrypt num_mb=128: every request succeeded (backlogged ones too)" sh -c "! grep -Eq 'error|failed' /tmp/dmesg.mb"
check "no transform left: the driver destroyed all its $(counter cipher.sessions_created) sessions ($(counter sessions_live) live)" \
    [ "$(counter sessions_live)" = 0 -a "$(counter cipher.sessions_created)" -gt 0 ]

section "10. fault injection through the simulator's debugfs"
D=$SIMDBG/crypto0
head -c 262144 /dev/urandom > /tmp/big4
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/big4 -o /tmp/big4.gen
# A status forced on one data request fails that request only, with the errno
# the driver maps the status to (kcapi-enc exits with 256 - errno). Forced on
# a session creation (setkey), it leaves the transform in software: setkey
# succeeds and the request is correct, counted in software.
inject() {
    local kind=$1 status=$2 errno=$3 name=$4 before rc good
    before=$(counter injected)
    echo $status > $D/fail_${kind}_status; echo 1 > $D/fail_${kind}_count
    rm -f /tmp/ct.f; mark $SV cbc-aes
    kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 2>/dev/null; rc=$?
    if [ $kind = data ]; then
        check "forced $name on one data request: kcapi-enc fails with errno $errno (rc $rc), injected once, counted as failed by the device ($(grew $SV cbc-aes failed))" \
            [ $rc = $((256 - errno)) -a "$(counter injected)" = $((before + 1)) -a "$(grew $SV cbc-aes failed)" = 1 ]
    else
        in_software $SV cbc-aes 1; good=$?
        check "forced $name on one session creation: setkey succeeds, the request runs in software, correct (rc $rc, injected once, refused +$(grew $SV cbc-aes refused), $(counted $SV cbc-aes))" \
            sh -c "[ $rc = 0 ] && [ $(counter injected) = $((before + 1)) ] && [ $good = 0 ] && [ $(grew $SV cbc-aes refused) = 1 ] && cmp -s /tmp/ct.f /tmp/ct.gen"
    fi
    rm -f /tmp/ct.f; mark $SV cbc-aes
    check_dev "after the forced $name: the next encryption is correct, on the device" $SV cbc-aes 1 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 3</tmp/key && cmp -s /tmp/ct.f /tmp/ct.gen"
}
for s in "1 5 ERR" "2 74 BADMSG" "3 95 NOTSUPP" "4 22 INVSESS" "5 28 NOSPC" "6 22 KEY_REJECTED"; do
    set -- $s
    inject data $1 $2 $3
    inject ctrl $1 $2 $3
done
# The same for one hash and one MAC (kcapi-dgst of 1000 bytes: one data request
# at final; the session is created at bind for a hash, at setkey for a MAC).
# dgst ALG: digest of /tmp/m1k into /tmp/d.f, exit status in $rc.
dgst() {
    case $1 in
        hmac-*) kcapi-dgst -c virtio_crypto_rs-$1 --hex --keyfd 3 3</tmp/mackey < /tmp/m1k > /tmp/d.f 2>/dev/null ;;
        *) kcapi-dgst -c virtio_crypto_rs-$1 --hex < /tmp/m1k > /tmp/d.f 2>/dev/null ;;
    esac
    rc=$?
}
kcapi-dgst -c sha256-generic --hex < /tmp/m1k > /tmp/d.sha256.gen
kcapi-dgst -c "hmac(sha256-generic)" --hex --keyfd 3 3</tmp/mackey < /tmp/m1k > /tmp/d.hmac-sha256.gen
inject_dgst() {
    local alg=$1 kind=$2 status=$3 errno=$4 name=$5 before good
    before=$(counter injected)
    echo $status > $D/fail_${kind}_status; echo 1 > $D/fail_${kind}_count
    rm -f /tmp/d.f; mark $SV $alg
    dgst $alg
    if [ $kind = data ]; then
        check "$alg: forced $name on one data request: kcapi-dgst fails with errno $errno (rc $rc), injected once, counted as failed by the device" \
            [ $rc = $((256 - errno)) -a "$(counter injected)" = $((before + 1)) -a "$(grew $SV $alg failed)" = 1 ]
    else
        in_software $SV $alg 1; good=$?
        check "$alg: forced $name on its session creation: the transform runs in software, the digest is correct (rc $rc, refused +$(grew $SV $alg refused), $(counted $SV $alg))" \
            sh -c "[ $rc = 0 ] && [ $(counter injected) = $((before + 1)) ] && [ $good = 0 ] && cmp -s /tmp/d.f /tmp/d.$alg.gen"
    fi
    rm -f /tmp/d.f; mark $SV $alg
    dgst $alg
    on_device $SV $alg 1; good=$?
    check "$alg: after the forced $name the next digest is correct, on the device ($(counted $SV $alg))" \
        sh -c "[ $rc = 0 ] && [ $good = 0 ] && cmp -s /tmp/d.f /tmp/d.$alg.gen"
}
for alg in sha256 hmac-sha256; do
    for s in "1 5 ERR" "2 74 BADMSG" "3 95 NOTSUPP" "4 22 INVSESS" "5 28 NOSPC" "6 22 KEY_REJECTED"; do
        set -- $s
        inject_dgst $alg data $1 $2 $3
        inject_dgst $alg ctrl $1 $2 $3
    done
done
# AEAD: gcm(aes) encryptions of 1000 bytes with AAD through kcapi-enc, one
# data request each; aenc writes /tmp/a.f and sets $rc.
head -c 16 /dev/urandom > /tmp/key16
aargs="--iv 000102030405060708090a0b --aad 00112233445566778899 --taglen 16 -i /tmp/m1k"
aenc() { kenc /tmp/key16 -e -c virtio_crypto_rs-gcm-aes $aargs -o /tmp/a.f 2>/dev/null; rc=$?; }
kenc /tmp/key16 -e -c "gcm_base(ctr(aes-generic),ghash-generic)" $aargs -o /tmp/a.gen
for s in "1 5 ERR" "2 74 BADMSG" "3 95 NOTSUPP" "4 22 INVSESS"; do
    set -- $s
    before=$(counter injected)
    echo $1 > $D/fail_data_status; echo 1 > $D/fail_data_count
    mark $SV gcm-aes
    aenc
    check "gcm(aes): forced $3 on one data request: kcapi-enc fails with errno $2 (rc $rc), injected once, counted as failed by the device" \
        [ $rc = $((256 - $2)) -a "$(counter injected)" = $((before + 1)) -a "$(grew $SV gcm-aes failed)" = 1 ]
    rm -f /tmp/a.f; mark $SV gcm-aes
    check_dev "gcm(aes): after the forced $3 the next encryption equals the generic code, on the device" $SV gcm-aes 1 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c virtio_crypto_rs-gcm-aes $aargs -o /tmp/a.f 3</tmp/key16 && cmp -s /tmp/a.f /tmp/a.gen"
done
# And on an AEAD's session creation: the transform runs in software.
before=$(counter injected)
echo 1 > $D/fail_ctrl_status; echo 1 > $D/fail_ctrl_count
rm -f /tmp/a.f; mark $SV gcm-aes
check_soft "gcm(aes): forced ERR on its session creation: setkey succeeds, the encryption runs in software, equal to the generic code" $SV gcm-aes 1 \
    sh -c "kcapi-enc -q --keyfd 3 -e -c virtio_crypto_rs-gcm-aes $aargs -o /tmp/a.f 3</tmp/key16 && cmp -s /tmp/a.f /tmp/a.gen && [ \$(awk '\$1 == \"injected\" { print \$2 }' $D/counters) = $((before + 1)) ]"
echo 300 > $D/delay_ms; aenc; echo 0 > $D/delay_ms
check "delay_ms=300: a gcm(aes) encryption is correct (rc $rc)" sh -c "[ $rc = 0 ] && cmp -s /tmp/a.f /tmp/a.gen"
# Delayed completion (kenc_timed: one encryption of /tmp/msg into /tmp/ct.f, its
# duration in $elapsed ms and its exit status in $rc).
kenc_timed() {
    local t0 t1
    t0=$(cut -d' ' -f1 /proc/uptime)
    kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 2>/dev/null; rc=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    elapsed=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%d", (b - a) * 1000 }')
}
echo 300 > $D/delay_ms; kenc_timed; echo 0 > $D/delay_ms
check "delay_ms=300: the request took ${elapsed} ms and is correct" sh -c "[ $elapsed -ge 300 ] && cmp -s /tmp/ct.f /tmp/ct.gen"
t0=$(cut -d' ' -f1 /proc/uptime)
echo 300 > $D/delay_ms; dgst hmac-sha256; echo 0 > $D/delay_ms
elapsed=$(awk -v a=$t0 -v b=$(cut -d' ' -f1 /proc/uptime) 'BEGIN { printf "%d", (b - a) * 1000 }')
check "delay_ms=300: an hmac(sha256) digest took ${elapsed} ms and is correct" sh -c "[ $elapsed -ge 300 ] && cmp -s /tmp/d.f /tmp/d.hmac-sha256.gen"
mark $SV cbc-aes
echo 1000 > $D/delay_ctrl_ms; kenc_timed; echo 0 > $D/delay_ctrl_ms
on_device $SV cbc-aes 1; good=$?
check "delay_ctrl_ms=1000: setkey waited for the session (${elapsed} ms in all), the request ran on the device and is correct ($(counted $SV cbc-aes))" \
    sh -c "[ $elapsed -ge 1000 ] && [ $good = 0 ] && cmp -s /tmp/ct.f /tmp/ct.gen"
# An answer later than the driver's 5 s timeout: the transform runs in
# software, and the session the device then creates must not be left behind.
echo 6000 > $D/delay_ctrl_ms
rm -f /tmp/ct.f; mark $SV cbc-aes
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 2>/dev/null; rc=$?
echo 0 > $D/delay_ctrl_ms
in_software $SV cbc-aes 1; good=$?
check "delay_ctrl_ms=6000: setkey gives up on the session after 5 s and succeeds, the request runs in software, correct (rc $rc, $(counted $SV cbc-aes))" \
    sh -c "[ $rc = 0 ] && [ $good = 0 ] && cmp -s /tmp/ct.f /tmp/ct.gen"
# Wait for the late answer (the driver logs it), then for the destruction.
check "the late answer reached the driver, which reported the orphan session" \
    wait_until 10 sh -c "dmesg | grep -q 'created after its request timed out'"
wait_until 10 counter_is sessions_live 0
check "the orphan session was destroyed ($(counter sessions_live) live on the device)" [ "$(counter sessions_live)" = 0 ]
# Out-of-order completion: 4 concurrent users, completions in reversed batches.
echo 4 > $D/reorder
for i in 1 2 3 4; do
    ( kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/big4 -o /tmp/ct.r$i; echo $? > /tmp/rc.r$i ) &
done 2>/dev/null
wait
for i in 1 2 3 4; do
    ( kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m1k > /tmp/d.r$i; echo $? > /tmp/rc.d$i ) &
done 2>/dev/null
wait
for i in 1 2 3 4; do
    ( kenc /tmp/key16 -e -c virtio_crypto_rs-gcm-aes $aargs -o /tmp/a.r$i; echo $? > /tmp/rc.a$i ) &
done 2>/dev/null
wait
echo 0 > $D/reorder
check "reorder=4: the simulator completed $(counter reordered_batches) batches out of order" [ "$(counter reordered_batches)" -gt 0 ]
for i in 1 2 3 4; do
    check "reorder=4: concurrent encryption $i is correct" sh -c "[ \"\$(cat /tmp/rc.r$i)\" = 0 ] && cmp -s /tmp/ct.r$i /tmp/big4.gen"
    check "reorder=4: concurrent sha256 digest $i is correct" sh -c "[ \"\$(cat /tmp/rc.d$i)\" = 0 ] && cmp -s /tmp/d.r$i /tmp/d.sha256.gen"
    check "reorder=4: concurrent gcm(aes) encryption $i is correct" sh -c "[ \"\$(cat /tmp/rc.a$i)\" = 0 ] && cmp -s /tmp/a.r$i /tmp/a.gen"
done
# HW_READY cleared: the algorithms go away; set again: they come back.
echo 0 > $D/hw_ready
check "HW_READY cleared: virtio_crypto_rs unregisters its algorithms" wait_unregistered virtio_crypto_rs
echo 1 > $D/hw_ready
check "HW_READY set again: the algorithms are back and pass their self-tests (test vectors)" wait_selftests virtio_crypto_rs
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f
check "encryption correct after HW_READY came back" cmp -s /tmp/ct.f /tmp/ct.gen
# A control request that is never answered: the driver times out, and the
# transform runs in software.
rm -f /tmp/ct.f; mark $SV cbc-aes
echo 1 > $D/hang_ctrl; kenc_timed
in_software $SV cbc-aes 1; good=$?
check "hang_ctrl: setkey gives up on the session after the driver's timeout (${elapsed} ms) and the request runs in software, correct (rc $rc, $(counted $SV cbc-aes))" \
    sh -c "[ $rc = 0 ] && [ $elapsed -ge 5000 ] && [ $good = 0 ] && cmp -s /tmp/ct.f /tmp/ct.gen"
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f
check "the next session and request are correct again" cmp -s /tmp/ct.f /tmp/ct.gen
t0=$(cut -d' ' -f1 /proc/uptime)
rm -f /tmp/d.f; mark $SV sha256
echo 1 > $D/hang_ctrl; dgst sha256
elapsed=$(awk -v a=$t0 -v b=$(cut -d' ' -f1 /proc/uptime) 'BEGIN { printf "%d", (b - a) * 1000 }')
in_software $SV sha256 1; good=$?
check "hang_ctrl: a sha256 transform's session creation gives up after ${elapsed} ms, its digest runs in software, correct (rc $rc, $(counted $SV sha256))" \
    sh -c "[ $rc = 0 ] && [ $elapsed -ge 5000 ] && [ $good = 0 ] && cmp -s /tmp/d.f /tmp/d.sha256.gen"
dgst sha256
check "the next sha256 digest is correct" cmp -s /tmp/d.f /tmp/d.sha256.gen
check "counters: two requests never completed" [ "$(counter hung)" = 2 ]
check "vdpa dev del crypto0 (hot-unplug of our device)" vdpa dev del crypto0
check "rmmod virtio_crypto_rs after the simulator tests" rmmod virtio_crypto_rs

section "11. simulator configuration: queues, masks, sessions"
insmod $MODDIR/virtio_crypto_rs.ko
echo 4 > $SIMPAR/nqueues
kclear
check "vdpa dev add crypto0 with 4 data queues" vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
check "virtio_crypto_rs on 4 data queues passes the self-tests" wait_selftests virtio_crypto_rs
dmesg | grep -m1 "max_dataqueues" | sed 's/^/#   /'
check "the driver read max_dataqueues 4 from the config space" sh -c "dmesg | grep -q 'max_dataqueues 4'"
for i in 1 2 3 4; do
    ( kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/big4 -o /tmp/ct.q$i; echo $? > /tmp/rc.q$i ) &
done 2>/dev/null
wait
for i in 1 2 3 4; do
    check "4 queues: concurrent encryption $i is correct" sh -c "[ \"\$(cat /tmp/rc.q$i)\" = 0 ] && cmp -s /tmp/ct.q$i /tmp/big4.gen"
done
# (Their spreading over the queues needs more than one CPU: the suite's
# simulator guest has one; guest/multiqueue.sh, on two, checks it.)
# Requests the device never completes are finished by the hot-unplug: out of
# place (as AF_ALG makes every request) a cipher or AEAD request reruns in
# software, and so does a hash (the device writes none of its input).
rm -f /tmp/rc.h /tmp/rc.hd /tmp/rc.ha /tmp/ct.h /tmp/d.h /tmp/a.h
kcapi-dgst -c sha256-generic --hex < /tmp/m1k > /tmp/d.h.gen
echo 3 > $SIMDBG/crypto0/hang_data
( kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.h 2>/dev/null; echo $? > /tmp/rc.h ) &
wait_until 10 counter_is hung 1
( kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m1k > /tmp/d.h 2>/dev/null; echo $? > /tmp/rc.hd ) &
wait_until 10 counter_is hung 2
( kenc /tmp/key16 -e -c virtio_crypto_rs-gcm-aes $aargs -o /tmp/a.h 2>/dev/null; echo $? > /tmp/rc.ha ) &
wait_until 10 counter_is hung 3
check "hang_data: the simulator withholds a cbc(aes), a sha256 and a gcm(aes) request ($(counter hung) withheld)" counter_is hung 3
sleep 1
check "the withheld requests are still waiting" sh -c "[ ! -f /tmp/rc.h ] && [ ! -f /tmp/rc.hd ] && [ ! -f /tmp/rc.ha ]"
kclear
check "vdpa dev del crypto0 with 3 withheld requests" vdpa dev del crypto0
wait_until 10 sh -c "[ -f /tmp/rc.h ] && [ -f /tmp/rc.hd ] && [ -f /tmp/rc.ha ]"
dmesg | grep "given up" | sed 's/^/#   /'
check "the withheld cbc(aes) request was finished at hot-unplug in software (rc $(cat /tmp/rc.h 2>/dev/null)), equal to the generic code" \
    sh -c "[ \"\$(cat /tmp/rc.h)\" = 0 ] && cmp -s /tmp/ct.h /tmp/ct.gen"
check "the withheld sha256 digest was finished at hot-unplug in software (rc $(cat /tmp/rc.hd 2>/dev/null)), equal to the generic code" \
    sh -c "[ \"\$(cat /tmp/rc.hd)\" = 0 ] && cmp -s /tmp/d.h /tmp/d.h.gen"
check "the withheld gcm(aes) request was finished at hot-unplug in software (rc $(cat /tmp/rc.ha 2>/dev/null)), equal to the generic code" \
    sh -c "[ \"\$(cat /tmp/rc.ha)\" = 0 ] && cmp -s /tmp/a.h /tmp/a.gen"
check "the log counts the 3 given up, all rerun in software" \
    sh -c "dmesg | grep -q 'removed; 3 data request(s) in flight given up: 3 rerun in software, 0 failed with ENODEV'"
# An in-place request (a kernel client's: dm-crypt reads, ESP) cannot be rerun:
# the device may have overwritten its input. It fails with ENODEV, never hangs;
# the transform continues in software.
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
wait_selftests virtio_crypto_rs
echo 1 > $SIMDBG/crypto0/hang_data
kclear
insmod $MODDIR/vcrs_inflight.ko algs="skcipher:$DRV:cbc(aes-generic)" n=1 place=in &
wait_until 30 counter_is hung 1
check "hang_data: the simulator withholds an in-place cbc(aes) request of a kernel client ($(counter hung) withheld)" counter_is hung 1
vdpa dev del crypto0
wait
dmesg | grep -E "given up|vcrs_inflight: (not )?ok" | sed 's/^/#   /'
check "the withheld in-place request failed with ENODEV at hot-unplug (the log counts 1 given up, 1 failed)" \
    sh -c "dmesg | grep -q 'vcrs_inflight: not ok .*result -19' && dmesg | grep -q 'removed; 1 data request(s) in flight given up: 0 rerun in software, 1 failed with ENODEV'"
rmmod vcrs_inflight
echo 1 > $SIMPAR/nqueues
# A device offering VIRTIO_CRYPTO_F_REVISION_1, which the driver does not accept:
# the simulator must keep to the legacy layout.
echo 1 > $SIMPAR/revision_1
check "vdpa dev add crypto0 offering REVISION_1" vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
check "virtio_crypto_rs passes the self-tests on it" wait_selftests virtio_crypto_rs
check "REVISION_1 offered ($(counter revision_1.offered)), not negotiated ($(counter revision_1.negotiated))" \
    [ "$(counter revision_1.offered)" = 1 -a "$(counter revision_1.negotiated)" = 0 ]
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f
check "encryption correct on it" cmp -s /tmp/ct.f /tmp/ct.gen
check "vdpa dev del crypto0" vdpa dev del crypto0
echo 0 > $SIMPAR/revision_1
# Only what is advertised is registered: a device without AES-CBC.
echo $((0xffffffff & ~(1 << 3))) > $SIMPAR/cipher_mask
check "vdpa dev add crypto0 without AES-CBC in cipher_algo" vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
sleep 1
wait_selftests virtio_crypto_rs
module_drivers virtio_crypto_rs > /tmp/drivers
# Without AES-CBC its four HMAC chains go too.
nwant=$((NALGS - 1 - $(echo $ALGS | tr ' ' '\n' | grep -c '^authenc-.*-cbc-aes:')))
check "virtio_crypto_rs is bound, registers the other $(wc -l < /tmp/drivers) algorithms ($nwant wanted), but no cbc(aes) and no chain over it" \
    sh -c "[ -e /sys/bus/virtio/drivers/virtio_crypto_rs/$(simdev) ] && [ \$(wc -l < /tmp/drivers) = $nwant ] && ! grep -qx $DRV /tmp/drivers && ! grep -q 'authenc.*cbc-aes' /tmp/drivers"
check "vdpa dev del crypto0" vdpa dev del crypto0
echo $((0xffffffff)) > $SIMPAR/cipher_mask
# Devices that advertise more than they serve: the probe-time known-answer check
# keeps the algorithm away from the crypto API (lie_* parameters of the simulator).
for lie in "1 4 1 sha256 NOTSUPP_to_its_sessions" "2 26 2 cmac-aes wrong_results"; do
    set -- $lie
    echo $1 > $SIMPAR/lie_service; echo $2 > $SIMPAR/lie_algo; echo $3 > $SIMPAR/lie_mode
    kclear
    vdpa dev add name crypto0 mgmtdev vdpasim_crypto
    echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
    wait_selftests virtio_crypto_rs
    module_drivers virtio_crypto_rs > /tmp/drivers
    dmesg > /tmp/dmesg.lie
    grep "skipped" /tmp/dmesg.lie | sed 's/^/#   /'
    check "a device giving $5 for $4: virtio_crypto_rs-$4 skipped and named in the log, the other $(wc -l < /tmp/drivers) registered, no 'alg:' failure ($(counter lies) lies told)" \
        sh -c "[ \$(wc -l < /tmp/drivers) = $((NALGS - 1)) ] && ! grep -qx virtio_crypto_rs-$4 /tmp/drivers && grep -q 'virtio_crypto_rs-$4: skipped' /tmp/dmesg.lie && ! grep -qE 'alg: .*(fail|error)' /tmp/dmesg.lie && [ $(counter lies) -gt 0 ]"
    vdpa dev del crypto0
done
echo -1 > $SIMPAR/lie_service; echo 0 > $SIMPAR/lie_mode
# A device with a small max_size: a gcm(aes) request beyond it runs in the
# generic implementation, transparently; one within it reaches the device.
echo 65536 > $SIMPAR/max_size
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
check "a device with max_size 65536: every algorithm passes its self-tests" wait_selftests virtio_crypto_rs
head -c 60000 /dev/urandom > /tmp/m60k
bargs="--iv 000102030405060708090a0b --aad 00112233445566778899 --taglen 16 -i /tmp/m60k"
kenc /tmp/key16 -e -c "gcm_base(ctr(aes-generic),ghash-generic)" $bargs -o /tmp/a60.gen
before=$(counter aead.requests)
kenc /tmp/key16 -e -c virtio_crypto_rs-gcm-aes $bargs -o /tmp/a60.f
check "max_size 65536: a 60000-byte gcm(aes) encryption runs in software, equal to the generic code (AEAD requests on the device $before -> $(counter aead.requests))" \
    sh -c "cmp -s /tmp/a60.f /tmp/a60.gen && [ $(counter aead.requests) = $before ]"
aenc
check "max_size 65536: a 1000-byte gcm(aes) encryption still reaches the device and is correct ($(counter aead.requests) requests)" \
    sh -c "[ $rc = 0 ] && cmp -s /tmp/a.f /tmp/a.gen && [ $(counter aead.requests) -gt $before ]"
vdpa dev del crypto0
echo $((1 << 20)) > $SIMPAR/max_size
# The size policy (sw_below): requests with fewer data bytes run in software,
# the others on the device; changed at run time through sysfs.
SWB=/sys/module/virtio_crypto_rs/parameters/sw_below
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
wait_selftests virtio_crypto_rs
check "sw_below is off by default (0)" [ "$(cat $SWB)" = 0 ]
head -c 128 /dev/urandom > /tmp/m128
head -c 4096 /dev/urandom > /tmp/m4k
for m in m128 m4k; do kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/$m -o /tmp/$m.gen; done
kcapi-dgst -c sha256-generic --hex < /tmp/m128 > /tmp/m128.sha
echo 256 > $SWB
before=$(counter cipher.alg3.requests); hbefore=$(counter hash.alg4.requests)
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m128 -o /tmp/m128.f
kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m128 > /tmp/m128.dsha
check "sw_below=256: a 128-byte cbc(aes) encryption runs in software, equal to the generic code (CBC device requests $before -> $(counter cipher.alg3.requests))" \
    sh -c "cmp -s /tmp/m128.f /tmp/m128.gen && [ $(counter cipher.alg3.requests) = $before ]"
check "sw_below=256: a 128-byte sha256 digest runs in software, equal to the generic code (SHA-256 device requests $hbefore -> $(counter hash.alg4.requests))" \
    sh -c "cmp -s /tmp/m128.dsha /tmp/m128.sha && [ $(counter hash.alg4.requests) = $hbefore ]"
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m4k -o /tmp/m4k.f
check "sw_below=256: a 4096-byte cbc(aes) encryption reaches the device, correct ($before -> $(counter cipher.alg3.requests))" \
    sh -c "cmp -s /tmp/m4k.f /tmp/m4k.gen && [ $(counter cipher.alg3.requests) -gt $before ]"
before=$(counter aead.requests)
aenc
check "sw_below=256: gcm(aes) over 1000 bytes reaches the device, correct ($before -> $(counter aead.requests))" \
    sh -c "[ $rc = 0 ] && cmp -s /tmp/a.f /tmp/a.gen && [ $(counter aead.requests) -gt $before ]"
echo 2000 > $SWB
before=$(counter aead.requests)
aenc
check "sw_below=2000: the same gcm(aes) request runs in software, correct (AEAD requests $before -> $(counter aead.requests))" \
    sh -c "[ $rc = 0 ] && cmp -s /tmp/a.f /tmp/a.gen && [ $(counter aead.requests) = $before ]"
echo 0 > $SWB
before=$(counter cipher.alg3.requests)
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m128 -o /tmp/m128.f
check "sw_below=0 again: the 128-byte request reaches the device, correct ($before -> $(counter cipher.alg3.requests))" \
    sh -c "cmp -s /tmp/m128.f /tmp/m128.gen && [ $(counter cipher.alg3.requests) -gt $before ]"
# auto: each device measures, per algorithm, its requests alone and 8 at a
# time against the generic code, at 32 bytes and 4 KiB, and logs the sizes
# from which it is faster (the first request that meets auto starts it).
check "sw_below accepts auto and shows it" sh -c "echo auto > $SWB && [ \"\$(cat $SWB)\" = auto ]"
check "sw_below refuses any other word (and keeps auto)" sh -c "! echo fast > $SWB 2>/dev/null && [ \"\$(cat $SWB)\" = auto ]"
kclear
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m128 -o /tmp/m128.f
check "auto: a request before the measurement is done is correct" cmp -s /tmp/m128.f /tmp/m128.gen
wait_until 300 sh -c "dmesg | grep -q 'auto: .* algorithm(s) measured'"
dmesg | grep "auto:" | sed 's/^/#   /'
nreg=$(module_drivers virtio_crypto_rs | wc -l)
# RSA has no size policy (an operation costs what it costs, whatever its few
# hundred bytes): every other algorithm is measured.
nsized=$(module_drivers virtio_crypto_rs | grep -vc rsa)
check "auto: every algorithm the device serves measured ($nreg registered, $nsized with a size policy: all but RSA), none failed" \
    sh -c "dmesg | grep -q 'auto: $nsized algorithm(s) measured, 0 not'"
for a in $(module_drivers virtio_crypto_rs | grep -v rsa); do
    check "auto: crossovers logged for $a" sh -c "dmesg | grep -qE 'auto: $a: device from -?[0-9]+ B alone, -?[0-9]+ B joining others'"
done
# crossover DRIVER alone|joined: a logged crossover (-1: never).
crossover() {
    dmesg | sed -n "s/.*auto: $1: device from \(-\{0,1\}[0-9]*\) B alone, \(-\{0,1\}[0-9]*\) B joining.*/\1 \2/p" | tail -1 |
        awk -v w=$2 '{ print (w == "alone" ? $1 : $2) }'
}
# at X: a crossover as words.
at() { if [ "$1" = -1 ]; then echo never; else echo "from $1 B"; fi; }
ca=$(crossover $DRV alone); cj=$(crossover $DRV joined)
sj=$(crossover virtio_crypto_rs-sha256 joined)
# below( N X ): N is below crossover X (-1 is never, above everything).
below() { [ "$2" = -1 ] || [ "$1" -lt "$2" ]; }
head -c 16 /dev/urandom > /tmp/m16
head -c 65536 /dev/urandom > /tmp/m64k
for m in m16 m64k; do kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/$m -o /tmp/$m.gen; done
check "auto: cbc(aes) crossovers logged (device alone: $(at $ca), joining others: $(at $cj))" sh -c "[ -n '$ca' ] && [ -n '$cj' ]"
check "auto on the simulator: one-block cbc(aes) requests are faster in software, also 8 at a time (device joining others: $(at $cj))" below 16 "$cj"
for m in m16 m128 m4k m64k; do
    n=$(stat -c %s /tmp/$m); before=$(counter cipher.alg3.requests)
    kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/$m -o /tmp/$m.f; after=$(counter cipher.alg3.requests)
    if below $n "$cj"; then
        check "auto: a lone $n-byte cbc(aes) request (device joining others: $(at $cj)) runs in software, correct ($before -> $after)" \
            sh -c "cmp -s /tmp/$m.f /tmp/$m.gen && [ $after = $before ]"
    elif ! below $n "$ca"; then
        check "auto: a $n-byte cbc(aes) request (device alone: $(at $ca)) reaches the device, correct ($before -> $after)" \
            sh -c "cmp -s /tmp/$m.f /tmp/$m.gen && [ $after -gt $before ]"
    else
        check "auto: a lone $n-byte cbc(aes) request (device joining others: $(at $cj), alone: $(at $ca): the queue decides) is correct" cmp -s /tmp/$m.f /tmp/$m.gen
    fi
done
hbefore=$(counter hash.alg4.requests)
kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m128 > /tmp/m128.dsha
if below 128 "$sj"; then
    check "auto: a 128-byte sha256 digest (device joining others: $(at $sj)) runs in software, correct ($hbefore -> $(counter hash.alg4.requests))" \
        sh -c "cmp -s /tmp/m128.dsha /tmp/m128.sha && [ $(counter hash.alg4.requests) = $hbefore ]"
else
    check "auto: a 128-byte sha256 digest (device joining others: $(at $sj)) is correct" cmp -s /tmp/m128.dsha /tmp/m128.sha
fi
aenc
check "auto: gcm(aes) over 1000 bytes is correct" sh -c "[ $rc = 0 ] && cmp -s /tmp/a.f /tmp/a.gen"
# The offer changes (here max_size, at run time): every algorithm is measured
# again, at sizes that fit the new max_size (a 4096-byte request carries 1792
# bytes of cipher data each way), then again once it is back.
maxsize=$(($(cat $D/cfg_max_size)))
for ms in 4096 $maxsize; do
    large=$((ms / 2 - 256)); [ $large -gt 4096 ] && large=4096
    kclear
    echo $ms > $D/cfg_max_size
    wait_until 300 sh -c "dmesg | grep -q 'auto: .* algorithm(s) measured'"
    check "auto: max_size $ms at run time: measured again, every algorithm, at 32 and $large bytes" \
        sh -c "dmesg | grep -q 'auto: the offer changed: measuring again' &&
            dmesg | grep -q 'auto: $nsized algorithm(s) measured, 0 not' &&
            [ \$(dmesg | grep -c 'ns per request at 32/$large B') = $nsized ]"
done
# A change while the device measures: it measures again once done (the last
# $nsized algorithms logged at the restored size).
kclear
echo 4096 > $D/cfg_max_size
wait_until 60 sh -c "dmesg | grep -q 'auto: the offer changed: measuring again'"
echo $maxsize > $D/cfg_max_size
wait_until 300 sh -c "dmesg | sed -n '/during the measurement/,\$p' | grep -q 'algorithm(s) measured'"
check "auto: max_size changed back during the measurement: measured again once done, every algorithm at 32 and 4096 bytes" \
    sh -c "dmesg | sed -n '/auto: the offer changed during the measurement: measuring again/,\$p' > /tmp/again &&
        grep -q 'auto: $nsized algorithm(s) measured, 0 not' /tmp/again &&
        [ \$(grep -c 'ns per request at 32/4096 B' /tmp/again) = $nsized ]"
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m4k -o /tmp/m4k.f
check "auto: a 4096-byte cbc(aes) request after the re-measurements is correct" cmp -s /tmp/m4k.f /tmp/m4k.gen
echo 0 > $SWB
# Two devices: a new transform goes to the one with fewer transforms, so two
# transforms alive at once (afalg_speed's two threads) use one device each.
# The second device also measures its floor when bound (floor_ms, off by default).
FLOORMS=/sys/module/virtio_crypto_rs/parameters/floor_ms
check "floor_ms is off by default (0)" [ "$(cat $FLOORMS)" = 0 ]
echo 300 > $FLOORMS; kclear
vdpa dev add name crypto1 mgmtdev vdpasim_crypto
echo $(ls /sys/bus/vdpa/devices/crypto1/ | grep '^virtio[0-9]' | head -1) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
wait_selftests virtio_crypto_rs
wait_until 120 sh -c "dmesg | grep -q 'floor: .* in batches'"
echo 0 > $FLOORMS
dmesg | grep "floor:" | sed 's/^/#   /'
for depth in "1 at a time" "8 at a time" "8 at a time in batches"; do
    check "floor_ms=300: the device bound measured its floor, $depth (checked answers, a rate logged)" \
        sh -c "dmesg | grep -qE 'floor: [1-9][0-9]* one-block cbc\(aes\) requests, $depth, in [0-9]+ us: [1-9][0-9]* per second'"
done
b0=$(counter cipher.alg3.requests); b1=$(counter cipher.alg3.requests crypto1)
/bin/afalg_speed two RS skcipher $DRV 16 1 2 4096 | sed 's/^/#   /'
check "two devices, two transforms alive at once: one on each device (CBC requests: crypto0 $b0 -> $(counter cipher.alg3.requests), crypto1 $b1 -> $(counter cipher.alg3.requests crypto1))" \
    sh -c "[ $(counter cipher.alg3.requests) -gt $((b0 + 10)) ] && [ $(counter cipher.alg3.requests crypto1) -gt $((b1 + 10)) ]"
vdpa dev del crypto1
vdpa dev del crypto0
# The floor has the device to itself: a registration returns before the
# kernel's self-tests of the algorithm run, so a device that registers every
# algorithm measures its floor only once they are done (the device's bring-up
# work waits for them). This device, crypto0, stays for section 15.
wait_unregistered virtio_crypto_rs
echo 300 > $FLOORMS; kclear
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
wait_until 300 sh -c "dmesg | grep -qE 'floor: [1-9][0-9]* one-block cbc\(aes\) requests, 8 at a time in batches'"
echo 0 > $FLOORMS
dmesg | grep "floor:" | sed 's/^/#   /'
check "floor_ms=300 on a device that registers all $nreg algorithms: measured after their self-tests (every one passed when the floor began)" \
    sh -c "[ $(module_drivers virtio_crypto_rs | wc -l) = $nreg ] &&
        dmesg | grep -q 'floor: measuring, 0 algorithm(s) without passed self-tests' &&
        dmesg | grep -qE 'floor: [1-9][0-9]* one-block cbc\(aes\) requests, 8 at a time in batches'"
wait_selftests virtio_crypto_rs
. /guest/system_sim.sh
. /guest/sim_rsa.sh
check "rmmod virtio_crypto_rs" rmmod virtio_crypto_rs
check "autoadd: a device created at module load" sh -c "rmmod vdpa_sim_crypto && insmod $MODDIR/vdpa_sim_crypto.ko autoadd=crypto1 selftest=0 && vdpa dev show crypto1 > /dev/null"
check "rmmod vdpa_sim_crypto removes its devices" sh -c "rmmod vdpa_sim_crypto && ! vdpa dev show crypto1 > /dev/null 2>&1"
for m in virtio_vdpa vdpa_sim; do rmmod $m; done
echo 1 > /sys/bus/virtio/drivers_autoprobe
