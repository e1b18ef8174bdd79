# The driver in a real system, on the simulator (sourced by sim.sh with
# virtio_crypto_rs loaded and simulator device crypto0 bound to it, every
# self-test passed: sim.sh's last check): real clients (cryptsetup
# LUKS2, IPsec, OpenSSL's afalg engine, kcapi-enc), the fuzzer, device loss
# for each service, and allocation failures. Uses system.sh's helpers.


section "15. real clients on the simulator: cryptsetup (LUKS2), kcapi-enc, OpenSSL, IPsec"
# LUKS2, aes-xts-plain64 (PBKDF2 at its minimum: TCG is slow).
head -c 32 /dev/urandom > /tmp/pass
before=$(counter cipher.alg13.requests)
check "cryptsetup luksFormat --type luks2 --cipher aes-xts-plain64 --key-size 512 on /dev/ram0" \
    cryptsetup luksFormat -q --type luks2 --cipher aes-xts-plain64 --key-size 512 \
        --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file /tmp/pass /dev/ram0
check "cryptsetup open (LUKS2)" cryptsetup open --key-file /tmp/pass /dev/ram0 vluks
cryptsetup status vluks | grep -E "cipher|keysize|sector" | sed 's/^/#   /'
dm_write vluks /tmp/dmdata.1 0
check "LUKS2: 4 MiB written through the mapping" [ $rc = 0 ]
check "LUKS2: read back after dropping the caches, equal" dm_verify vluks /tmp/dmdata.1
check "LUKS2 aes-xts-plain64 ran on virtio_crypto_rs-xts-aes (XTS requests on the device $before -> $(counter cipher.alg13.requests))" \
    [ "$(counter cipher.alg13.requests)" -gt $((before + 100)) ]
for c in "aes-xts 512 cipher.alg13" "aes-cbc 256 cipher.alg3"; do
    set -- $c
    before=$(counter $3.requests)
    cryptsetup benchmark --cipher $1 --key-size $2 > /tmp/bench.out 2>&1
    sed 's/^/#   /' /tmp/bench.out | tail -2
    check "cryptsetup benchmark --cipher $1 --key-size $2 ran on our driver ($3 requests $before -> $(counter $3.requests))" \
        sh -c "grep -q 'MiB/s' /tmp/bench.out && [ $(counter $3.requests) -gt $before ]"
done
# kcapi-enc through every skcipher, against the generic code.
head -c 24 /dev/urandom > /tmp/k24; head -c 64 /dev/urandom > /tmp/k64
# Its last byte is 0x01, valid PKCS#7 padding: kcapi-enc strips such bytes
# after decryption unless told not to (--nounpad).
{ head -c 65535 /dev/urandom; printf '\001'; } > /tmp/m64k
for a in ecb-aes:k24 cbc-aes:k24 ctr-aes:k24 xts-aes:k64 ecb-des3_ede:k24 cbc-des3_ede:k24 ctr-des3_ede:k24; do
    n=${a%%:*}; k=/tmp/${a#*:}
    case $n in ecb-*) ivarg= ;; *-des3_ede) ivarg="--iv 0011223344556677" ;; *) ivarg="--iv $iv" ;; esac
    rm -f /tmp/e.dev /tmp/d.dev; SV=$(simdev); mark $SV $n
    kenc $k -e -c "$(generic_of $n)" $ivarg -i /tmp/m64k -o /tmp/e.gen
    check_dev "kcapi-enc virtio_crypto_rs-$n: 64 KiB encryption equals $(generic_of $n), decryption gives it back" $SV $n 2 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c virtio_crypto_rs-$n $ivarg -i /tmp/m64k -o /tmp/e.dev 3<$k &&
            kcapi-enc -q --keyfd 3 -d --nounpad -c virtio_crypto_rs-$n $ivarg -i /tmp/e.gen -o /tmp/d.dev 3<$k &&
            cmp -s /tmp/e.dev /tmp/e.gen && cmp -s /tmp/d.dev /tmp/m64k"
