// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK data path over loopback: send/recv flags (MSG_PEEK, MSG_WAITALL,
 * MSG_DONTWAIT, MSG_TRUNC, MSG_OOB, MSG_EOR), partial sends, EPIPE and
 * SIGPIPE, SEQPACKET message boundaries, and SOCK_DGRAM (ours only: the
 * in-kernel loopback transport has no datagrams).
 */
#include "vsock_util.h"

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void catch_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
	sigpipes = 0;
}

static void stream_roundtrip(void)
{
	size_t sizes[] = { 1, 4096, 65536 + 13, 1024 * 1024 };
	static char out[1024 * 1024], in[1024 * 1024];
	pid_t pid;
	size_t i;
	int c, s, st;

	vt_pair(SOCK_STREAM, &c, &s);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			vt_fill(out, sizes[i], i);
			vt_send_all(c, out, sizes[i]);
		}
		_exit(0);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		vt_fill(out, sizes[i], i);
		memset(in, 0, sizes[i]);
		vt_recv_all(s, in, sizes[i]);
		CHECK(!memcmp(in, out, sizes[i]), "data mismatch, size %zu",
		      sizes[i]);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	close(c);
	close(s);
}

static void stream_peek(void)
{
	char buf[16] = "";
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_EQ(send(c, "hello world", 11, 0), 11);
	vt_wait_bytes(s, 11);
	CHECK_EQ(recv(s, buf, 5, MSG_PEEK), 5);
	CHECK(!memcmp(buf, "hello", 5), "peek got %.5s", buf);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_PEEK), 11);
	CHECK_EQ(recv(s, buf, 6, 0), 6);
	CHECK(!memcmp(buf, "hello ", 6), "recv got %.6s", buf);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT), 5);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 5);
	CHECK(!memcmp(buf, "world", 5), "recv got %.5s", buf);
	CHECK_ERRNO(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT), EAGAIN);
	close(c);
	close(s);
}

static void stream_dontwait(void)
{
	char buf[8];
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	vt_set_nonblock(c, true);
	CHECK_ERRNO(recv(c, buf, sizeof(buf), 0), EAGAIN);
	CHECK_ERRNO(read(c, buf, sizeof(buf)), EAGAIN);
	close(c);
	close(s);
}

static void stream_rcvtimeo(void)
{
	char buf[8];
	double t0, dt;
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	vt_set_timeo(s, SO_RCVTIMEO, 300);
	t0 = ktap_now();
	CHECK_ERRNO(recv(s, buf, sizeof(buf), 0), EAGAIN);
	dt = ktap_now() - t0;
	CHECK(dt > 0.25 && dt < 5.0, "recv waited %.3f s for 0.3 s", dt);
	close(c);
	close(s);
}

struct sender {
	int fd;
	unsigned int chunks, size, gap_ms;
	bool close_after;
};

static void *sender_fn(void *arg)
{
	struct sender *sd = arg;
	char buf[4096];
	unsigned int i;

	for (i = 0; i < sd->chunks; i++) {
		ktap_msleep(sd->gap_ms);
		vt_fill(buf, sd->size, i);
		if (send(sd->fd, buf, sd->size, MSG_NOSIGNAL) != (ssize_t)sd->size)
			break;
	}
	if (sd->close_after)
		close(sd->fd);
	return NULL;
}

static void stream_waitall(void)
{
	struct sender sd = { .chunks = 3, .size = 1000, .gap_ms = 50 };
	static char buf[8192];
	pthread_t th;
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	sd.fd = c;
	vt_set_timeo(s, SO_RCVTIMEO, 5000);
	CHECK_EQ(pthread_create(&th, NULL, sender_fn, &sd), 0);
	CHECK_EQ(recv(s, buf, 3000, MSG_WAITALL), 3000);
	pthread_join(th, NULL);

	/* A peer close ends MSG_WAITALL early with what arrived. */
	sd.chunks = 1;
	sd.close_after = true;
	CHECK_EQ(pthread_create(&th, NULL, sender_fn, &sd), 0);
	CHECK_EQ(recv(s, buf, 3000, MSG_WAITALL), 1000);
	pthread_join(th, NULL);
	CHECK_EQ(recv(s, buf, 3000, MSG_WAITALL), 0);
	close(s);
}

