# RSA through the kernel's own clients (sourced by test.sh and sim.sh): the
# asymmetric key type and keyctl's pkey_* operations, with keys made on the
# host by OpenSSL (scripts/mkinitramfs.sh: /keys/rsaBITS.{p8,crt,pem,pub.pem}),
# every result checked by OpenSSL in user space (outside the kernel).

# The message signed and encrypted.
printf 'virtio-crypto-rs: RSA through keyctl\n' > /tmp/rsamsg

# keyctl_load BITS: loads the PKCS#8 private key and the X.509 certificate
# of the BITS-bit test key into the user session keyring (@us: a key added
# to @s would go to a session keyring of keyctl's own, gone when it exits);
# sets $priv and $cert.
keyctl_load() {
    priv=$(keyctl padd asymmetric "vcrs-priv$1" @us < /keys/rsa$1.p8)
    cert=$(keyctl padd asymmetric "vcrs-cert$1" @us < /keys/rsa$1.crt)
}

# keyctl_unload: unlinks them again.
keyctl_unload() {
    keyctl unlink $priv @us > /dev/null 2>&1
    keyctl unlink $cert @us > /dev/null 2>&1
}

# rsa_keyctl DEV LABEL: keyctl end to end, the work on device DEV (bound to
# virtio_crypto_rs) by its counters: for a 2048-bit and a 4096-bit key,
# pkey_query, pkey_sign and pkey_verify (sha256, sha1, sha512), pkey_encrypt
# and pkey_decrypt, each result checked by OpenSSL (signatures verified,
# OpenSSL's own signatures verified by keyctl, ciphertexts decrypted both
# ways), a flipped bit rejected with EKEYREJECTED.
rsa_keyctl() {
    local dev=$1 label=$2 bits h a out rc od
    for bits in 2048 4096; do
        keyctl_load $bits
        check "$label: RSA-$bits: keyctl padd asymmetric: the PKCS#8 private key ($priv) and the X.509 certificate ($cert) loaded" \
            sh -c "[ -n '$priv' ] && [ -n '$cert' ]"
        keyctl pkey_query $priv 0 enc=pkcs1 hash=sha256 > /tmp/pq 2>&1
        sed 's/^/#   /' /tmp/pq
        check "$label: RSA-$bits: pkey_query: key_size=$bits, sign, verify, encrypt and decrypt offered" \
            sh -c "grep -q 'key_size=$bits' /tmp/pq && grep -q 'sign=y' /tmp/pq && grep -q 'verify=y' /tmp/pq &&
                grep -q 'encrypt=y' /tmp/pq && grep -q 'decrypt=y' /tmp/pq"
        for h in sha256 sha1 sha512; do
            a=pkcs1pad-rsa-$h
            openssl dgst -$h -binary /tmp/rsamsg > /tmp/dg
            rm -f /tmp/sig.k
            mark $dev $a
            check_dev "$label: RSA-$bits $h: keyctl pkey_sign, the signature verified by OpenSSL" $dev $a 1 \
                sh -c "keyctl pkey_sign $priv 0 /tmp/dg enc=pkcs1 hash=$h > /tmp/sig.k &&
                    openssl pkeyutl -verify -pubin -inkey /keys/rsa$bits.pub.pem -pkeyopt digest:$h -in /tmp/dg -sigfile /tmp/sig.k > /dev/null"
            openssl pkeyutl -sign -inkey /keys/rsa$bits.pem -pkeyopt digest:$h -in /tmp/dg -out /tmp/sig.o
            mark $dev $a
            check_dev "$label: RSA-$bits $h: keyctl pkey_verify accepts OpenSSL's signature" $dev $a 1 \
                keyctl pkey_verify $cert 0 /tmp/dg /tmp/sig.o enc=pkcs1 hash=$h
            # A bit flipped in the middle of the signature.
            cp /tmp/sig.o /tmp/sig.bad
            printf '\001' | dd of=/tmp/sig.bad bs=1 seek=$((bits / 16)) conv=notrunc 2>/dev/null
            cmp -s /tmp/sig.o /tmp/sig.bad && printf '\002' | dd of=/tmp/sig.bad bs=1 seek=$((bits / 16)) conv=notrunc 2>/dev/null
            mark $dev $a
            out=$(keyctl pkey_verify $cert 0 /tmp/dg /tmp/sig.bad enc=pkcs1 hash=$h 2>&1); rc=$?
            on_device $dev $a 1; od=$?
            echo "#   $out"
            check "$label: RSA-$bits $h: a signature with a bit flipped: keyctl pkey_verify fails with EKEYREJECTED, answered by the device ($(counted $dev $a))" \
                sh -c "[ $rc != 0 ] && [ $od = 0 ] && echo '$out' | grep -q 'Key was rejected by service'"
        done
        a=pkcs1pad-rsa
        rm -f /tmp/ct.k /tmp/pt.k /tmp/pt.o
        mark $dev $a
        check_dev "$label: RSA-$bits: keyctl pkey_encrypt (enc=pkcs1), OpenSSL decrypts it to the message" $dev $a 1 \
            sh -c "keyctl pkey_encrypt $cert 0 /tmp/rsamsg enc=pkcs1 > /tmp/ct.k &&
                openssl pkeyutl -decrypt -inkey /keys/rsa$bits.pem -pkeyopt rsa_padding_mode:pkcs1 -in /tmp/ct.k -out /tmp/pt.o &&
                cmp -s /tmp/pt.o /tmp/rsamsg"
        openssl pkeyutl -encrypt -pubin -inkey /keys/rsa$bits.pub.pem -pkeyopt rsa_padding_mode:pkcs1 -in /tmp/rsamsg -out /tmp/ct.o
        mark $dev $a
        check_dev "$label: RSA-$bits: keyctl pkey_decrypt of OpenSSL's ciphertext gives the message" $dev $a 1 \
            sh -c "keyctl pkey_decrypt $priv 0 /tmp/ct.o enc=pkcs1 > /tmp/pt.k && cmp -s /tmp/pt.k /tmp/rsamsg"
        keyctl_unload
    done
}

# rsa_sign_loop SECONDS OUT: keyctl pkey_sign (2048 bits, sha256) in a loop
# for SECONDS, each signature verified by OpenSSL; writes "rounds bad" to OUT.
rsa_sign_loop() {
    local end=$(($(uptime_ms) + $1 * 1000)) n=0 bad=0
    keyctl_load 2048
    openssl dgst -sha256 -binary /tmp/rsamsg > /tmp/dg.loop
    while [ $(uptime_ms) -lt $end ]; do
        if keyctl pkey_sign $priv 0 /tmp/dg.loop enc=pkcs1 hash=sha256 > /tmp/sig.loop 2>/dev/null &&
            openssl pkeyutl -verify -pubin -inkey /keys/rsa2048.pub.pem -pkeyopt digest:sha256 \
                -in /tmp/dg.loop -sigfile /tmp/sig.loop > /dev/null 2>&1; then :
        else bad=$((bad + 1)); fi
        n=$((n + 1))
    done
    keyctl_unload
    echo "$n $bad" > $2
}
