# More simulator checks (sourced by test.sh in the QEMU guest, with simlib.sh
# sourced, the simulator loaded, virtio_crypto_rs loaded, no simulator device,
# autoprobe off, /tmp/key, /tmp/msg, $iv, /tmp/ct.gen, /tmp/m1k and
# /tmp/d.sha256.gen in place): requests in flight
# together on one transform for every algorithm, full session tables for
# every service, a probe that does not wait for a device that never answers,
# transforms allocated while the device comes and goes, and the first request
# through a template instance made on ours.

section "11a. every algorithm: requests in flight together on one transform"
sim_up
SV=$(simdev)
for a in $ALGS; do
    inflight $SV ${a%%:*}
done
vdpa dev del crypto0

section "11b. full session tables: the transforms beyond them run in software, and return when keyed again"
# A device with room for 8 sessions: 4 cipher or AEAD transforms (a pair
# each), 8 hash or MAC ones. Full, it answers NOSPC (the standard) or ERR (as
# QEMU's builtin backend does).
for fs in "5 NOSPC" "1 ERR"; do
    set -- $fs
    echo 8 > $SIMPAR/max_sessions; echo $1 > $SIMPAR/full_status
    sim_up
    SV=$(simdev)
    for t in cbc-aes:4 gcm-aes:4 sha256:8 hmac-sha256:8; do
        n=${t%%:*}; cap=${t#*:}
        full_table $SV $n $((cap * 3)) $cap 8 "$2 when full, $n"
        check "$2 when full, $n: the simulator holds no session either ($(counter sessions_live))" counter_is sessions_live 0
    done
    vdpa dev del crypto0
done
echo 256 > $SIMPAR/max_sessions; echo 5 > $SIMPAR/full_status
# Transforms freed together destroy their sessions together, and nobody
# waits for a destruction: 160 of them (two descriptors each) outnumber the
# 256-entry control ring while the device holds each answer for a second.
# Those beyond the ring wait for room; none may be lost (the session would
# stay on the device for good).
echo 512 > $SIMPAR/max_sessions
sim_up
SV=$(simdev)
# (The probe checks' last destructions may still be on their way.)
wait_until 10 counter_is sessions_live 0
live0=$(counter sessions_live)
rm -rf /tmp/many /tmp/many.out; mkdir -p /tmp/many
/bin/afalg_inflight -m 320 -w /tmp/many $(fuzz_arg hmac-sha256) > /tmp/many.out 2>&1 &
many=$!
wait_until 600 grep -q "phase 1 done" /tmp/many.out; touch /tmp/many/1
wait_until 600 grep -q "phase 2 done" /tmp/many.out
live=$(counter sessions_live); gone0=$(counter sessions_destroyed); waited0=$(ctrl_waited $SV); kclear
echo 1000 > $SIMDBG/crypto0/delay_ctrl_ms
touch /tmp/many/2; wait $many; rc=$?
wait_until 60 counter_is sessions_live 0
echo 0 > $SIMDBG/crypto0/delay_ctrl_ms
left=$(counter sessions_live); failed=$(dmesg | grep -c 'destroying session.*failed')
waited=$(($(ctrl_waited $SV) - waited0))
check "none of the probe checks' sessions left ($live0 live); 160 hmac(sha256) transforms closed at once, the device answering each control request after 1 s: the ring filled ($waited destructions waited for room), all $live sessions destroyed ($(($(counter sessions_destroyed) - gone0)) destructions, $left live, $failed failed; exit $rc)" \
    sh -c "[ $rc = 0 ] && [ $live0 = 0 ] && [ $live = 160 ] && [ $waited -ge 1 ] && [ $left = 0 ] && [ $failed = 0 ]"
vdpa dev del crypto0
echo 256 > $SIMPAR/max_sessions

section "11c. the probe does not wait for a device that never answers"
# Every control request is withheld: each known-answer check waits for the
# driver's 5 s timeout. The bind (and an insmod that binds) returns at once;
# the checks run in a work item.
vdpa dev add name crypto0 mgmtdev vdpasim_crypto
echo 100000 > $SIMDBG/crypto0/hang_ctrl
t0=$(uptime_ms)
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind; rc=$?
t1=$(uptime_ms)
check "bind to a device whose control queue never answers returned in $((t1 - t0)) ms (exit $rc)" \
    sh -c "[ $rc = 0 ] && [ $((t1 - t0)) -lt 3000 ]"
check "meanwhile its checks are still running: state $(dev_state $(simdev)), no algorithm registered" \
    sh -c "[ '$(dev_state $(simdev))' = checking ] && [ -z '$(module_drivers virtio_crypto_rs)' ]"
echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/unbind
rmmod virtio_crypto_rs
echo 1 > /sys/bus/virtio/drivers_autoprobe
t0=$(uptime_ms)
insmod $MODDIR/virtio_crypto_rs.ko; rc=$?
t1=$(uptime_ms)
echo 0 > /sys/bus/virtio/drivers_autoprobe
check "insmod with that device present (bound at once) returned in $((t1 - t0)) ms (exit $rc)" \
    sh -c "[ $rc = 0 ] && [ $((t1 - t0)) -lt 3000 ] && [ -n '$(simdev)' ] && [ -e /sys/bus/virtio/drivers/virtio_crypto_rs/$(simdev) ]"
t0=$(uptime_ms)
vdpa dev del crypto0; rc=$?
t1=$(uptime_ms)
check "removing it while its checks wait returned in $((t1 - t0)) ms (exit $rc)" \
    sh -c "[ $rc = 0 ] && [ $((t1 - t0)) -lt 10000 ]"
# The insmod bound QEMU's device too: its algorithms' self-tests hold the
# module until they end.
wait_selftests virtio_crypto_rs
t0=$(uptime_ms)
rmmod virtio_crypto_rs; rc=$?
t1=$(uptime_ms)
check "rmmod then returned in $((t1 - t0)) ms (exit $rc)" sh -c "[ $rc = 0 ] && [ $((t1 - t0)) -lt 10000 ]"
insmod $MODDIR/virtio_crypto_rs.ko

section "11d. transforms allocated in a loop while the device is removed and added again"
# Unregistration checks that no transform uses an algorithm and unregisters it
# under the crypto API's own lock: a lookup in between cannot take it.
# A device offering only the two algorithms the loop uses: each addition
# registers (and self-tests) two algorithms, not 37.
svc=$(cat $SIMPAR/services); cm=$(cat $SIMPAR/cipher_mask); hm=$(cat $SIMPAR/hash_mask)
echo 3 > $SIMPAR/services; echo 8 > $SIMPAR/cipher_mask; echo 16 > $SIMPAR/hash_mask
sim_up
rm -f /tmp/churn.stop /tmp/churn.*
for w in 1 2; do
    ( n=0; bad=0
      while [ ! -f /tmp/churn.stop ]; do
          rm -f /tmp/churn.ct$w
          if kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/churn.ct$w 2>/dev/null; then
              cmp -s /tmp/churn.ct$w /tmp/ct.gen || bad=$((bad + 1))
          fi
          kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m1k > /tmp/churn.d$w 2>/dev/null &&
              { cmp -s /tmp/churn.d$w /tmp/d.sha256.gen || bad=$((bad + 1)); }
          n=$((n + 1))
      done
      echo "$n $bad" > /tmp/churn.$w ) &
done
cycles=0
for i in 1 2 3 4 5; do
    sleep 1
    vdpa dev del crypto0 || break
    sleep 1
    vdpa dev add name crypto0 mgmtdev vdpasim_crypto || break
    echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind || break
    wait_selftests virtio_crypto_rs || break
    cycles=$i
done
touch /tmp/churn.stop
wait
read -r n1 b1 < /tmp/churn.1; read -r n2 b2 < /tmp/churn.2
check "5 removals and additions during $((n1 + n2)) transform allocations (cbc(aes), sha256): every result that came back correct ($((b1 + b2)) wrong)" \
    sh -c "[ $cycles = 5 ] && [ $((b1 + b2)) = 0 ] && [ $((n1 + n2)) -gt 10 ]"
dmesg | grep -E "unregistered algorithm is still referenced|Algorithm .* is not registered" | sed 's/^/#   /'
check "no unregistration left an algorithm referenced" sh -c "! dmesg | grep -q 'unregistered algorithm is still referenced'"
vdpa dev del crypto0
wait_unregistered virtio_crypto_rs
echo $svc > $SIMPAR/services; echo $cm > $SIMPAR/cipher_mask; echo $hm > $SIMPAR/hash_mask

section "11e. the first request through a template instance made on ours"
# A caller's lookup waits 60 s at most for the self-tests of a new instance
# (crypto_larval_wait); here they run with their test vectors only.
rmmod virtio_crypto_rs; insmod $MODDIR/virtio_crypto_rs.ko
sim_up
SV=$(simdev)
head -c 20 /dev/urandom > /tmp/k4106
rm -f /tmp/r4106.f; mark $SV gcm-aes
# Ours first: an instance of the generic code, made earlier, would carry the
# same name and serve this lookup instead.
t0=$(uptime_ms)
kenc /tmp/k4106 -e -c "rfc4106(gcm(aes))" --iv 0001020304050607 \
    --aad 00112233445566778899aabb0001020304050607 --taglen 16 -i /tmp/m1k -o /tmp/r4106.f 2>/tmp/r4106.err; rc=$?
t1=$(uptime_ms)
kenc /tmp/k4106 -e -c "rfc4106(gcm_base(ctr(aes-generic),ghash-generic))" --iv 0001020304050607 \
    --aad 00112233445566778899aabb0001020304050607 --taglen 16 -i /tmp/m1k -o /tmp/r4106.gen
sed 's/^/#   /' /tmp/r4106.err
driver_of "rfc4106(gcm(aes))" virtio_crypto_rs-gcm-aes; on=$?
check "the first rfc4106(gcm(aes)) request (its instance made on ours by this lookup) succeeds in $((t1 - t0)) ms, equal to the generic code (rc $rc; instance on ours: $on; $(counted $SV gcm-aes))" \
    sh -c "[ $rc = 0 ] && cmp -s /tmp/r4106.f /tmp/r4106.gen && [ $on = 0 ]"
vdpa dev del crypto0

section "11f. which chains a device gets: its config, then the check; without chaining, the template over ours"
# A device with the CIPHER and MAC services (bits 0, 2) and cbc(aes) only;
# the chains the simulator accepts: every HMAC (chain_mac_mask).
svc=$(cat $SIMPAR/services); cm=$(cat $SIMPAR/cipher_mask); mm=$(cat $SIMPAR/mac_mask)
echo 5 > $SIMPAR/services; echo 8 > $SIMPAR/cipher_mask
chains() { module_drivers virtio_crypto_rs | grep authenc | sed 's/virtio_crypto_rs-//' | sort | paste -sd' '; }
# mac_mask 0 with the MAC service: QEMU's vhost-user config (DPDK behind it).
for mm_case in "0:4:no MAC algorithm listed (QEMU's vhost-user config): every HMAC chain the check passes" \
               "16:1:only HMAC-SHA256 listed: only its chain"; do
    echo ${mm_case%%:*} > $SIMPAR/mac_mask; rest=${mm_case#*:}; want=${rest%%:*}
    sim_up
    got=$(chains)
    check "MAC service, mac_mask ${mm_case%%:*}, $rest: $want chained authenc registered ($got)" \
        sh -c "[ $(echo $got | wc -w) = $want ] && echo '$got' | grep -q authenc-hmac-sha256-cbc-aes"
    vdpa dev del crypto0
    wait_unregistered virtio_crypto_rs
done
echo 16 > $SIMPAR/mac_mask; echo 0 > $SIMPAR/chaining
sim_up
SV=$(simdev)
check "a device without chaining (chain sessions answered NOTSUPP): no chained authenc registered ($(chains))" \
    sh -c "[ -z '$(chains)' ]"
# The template over ours, asked for by driver names: an instance of the
# generic code made earlier in this boot carries the same name and would
# serve a lookup by name. Its key: authenc's rtattr (length 8, type 1, the
# cipher key's length 16 big-endian), an 8-byte HMAC key, an AES-128 key (32
# bytes: what kcapi-enc reads).
printf '\010\000\001\000\000\000\000\020' > /tmp/ak; head -c 24 /dev/urandom >> /tmp/ak
TPL="authenc(virtio_crypto_rs-hmac-sha256,virtio_crypto_rs-cbc-aes)"
c0=$(counter cipher.alg3.requests); m0=$(counter mac.alg4.requests)
eargs="--iv $iv --aad 0011223344556677 --taglen 16"
rm -f /tmp/t.tpl /tmp/t.gen
kenc /tmp/ak -e -c "$TPL" $eargs -i /tmp/msg -o /tmp/t.tpl
kenc /tmp/ak -e -c "authenc(hmac(sha256-generic),cbc(aes-generic))" $eargs -i /tmp/msg -o /tmp/t.gen
wait_driver_passed "$TPL"
check "the template over ours ($TPL): self-test $(crypto_field "$TPL" selftest), its encryption of 4 KiB with AAD equals the generic authenc" \
    sh -c "[ '$(crypto_field "$TPL" selftest)' = passed ] && [ -s /tmp/t.tpl ] && cmp -s /tmp/t.tpl /tmp/t.gen"
check "it ran on our cbc-aes and hmac-sha256, one request each per operation (simulator: cbc(aes) requests $c0 -> $(counter cipher.alg3.requests), HMAC-SHA256 $m0 -> $(counter mac.alg4.requests), chain $(counter chain.requests))" \
    sh -c "[ $(counter cipher.alg3.requests) -gt $c0 ] && [ $(counter mac.alg4.requests) -gt $m0 ] && [ $(counter chain.requests) = 0 ]"
vdpa dev del crypto0
wait_unregistered virtio_crypto_rs
echo 1 > $SIMPAR/chaining
echo $svc > $SIMPAR/services; echo $cm > $SIMPAR/cipher_mask; echo $mm > $SIMPAR/mac_mask

. /guest/stall_sim.sh