done
# kcapi-enc through the AEADs (kcapi-dgst covers every hash and MAC in section
# 9). kcapi-enc reads at most 32 key bytes: rfc7539esp's 36 (key and salt)
# cannot be given to it; AF_ALG's kselftest (section 9), the fuzzer (16) and
# the in-flight checks (11a) drive that one.
head -c 16 /dev/urandom > /tmp/k16; head -c 32 /dev/urandom > /tmp/k32
for a in gcm-aes:k16:000102030405060708090a0b ccm-aes:k16:03000102030405060708090a00000000 \
         rfc7539-chacha20-poly1305:k32:000102030405060708090a0b; do
    n=${a%%:*}; rest=${a#*:}; k=/tmp/${rest%%:*}; aiv=${rest#*:}
    eargs="--iv $aiv --aad 00112233445566778899aabbccddeeff"
    rm -f /tmp/e.dev /tmp/d.dev /tmp/e.ct; SV=$(simdev); mark $SV $n
    # Encryption writes AAD, ciphertext, tag; decryption takes the ciphertext
    # and the tag apart (--tag) and writes AAD, plaintext.
    kenc $k -e -c "$(generic_of $n)" $eargs --taglen 16 -i /tmp/m64k -o /tmp/e.gen
    tag=$(tail -c 16 /tmp/e.gen | od -An -tx1 -v | tr -d ' \n')
    tail -c +17 /tmp/e.gen | head -c 65536 > /tmp/e.ct
    check_dev "kcapi-enc virtio_crypto_rs-$n: 64 KiB with AAD equals $(generic_of $n), decryption verifies and gives it back" $SV $n 2 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c virtio_crypto_rs-$n $eargs --taglen 16 -i /tmp/m64k -o /tmp/e.dev 3<$k &&
            kcapi-enc -q --keyfd 3 -d -c virtio_crypto_rs-$n $eargs --tag $tag -i /tmp/e.ct -o /tmp/d.dev 3<$k &&
            cmp -s /tmp/e.dev /tmp/e.gen && [ \$(wc -c < /tmp/d.dev) = 65552 ] && tail -c 65536 /tmp/d.dev | cmp -s - /tmp/m64k"
done
# OpenSSL's afalg engine (AF_ALG with Linux AIO) against OpenSSL's own code.
head -c 1048576 /dev/urandom > /tmp/m1m
okey=$(head -c 16 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
before=$(counter cipher.alg3.requests)
openssl enc -engine afalg -aes-128-cbc -K $okey -iv $iv -in /tmp/m1m -out /tmp/o.afalg > /tmp/ossl.log 2>&1
sed 's/^/#   /' /tmp/ossl.log
openssl enc -aes-128-cbc -K $okey -iv $iv -in /tmp/m1m -out /tmp/o.soft
check "openssl enc -engine afalg -aes-128-cbc (1 MiB) equals OpenSSL's software result, through our driver (CBC requests $before -> $(counter cipher.alg3.requests))" \
    sh -c "cmp -s /tmp/o.afalg /tmp/o.soft && [ $(counter cipher.alg3.requests) -gt $before ]"
openssl enc -d -engine afalg -aes-128-cbc -K $okey -iv $iv -in /tmp/o.soft -out /tmp/o.back > /dev/null 2>&1
check "openssl enc -d -engine afalg gives the plaintext back" cmp -s /tmp/o.back /tmp/m1m

# IPsec: ESP in transport mode between two network namespaces over a veth pair.
ipsec_up
# ipsec_run NAME COUNTER...: ping and a 2 MiB HTTP transfer through the tunnel.
ipsec_run() {
    local name=$1 c b0 b1; shift
    b0=; for c in "$@"; do b0="$b0 $(counter $c)"; done
    ipsec_transfer "$name"
    b1=; for c in "$@"; do b1="$b1 $(counter $c)"; done
    grew=1; set -- $b1; for c in $b0; do [ "$1" -gt "$c" ] || grew=0; shift; done
    check "IPsec $name: ESP packets were counted by the xfrm states" \
        sh -c "$IP -n nsa -s xfrm state | grep -qE '[1-9][0-9]*\(bytes\)'"
    check "IPsec $name ran on our driver (simulator request counters$b0 ->$b1)" [ $grew = 1 ]
}
# ESP looks up seqiv(rfc4106(gcm(aes))) and echainiv(authenc(...)); the
# instances they stand on are made ready first (see template_ready).
template_ready "rfc4106(gcm(aes))" aead virtio_crypto_rs-gcm-aes "IPsec"
check "IPsec: xfrm states and policies with aead rfc4106(gcm(aes)) 128-bit ICV" \
    ipsec_setup "aead rfc4106(gcm(aes)) 0x$(rhex 20) 128" "aead rfc4106(gcm(aes)) 0x$(rhex 20) 128"
ipsec_run "rfc4106(gcm(aes))" aead.alg1.requests
check "IPsec: rfc4106(gcm(aes)) stands on virtio_crypto_rs-gcm-aes (/proc/crypto)" \
    driver_of "rfc4106(gcm(aes))" "virtio_crypto_rs-gcm-aes"
# ESP with AES-CBC and HMAC: our chained authenc (one device request per
# packet; section 11f has the template over our cbc and hmac on a device
# without chaining).
for hs in sha1:20:96:mac2 sha256:32:128:mac4; do
    set -- $(echo $hs | tr : ' '); h=$1 kl=$2 trunc=$3 m=$4
    drv=virtio_crypto_rs-authenc-hmac-$h-cbc-aes
    check "IPsec: authenc(hmac($h),cbc(aes)) resolves to our chained $drv (/proc/crypto: $(best_driver "authenc(hmac($h),cbc(aes))"))" \
        [ "$(best_driver "authenc(hmac($h),cbc(aes))")" = $drv ]
    check "IPsec: xfrm states with enc cbc(aes) and auth-trunc hmac($h) $trunc" \
        ipsec_setup "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac($h) 0x$(rhex $kl) $trunc" \
            "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac($h) 0x$(rhex $kl) $trunc"
    SV=$(simdev); mark $SV authenc-hmac-$h-cbc-aes
    c0="$(counter chain.requests) $(counter cipher.requests) $(counter mac.requests)"
    ipsec_run "cbc(aes)+hmac($h), chained" chain.cipher3.$m.requests
    c1="$(counter chain.requests) $(counter cipher.requests) $(counter mac.requests)"
    pk=$(esp_packets); set -- $c0 $c1
    check "IPsec cbc(aes)+hmac($h): one device request per ESP packet ($pk packets; chain requests +$(($4 - $1)), cipher +$(($5 - $2)), MAC +$(($6 - $3)); $(counted $SV authenc-hmac-$h-cbc-aes))" \
        sh -c "[ $pk -gt 100 ] && [ $(($4 - $1)) = $pk ] && [ $(($5 - $2)) = 0 ] && [ $(($6 - $3)) = 0 ] && [ $(grew $SV authenc-hmac-$h-cbc-aes software) = 0 ]"
done

section "16. fuzzing every algorithm through AF_ALG against the generic code"
fargs=; for a in $ALGS; do fargs="$fargs $(fuzz_arg ${a%%:*})"; done
/bin/afalg_fuzz -n ${FUZZ_ITERATIONS:-3000} -j 2 -s 16 $fargs > /tmp/fuzz.out 2>&1; rc=$?
prog_check /tmp/fuzz.out $rc "fuzz"
check "afalg_fuzz: no mismatch, no error of ours alone, no ENODEV" sh -c "! grep -q '^not ok' /tmp/fuzz.out && grep -q '^# total' /tmp/fuzz.out && ! grep -q ' [1-9][0-9]* ENODEV' /tmp/fuzz.out"

section "17. device loss: vdpa dev del during dm-crypt writes, IPsec and AF_ALG loads of every service"
rm -f /tmp/readded
/bin/afalg_fuzz -u /tmp/readded -j 2 -s 17 $(fuzz_arg cbc-aes) $(fuzz_arg xts-aes) $(fuzz_arg sha256) \
    $(fuzz_arg hmac-sha256) $(fuzz_arg cmac-aes) $(fuzz_arg gcm-aes) $(fuzz_arg rfc7539esp-chacha20-poly1305) \
    > /tmp/fuzz.loss 2>&1 &
fuzz=$!
( dm_write vluks /tmp/dmdata.2 4; echo $rc > /tmp/rc.during ) &
writer=$!
( $IP netns exec nsa ping -c 40 -i 0.1 -W 5 10.9.0.2 > /tmp/ping.loss 2>&1 ) &
pinger=$!
sleep 2
check "vdpa dev del crypto0 while everything runs" vdpa dev del crypto0
wait $writer
check "LUKS2: the write during the device loss finished without an I/O error (rc $(cat /tmp/rc.during))" [ "$(cat /tmp/rc.during)" = 0 ]
dm_write vluks /tmp/dmdata.3 8
check "LUKS2: 4 MiB written with no device (software continuation)" [ $rc = 0 ]
check "LUKS2: all 12 MiB read back equal" dm_verify vluks /tmp/dmdata
wait $pinger
grep -E "packets" /tmp/ping.loss | sed 's/^/#   /'
$IP netns exec nsa wget -q -O /tmp/got http://10.9.0.2:8080/bulk
check "IPsec (cbc(aes)+hmac(sha256)) after the device loss: 2 MiB HTTP transfer intact (software continuation)" cmp -s /tmp/got /tmp/www/bulk
# The device still worked while being removed: the requests it had finished
# there before its reset, so no packet failed (ESP would count a request that
# failed with ENODEV as a protocol error and drop it).
# (ESP's requests carry no MAY_BACKLOG: when the dm-crypt writes fill the ring
# they wait in the backlog too, within a bound, rather than fail with ENOSPC.)
xfrm_stats | grep -vE "[[:space:]]0$" | sed 's/^/#   /'
dmesg | grep -E "virtio_crypto_rs: .*(queue full|still on the device|given up)" | tail -4 | sed 's/^/#   /'
check "IPsec after the device loss: no xfrm error, no packet dropped at the loss ($(xfrm_errors))" [ "$(xfrm_errors)" = 0 ]
check "vdpa dev add crypto0 again, bound, self-tests passed" sim_up
before=$(counter cipher.alg13.requests)
cryptsetup close vluks
check "cryptsetup open again: new transforms on the new device" cryptsetup open --key-file /tmp/pass /dev/ram0 vluks
dm_verify vluks /tmp/dmdata; r=$?
check "LUKS2 on the new device: all 12 MiB read back equal, through the device (XTS requests $before -> $(counter cipher.alg13.requests))" \
    sh -c "[ $r = 0 ] && [ $(counter cipher.alg13.requests) -gt $before ]"
touch /tmp/readded
wait $fuzz; rc=$?
prog_check /tmp/fuzz.loss $rc "AF_ALG load across the device loss"
grep ENODEV /tmp/fuzz.loss | sed 's/^/#   /'
check "AF_ALG load across the device loss: no request failed with ENODEV (those on the device finished there)" \
    sh -c "grep -q '^# total' /tmp/fuzz.loss && ! grep -q ' [1-9][0-9]* ENODEV' /tmp/fuzz.loss"
cryptsetup close vluks
ipsec_down

section "18. allocation failures injected in turn (fail-nth): transform creation, setkey, a request of each service; probe"
check "fail-nth armed for sleeping allocations, the crypto manager's self-test scheduling spared" failnth_setup
/bin/afalg_fuzz -F 400 $(fuzz_arg cbc-aes) $(fuzz_arg sha256) $(fuzz_arg hmac-sha256) $(fuzz_arg gcm-aes) \
    > /tmp/failnth.out 2>&1; rc=$?
prog_check /tmp/failnth.out $rc "fail-nth"
check "fail-nth: every step of every service ran to its end" sh -c "[ \$(grep -c '^ok' /tmp/failnth.out) = 11 ]"
# A device removed while it still works finishes what it has first: an
# in-place request (AF_ALG's AEAD encryption is one), which could not be rerun
# in software once the device may have written to it, completes on the device.
echo 1500 > $SIMDBG/crypto0/delay_ms
held=$(counter held); rm -f /tmp/rc.drain
held_more() { [ "$(counter held)" -gt $held ]; }
( kenc /tmp/k16 -e -c virtio_crypto_rs-gcm-aes --iv 000102030405060708090a0b --aad 00112233 --taglen 16 \
      -i /tmp/m64k -o /tmp/e.drain; echo $? > /tmp/rc.drain ) &
wait_until 20 held_more
kclear
check "an in-place gcm(aes) request is on the device (its completion delayed 1.5 s)" [ ! -f /tmp/rc.drain ]
check "vdpa dev del crypto0 meanwhile" vdpa dev del crypto0
wait_until 10 [ -f /tmp/rc.drain ]
kenc /tmp/k16 -e -c "$(generic_of gcm-aes)" --iv 000102030405060708090a0b --aad 00112233 --taglen 16 \
    -i /tmp/m64k -o /tmp/e.drain.gen
dmesg | grep -E "virtio_crypto_rs: virtio[0-9]+: (removed|requests still)" | sed 's/^/#   /'
check "the in-place request finished on the device before its reset (rc $(cat /tmp/rc.drain 2>/dev/null)), equal to the generic code" \
    sh -c "[ \"\$(cat /tmp/rc.drain)\" = 0 ] && cmp -s /tmp/e.drain /tmp/e.drain.gen && ! dmesg | grep -q 'requests still on the device'"
# The probe of a device offering only AES-CBC (a full probe runs 31 self-tests).
echo $((1 << 3)) > $SIMPAR/cipher_mask; echo 0 > $SIMPAR/hash_mask; echo 0 > $SIMPAR/mac_mask; echo 0 > $SIMPAR/aead_mask
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
kclear
/bin/afalg_fuzz -F 2000 -W 60 -P /sys/bus/virtio/drivers/virtio_crypto_rs:$(simdev) > /tmp/failprobe.out 2>&1; rc=$?
prog_check /tmp/failprobe.out $rc "fail-nth probe"
dmesg | grep "leaked at remove" | sed 's/^/#   /'
check "fail-nth: every failed probe deleted the virtqueues it found (no leak reported)" \
    sh -c "! dmesg | grep -q 'leaked at remove'"
failnth_teardown
# (A registration's self-tests may still run when the device goes: their
# transforms run in software, and the algorithm goes once they are done.)
no_algs_no_sessions() { [ -z "$(module_drivers virtio_crypto_rs)" ] && [ "$(counter sessions_live)" = 0 ]; }
wait_until 30 no_algs_no_sessions ||
    echo "#   still registered: $(module_drivers virtio_crypto_rs | tr '\n' ' ')sessions_live $(counter sessions_live)"
check "after the probe faults: no algorithm of ours registered, no session left" no_algs_no_sessions
dmesg | grep -E "alg: self-tests .* failed" | sed 's/^/#   /'
check "after the probe faults: no self-test failed (a device lost during them leaves software transforms)" \
    sh -c "! dmesg | grep -qE 'alg: self-tests .*virtio_crypto_rs.* failed'"
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
check "after the probe faults: the device binds and cbc(aes) passes its self-tests" wait_driver_passed $DRV
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f
check "after the probe faults: encryption correct" cmp -s /tmp/ct.f /tmp/ct.gen
vdpa dev del crypto0
echo 0xffffffffffffffff > $SIMPAR/cipher_mask; echo 0xffffffff > $SIMPAR/hash_mask
echo 0xffffffffffffffff > $SIMPAR/mac_mask; echo 0xffffffff > $SIMPAR/aead_mask

section "19. misbehaving devices: no status, short used length, interrupt storm, offer changed at run time"
check "simulator device crypto0 bound again, self-tests passed" sim_up
D=$SIMDBG/crypto0
echo 1 > $D/no_status
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 2>/dev/null; rc=$?
check "a completion without a status byte: the request fails with EIO (rc $rc), nothing hangs ($(counter no_status) such completions)" \
    [ $rc = $((256 - 5)) -a "$(counter no_status)" = 1 ]
echo 1 > $D/short_len
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f 2>/dev/null; rc=$?
check "a used length short of the output and status: the request fails with EIO (rc $rc; $(counter short_len) such completions)" \
    [ $rc = $((256 - 5)) -a "$(counter short_len)" = 1 ]
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.f
check "after them: the next encryption is correct" cmp -s /tmp/ct.f /tmp/ct.gen
head -c 262144 /dev/urandom > /tmp/storm.in
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/storm.in -o /tmp/storm.gen
( for i in 1 2 3 4 5 6 7 8; do kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/storm.in -o /tmp/ct.s || exit 1; cmp -s /tmp/ct.s /tmp/storm.gen || exit 1; done ) &
load=$!
echo 200000 > $D/irq_storm
wait $load; rc=$?
check "an interrupt storm ($(counter storm_irqs) interrupts with nothing used) during 8 encryptions: all correct" [ $rc = 0 ]
# The device withdraws AEAD and SHA-256, then offers them again; then a smaller max_size.
# withdrawn: ccm(aes) (unused) unregistered, sha224 (still offered) registered.
withdrawn() {
    ! module_drivers virtio_crypto_rs | grep -qx virtio_crypto_rs-ccm-aes &&
        driver_passed virtio_crypto_rs-sha224
}
back() {
    driver_passed virtio_crypto_rs-ccm-aes && driver_passed virtio_crypto_rs-gcm-aes &&
        driver_passed virtio_crypto_rs-sha256
}
rm -f /tmp/offerdone
/bin/afalg_fuzz -u /tmp/offerdone -j 1 -s 19 $(fuzz_arg gcm-aes) $(fuzz_arg sha256) $(fuzz_arg cbc-aes) > /tmp/fuzz.offer 2>&1 &
fuzz=$!
sleep 1
kclear
echo 0 > $D/cfg_aead; echo $((0x7fe & ~(1 << 4))) > $D/cfg_hash
check "offer without AEAD and SHA-256 ($(counter config_changes) config changes): unused ones unregistered, the rest stay" \
    wait_until 30 withdrawn
sleep 2
dmesg > /tmp/dmesg.offer
grep -E "offer changed|unregistered|still in use" /tmp/dmesg.offer | sed 's/^/#   /'
check "a withdrawn algorithm whose transforms are in use (gcm(aes)) stays registered until they are released" \
    grep -q "virtio_crypto_rs-gcm-aes: no device left, still in use" /tmp/dmesg.offer
before=$(counter aead.requests); hbefore=$(counter hash.alg4.requests)
sleep 3
check "while AEAD and SHA-256 are withdrawn, their transforms in use continue in software (device requests AEAD $before -> $(counter aead.requests), SHA-256 $hbefore -> $(counter hash.alg4.requests))" \
    [ "$(counter aead.requests)" = "$before" -a "$(counter hash.alg4.requests)" = "$hbefore" ]
echo $((0xe)) > $D/cfg_aead; echo $((0x7fe)) > $D/cfg_hash
check "offer with AEAD and SHA-256 again: re-checked, registered, self-tests passed" wait_until 120 back
sleep 2
before=$(counter aead.requests)
sleep 2
check "gcm(aes) transforms in use are back on the device ($before -> $(counter aead.requests) AEAD requests)" \
    [ "$(counter aead.requests)" -gt "$before" ]
touch /tmp/offerdone; wait $fuzz; rc=$?
prog_check /tmp/fuzz.offer $rc "AF_ALG load across the offer changes"
echo 65536 > $D/cfg_max_size
sleep 1
head -c 60000 /dev/urandom > /tmp/m60k
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/m60k -o /tmp/m60k.gen
before=$(counter cipher.requests)
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m60k -o /tmp/m60k.f
check "max_size lowered to 65536 at run time: a 60000-byte cbc(aes) request (over it) runs in software, correct (device requests $before -> $(counter cipher.requests))" \
    sh -c "cmp -s /tmp/m60k.f /tmp/m60k.gen && [ $(counter cipher.requests) = $before ]"
echo $((1 << 20)) > $D/cfg_max_size
sleep 1
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/m60k -o /tmp/m60k.f
check "max_size raised again: the same request reaches the device, correct ($(counter cipher.requests) device requests)" \
    sh -c "cmp -s /tmp/m60k.f /tmp/m60k.gen && [ $(counter cipher.requests) -gt $before ]"
check "vdpa dev del crypto0 (end of the system tests)" vdpa dev del crypto0
extra_tests on