/* In-kernel quirk kept for parity: a target >= the buffer size is ENOMEM. */
static void stream_waitall_enomem(void)
{
	static char buf[VT_BUF_DEFAULT + 1];
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(recv(s, buf, VT_BUF_DEFAULT, MSG_WAITALL | MSG_DONTWAIT),
		    ENOMEM);
	CHECK_ERRNO(recv(s, buf, VT_BUF_DEFAULT - 1, MSG_WAITALL | MSG_DONTWAIT),
		    EAGAIN);
	close(c);
	close(s);
}

static void stream_zero_len(void)
{
	char buf[1];
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_EQ(recv(s, buf, 0, 0), 0);
	CHECK_EQ(send(c, buf, 0, 0), 0);
	CHECK_ERRNO(recv(s, buf, 1, MSG_DONTWAIT), EAGAIN);
	close(c);
	close(s);
}

static void stream_unconnected(void)
{
	struct sockaddr_vm sa = vt_addr(VMADDR_CID_LOCAL, 1234);
	unsigned int port;
	int fd = vt_socket(SOCK_STREAM);
	int l = vt_listener(SOCK_STREAM, &port, 1);
	char buf[4] = "abc";

	CHECK_ERRNO(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), ENOTCONN);
	CHECK_ERRNO(send(fd, buf, sizeof(buf), MSG_NOSIGNAL), ENOTCONN);
	CHECK_ERRNO(sendto(fd, buf, sizeof(buf), MSG_NOSIGNAL,
			   (struct sockaddr *)&sa, sizeof(sa)), EOPNOTSUPP);
	CHECK_ERRNO(recv(l, buf, sizeof(buf), MSG_DONTWAIT), ENOTCONN);
	CHECK_ERRNO(send(l, buf, sizeof(buf), MSG_NOSIGNAL), ENOTCONN);
	close(fd);
	close(l);
}

static void stream_sendto_connected(void)
{
	struct sockaddr_vm sa = vt_addr(VMADDR_CID_LOCAL, 1234);
	char buf[4] = "abc";
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(sendto(c, buf, sizeof(buf), 0, (struct sockaddr *)&sa,
			   sizeof(sa)), EISCONN);
	close(c);
	close(s);
}

static void msg_oob(void)
{
	char buf[4] = "abc";
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(send(c, buf, 1, MSG_OOB), EOPNOTSUPP);
	CHECK_ERRNO(recv(s, buf, 1, MSG_OOB), EOPNOTSUPP);
	close(c);
	close(s);
	vt_pair(SOCK_SEQPACKET, &c, &s);
	CHECK_ERRNO(send(c, buf, 1, MSG_OOB), EOPNOTSUPP);
	CHECK_ERRNO(recv(s, buf, 1, MSG_OOB), EOPNOTSUPP);
	close(c);
	close(s);
}

/* Data queued before a close is still delivered, then EOF. */
static void stream_peer_close(void)
{
	char buf[64];
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_EQ(send(c, "bye", 3, 0), 3);
	close(c);
	vt_set_timeo(s, SO_RCVTIMEO, 2000);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 3);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
}

static void stream_epipe(void)
{
	char buf[4] = "abc";
	int c, s;

	catch_sigpipe();
	vt_pair(SOCK_STREAM, &c, &s);
	close(s);
	vt_wait_rdhup(c);
	CHECK_ERRNO(send(c, buf, 1, MSG_NOSIGNAL), EPIPE);
	CHECK_EQ(sigpipes, 0);
	CHECK_ERRNO(send(c, buf, 1, 0), EPIPE);
	CHECK_EQ(sigpipes, 1);
	CHECK_ERRNO(write(c, buf, 1), EPIPE);
	CHECK_EQ(sigpipes, 2);
	close(c);

	/* Local SHUT_WR: EPIPE at once, SIGPIPE too. */
	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_ERRNO(send(c, buf, 1, 0), EPIPE);
	CHECK_EQ(sigpipes, 3);
	close(c);
	close(s);
}

