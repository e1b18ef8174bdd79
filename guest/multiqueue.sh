# The checks that need more than one CPU (the suite's other guests run with
# one each, side by side on the host's two cores: two-CPU guests side by side
# would overcommit them, and spinning on a lock held by a descheduled vCPU
# made the whole suite several times slower). This guest boots alone with
# two, before the others.
# TAP output; the host harness adds its own checks of the console log.
. /guest/lib.sh
. /guest/simlib.sh
DRV=virtio_crypto_rs-cbc-aes

section "29. two CPUs: requests spread over the simulator's four data queues"
health_baseline
check "the guest has two CPUs ($(grep -c ^processor /proc/cpuinfo))" [ "$(grep -c ^processor /proc/cpuinfo)" = 2 ]
head -c 16 /dev/urandom > /tmp/key
head -c 4096 /dev/urandom > /tmp/msg
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
echo 0 > /sys/bus/virtio/drivers_autoprobe
sim_load selftest=0
insmod $MODDIR/virtio_crypto_rs.ko
# The CIPHER service with AES-CBC only: a quick probe.
echo 4 > $SIMPAR/nqueues; echo 1 > $SIMPAR/services; echo $((1 << 3)) > $SIMPAR/cipher_mask
check "vdpa dev add crypto0 with 4 data queues and cbc(aes), virtio_crypto_rs bound, self-tests passed" sim_up
SV4=$(simdev)
for q in 0 1 2 3; do echo "$(queue_requests $SV4 $q) $(counter dataq$q.requests)" > /tmp/mq.base$q; done
# Eight encryptions at once, four pinned to each CPU: the driver puts a
# request on its CPU's queue.
for i in 1 2 3 4 5 6 7 8; do
    ( taskset -c $((i % 2)) kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.q$i 3</tmp/key
      echo $? > /tmp/rc.q$i ) &
done 2>/dev/null
wait
bad=
for i in 1 2 3 4 5 6 7 8; do
    [ "$(cat /tmp/rc.q$i)" = 0 ] && cmp -s /tmp/ct.q$i /tmp/ct.gen || bad="$bad $i"
done
check "4 queues, 2 CPUs: 8 concurrent encryptions (4 pinned to each CPU) correct${bad:+ (wrong:$bad)}" [ -z "$bad" ]
used=0; sused=0
for q in 0 1 2 3; do
    read -r d0 s0 < /tmp/mq.base$q
    d=$(( $(queue_requests $SV4 $q) - d0 )); s=$(( $(counter dataq$q.requests) - s0 ))
    echo "#   data queue $q: $d requests of the encryptions by the driver's count, $s by the simulator's"
    [ $d -gt 0 ] && used=$((used + 1))
    [ $s -gt 0 ] && sused=$((sused + 1))
done
check "4 queues, 2 CPUs: the encryptions were spread over $used queues by the driver's count, $sused by the simulator's (two or more on both)" \
    sh -c "[ $used -ge 2 ] && [ $sused -ge 2 ]"
check "vdpa dev del crypto0" vdpa dev del crypto0
check "rmmod virtio_crypto_rs" rmmod virtio_crypto_rs

section "30. kernel health"
health_check
finish
