// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour current Linux has and 6.12 did not, or where ours differed
 * from both: the errno of a MSG_ZEROCOPY send beyond the optmem limit;
 * SO_LINGER waiting only until the data has left the sender; a sender
 * queueing no more than its own buffer size; transports named as the
 * kernel's vsock tooling looks for them.
 *
 * Runs over loopback (CID 1) and, with VV_PEER_CID=2, over the VMCI
 * transport on the host personality; a case that does not apply to a
 * transport skips with the reason.
 */
#include <linux/sockios.h>

#include "vsock_util.h"

#define MIB	(1024 * 1024)

static void set_u64(int fd, int opt, unsigned long long v)
{
	CHECK_OK(setsockopt(fd, AF_VSOCK, opt, &v, sizeof(v)));
}

/* Give @fd a receive buffer of @size (raising the maximum first). */
static void set_buffer(int fd, unsigned long long size)
{
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE, size);
	set_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE, size);
}

/*
 * Every MSG_ZEROCOPY send charges a completion record to the sender's
 * optmem (net.core.optmem_max, 128 KiB) until the peer has consumed the
 * data. With a peer that does not read and windows far larger than what
 * is sent, the optmem limit is what stops the sender: ENOMEM, as in the
 * in-kernel family (ours said ENOBUFS). Once the peer reads, the records
 * complete and the sender goes on.
 */
static void zerocopy_beyond_optmem(void)
{
	static char buf[4096] __attribute__((aligned(4096)));
	const int max_sends = 4096;	/* 16 MiB: far beyond optmem */
	static char sink[64 * 1024];
	size_t sent = 0, got = 0;
	int c, s, on = 1, i;
	ssize_t n;

	vt_pair(SOCK_STREAM, &c, &s);
	if (setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(on))) {
		CHECK(errno == EOPNOTSUPP, "SO_ZEROCOPY: errno %d", errno);
		ktap_skip("the transport has no MSG_ZEROCOPY");
	}
	set_buffer(c, 32 * MIB);
	set_buffer(s, 32 * MIB);
	for (i = 0; i < max_sends; i++) {
		n = send(c, buf, sizeof(buf), MSG_ZEROCOPY | MSG_DONTWAIT);
		if (n < 0)
			break;
		CHECK_EQ(n, sizeof(buf));
		sent += n;
	}
	CHECK(i < max_sends, "%d zerocopy sends of 4 KiB, none refused", i);
	CHECK(i > 0, "the first zerocopy send failed");
	CHECK(errno == ENOMEM, "send %d failed with errno %d (%s), not ENOMEM",
	      i, errno, strerror(errno));
	ktap_diag("%d sends in flight before ENOMEM", i);

	vt_set_timeo(s, SO_RCVTIMEO, 5000);
	while (got < sent) {
		n = recv(s, sink, sizeof(sink), 0);
		CHECK(n > 0, "recv %zd errno %d after %zu of %zu", n, errno, got,
		      sent);
		got += n;
	}
	CHECK_EQ(send(c, buf, sizeof(buf), MSG_ZEROCOPY | MSG_DONTWAIT),
		 sizeof(buf));
	close(c);
	close(s);
}

static double timed_close(int fd)
{
	double t0 = ktap_now();

	close(fd);
	return ktap_now() - t0;
}

/* Wait (at most 2 s) until SIOCOUTQ of @fd is 0. */
static void wait_outq_empty(int fd)
{
	double deadline = ktap_now() + 2;
	int v;

	do {
		CHECK_OK(ioctl(fd, SIOCOUTQ, &v));
		if (!v)
			return;
		ktap_msleep(1);
	} while (ktap_now() < deadline);
	CHECK(false, "SIOCOUTQ still %d after 2 s", v);
}

/* The peer reads what a closed sender wrote, then the end of stream. */
static void expect_data_then_eof(int s, const char *want, size_t len)
{
	char got[4096];

	CHECK(len <= sizeof(got), "%zu bytes", len);
	vt_recv_all(s, got, len);
	CHECK(!memcmp(got, want, len), "data changed");
	CHECK_EQ(recv(s, got, sizeof(got), 0), 0);
}

/*
 * SO_LINGER: close() waits until what was written has left the sender
 * (SIOCOUTQ 0), not until the peer reads it: with a peer that never
 * reads, a 5 s linger returns at once (2 s allows for TCG), and the data
 * is still there for the peer. 6.12 lingered the whole time.
 */
static void linger_unread_peer(void)
{
	struct linger lg = { 1, 5 };
	char buf[4096];
	double dt;
	int c, s;

	if (vt_impl_kernel())
		ktap_skip("6.12 lingers until the peer reads");
	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	vt_fill(buf, sizeof(buf), 3);
	vt_send_all(c, buf, sizeof(buf));
	wait_outq_empty(c);
	dt = timed_close(c);
	CHECK(dt < 2.0, "close took %.3f s with nothing unsent", dt);
	expect_data_then_eof(s, buf, sizeof(buf));
	close(s);
}

/*
 * l_linger 0 is no abortive close in AF_VSOCK (unlike TCP's reset):
 * close() returns at once and the peer still reads the data, then EOF.
 */
