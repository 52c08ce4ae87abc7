// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour current Linux has and 6.12 did not, or where ours differed
 * from both: the errno of a MSG_ZEROCOPY send beyond the optmem limit.
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

static const struct ktap_case cases[] = {
	KTAP_CASE(zerocopy_beyond_optmem),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