/* The peer's SHUT_RD makes our sends fail; SEQPACKET raises no SIGPIPE. */
static void peer_shut_rd_epipe(void)
{
	char buf[4] = "abc";
	double deadline;
	int c, s, types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	unsigned int i;
	ssize_t r;

	catch_sigpipe();
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		vt_pair(types[i], &c, &s);
		CHECK_OK(shutdown(s, SHUT_RD));
		deadline = ktap_now() + 2;
		while ((r = send(c, buf, 1, MSG_NOSIGNAL)) == 1 &&
		       ktap_now() < deadline)
			ktap_msleep(1);
		CHECK(r == -1 && errno == EPIPE, "type %d: send %zd errno %d",
		      types[i], r, errno);
		CHECK_ERRNO(send(c, buf, 1, 0), EPIPE);
		/* Cumulative: the STREAM pass raised one, SEQPACKET none. */
		CHECK_EQ(sigpipes, 1);
		/* Local SHUT_RD: recv returns 0 at once. */
		CHECK_EQ(recv(s, buf, 1, 0), 0);
		close(c);
		close(s);
	}
}

/* A send larger than the peer's free space returns a partial count. */
static void stream_partial_send(void)
{
	size_t len = 1024 * 1024;
	char *buf = calloc(1, len);
	ssize_t n, n2;
	double t0, dt;
	int c, s;

	CHECK(buf, "calloc");
	vt_pair(SOCK_STREAM, &c, &s);
	n = send(c, buf, len, MSG_DONTWAIT);
	CHECK(n > 0 && n < (ssize_t)len, "first send %zd errno %d", n, errno);
	CHECK(n <= VT_BUF_DEFAULT, "sent %zd > peer buffer", n);
	/* Everything the peer can hold is taken; the next send blocks. */
	CHECK_ERRNO(send(c, buf, len, MSG_DONTWAIT), EAGAIN);
	vt_set_timeo(c, SO_SNDTIMEO, 300);
	t0 = ktap_now();
	CHECK_ERRNO(send(c, buf, len, 0), EAGAIN);
	dt = ktap_now() - t0;
	CHECK(dt > 0.25 && dt < 5.0, "send waited %.3f s for 0.3 s", dt);
	/*
	 * Drain it all: the blocking send then takes what fits and, when
	 * SO_SNDTIMEO expires, returns that partial count instead of EAGAIN.
	 */
	vt_recv_all(s, buf, n);
	t0 = ktap_now();
	n2 = send(c, buf, len, 0);
	dt = ktap_now() - t0;
	CHECK(n2 > 0 && n2 <= VT_BUF_DEFAULT, "second send %zd errno %d", n2,
	      errno);
	CHECK(dt > 0.25 && dt < 5.0, "send waited %.3f s for 0.3 s", dt);
	free(buf);
	close(c);
	close(s);
}

static void seqpacket_boundaries(void)
{
	size_t sizes[] = { 1, 10, 100, 4096, 65536 + 7, 200000 };
	static char out[200000], in[262144];
	size_t i;
	int c, s;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	vt_set_timeo(s, SO_RCVTIMEO, 5000);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		vt_fill(out, sizes[i], i);
		CHECK_EQ(send(c, out, sizes[i], 0), sizes[i]);
		CHECK_EQ(recv(s, in, sizeof(in), 0), sizes[i]);
		CHECK(!memcmp(in, out, sizes[i]), "data, size %zu", sizes[i]);
	}
	/* Queued messages stay apart. */
	CHECK_EQ(send(c, out, 10, 0), 10);
	CHECK_EQ(send(c, out, 20, 0), 20);
	CHECK_EQ(send(c, out, 30, 0), 30);
	CHECK_EQ(recv(s, in, sizeof(in), 0), 10);
	CHECK_EQ(recv(s, in, sizeof(in), 0), 20);
	CHECK_EQ(recv(s, in, sizeof(in), 0), 30);
	close(c);
	close(s);
}

