# More checks on QEMU's device (sourced by test.sh with virtio_crypto_rs bound
# to it as $vdev): requests in flight together on one transform, a full
# session table, and what AF_ALG itself allows per socket, with Linux's C
# driver on the same device for comparison.

section "6a. requests in flight together on one transform"
# AF_ALG: N operation sockets accepted from one transform socket, all their
# reads put in flight by one io_submit (AF_ALG's AIO requests carry no
# MAY_BACKLOG), then a key change and the same again; then a kernel client.
inflight $vdev $A

section "6b. a full session table: 300 cbc(aes) transforms at once on QEMU's device"
# QEMU's builtin backend holds 256 sessions (two per cipher transform) and
# answers ERR, not NOSPC, when they are taken.
# Sections 1-6 bind and remove the device many times; a removal while the
# probe's known-answer checks run can leave one of their sessions in QEMU's
# table (QEMU 7.2 keeps sessions across a reset): up to 8 allowed.
full_table $vdev $A 300 128 256 "QEMU's device, 300 cbc(aes) transforms" 8
check "a refused session is logged once, naming the counters" \
    sh -c "[ \$(dmesg | grep -c 'the device refused a session') = 1 ] && dmesg | grep -q 'refused a session (its session table may be full)'"
rm -f /tmp/ct.dev; mark $vdev $A
check_dev "QEMU alive and answering afterwards: a new transform on the device, correct" $vdev $A 1 \
    sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.dev 3</tmp/key && cmp -s /tmp/ct.dev /tmp/ct.gen"