static void linger_zero(void)
{
	struct linger lg = { 1, 0 }, got;
	socklen_t len = sizeof(got);
	char buf[4096];
	double dt;
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_LINGER, &got, &len));
	CHECK(got.l_onoff && !got.l_linger, "SO_LINGER reads {%d, %d}",
	      got.l_onoff, got.l_linger);
	vt_fill(buf, sizeof(buf), 5);
	vt_send_all(c, buf, sizeof(buf));
	vt_wait_bytes(s, sizeof(buf));
	dt = timed_close(c);
	CHECK(dt < 1.0, "close took %.3f s with l_linger 0", dt);
	expect_data_then_eof(s, buf, sizeof(buf));
	close(s);
}

/* Send @chunk-byte writes without blocking until EAGAIN; bytes taken. */
static size_t fill(int fd, const char *buf, size_t chunk, size_t limit)
{
	size_t total = 0;
	ssize_t n;

	while ((n = send(fd, buf, chunk, MSG_DONTWAIT)) > 0) {
		total += n;
		CHECK(total <= limit, "queued %zu bytes, limit %zu", total,
		      limit);
	}
	CHECK(errno == EAGAIN, "send: errno %d (%s) after %zu bytes", errno,
	      strerror(errno), total);
	return total;
}

/*
 * A sender may queue no more than its own SO_VM_SOCKETS_BUFFER_SIZE even
 * when the peer's window is larger (current Linux bounds TX credit so;
 * 6.12 let a 64 KiB socket queue 2 MiB). SIOCOUTQ agrees: nothing is
 * left unsent, and the peer holds just what was taken. As the peer
 * reads, or our buffer grows, the sender goes on.
 */
static void tx_bounded_by_own_buffer(void)
{
	const size_t own = 64 * 1024, chunk = 16 * 1024;
	static char buf[16 * 1024], sink[32 * 1024];
	size_t total, more;
	int c, s, v;

	if (vt_impl_kernel())
		ktap_skip("6.12 bounds a sender by its peer's window only");
	if (vt_peer_cid() != VMADDR_CID_LOCAL)
		ktap_skip("VMCI: queue-pair size fixed at connect");
	vt_pair(SOCK_STREAM, &c, &s);
	set_u64(c, SO_VM_SOCKETS_BUFFER_SIZE, own);
	set_buffer(s, 2 * MIB);

	total = fill(c, buf, chunk, own + chunk);
	ktap_diag("queued %zu bytes (own buffer %zu, peer's 2 MiB)", total,
		  own);
	CHECK(total >= own - chunk, "queued only %zu bytes", total);
	CHECK(!(vt_poll(c, POLLOUT, 0) & POLLOUT), "POLLOUT while bounded");
	CHECK_OK(ioctl(c, SIOCOUTQ, &v));
	CHECK(v >= 0 && (size_t)v <= total, "SIOCOUTQ %d of %zu", v, total);
	CHECK_OK(ioctl(s, SIOCINQ, &v));
	CHECK_EQ((size_t)v, total);

	/* The peer reads half: that much may follow, no more. */
	vt_recv_all(s, sink, sizeof(sink));
	more = fill(c, buf, chunk, sizeof(sink) + chunk);
	CHECK(more >= sizeof(sink) - chunk, "then only %zu bytes", more);
	CHECK_OK(ioctl(s, SIOCINQ, &v));
	CHECK((size_t)v <= own + chunk, "peer holds %d bytes", v);

	/* Our own buffer grows: the sender goes on at once. */
	set_u64(c, SO_VM_SOCKETS_BUFFER_SIZE, 2 * own);
	CHECK(vt_poll(c, POLLOUT, 1000) & POLLOUT, "no POLLOUT after growing");
	more = fill(c, buf, chunk, 2 * own);
	CHECK(more >= own - chunk, "grown by %zu bytes only", more);
	close(c);
	close(s);
}

/*
 * The kernel's vsock tooling (tools/testing/vsock) tells which transports
 * are loaded from the data symbols "<name>_transport" in /proc/kallsyms,
 * matching "d loopback_transport" (later just " loopback_transport").
 * Each of our transport modules that is loaded must have its symbol so.
 */
static void kallsyms_transport_names(void)
{
	static const struct {
		const char *module, *symbol;
	} ours[] = {
		{ "vsock_loopback", "loopback_transport" },
		{ "vmw_vsock_vmci_transport", "vmci_transport" },
	};
	unsigned int i, loaded = 0, found = 0;
	bool seen[ARRAY_SIZE(ours)] = { false };
	char line[512], want[128];
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	CHECK(f, "/proc/kallsyms: errno %d", errno);
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < ARRAY_SIZE(ours); i++) {
			snprintf(want, sizeof(want), " d %s\t[%s]\n",
				 ours[i].symbol, ours[i].module);
			if (strstr(line, want))
				seen[i] = true;
		}
	}
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(ours); i++) {
		if (!vt_module_loaded(ours[i].module))
			continue;
		loaded++;
		if (seen[i])
			found++;
		else
			ktap_diag("%s: no \"d %s\" in /proc/kallsyms",
				  ours[i].module, ours[i].symbol);
	}
	if (!loaded)
		ktap_skip("no vsock transport module loaded");
	CHECK(found == loaded, "%u of %u loaded transports found", found,
	      loaded);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(zerocopy_beyond_optmem),
	KTAP_CASE(linger_unread_peer),
	KTAP_CASE(linger_zero),
	KTAP_CASE(tx_bounded_by_own_buffer),
	KTAP_CASE(kallsyms_transport_names),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