static ssize_t recv_flags(int fd, void *buf, size_t len, int flags,
			  int *msg_flags)
{
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = recvmsg(fd, &msg, flags);

	*msg_flags = msg.msg_flags;
	return r;
}

static void seqpacket_eor(void)
{
	char buf[64];
	int c, s, mf;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	vt_set_timeo(s, SO_RCVTIMEO, 2000);
	CHECK_EQ(send(c, "one", 3, MSG_EOR), 3);
	CHECK_EQ(send(c, "two", 3, 0), 3);
	CHECK_EQ(recv_flags(s, buf, sizeof(buf), 0, &mf), 3);
	CHECK(mf & MSG_EOR, "msg_flags %#x lack MSG_EOR", mf);
	CHECK_EQ(recv_flags(s, buf, sizeof(buf), 0, &mf), 3);
	CHECK(!(mf & MSG_EOR), "msg_flags %#x have MSG_EOR", mf);
	close(c);
	close(s);
}

static void seqpacket_trunc(void)
{
	char out[100], in[100];
	int c, s, mf;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	vt_set_timeo(s, SO_RCVTIMEO, 2000);
	vt_fill(out, sizeof(out), 3);
	CHECK_EQ(send(c, out, 100, 0), 100);
	CHECK_EQ(send(c, out, 50, 0), 50);
	CHECK_EQ(send(c, out, 70, 0), 70);
	/* The rest of a truncated message is dropped. */
	CHECK_EQ(recv_flags(s, in, 10, 0, &mf), 10);
	CHECK(mf & MSG_TRUNC, "msg_flags %#x lack MSG_TRUNC", mf);
	CHECK(!memcmp(in, out, 10), "data");
	/* With MSG_TRUNC, the real length comes back. */
	CHECK_EQ(recv_flags(s, in, 10, MSG_TRUNC, &mf), 50);
	CHECK(mf & MSG_TRUNC, "msg_flags %#x lack MSG_TRUNC", mf);
	CHECK_EQ(recv_flags(s, in, 100, 0, &mf), 70);
	CHECK(!(mf & MSG_TRUNC), "msg_flags %#x have MSG_TRUNC", mf);
	close(c);
	close(s);
}

static void seqpacket_peek(void)
{
	char out[100], in[100];
	int c, s, mf;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	vt_fill(out, sizeof(out), 5);
	CHECK_EQ(send(c, out, 100, 0), 100);
	CHECK_EQ(send(c, out, 20, 0), 20);
	vt_wait_bytes(s, 100);
	CHECK_EQ(recv_flags(s, in, 10, MSG_PEEK, &mf), 10);
	CHECK(mf & MSG_TRUNC, "msg_flags %#x lack MSG_TRUNC", mf);
	CHECK_EQ(recv_flags(s, in, 100, MSG_PEEK, &mf), 100);
	CHECK(!memcmp(in, out, 100), "peek data");
	CHECK_EQ(recv(s, in, 100, 0), 100);
	CHECK_EQ(recv(s, in, 100, 0), 20);
	CHECK_ERRNO(recv(s, in, 100, MSG_PEEK | MSG_DONTWAIT), EAGAIN);
	close(c);
	close(s);
}

static void seqpacket_emsgsize(void)
{
	static char buf[VT_BUF_DEFAULT + 1];
	int c, s;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	CHECK_ERRNO(send(c, buf, VT_BUF_DEFAULT + 1, MSG_DONTWAIT), EMSGSIZE);
	CHECK_EQ(send(c, buf, 100, 0), 100);
	close(c);
	close(s);
}

static void seqpacket_peer_close(void)
{
	char buf[16];
	int c, s;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	CHECK_EQ(send(c, "last", 4, 0), 4);
	close(c);
	vt_set_timeo(s, SO_RCVTIMEO, 2000);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 4);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
}

