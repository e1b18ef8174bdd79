# RSA (akcipher) on the simulator (sourced by sim.sh with virtio_crypto_rs
# loaded and no simulator device): keyctl end to end, raw RSA through keyctl,
# QEMU's short results, a device that refuses raw RSA as QEMU's nettle does,
# refused sessions, and faults and device loss during a signing loop.
. /guest/akcipher.sh

section "23. RSA (akcipher) on the simulator: keyctl, raw RSA, QEMU's short results, a nettle-like device, faults and device loss while signing"
# A device with the AKCIPHER service only: its six algorithms register (and
# self-test) in seconds, not the minutes of all 37.
svc=$(cat $SIMPAR/services)
echo 16 > $SIMPAR/services
sim_up
SV=$(simdev); D=$SIMDBG/crypto0
nall=$(module_drivers virtio_crypto_rs | wc -l); nrsa=$(module_drivers virtio_crypto_rs | grep -c rsa)
check "a simulator device with the AKCIPHER service only: the six RSA algorithms registered ($nrsa), nothing else ($nall in all)" \
    sh -c "[ $nall = 6 ] && [ $nrsa = 6 ]"
rsa_keyctl $SV "simulator"
check "the simulator's counters: it signed, verified (and rejected), encrypted and decrypted (sign $(counter akcipher.sign), verify $(counter akcipher.verify), rejected $(counter akcipher.rejected), encrypt $(counter akcipher.encrypt), decrypt $(counter akcipher.decrypt))" \
    sh -c "[ $(counter akcipher.sign) -gt 0 ] && [ $(counter akcipher.verify) -gt 0 ] && [ $(counter akcipher.rejected) -gt 0 ] &&
        [ $(counter akcipher.encrypt) -gt 0 ] && [ $(counter akcipher.decrypt) -gt 0 ]"

# Raw RSA: keyctl's enc=raw asks for "rsa"; OpenSSL's raw RSA must agree.
keyctl_load 2048
head -c 256 /dev/urandom > /tmp/raw.in
printf '\000' | dd of=/tmp/raw.in bs=1 conv=notrunc 2>/dev/null
openssl pkeyutl -encrypt -pubin -inkey /keys/rsa2048.pub.pem -pkeyopt rsa_padding_mode:none -in /tmp/raw.in -out /tmp/raw.o
rm -f /tmp/raw.k /tmp/raw.d
mark $SV rsa
check_dev "simulator: keyctl pkey_encrypt enc=raw (rsa): equal to OpenSSL's raw RSA, and pkey_decrypt gives the input back" $SV rsa 2 \
    sh -c "keyctl pkey_encrypt $cert 0 /tmp/raw.in enc=raw > /tmp/raw.k && cmp -s /tmp/raw.k /tmp/raw.o &&
        keyctl pkey_decrypt $priv 0 /tmp/raw.k enc=raw > /tmp/raw.d && cmp -s /tmp/raw.d /tmp/raw.in"

# QEMU's builtin backend with nettle returns one byte short for about one
# signature in 256 (a leading zero byte): the driver must refuse such a
# result and sign in software instead.
a=pkcs1pad-rsa-sha256
openssl dgst -sha256 -binary /tmp/rsamsg > /tmp/dg
echo 4 > $D/short_rsa
mark $SV $a
bad=0
for i in 1 2 3 4; do
    keyctl pkey_sign $priv 0 /tmp/dg enc=pkcs1 hash=sha256 > /tmp/sig.k &&
        openssl pkeyutl -verify -pubin -inkey /keys/rsa2048.pub.pem -pkeyopt digest:sha256 -in /tmp/dg -sigfile /tmp/sig.k > /dev/null ||
        bad=$((bad + 1))
done
check "short_rsa=4: four signatures the device returned one byte short were refused and made in software, all verified by OpenSSL ($bad wrong; $(counted $SV $a); $(counter short_rsa) shortened)" \
    sh -c "[ $bad = 0 ] && [ $(grew $SV $a failed) = 4 ] && [ $(grew $SV $a software) = 4 ] && [ $(counter short_rsa) = 4 ]"

# Sessions the device refuses: the transform signs in software. keyctl
# pkey_sign keys several transforms (its pkey_query's too): every session
# created meanwhile is refused, and the injection stopped after it.
echo 1 > $D/fail_ctrl_status; echo 1000 > $D/fail_ctrl_count
mark $SV $a
check_soft "simulator refuses the session (ERR): keyctl pkey_sign succeeds in software, verified by OpenSSL" $SV $a 1 \
    sh -c "keyctl pkey_sign $priv 0 /tmp/dg enc=pkcs1 hash=sha256 > /tmp/sig.k &&
        openssl pkeyutl -verify -pubin -inkey /keys/rsa2048.pub.pem -pkeyopt digest:sha256 -in /tmp/dg -sigfile /tmp/sig.k > /dev/null"
left=$(cat $D/fail_ctrl_count); echo 0 > $D/fail_ctrl_count
check "the refusals were counted ($(grew $SV $a refused) refused, $((1000 - left)) injected)" \
    sh -c "[ $(grew $SV $a refused) -ge 1 ] && [ $(grew $SV $a refused) = $((1000 - left)) ]"
keyctl_unload

# Faults during a signing loop: error statuses, then the device removed.
rsa_sign_loop 15 /tmp/loop.faults &
loop=$!
sleep 3
echo 1 > $D/fail_data_status; echo 5 > $D/fail_data_count
sleep 4
echo 3 > $D/short_rsa
wait $loop
read -r n bad < /tmp/loop.faults
check "keyctl pkey_sign in a loop while the simulator fails 5 requests with ERR and shortens 3 results: $n signatures, every one verified by OpenSSL ($bad failed; $(counter injected) injected)" \
    sh -c "[ $n -gt 5 ] && [ $bad = 0 ]"
rsa_sign_loop 12 /tmp/loop.del &
loop=$!
sleep 4
vdpa dev del crypto0
wait $loop
read -r n bad < /tmp/loop.del
check "keyctl pkey_sign in a loop across vdpa dev del: $n signatures, every one verified by OpenSSL ($bad failed)" \
    sh -c "[ $n -gt 5 ] && [ $bad = 0 ]"

# A device that creates raw sessions and then refuses every raw operation,
# as QEMU's builtin backend with nettle does: raw rsa is skipped at probe.
echo 0 > $SIMPAR/rsa_raw
kclear
sim_up
dmesg | grep -E "skipped" | sed 's/^/#   /'
module_drivers virtio_crypto_rs | grep -qx virtio_crypto_rs-rsa; raw=$?
check "rsa_raw=0 (a nettle-like device): virtio_crypto_rs-rsa skipped at probe and not registered, the PKCS#1 ones registered" \
    sh -c "dmesg | grep -q 'virtio_crypto_rs-rsa: skipped' && [ $raw != 0 ] &&
        [ '$(crypto_field virtio_crypto_rs-pkcs1pad-rsa-sha256 selftest)' = passed ]"
vdpa dev del crypto0
echo 1 > $SIMPAR/rsa_raw
echo $svc > $SIMPAR/services
wait_unregistered virtio_crypto_rs
