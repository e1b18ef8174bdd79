// SPDX-License-Identifier: GPL-2.0
/*
 * vc-backend: a virtio-crypto device for QEMU 7.2's cryptodev-vhost-user,
 * made of DPDK 22.11's vhost-user crypto library (lib/vhost/vhost_crypto.c)
 * and its software "crypto_openssl" cryptodev. DPDK parses the sessions and
 * the data requests and does the crypto; this program only wires it to QEMU
 * and works around what keeps the two from talking (Documentation/dpdk-plan.md).
 *
 * Usage: vc-backend --socket PATH [--stats PATH] [--on-reject hang|error]
 *                   [--spin-us N] [--no-fixes] [--trace] [-- EAL arguments...]
 *
 * Threads:
 *  - the main thread is the EAL main lcore and serves data queue 0: fetch from
 *    the ring (DPDK), run the ops through the cryptodev, finalize (DPDK), and
 *    block on the kick eventfd when idle;
 *  - DPDK's vhost-events control thread handles vhost-user messages on an
 *    internal socket and calls new_connection/destroy_connection;
 *  - the relay thread accepts QEMU on --socket and copies messages between
 *    QEMU and the internal socket (patching the session message and pausing
 *    the worker around each message).
 *
 * Source references: DPDK v22.11.11 (Debian 22.11.11-0+deb12u1), QEMU
 * 7.2+dfsg-7+deb12u18 (7.2.0 + stable 7.2.1..22).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_crypto.h>
#include <linux/virtio_ring.h>

#include <rte_common.h>
#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_vhost.h>
#include <rte_vhost_crypto.h>

#define BURST 32
#define MAX_FDS 8		/* VHOST_MEMORY_MAX_NREGIONS (lib/vhost/vhost_user.h:18) */
#define MAX_PAYLOAD 4096
#define HDR_SIZE 12
/* vhost-user header flags (QEMU hw/virtio/vhost-user.c:206-208) */
#define VU_VERSION 0x1
#define VU_REPLY_MASK 0x4
#define VU_NEED_REPLY 0x8
/* vhost-user requests we look at */
#define VU_GET_FEATURES 1
#define VU_SET_LOG_BASE 6
#define VU_GET_VRING_BASE 11
#define VU_GET_PROTOCOL_FEATURES 15
#define VU_GET_QUEUE_NUM 17
#define VU_GET_CONFIG 24
#define VU_CREATE_CRYPTO_SESSION 26
#define VU_CLOSE_CRYPTO_SESSION 27
#define VU_POSTCOPY_ADVISE 28
#define VU_POSTCOPY_END 30
#define VU_GET_INFLIGHT_FD 31
#define VU_GET_MAX_MEM_SLOTS 36
#define VU_GET_STATUS 40
/* sizeof(VhostUserCryptoSession) in QEMU 7.2 and
 * sizeof(VhostUserCryptoSessionParam) in DPDK 22.11: both 632 bytes. */
#define SESSION_MSG_SIZE 632

static struct {
	/* options */
	const char *sock_path;
	const char *stats_path;
	int on_reject_error;	/* complete a request DPDK rejects, else leave it */
	int no_fixes;
	int trace;
	long spin_us;
	char int_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	/* DPDK objects */
	uint8_t cid;
	struct rte_mempool *sess_pool, *cop_pool;

	/* The worker lock: held by the worker while it touches the ring or
	 * DPDK's per-device state; others (relay, destroy_connection) take it
	 * by raising `want` and kicking ctl_fd. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int want;
	atomic_int vid;			/* -1: no device */
	atomic_int conn_gen;		/* bumped by new_connection */
	pthread_mutex_t conn_mu;
	pthread_cond_t conn_cv;
	int ctl_fd, stop_fd;
	volatile sig_atomic_t stop, dump;

	/* the slot DPDK keeps rejecting (hang mode): retried at kicks only */
	int stuck;
	uint16_t stuck_at;
	int rejected_valid;
	uint16_t rejected_at;
} g = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.conn_mu = PTHREAD_MUTEX_INITIALIZER,
	.conn_cv = PTHREAD_COND_INITIALIZER,
	.vid = -1,
	.spin_us = 100,
	.ctl_fd = -1,
	.stop_fd = -1,
};

static struct {
	atomic_ullong connections, disconnects, messages;
	atomic_ullong sessions_created, session_create_failed;
	atomic_ullong sessions_closed, session_close_failed;
	atomic_ullong requests_ok, requests_crypto_err;
	atomic_ullong requests_rejected, rejected_completed, rejected_no_status;
	atomic_ullong misrouted_ids, used_len_zero;
	atomic_ullong kicks, interrupts, max_pending;
	atomic_ullong wb_released;
} st;