/* ---- SOCK_DGRAM (ours only) ---- */

static int dgram_bound(unsigned int *port)
{
	int fd = vt_dgram_socket_or_skip();

	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	*port = vt_sockname(fd).svm_port;
	vt_set_timeo(fd, SO_RCVTIMEO, 2000);
	return fd;
}

static void dgram_sendto_recvfrom(void)
{
	struct sockaddr_vm dst, src;
	socklen_t len = sizeof(src);
	unsigned int pa, pb;
	int a = dgram_bound(&pa);
	int b = vt_dgram_socket_or_skip();
	char buf[64];

	vt_set_timeo(b, SO_RCVTIMEO, 2000);
	dst = vt_addr(VMADDR_CID_LOCAL, pa);
	/* An unbound sender is autobound. */
	CHECK_EQ(sendto(b, "ping", 4, 0, (struct sockaddr *)&dst, sizeof(dst)), 4);
	pb = vt_sockname(b).svm_port;
	CHECK(pb != VMADDR_PORT_ANY, "sender not autobound");
	CHECK_EQ(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&src, &len), 4);
	CHECK(!memcmp(buf, "ping", 4), "payload");
	CHECK_EQ(len, sizeof(src));
	CHECK_EQ(src.svm_family, AF_VSOCK);
	CHECK_EQ(src.svm_port, pb);
	/* Replying to the source address reaches the sender. */
	CHECK_EQ(sendto(a, "pong", 4, 0, (struct sockaddr *)&src, len), 4);
	CHECK_EQ(recv(b, buf, sizeof(buf), 0), 4);
	CHECK(!memcmp(buf, "pong", 4), "reply payload");
	close(a);
	close(b);
}

