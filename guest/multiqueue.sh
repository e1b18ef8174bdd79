# The checks that need more than one CPU (the suite's other guests run with
# one each, side by side on the host's two cores: two-CPU guests side by side
# would overcommit them, and spinning on a lock held by a descheduled vCPU
# made the whole suite several times slower). This guest boots alone with two.
# TAP output; the host harness adds its own checks of the console log.
. /guest/lib.sh
. /guest/simlib.sh
DRV=virtio_crypto_rs-cbc-aes

section "29. two CPUs: requests spread over the simulator's four data queues"
health_baseline
check "the guest has two CPUs ($(grep -c ^processor /proc/cpuinfo))" [ "$(grep -c ^processor /proc/cpuinfo)" = 2 ]
head -c 16 /dev/urandom > /tmp/key
head -c 16384 /dev/urandom > /tmp/big4
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/big4 -o /tmp/big4.gen
echo 0 > /sys/bus/virtio/drivers_autoprobe
sim_load selftest=0
insmod $MODDIR/virtio_crypto_rs.ko
echo 4 > $SIMPAR/nqueues
check "vdpa dev add crypto0 with 4 data queues, virtio_crypto_rs bound, self-tests passed" sim_up
SV4=$(simdev)
# Eight concurrent encryptions, four on each CPU: the driver puts a request
# on its CPU's queue. (16 KiB each: with two CPUs AF_ALG's reader takes the
# writer's data as it arrives, a few dozen bytes a request, and 256 KiB each
# took five minutes.)
for i in 1 2 3 4 5 6 7 8; do
    ( taskset -c $((i % 2)) kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/big4 -o /tmp/ct.q$i 3</tmp/key
      echo $? > /tmp/rc.q$i ) &
done 2>/dev/null
wait
bad=
for i in 1 2 3 4 5 6 7 8; do
    [ "$(cat /tmp/rc.q$i)" = 0 ] && cmp -s /tmp/ct.q$i /tmp/big4.gen || bad="$bad $i"
done
check "4 queues, 2 CPUs: 8 concurrent encryptions (4 pinned to each CPU) correct${bad:+ (wrong:$bad)}" [ -z "$bad" ]
used=0; sused=0
for q in 0 1 2 3; do
    echo "#   data queue $q: $(queue_requests $SV4 $q) requests (driver's count), $(counter dataq$q.requests) (simulator's)"
    [ "$(queue_requests $SV4 $q)" -gt 0 ] && used=$((used + 1))
    [ "$(counter dataq$q.requests)" -gt 0 ] && sused=$((sused + 1))
done
check "4 queues, 2 CPUs: the encryptions were spread over $used queues by the driver's count, $sused by the simulator's (two or more on both)" \
    sh -c "[ $used -ge 2 ] && [ $sused -ge 2 ]"
check "vdpa dev del crypto0" vdpa dev del crypto0
check "rmmod virtio_crypto_rs" rmmod virtio_crypto_rs

section "30. kernel health"
health_check
finish