static void vlog(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "vc-backend[%ld.%03ld]: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* CPU time of the whole process (all threads), to show it idles */
static long cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

#define C(x) (unsigned long long)atomic_load(&st.x)
static void format_stats(char *buf, size_t len)
{
	snprintf(buf, len,
		 "connections %llu\ndisconnects %llu\nvhost_messages %llu\n"
		 "sessions_created %llu\nsession_create_failed %llu\n"
		 "sessions_closed %llu\nsession_close_failed %llu\n"
		 "requests_ok %llu\nrequests_crypto_err %llu\n"
		 "requests_rejected %llu\nrejected_completed %llu\n"
		 "rejected_no_status %llu\nmisrouted_ids %llu\n"
		 "used_len_zero %llu\nmax_pending %llu\nkicks %llu\n"
		 "interrupts %llu\nwb_released %llu\ncpu_ms %ld\n",
		 C(connections), C(disconnects), C(messages),
		 C(sessions_created), C(session_create_failed),
		 C(sessions_closed), C(session_close_failed),
		 C(requests_ok), C(requests_crypto_err),
		 C(requests_rejected), C(rejected_completed),
		 C(rejected_no_status), C(misrouted_ids), C(used_len_zero),
		 C(max_pending), C(kicks), C(interrupts), C(wb_released),
		 cpu_ms());
}

static void write_stats(int to_log)
{
	char buf[1024], tmp[4096];
	FILE *f;

	format_stats(buf, sizeof(buf));
	if (to_log) {
		char *p, *save = NULL;

		for (p = strtok_r(buf, "\n", &save); p;
		     p = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "VCRS-BACKEND-STAT %s\n", p);
		format_stats(buf, sizeof(buf));
	}
	if (!g.stats_path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", g.stats_path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fputs(buf, f);
	fclose(f);
	rename(tmp, g.stats_path);
}

static void max_update(atomic_ullong *a, unsigned long long v)
{
	unsigned long long cur = atomic_load(a);

	while (v > cur && !atomic_compare_exchange_weak(a, &cur, v))
		;
}

/* ------------------------------------------------------------------ */
/* The worker lock                                                     */

static void lock_from_other(void)
{
	atomic_fetch_add(&g.want, 1);
	eventfd_write(g.ctl_fd, 1);
	pthread_mutex_lock(&g.mu);
}

static void unlock_from_other(void)
{
	atomic_fetch_sub(&g.want, 1);
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
}

/* ------------------------------------------------------------------ */
/* DPDK internals we must reach (guarded by a size check at run time)  */

/*
 * struct vhost_crypto_data_req and struct vhost_crypto_writeback_data are
 * private to lib/vhost/vhost_crypto.c:218-236 (v22.11); DPDK keeps the former
 * in the private area of every mbuf of its pool (:1419-1423). Two of its
 * bugs need them:
 *  - finalize only returns the write-back list to its pool when the op
 *    succeeded (:1303-1307): every failed op (e.g. an AES-CBC length that is
 *    not a multiple of 16, a tag mismatch) leaks 1-2 of the pool's 8192
 *    elements, and once it is empty every request is rejected;
 *  - `wb` is never reset, and the error path of prepare_sym_cipher_op and
 *    prepare_sym_chain_op frees whatever it holds (:905-906, :1111-1112): a
 *    request rejected early on an mbuf that served an earlier request frees a
 *    stale list into the pool a second time, and free_wb_data (:624-632)
 *    loops forever on a list of two or more (chains).
 * So after each use we release the list of a failed op and clear `wb`.
 */
struct dpdk_wb {
	uint8_t *src;
	uint8_t *dst;
	uint64_t len;
	struct dpdk_wb *next;
};

struct dpdk_data_req {
	void *head;
	void *dev;
	void *inhdr;
	void *vq;
	struct dpdk_wb *wb;
	struct rte_mempool *wb_pool;
	uint16_t desc_idx;
	uint16_t len;
	uint16_t zero_copy;
};

static void fix_wb(struct rte_crypto_op *op, int release)
{
	struct rte_mbuf *m = op->sym->m_src;
	struct dpdk_data_req *r;

	if (g.no_fixes || !m || m->priv_size != sizeof(struct dpdk_data_req))
		return;
	r = rte_mbuf_to_priv(m);
	if (release && r->wb && r->wb_pool) {
		struct dpdk_wb *w = r->wb, *next;
		int n = 0;

		while (w && n < 2 * VHOST_CRYPTO_MAX_N_DESC) {
			next = w->next;
			rte_mempool_put(r->wb_pool, w);
			w = next;
			n++;
		}
		atomic_fetch_add(&st.wb_released, n);
	}
	r->wb = NULL;
}

/* ------------------------------------------------------------------ */
/* Rejected requests                                                   */

/*
 * rte_vhost_crypto_fetch_requests stops at the first request that
 * vhost_crypto_process_one_req refuses (vhost_crypto.c:1633-1647) without
 * advancing last_used_idx: the request is retried at every fetch and never
 * completed; the queue is wedged behind it. It writes the status byte only
 * in a few cases: reach_inhdr looks at the second-to-last entry of the
 * indirect table once the header is read (max_n_descs was decremented at
 * :1214 before `error_exit` uses it, :1276).
 * With --on-reject error we complete it ourselves: status VIRTIO_CRYPTO_ERR
 * in the last descriptor of the chain (when it is writable), used.len 1.
 */
static void *gpa_to_va(struct rte_vhost_memory *mem, uint64_t gpa, uint64_t len)
{
	uint64_t l = len;
	uint64_t va = rte_vhost_va_from_guest_pa(mem, gpa, &l);

	return va && l == len ? (void *)(uintptr_t)va : NULL;
}

static int complete_rejected(int vid, struct rte_vhost_vring *vr, uint16_t slot_idx)
{
	struct rte_vhost_memory *mem = NULL;
	uint16_t mask = vr->size - 1, la, lu, head;
	struct vring_desc *table = vr->desc, *d;
	uint32_t n = vr->size, i = 0, steps = 0;
	int have_status = 0;

	head = vr->avail->ring[slot_idx & mask];
	if (head >= vr->size || rte_vhost_get_mem_table(vid, &mem) != 0)
		return -1;
	d = &table[head];
	if (d->flags & VRING_DESC_F_INDIRECT) {
		table = gpa_to_va(mem, d->addr, d->len);
		n = d->len / sizeof(*d);
		if (!table || !n)
			goto write_used;
		d = &table[0];
	}
	for (;;) {
		if (++steps > n)
			goto write_used;
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
		if (i >= n)
			goto write_used;
		d = &table[i];
	}
	if ((d->flags & VRING_DESC_F_WRITE) && d->len >= 1) {
		uint8_t *status = gpa_to_va(mem, d->addr, 1);

		if (status) {
			*status = VIRTIO_CRYPTO_ERR;
			have_status = 1;
		}
	}
write_used:
	free(mem);
	if (!have_status)
		atomic_fetch_add(&st.rejected_no_status, 1);
	{
		uint16_t u = *(volatile uint16_t *)&vr->used->idx;

		vr->used->ring[u & mask].id = head;
		vr->used->ring[u & mask].len = have_status;
		rte_wmb();
		*(volatile uint16_t *)&vr->used->idx = u + 1;
	}
	rte_vhost_get_vring_base(vid, 0, &la, &lu);
	rte_vhost_set_vring_base(vid, 0, la, lu + 1);
	rte_vhost_vring_call(vid, 0);
	atomic_fetch_add(&st.interrupts, 1);
	atomic_fetch_add(&st.rejected_completed, 1);
	return 0;
}

/* --trace: the descriptor chain of a request (or only its status byte),
 * to debug a driver against this device. */
static void trace_req(int vid, struct rte_vhost_vring *vr, uint16_t head,
		      const char *when)
{
	struct rte_vhost_memory *mem = NULL;
	struct vring_desc *t = vr->desc, *d;
	uint32_t n = vr->size, i = head, steps = 0;
	char line[1024];
	int off = 0;

	if (rte_vhost_get_mem_table(vid, &mem) != 0)
		return;
	d = &t[head];
	if (d->flags & VRING_DESC_F_INDIRECT) {
		n = d->len / sizeof(*d);
		t = gpa_to_va(mem, d->addr, d->len);
		i = 0;
		off += snprintf(line + off, sizeof(line) - off, "indirect[%u]", n);
		if (!t)
			goto out;
	}
	for (; i < n && steps++ < n && off < (int)sizeof(line) - 64; i = t[i].next) {
		d = &t[i];
		off += snprintf(line + off, sizeof(line) - off, " %s%u",
				d->flags & VRING_DESC_F_WRITE ? "w" : "r", d->len);
		if (steps == 1 && d->len >= sizeof(struct virtio_crypto_op_data_req)) {
			struct virtio_crypto_op_data_req *r = gpa_to_va(mem, d->addr, sizeof(*r));

			if (r && r->u.sym_req.op_type == VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING) {
				struct virtio_crypto_alg_chain_data_para *c = &r->u.sym_req.u.chain.para;

				off += snprintf(line + off, sizeof(line) - off,
						"[op %#x chain iv %u src %u dst %u c@%u+%u h@%u+%u aad %u tag %u]",
						r->header.opcode, c->iv_len, c->src_data_len,
						c->dst_data_len, c->cipher_start_src_offset,
						c->len_to_cipher, c->hash_start_src_offset,
						c->len_to_hash, c->aad_len, c->hash_result_len);
			} else if (r && r->u.sym_req.op_type == VIRTIO_CRYPTO_SYM_OP_CIPHER) {
				struct virtio_crypto_cipher_para *c = &r->u.sym_req.u.cipher.para;

				off += snprintf(line + off, sizeof(line) - off,
						"[op %#x iv %u src %u dst %u]", r->header.opcode,
						c->iv_len, c->src_data_len, c->dst_data_len);
			}
		}
		if (d->len <= 2 && (d->flags & VRING_DESC_F_WRITE)) {
			uint8_t *b = gpa_to_va(mem, d->addr, d->len);

			if (b)
				off += snprintf(line + off, sizeof(line) - off,
						"(=%u)", b[0]);
		}
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
	}
out:
	vlog("trace %s head %u: %s", when, head, line);
	free(mem);
}

/* ------------------------------------------------------------------ */
/* The data path                                                       */

/* Returns the number of requests completed, or -1 when DPDK rejected one
 * (and it was left in place). */
static int serve_batch(int vid, struct rte_vhost_vring *vr)
{
	struct rte_crypto_op *ops[BURST], *deq[BURST];
	uint16_t heads[BURST], la, lu, avail, pending, n, got, k, j;
	uint16_t mask = vr->size - 1;
	int ret;

	if (rte_vhost_get_vring_base(vid, 0, &la, &lu) != 0)
		return 0;
	avail = *(volatile uint16_t *)&vr->avail->idx;
	rte_smp_rmb();
	pending = avail - lu;
	if (pending == 0)
		return 0;
	if (pending > vr->size) {
		if (!(g.stuck && g.stuck_at == lu))
			vlog("avail.idx %u is %u past last used %u: guest bug, waiting for a kick",
			     avail, pending, lu);
		g.stuck = 1;
		g.stuck_at = lu;
		return -1;
	}
	if (g.stuck && g.stuck_at == lu)
		/* hang mode: DPDK keeps rejecting this one; retried at the next kick */
		return -1;
	g.stuck = 0;
	max_update(&st.max_pending, pending);
	n = RTE_MIN(pending, BURST);
	for (k = 0; k < n; k++)
		heads[k] = vr->avail->ring[(uint16_t)(lu + k) & mask];
	if (rte_crypto_op_bulk_alloc(g.cop_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
				     ops, n) != n) {
		vlog("out of crypto ops");
		return 0;
	}
	if (g.trace)
		for (k = 0; k < n; k++)
			trace_req(vid, vr, heads[k], "fetch");
	got = rte_vhost_crypto_fetch_requests(vid, 0, ops, n);
	if (got) {
		uint16_t sent = 0, recvd = 0, fin = 0, used_before;

		used_before = *(volatile uint16_t *)&vr->used->idx;
		while (recvd < got) {
			if (sent < got)
				sent += rte_cryptodev_enqueue_burst(g.cid, 0,
						ops + sent, got - sent);
			recvd += rte_cryptodev_dequeue_burst(g.cid, 0,
					deq + recvd, got - recvd);
		}
		for (j = 0; j < got; j++) {
			if (deq[j]->status == RTE_CRYPTO_OP_STATUS_SUCCESS)
				atomic_fetch_add(&st.requests_ok, 1);
			else
				atomic_fetch_add(&st.requests_crypto_err, 1);
		}
		while (fin < got) {
			int callfds[VIRTIO_CRYPTO_MAX_NUM_BURST_VQS];
			uint16_t ncall = 0, r;

			r = rte_vhost_crypto_finalize_requests(deq + fin,
					got - fin, callfds, &ncall);
			if (!r) {
				vlog("finalize made no progress (%u of %u)", fin, got);
				break;
			}
			fin += r;
		}
		/*
		 * rte_vhost_crypto_finalize_requests does not notify: the
		 * application must (examples/vhost_crypto/main.c:431-433).
		 * rte_vhost_vring_call also honours VRING_AVAIL_F_NO_INTERRUPT.
		 */
		rte_vhost_vring_call(vid, 0);
		atomic_fetch_add(&st.interrupts, 1);
		/*
		 * Diagnostics of the used-ring bug (vhost_crypto.c:1310-1312):
		 * the entry is written at slot avail->ring[head] instead of at
		 * used->idx. Count the completions whose slot (the one the
		 * guest reads) does not name the head it expects, and those
		 * whose slot says len 0.
		 */
		for (j = 0; j < fin; j++) {
			struct vring_used_elem *e =
				&vr->used->ring[(uint16_t)(used_before + j) & mask];

			for (k = 0; k < got && ops[k] != deq[j]; k++)
				;
			if (k < got && e->id != heads[k])
				atomic_fetch_add(&st.misrouted_ids, 1);
			if (e->len == 0)
				atomic_fetch_add(&st.used_len_zero, 1);
		}
		for (j = 0; j < got; j++)
			fix_wb(deq[j], deq[j]->status != RTE_CRYPTO_OP_STATUS_SUCCESS);
		if (g.trace) {
			for (k = 0; k < got; k++)
				trace_req(vid, vr, heads[k], "done");
			for (j = 0; j < fin; j++) {
				struct vring_used_elem *e = &vr->used->ring[(uint16_t)(used_before + j) & mask];

				vlog("trace used[%u] = {id %u, len %u}; used.idx %u",
				     (uint16_t)(used_before + j) & mask, e->id, e->len,
				     vr->used->idx);
			}
		}
	}
	/* the op DPDK rejected had an mbuf too (vhost_crypto.c:1630-1645) */
	for (k = got; k < n; k++)
		fix_wb(ops[k], 0);
	rte_mempool_put_bulk(g.cop_pool, (void **)ops, n);
	ret = got;
	if (got < n) {
		uint16_t slot;

		rte_vhost_get_vring_base(vid, 0, &la, &lu);
		slot = lu;
		/* counted and logged once per request, not at every retry */
		if (!(g.rejected_valid && g.rejected_at == slot)) {
			atomic_fetch_add(&st.requests_rejected, 1);
			vlog("DPDK rejected the request in avail slot %u (head %u)%s",
			     slot & mask, vr->avail->ring[slot & mask],
			     g.on_reject_error ? ": completing it with VIRTIO_CRYPTO_ERR"
					       : ": the queue stays wedged (--on-reject hang)");
		}
		g.rejected_valid = 1;
		g.rejected_at = slot;
		if (g.on_reject_error && complete_rejected(vid, vr, slot) == 0) {
			g.rejected_valid = 0;
			return ret + 1;
		}
		g.stuck = 1;
		g.stuck_at = slot;
		return -1;
	}
	return ret;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Called with g.mu held; drops it while blocked. Returns 1 after a kick. */
static int idle_wait(int kickfd, int timeout_ms)
{
	int kicked = 0;
	struct pollfd p[3] = {
		{ .fd = g.ctl_fd, .events = POLLIN },
		{ .fd = g.stop_fd, .events = POLLIN },
		{ .fd = kickfd, .events = POLLIN },
	};
	eventfd_t v;

	pthread_mutex_unlock(&g.mu);
	if (poll(p, kickfd >= 0 ? 3 : 2, timeout_ms) > 0) {
		if (p[0].revents & POLLIN)
			eventfd_read(g.ctl_fd, &v);
		if (kickfd >= 0 && (p[2].revents & POLLIN)) {
			/* QEMU's ioeventfd: a non-blocking eventfd */
			if (read(kickfd, &v, sizeof(v)) == sizeof(v)) {
				atomic_fetch_add(&st.kicks, 1);
				kicked = 1;
			}
		}
	}
	pthread_mutex_lock(&g.mu);
	return kicked;
}

static void worker_loop(void)
{
	long idle_since = 0, last_stats = 0;
	char last[1024] = "", cur[1024];

	pthread_mutex_lock(&g.mu);
	for (;;) {
		struct rte_vhost_vring vr;
		int vid, r;

		while (atomic_load(&g.want))
			pthread_cond_wait(&g.cv, &g.mu);
		if (g.stop)
			break;
		if (g.dump) {
			g.dump = 0;
			write_stats(1);
		}
		if (g.stats_path && now_us() - last_stats > 1000000) {
			format_stats(cur, sizeof(cur));
			if (strcmp(cur, last)) {
				write_stats(0);
				strcpy(last, cur);
			}
			last_stats = now_us();
		}
		vid = atomic_load(&g.vid);
		/*
		 * Do not wait for new_device: DPDK never calls it with QEMU 7.2
		 * (no SET_VRING_ENABLE for crypto: QEMU backends/cryptodev-vhost.c:97
		 * starts with vrings=false; DPDK vhost_user.c:1424-1441,2042-2048).
		 * The ring is usable once SET_VRING_KICK has translated its
		 * addresses (vhost_user.c:2036-2038).
		 */
		if (vid < 0 || rte_vhost_get_vhost_vring(vid, 0, &vr) != 0 ||
		    !vr.desc || !vr.avail || !vr.used || !vr.size) {
			idle_wait(-1, 1000);
			continue;
		}
		r = serve_batch(vid, &vr);
		if (r > 0) {
			idle_since = 0;
			continue;
		}
		if (r == 0) {
			if (!idle_since)
				idle_since = now_us();
			if (now_us() - idle_since < g.spin_us) {
				rte_pause();
				continue;
			}
		}
		/*
		 * Block on the kick eventfd. DPDK never writes avail_event
		 * (used->ring[size]); with VIRTIO_RING_F_EVENT_IDX the guest
		 * kicks only when its avail index passes it, so we publish our
		 * position here (as a device with EVENT_IDX does) before we
		 * sleep; without EVENT_IDX (QEMU event_idx=off) the guest
		 * ignores the field and kicks every time.
		 */
		{
			uint16_t la, lu, avail;

			rte_vhost_get_vring_base(vid, 0, &la, &lu);
			volatile uint16_t *avail_event = (volatile uint16_t *)
				((char *)vr.used + offsetof(struct vring_used, ring) +
				 vr.size * sizeof(struct vring_used_elem));

			*avail_event = lu;
			rte_smp_mb();
			avail = *(volatile uint16_t *)&vr.avail->idx;
			if (avail != lu && !(g.stuck && g.stuck_at == lu))
				continue;
		}
		idle_since = 0;
		if (idle_wait(vr.kickfd, g.stats_path ? 1000 : -1))
			g.stuck = 0;	/* a kick: let DPDK try again */
	}
	pthread_mutex_unlock(&g.mu);
}

/* ------------------------------------------------------------------ */
/* vhost callbacks (DPDK's vhost-events thread)                        */

/*
 * DPDK's own example creates the vhost-crypto instance (and with it the
 * handler of the session messages, extern_ops.post_msg_handle,
 * vhost_crypto.c:1442-1444) in new_device, which QEMU 7.2 never lets DPDK
 * call (see worker_loop). new_connection runs at accept (socket.c:253-254),
 * before the first message.
 */
static int on_new_connection(int vid)
{
	int r = rte_vhost_crypto_create(vid, g.cid, g.sess_pool, rte_socket_id());

	if (r < 0) {
		vlog("rte_vhost_crypto_create(%d) failed: %d", vid, r);
		return -1;
	}
	atomic_fetch_add(&st.connections, 1);
	vlog("connection: vid %d", vid);
	atomic_store(&g.vid, vid);
	pthread_mutex_lock(&g.conn_mu);
	atomic_fetch_add(&g.conn_gen, 1);
	pthread_cond_broadcast(&g.conn_cv);
	pthread_mutex_unlock(&g.conn_mu);
	return 0;
}

/*
 * QEMU gone (or the relay closed the internal connection): socket.c:315-325
 * closes the socket and calls us before vhost_destroy_device frees the
 * device and unmaps guest memory. destroy_device is never called (the
 * device never ran, :2093). Nothing is in flight in the cryptodev between
 * two batches, so holding the worker lock is enough.
 */
static void on_destroy_connection(int vid)
{
	lock_from_other();
	if (atomic_load(&g.vid) == vid)
		atomic_store(&g.vid, -1);
	g.stuck = 0;
	g.rejected_valid = 0;
	rte_vhost_crypto_free(vid);
	unlock_from_other();
	atomic_fetch_add(&st.disconnects, 1);
	vlog("disconnection: vid %d", vid);
}

/* ------------------------------------------------------------------ */
/* The relay between QEMU and DPDK's socket                            */

struct msg {
	uint32_t req, flags, size;
	uint8_t payload[MAX_PAYLOAD];
	int fds[MAX_FDS];
	int nfds;
};

static void close_fds(struct msg *m)
{
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
}

/* 1: a message; 0: EOF; -1: error. */
static int recv_part(int fd, void *buf, size_t len, struct msg *m)
{
	size_t got = 0;

	while (got < len) {
		char cbuf[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct iovec iov = { (char *)buf + got, len - got };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 0 : -1;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			int nf = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *f = (int *)CMSG_DATA(c);

			for (int i = 0; i < nf; i++) {
				if (m->nfds < MAX_FDS)
					m->fds[m->nfds++] = f[i];
				else
					close(f[i]);
			}
		}
		got += r;
	}
	return 1;
}

static int recv_msg(int fd, struct msg *m)
{
	uint32_t h[3];
	int r;

	m->nfds = 0;
	r = recv_part(fd, h, HDR_SIZE, m);
	if (r <= 0)
		return r;
	m->req = h[0];
	m->flags = h[1];
	m->size = h[2];
	if (m->size > MAX_PAYLOAD) {
		vlog("vhost-user message %u with size %u: too large", m->req, m->size);
		return -1;
	}
	return m->size ? recv_part(fd, m->payload, m->size, m) : 1;
}

static int send_msg(int fd, struct msg *m)
{
	uint32_t h[3] = { m->req, m->flags, m->size };
	char cbuf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct iovec iov[2] = { { h, HDR_SIZE }, { m->payload, m->size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = m->size ? 2 : 1 };
	size_t total = HDR_SIZE + m->size, sent = 0;

	if (m->nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(m->nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(m->nfds * sizeof(int));
		memcpy(CMSG_DATA(c), m->fds, m->nfds * sizeof(int));
	}
	while (sent < total) {
		ssize_t r = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		sent += r;
		/* the rest, without the fds */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (r > 0 && mh.msg_iovlen) {
			if ((size_t)r >= mh.msg_iov[0].iov_len) {
				r -= mh.msg_iov[0].iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov[0].iov_base = (char *)mh.msg_iov[0].iov_base + r;
				mh.msg_iov[0].iov_len -= r;
				r = 0;
			}
		}
	}
	return 0;
}

/* Requests QEMU 7.2 reads a reply to even without NEED_REPLY, and which DPDK
 * 22.11 answers (RTE_VHOST_MSG_RESULT_REPLY). */
static int natural_reply(uint32_t req)
{
	switch (req) {
	case VU_GET_FEATURES: case VU_SET_LOG_BASE: case VU_GET_VRING_BASE:
	case VU_GET_PROTOCOL_FEATURES: case VU_GET_QUEUE_NUM: case VU_GET_CONFIG:
	case VU_CREATE_CRYPTO_SESSION: case VU_POSTCOPY_ADVISE: case VU_POSTCOPY_END:
	case VU_GET_INFLIGHT_FD: case VU_GET_MAX_MEM_SLOTS: case VU_GET_STATUS:
		return 1;
	}
	return 0;
}

static uint32_t get_le32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put_le32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Waits for one message on dfd; 1: got it; 0: EOF/stop. */
static int wait_reply(int dfd, struct msg *m)
{
	struct pollfd p[2] = {
		{ .fd = dfd, .events = POLLIN },
		{ .fd = g.stop_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (p[1].revents)
			return 0;
		if (p[0].revents)
			return recv_msg(dfd, m) > 0;
	}
}

/*
 * One message from QEMU: pause the worker, pass it on, wait for DPDK's
 * answer, pass that on if QEMU waits for it, resume. Returns 0 to go on,
 * -1 to drop the connection.
 */
static int relay_one(int qfd, int dfd, struct msg *m, struct msg *rep)
{
	int forward_reply, ret = 0;
	uint32_t req = m->req;

	atomic_fetch_add(&st.messages, 1);
	/*
	 * Blocker B: QEMU 7.1+ sends CryptoDevBackendSymSessionInfo
	 * (include/sysemu/cryptodev.h:75-89; hw/virtio/vhost-user.c:2376-2377)
	 * right after session_id, but DPDK 22.11's VhostUserCryptoSessionParam
	 * (lib/vhost/vhost_user.h:95-112) still has `uint32_t op_code` there
	 * (QEMU dropped it from that struct in 7.1). Both are 632 bytes. Shift
	 * the 28 bytes cipher_alg..alg_chain_order 4 bytes up and put the
	 * opcode in; the reply (session_id at offset 0) needs no change.
	 * (DPDK 25.03 changed its layout to QEMU's.)
	 */
	if (req == VU_CREATE_CRYPTO_SESSION && m->size == SESSION_MSG_SIZE) {
		memmove(m->payload + 12, m->payload + 8, 28);
		put_le32(m->payload + 8, VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
	}
	/*
	 * 22.11's data path takes no lock (rte_vhost_crypto_fetch_requests,
	 * vhost_crypto.c:1542-1650; the access_ok check came later), its
	 * session map is an rte_hash without reader/writer concurrency, and
	 * GET_VRING_BASE/SET_MEM_TABLE/SET_VRING_* unmap or replace what the
	 * worker reads (vhost_user.c:2082-2154). So the worker is paused while
	 * DPDK handles any message. To know when DPDK is done with a message
	 * that has no reply, ask for one: DPDK answers NEED_REPLY with an ack
	 * unless it already replied (vhost_user.c:3153-3163), so each message
	 * gets exactly one answer. A side effect: a CLOSE_CRYPTO_SESSION that
	 * DPDK refuses (unknown id, vhost_crypto.c:410-416, :462-463) no longer drops the
	 * connection, since the error goes into the ack.
	 */
	forward_reply = natural_reply(req) || (m->flags & VU_NEED_REPLY);
	if (!natural_reply(req))
		m->flags |= VU_NEED_REPLY;

	lock_from_other();
	if (send_msg(dfd, m) < 0) {
		close_fds(m);
		unlock_from_other();
		return -1;
	}
	close_fds(m);
	if (!wait_reply(dfd, rep)) {
		unlock_from_other();
		vlog("DPDK closed the connection while handling request %u", req);
		return -1;
	}
	unlock_from_other();

	if (req == VU_CREATE_CRYPTO_SESSION && rep->size >= 8) {
		int64_t id;

		memcpy(&id, rep->payload, 8);
		if (id >= 0)
			atomic_fetch_add(&st.sessions_created, 1);
		else
			atomic_fetch_add(&st.session_create_failed, 1);
		if (id < 0)
			vlog("session create refused: %" PRId64 " (cipher_algo %u, op_type %u)",
			     id, get_le32(m->payload + 12), m->payload[36]);
	}
	if (req == VU_CLOSE_CRYPTO_SESSION) {
		uint64_t res = 0;

		if (rep->size >= 8)
			memcpy(&res, rep->payload, 8);
		if (res)
			atomic_fetch_add(&st.session_close_failed, 1);
		else
			atomic_fetch_add(&st.sessions_closed, 1);
	}
	if (!forward_reply) {
		uint64_t res = 0;

		if (rep->size >= 8)
			memcpy(&res, rep->payload, 8);
		if (res && req != VU_CLOSE_CRYPTO_SESSION)
			vlog("DPDK failed request %u", req);
		close_fds(rep);
		return 0;
	}
	if (send_msg(qfd, rep) < 0)
		ret = -1;
	close_fds(rep);
	return ret;
}

static int connect_internal(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(a.sun_path, g.int_path, sizeof(a.sun_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		vlog("connect %s: %s", g.int_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void serve_connection(int qfd)
{
	static struct msg m, rep;
	int gen = atomic_load(&g.conn_gen), dfd;
	struct timespec dl;

	dfd = connect_internal();
	if (dfd < 0)
		return;
	/* Wait for new_connection (the vhost instance) before the first
	 * message: it must exist when DPDK reads one. */
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	pthread_mutex_lock(&g.conn_mu);
	while (atomic_load(&g.conn_gen) == gen && !g.stop)
		if (pthread_cond_timedwait(&g.conn_cv, &g.conn_mu, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&g.conn_mu);
	if (atomic_load(&g.conn_gen) == gen) {
		vlog("DPDK did not take the connection");
		close(dfd);
		return;
	}
	vlog("QEMU connected");
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = qfd, .events = POLLIN },
			{ .fd = dfd, .events = POLLIN },
			{ .fd = g.stop_fd, .events = POLLIN },
		};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents)
			break;
		if (p[1].revents) {
			/* nothing unsolicited is expected (no slave channel) */
			int r = recv_msg(dfd, &rep);

			if (r <= 0) {
				vlog("DPDK closed the connection");
				break;
			}
			send_msg(qfd, &rep);
			close_fds(&rep);
			continue;
		}
		if (p[0].revents) {
			int r = recv_msg(qfd, &m);

			if (r <= 0) {
				vlog("QEMU closed the connection");
				close_fds(&m);
				break;
			}
			if (relay_one(qfd, dfd, &m, &rep) < 0)
				break;
		}
	}
	close(dfd);
	close(qfd);
}

static void *relay_main(void *arg)
{
	int lfd = *(int *)arg;

	while (!g.stop) {
		struct pollfd p[2] = {
			{ .fd = lfd, .events = POLLIN },
			{ .fd = g.stop_fd, .events = POLLIN },
		};
		int qfd;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			break;
		qfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (qfd < 0)
			continue;
		serve_connection(qfd);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		g.dump = 1;
	else
		g.stop = 1;
	if (g.stop)
		eventfd_write(g.stop_fd, 1);
	eventfd_write(g.ctl_fd, 1);
}

static int setup_crypto(void)
{
	struct rte_cryptodev_config conf = {
		.socket_id = rte_socket_id(),
		.nb_queue_pairs = 1,
		.ff_disable = RTE_CRYPTODEV_FF_SECURITY |
			      RTE_CRYPTODEV_FF_ASYMMETRIC_CRYPTO,
	};
	struct rte_cryptodev_qp_conf qp = { .nb_descriptors = 128 };
	int cid = rte_cryptodev_get_dev_id("crypto_openssl0");

	if (cid < 0) {
		vlog("no crypto_openssl0 cryptodev (is librte-crypto-openssl23 installed?)");
		return -1;
	}
	g.cid = cid;
	if (rte_cryptodev_configure(g.cid, &conf) < 0)
		return -1;
	/* rte_cryptodev_sym_session_pool_create is __rte_experimental in 22.11 */
	g.sess_pool = rte_cryptodev_sym_session_pool_create("vc_sess",
			VHOST_CRYPTO_SESSION_MAP_ENTRIES,
			rte_cryptodev_sym_get_private_session_size(g.cid),
			0, 0, rte_socket_id());
	if (!g.sess_pool)
		return -1;
	qp.mp_session = g.sess_pool;
	if (rte_cryptodev_queue_pair_setup(g.cid, 0, &qp, rte_socket_id()) < 0)
		return -1;
	if (rte_cryptodev_start(g.cid) < 0)
		return -1;
	/* the IV goes into the op's private area (vhost_crypto.c:16-17) */
	g.cop_pool = rte_crypto_op_pool_create("vc_cop",
			RTE_CRYPTO_OP_TYPE_SYMMETRIC, 1024, 0,
			VHOST_CRYPTO_MAX_IV_LEN, rte_socket_id());
	return g.cop_pool ? 0 : -1;
}

static int setup_vhost(void)
{
	static const struct rte_vhost_device_ops ops = {
		.new_connection = on_new_connection,
		.destroy_connection = on_destroy_connection,
	};
	const char *p = g.int_path;

	unlink(p);
	/*
	 * Flags 0: DPDK's example passes RTE_VHOST_USER_ASYNC_COPY
	 * (examples/vhost_crypto/main.c:600), which only matters to the net
	 * data path and makes SET_MEM_TABLE populate all guest memory.
	 */
	if (rte_vhost_driver_register(p, 0) < 0)
		return -1;
	/*
	 * Not rte_vhost_crypto_driver_start(): it adds
	 * VHOST_USER_PROTOCOL_F_CONFIG (vhost_crypto.c:1367), which QEMU 7.2's
	 * crypto device does not handle (hw/virtio/vhost-user.c:2024-2030
	 * warns and masks it; upstream 7.2.0 mishandles the warning). Bit 30
	 * must be there or QEMU never asks for protocol features and refuses
	 * to send sessions (vhost-user.c:1995, :2360-2373).
	 */
	if (rte_vhost_driver_set_features(p, (1ULL << VIRTIO_F_VERSION_1) |
			(1ULL << VHOST_USER_F_PROTOCOL_FEATURES) |
			(1ULL << VIRTIO_RING_F_INDIRECT_DESC)) < 0)
		return -1;
	/* Only what we need: no MQ, slave channel, inflight, status, config. */
	if (rte_vhost_driver_set_protocol_features(p,
			(1ULL << VHOST_USER_PROTOCOL_F_CRYPTO_SESSION) |
			(1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK)) < 0)
		return -1;
	if (rte_vhost_driver_callback_register(p, &ops) < 0)
		return -1;
	return rte_vhost_driver_start(p);
}

static int listen_public(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char tmp[sizeof(a.sun_path)];
	int fd;

	if (strlen(g.sock_path) + 5 >= sizeof(a.sun_path)) {
		vlog("socket path too long");
		return -1;
	}
	/* Bind under a temporary name and rename: the path appears only
	 * once we listen, so a launcher may wait for it. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", g.sock_path);
	unlink(tmp);
	strcpy(a.sun_path, tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0 || rename(tmp, g.sock_path) < 0) {
		vlog("listen %s: %s", g.sock_path, strerror(errno));
		return -1;
	}
	return fd;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vc-backend --socket PATH [--stats PATH] [--on-reject hang|error]\n"
		"                  [--spin-us N] [--no-fixes] [--trace] [-- EAL arguments]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "stats", required_argument, NULL, 'S' },
		{ "on-reject", required_argument, NULL, 'r' },
		{ "spin-us", required_argument, NULL, 'p' },
		{ "no-fixes", no_argument, NULL, 'n' },
		{ "trace", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *eal[64], lcore[16], prefix[32];
	int neal = 0, c, lfd, i;
	cpu_set_t cs;
	pthread_t relay;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': g.sock_path = optarg; break;
		case 'S': g.stats_path = optarg; break;
		case 'r':
			if (!strcmp(optarg, "error"))
				g.on_reject_error = 1;
			else if (strcmp(optarg, "hang"))
				usage();
			break;
		case 'p': g.spin_us = atol(optarg); break;
		case 'n': g.no_fixes = 1; break;
		case 't': g.trace = 1; break;
		default: usage();
		}
	}
	if (!g.sock_path)
		usage();
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (snprintf(g.int_path, sizeof(g.int_path) - 1, "%s.dpdk", g.sock_path) >=
	    (int)sizeof(g.int_path) - 1) {
		vlog("socket path too long");
		return 2;
	}

	/* EAL: no hugepages, no PCI, no files; the main lcore is the first CPU
	 * we may run on (taskset decides), which the worker then uses. */
	CPU_ZERO(&cs);
	sched_getaffinity(0, sizeof(cs), &cs);
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &cs); i++)
		;
	snprintf(lcore, sizeof(lcore), "%d", i);
	snprintf(prefix, sizeof(prefix), "vc-backend-%d", (int)getpid());
	eal[neal++] = argv[0];
	eal[neal++] = "--no-huge";
	eal[neal++] = "-m";
	eal[neal++] = "256";
	eal[neal++] = "--no-pci";
	/* --in-memory conflicts with --no-huge (legacy memory); --no-shconf
	 * keeps a second instance from clashing with the first. */
	eal[neal++] = "--no-shconf";
	eal[neal++] = "--file-prefix";
	eal[neal++] = prefix;
	eal[neal++] = "--no-telemetry";
	eal[neal++] = "-l";
	eal[neal++] = lcore;
	eal[neal++] = "--vdev";
	eal[neal++] = "crypto_openssl0";
	for (i = optind; i < argc && neal < 63; i++)
		eal[neal++] = argv[i];
	eal[neal] = NULL;

	g.ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (rte_eal_init(neal, eal) < 0) {
		vlog("rte_eal_init failed: %s", rte_strerror(rte_errno));
		return 1;
	}
	if (setup_crypto() < 0) {
		vlog("cryptodev setup failed");
		return 1;
	}
	if (setup_vhost() < 0) {
		vlog("vhost setup on %s failed", g.int_path);
		return 1;
	}
	lfd = listen_public();
	if (lfd < 0)
		return 1;
	if (pthread_create(&relay, NULL, relay_main, &lfd) != 0)
		return 1;
	vlog("ready on %s (lcore %s, on-reject %s, spin %ld us%s)", g.sock_path,
	     lcore, g.on_reject_error ? "error" : "hang", g.spin_us,
	     g.no_fixes ? ", no fixes" : "");

	worker_loop();

	/* SIGTERM: the relay closes both ends; DPDK then sees the internal
	 * connection close and calls destroy_connection. */
	pthread_join(relay, NULL);
	close(lfd);
	unlink(g.sock_path);
	for (i = 0; i < 300 && atomic_load(&g.vid) >= 0; i++)
		usleep(10000);
	for (i = 0; i < 100 && rte_vhost_driver_unregister(g.int_path) != 0; i++)
		usleep(10000);
	unlink(g.int_path);
	rte_cryptodev_stop(g.cid);
	rte_cryptodev_close(g.cid);
	vlog("exiting");
	write_stats(1);
	rte_eal_cleanup();
	return 0;
}