/* A datagram larger than SO_RCVBUF still reaches an empty receiver. */
static void dgram_larger_than_rcvbuf(void)
{
	static char buf[16384];
	struct sockaddr_vm dst;
	unsigned int pa;
	int a = dgram_bound(&pa), b = vt_dgram_socket_or_skip(), v = 1;

	CHECK_OK(setsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	dst = vt_addr(VMADDR_CID_LOCAL, pa);
	CHECK_EQ(sendto(b, buf, sizeof(buf), MSG_DONTWAIT,
			(struct sockaddr *)&dst, sizeof(dst)), sizeof(buf));
	CHECK_EQ(recv(a, buf, sizeof(buf), 0), sizeof(buf));
	close(a);
	close(b);
}

static void dgram_boundaries_trunc_peek(void)
{
	unsigned int pa;
	int a = dgram_bound(&pa), b = vt_dgram_socket_or_skip(), mf;
	struct sockaddr_vm dst = vt_addr(VMADDR_CID_LOCAL, pa);
	char out[4096], in[4096];

	vt_fill(out, sizeof(out), 9);
	CHECK_EQ(sendto(b, out, 100, 0, (struct sockaddr *)&dst, sizeof(dst)), 100);
	CHECK_EQ(sendto(b, out, 4096, 0, (struct sockaddr *)&dst, sizeof(dst)), 4096);
	CHECK_EQ(sendto(b, out, 1, 0, (struct sockaddr *)&dst, sizeof(dst)), 1);
	CHECK_EQ(sendto(b, out, 0, 0, (struct sockaddr *)&dst, sizeof(dst)), 0);
	CHECK_EQ(recv_flags(a, in, 10, MSG_PEEK, &mf), 10);
	CHECK(mf & MSG_TRUNC, "peek msg_flags %#x lack MSG_TRUNC", mf);
	CHECK_EQ(recv_flags(a, in, sizeof(in), 0, &mf), 100);
	CHECK(!(mf & MSG_TRUNC), "msg_flags %#x", mf);
	CHECK(!memcmp(in, out, 100), "data");
	CHECK_EQ(recv_flags(a, in, 50, 0, &mf), 50);
	CHECK(mf & MSG_TRUNC, "msg_flags %#x lack MSG_TRUNC", mf);
	CHECK_EQ(recv_flags(a, in, sizeof(in), 0, &mf), 1);
	CHECK_EQ(recv_flags(a, in, sizeof(in), 0, &mf), 0);
	CHECK_ERRNO(recv(a, in, sizeof(in), MSG_DONTWAIT), EAGAIN);
	close(a);
	close(b);
}

static void dgram_connect(void)
{
	struct sockaddr_vm peer, unspec = { .svm_family = AF_UNSPEC };
	socklen_t len = sizeof(peer);
	unsigned int pa, pb;
	int a = dgram_bound(&pa), b = dgram_bound(&pb);
	char buf[16];

	CHECK_ERRNO(send(b, "x", 1, 0), EINVAL);
	CHECK_ERRNO(getpeername(b, (struct sockaddr *)&peer, &len), ENOTCONN);
	CHECK_OK(vt_connect(b, VMADDR_CID_LOCAL, pa));
	CHECK_OK(getpeername(b, (struct sockaddr *)&peer, &len));
	CHECK_EQ(peer.svm_port, pa);
	CHECK_EQ(send(b, "abc", 3, 0), 3);
	CHECK_EQ(recv(a, buf, sizeof(buf), 0), 3);
	CHECK_OK(connect(b, (struct sockaddr *)&unspec, sizeof(unspec)));
	CHECK_ERRNO(send(b, "x", 1, 0), EINVAL);
	close(a);
	close(b);
}

static void dgram_errors(void)
{
	unsigned int pa;
	int a = dgram_bound(&pa), b = vt_dgram_socket_or_skip();
	struct sockaddr_vm dst = vt_addr(VMADDR_CID_LOCAL, pa);
	unsigned long long v = 4096;
	char buf[4];

	CHECK_ERRNO(sendto(b, buf, 1, MSG_OOB, (struct sockaddr *)&dst,
			   sizeof(dst)), EOPNOTSUPP);
	CHECK_ERRNO(recv(a, buf, 1, MSG_OOB | MSG_DONTWAIT), EOPNOTSUPP);
	CHECK_ERRNO(vt_bind(b, VMADDR_CID_ANY, pa), EADDRINUSE);
	CHECK_ERRNO(shutdown(b, SHUT_RDWR), ENOTCONN);
	/* No AF_VSOCK-level options on datagram sockets. */
	CHECK_ERRNO(setsockopt(a, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, &v,
			       sizeof(v)), EOPNOTSUPP);
	CHECK_ERRNO(getsockopt(a, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, &v,
			       &(socklen_t){ sizeof(v) }), EOPNOTSUPP);
	close(a);
	close(b);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(stream_roundtrip),
	KTAP_CASE(stream_peek),
	KTAP_CASE(stream_dontwait),
	KTAP_CASE(stream_rcvtimeo),
	KTAP_CASE(stream_waitall),
	KTAP_CASE(stream_waitall_enomem),
	KTAP_CASE(stream_zero_len),
	KTAP_CASE(stream_unconnected),
	KTAP_CASE(stream_sendto_connected),
	KTAP_CASE(msg_oob),
	KTAP_CASE(stream_peer_close),
	KTAP_CASE(stream_epipe),
	KTAP_CASE(peer_shut_rd_epipe),
	KTAP_CASE(stream_partial_send),
	KTAP_CASE(seqpacket_boundaries),
	KTAP_CASE(seqpacket_eor),
	KTAP_CASE(seqpacket_trunc),
	KTAP_CASE(seqpacket_peek),
	KTAP_CASE(seqpacket_emsgsize),
	KTAP_CASE(seqpacket_peer_close),
	KTAP_CASE(dgram_sendto_recvfrom),
	KTAP_CASE(dgram_larger_than_rcvbuf),
	KTAP_CASE(dgram_boundaries_trunc_peek),
	KTAP_CASE(dgram_connect),
	KTAP_CASE(dgram_errors),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
