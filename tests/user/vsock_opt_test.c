// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK socket options and socket ioctls: SO_VM_SOCKETS_BUFFER_*,
 * SO_VM_SOCKETS_CONNECT_TIMEOUT (old and new layout), the unimplemented
 * AF_VSOCK options, SO_RCVLOWAT, SO_SNDTIMEO/SO_RCVTIMEO, SO_LINGER,
 * SO_ZEROCOPY, SIOCOUTQ, and SIOCINQ (which only our family implements).
 */
#include <linux/sockios.h>
#include <linux/time_types.h>

#include "vsock_util.h"

#define BUF_MIN_DEFAULT	128

static unsigned long long get_u64(int fd, int opt)
{
	unsigned long long v = 0;
	socklen_t len = sizeof(v);

	CHECK_OK(getsockopt(fd, AF_VSOCK, opt, &v, &len));
	CHECK_EQ(len, sizeof(v));
	return v;
}

static void set_u64(int fd, int opt, unsigned long long v)
{
	CHECK_OK(setsockopt(fd, AF_VSOCK, opt, &v, sizeof(v)));
}

static void buffer_defaults(void)
{
	int fd = vt_socket(SOCK_STREAM), sp = vt_socket(SOCK_SEQPACKET);

	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), VT_BUF_DEFAULT);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_MIN_SIZE), BUF_MIN_DEFAULT);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE), VT_BUF_DEFAULT);
	CHECK_EQ(get_u64(sp, SO_VM_SOCKETS_BUFFER_SIZE), VT_BUF_DEFAULT);
	close(fd);
	close(sp);
}

static void buffer_clamp(void)
{
	int fd = vt_socket(SOCK_STREAM);

	set_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE, 1);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), BUF_MIN_DEFAULT);
	set_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE, 1ULL << 40);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), VT_BUF_DEFAULT);
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE, 1 << 20);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), VT_BUF_DEFAULT);
	set_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE, 512 * 1024);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), 512 * 1024);
	/* Lowering the maximum pulls the size down with it. */
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE, 4096);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), 4096);
	/* Raising the minimum pushes it up. */
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE, 1 << 20);
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MIN_SIZE, 8192);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), 8192);
	/* The maximum is applied last: it wins over a larger minimum. */
	set_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE, 4096);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE), 4096);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_MIN_SIZE), 8192);
	CHECK_EQ(get_u64(fd, SO_VM_SOCKETS_BUFFER_MAX_SIZE), 4096);
	close(fd);
}

static void buffer_optlen(void)
{
	int fd = vt_socket(SOCK_STREAM);
	unsigned long long v = 4096;
	unsigned char big[16];
	unsigned int small = 4096;
	socklen_t len;

	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, &small,
			       sizeof(small)), EINVAL);
	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, NULL,
			       sizeof(v)), EFAULT);
	len = 4;
	CHECK_ERRNO(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, &v, &len),
		    EINVAL);
	len = sizeof(big);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, big, &len));
	CHECK_EQ(len, 8);
	close(fd);
}

/* Options named in the UAPI that the in-kernel family never implemented. */
static void unimplemented_options(void)
{
	int opts[] = { SO_VM_SOCKETS_PEER_HOST_VM_ID, SO_VM_SOCKETS_TRUSTED,
		       SO_VM_SOCKETS_NONBLOCK_TXRX, 4, 9, 100 };
	int fd = vt_socket(SOCK_STREAM);
	unsigned long long v = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		CHECK_ERRNO(setsockopt(fd, AF_VSOCK, opts[i], &v, sizeof(v)),
			    ENOPROTOOPT);
		CHECK_ERRNO(getsockopt(fd, AF_VSOCK, opts[i], &v,
				       &(socklen_t){ sizeof(v) }), ENOPROTOOPT);
	}
	/* Other levels are refused; SOL_SOCKET goes to the generic code. */
	CHECK_ERRNO(setsockopt(fd, 6 /* SOL_TCP */, 1, &v, sizeof(v)),
		    ENOPROTOOPT);
	CHECK_ERRNO(getsockopt(fd, 6, 1, &v, &(socklen_t){ sizeof(v) }),
		    ENOPROTOOPT);
	close(fd);
}

static void generic_options(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_SEQPACKET, &port, 1);
	int fd = vt_socket(SOCK_STREAM), v;
	socklen_t len = sizeof(v);

	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
	CHECK_EQ(v, AF_VSOCK);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_STREAM);
	CHECK_OK(getsockopt(l, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_SEQPACKET);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 0);
	CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 1);
	close(fd);
	close(l);
}

static void connect_timeout(void)
{
	int fd = vt_socket(SOCK_STREAM);
	struct __kernel_sock_timeval ntv = { 5, 500000 }, ngot;
	struct timeval otv = { 0, 0 }, ogot;
	socklen_t len;

	len = sizeof(ogot);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &ogot, &len));
	CHECK_EQ(len, sizeof(ogot));
	CHECK_EQ(ogot.tv_sec, 2);
	CHECK_EQ(ogot.tv_usec, 0);

	CHECK_OK(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			    &ntv, sizeof(ntv)));
	len = sizeof(ogot);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &ogot, &len));
	CHECK_EQ(ogot.tv_sec, 5);
	CHECK_EQ(ogot.tv_usec, 500000);
	len = sizeof(ngot);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			    &ngot, &len));
	CHECK_EQ(len, sizeof(ngot));
	CHECK_EQ(ngot.tv_sec, 5);
	CHECK_EQ(ngot.tv_usec, 500000);

	otv.tv_sec = 7;
	CHECK_OK(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &otv, sizeof(otv)));
	len = sizeof(ngot);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			    &ngot, &len));
	CHECK_EQ(ngot.tv_sec, 7);

	/* Zero means "back to the default". */
	otv.tv_sec = 0;
	CHECK_OK(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &otv, sizeof(otv)));
	len = sizeof(ogot);
	CHECK_OK(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &ogot, &len));
	CHECK_EQ(ogot.tv_sec, 2);

	ntv.tv_sec = -1;
	ntv.tv_usec = 0;
	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			       &ntv, sizeof(ntv)), ERANGE);
	ntv.tv_sec = 1;
	ntv.tv_usec = 1000000;
	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			       &ntv, sizeof(ntv)), ERANGE);
	ntv.tv_sec = 1LL << 62;
	ntv.tv_usec = 0;
	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			       &ntv, sizeof(ntv)), ERANGE);
	CHECK_ERRNO(setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW,
			       &ntv, 8), EINVAL);
	len = 8;
	CHECK_ERRNO(getsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			       &ogot, &len), EINVAL);
	close(fd);
}

/* The accepted socket inherits the listener's vsock options. */
static void options_inherited(void)
{
	struct timeval tv = { 9, 0 }, got;
	socklen_t len = sizeof(got);
	int l = vt_socket(SOCK_STREAM), c, s;
	unsigned int port;

	set_u64(l, SO_VM_SOCKETS_BUFFER_MIN_SIZE, 1024);
	set_u64(l, SO_VM_SOCKETS_BUFFER_SIZE, 65536);
	CHECK_OK(setsockopt(l, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &tv, sizeof(tv)));
	CHECK_OK(vt_bind(l, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_OK(listen(l, 1));
	port = vt_sockname(l).svm_port;
	c = vt_connected(SOCK_STREAM, port);
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(get_u64(s, SO_VM_SOCKETS_BUFFER_SIZE), 65536);
	CHECK_EQ(get_u64(s, SO_VM_SOCKETS_BUFFER_MIN_SIZE), 1024);
	CHECK_EQ(get_u64(s, SO_VM_SOCKETS_BUFFER_MAX_SIZE), VT_BUF_DEFAULT);
	CHECK_OK(getsockopt(s, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD,
			    &got, &len));
	CHECK_EQ(got.tv_sec, 9);
	CHECK_EQ(get_u64(c, SO_VM_SOCKETS_BUFFER_SIZE), VT_BUF_DEFAULT);
	close(c);
	close(s);
	close(l);
}

/* A smaller receive buffer is what the sender can fill. */
static void buffer_size_limits_peer(void)
{
	static char buf[VT_BUF_DEFAULT];
	int l = vt_socket(SOCK_STREAM), c, s;
	unsigned int port;
	ssize_t n;

	set_u64(l, SO_VM_SOCKETS_BUFFER_SIZE, 16384);
	CHECK_OK(vt_bind(l, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_OK(listen(l, 1));
	port = vt_sockname(l).svm_port;
	c = vt_connected(SOCK_STREAM, port);
	s = CHECK_OK(accept(l, NULL, NULL));
	n = send(c, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK_EQ(n, 16384);
	vt_wait_bytes(s, 16384);
	close(c);
	close(s);
	close(l);
}

/* A huge receive buffer must not wrap the sender's space arithmetic. */
static void buffer_size_huge(void)
{
	static const unsigned long long sizes[] = { 1ULL << 63, ~0ULL };
	char buf[100] = "";
	unsigned int i;
	int c, s;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		vt_pair(SOCK_STREAM, &c, &s);
		set_u64(s, SO_VM_SOCKETS_BUFFER_MAX_SIZE, sizes[i]);
		set_u64(s, SO_VM_SOCKETS_BUFFER_SIZE, sizes[i]);
		CHECK_EQ(send(c, buf, sizeof(buf), MSG_DONTWAIT), sizeof(buf));
		vt_wait_bytes(s, sizeof(buf));
		CHECK_EQ(recv(s, buf, sizeof(buf), 0), sizeof(buf));
		close(c);
		close(s);
	}
}

static void rcvlowat_option(void)
{
	int fd = vt_socket(SOCK_STREAM), v;
	socklen_t len = sizeof(v);

	v = VT_BUF_DEFAULT + 1;
	CHECK_ERRNO(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)),
		    EINVAL);
	v = VT_BUF_DEFAULT;
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	CHECK_EQ(v, VT_BUF_DEFAULT);
	v = 0;
	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, &len));
	CHECK_EQ(v, 1);
	/* The limit follows SO_VM_SOCKETS_BUFFER_SIZE. */
	set_u64(fd, SO_VM_SOCKETS_BUFFER_SIZE, 1000);
	v = 1001;
	CHECK_ERRNO(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)),
		    EINVAL);
	close(fd);
}

/* recv() waits for SO_RCVLOWAT bytes, or returns what it has at timeout. */
static void rcvlowat_recv(void)
{
	char buf[200] = "";
	double t0, dt;
	int c, s, v = 100;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	vt_set_timeo(s, SO_RCVTIMEO, 300);
	CHECK_EQ(send(c, buf, 150, 0), 150);
	vt_wait_bytes(s, 150);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 150);
	CHECK_EQ(send(c, buf, 40, 0), 40);
	vt_wait_bytes(s, 40);
	t0 = ktap_now();
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 40);
	dt = ktap_now() - t0;
	CHECK(dt > 0.25 && dt < 5.0, "recv returned after %.3f s", dt);
	close(c);
	close(s);
}

static void timeo_options(void)
{
	struct timeval tv = { 1, 500000 }, got;
	socklen_t len = sizeof(got);
	int fd = vt_socket(SOCK_STREAM);

	CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &got, &len));
	CHECK_EQ(got.tv_sec, 1);
	CHECK_EQ(got.tv_usec, 500000);
	tv.tv_usec = 2000000;
	CHECK_ERRNO(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		    EDOM);
	close(fd);
}

static double timed_close(int fd)
{
	double t0 = ktap_now();

	close(fd);
	return ktap_now() - t0;
}

/*
 * SO_LINGER makes close() wait, up to the linger time, until what was
 * written has left the socket (SIOCOUTQ 0); the loopback hands it over
 * during send(), so ours never waits.  6.12's in-kernel family waits for
 * the peer to answer the shutdown, which a peer holding unread data does
 * not do: there, that peer keeps us waiting the whole linger time.
 */
static void linger(void)
{
	struct linger lg = { 1, 1 };
	double dt;
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	CHECK_EQ(send(c, "x", 1, 0), 1);
	vt_wait_bytes(s, 1);
	dt = timed_close(c);
	if (vt_impl_kernel())
		CHECK(dt > 0.8 && dt < 5.0, "close took %.3f s, SO_LINGER 1 s",
		      dt);
	else
		CHECK(dt < 0.7, "close took %.3f s, nothing was unsent", dt);
	close(s);

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	dt = timed_close(c);
	CHECK(dt < 0.7, "close took %.3f s, peer had nothing unread", dt);
	close(s);

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(s);
	vt_wait_rdhup(c);
	dt = timed_close(c);
	CHECK(dt < 0.7, "close took %.3f s after the peer left", dt);
}

static void zerocopy_option(void)
{
	int c, s, v = 2;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &v, sizeof(v)),
		    EINVAL);
	v = 1;
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &v, sizeof(v)));
	close(c);
	close(s);
}

static void siocoutq(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 1);
	int fd = vt_socket(SOCK_STREAM), c, s, v = -1;
	double deadline;

	/* No transport yet (unconnected, or a plain listener). */
	CHECK_ERRNO(ioctl(fd, SIOCOUTQ, &v), EOPNOTSUPP);
	CHECK_ERRNO(ioctl(l, SIOCOUTQ, &v), EOPNOTSUPP);
	c = vt_connected(SOCK_STREAM, port);
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_EQ(send(c, "12345", 5, 0), 5);
	/* Unsent bytes drain to 0 once the transport handed them over. */
	deadline = ktap_now() + 2;
	do {
		CHECK_OK(ioctl(c, SIOCOUTQ, &v));
		CHECK(v == 0 || v == 5, "SIOCOUTQ %d", v);
	} while (v && ktap_now() < deadline);
	CHECK_EQ(v, 0);
	CHECK_OK(ioctl(s, SIOCOUTQ, &v));
	CHECK_EQ(v, 0);
	close(c);
	close(s);
	close(l);
	close(fd);
}

/* A listener that kept the transport of a failed connect(): EINVAL. */
static void siocoutq_listener_with_transport(void)
{
	int b = vt_socket(SOCK_STREAM), fd = vt_socket(SOCK_STREAM), v = -1;
	unsigned int port;

	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), ECONNRESET);
	CHECK_OK(ioctl(fd, SIOCOUTQ, &v));
	CHECK_EQ(v, 0);
	CHECK_OK(listen(fd, 1));
	CHECK_ERRNO(ioctl(fd, SIOCOUTQ, &v), EINVAL);
	close(fd);
	close(b);
}

/* SIOCINQ/FIONREAD: ENOTTY in the in-kernel family, bytes queued in ours. */
static void siocinq(void)
{
	int c, s, v = -1;

	vt_pair(SOCK_STREAM, &c, &s);
	if (vt_impl_kernel()) {
		CHECK_ERRNO(ioctl(s, SIOCINQ, &v), ENOTTY);
		goto out;
	}
	CHECK_OK(ioctl(s, SIOCINQ, &v));
	CHECK_EQ(v, 0);
	CHECK_EQ(send(c, "1234567", 7, 0), 7);
	vt_wait_bytes(s, 7);
	CHECK_OK(ioctl(s, SIOCINQ, &v));
	CHECK_EQ(v, 7);
	CHECK_EQ(recv(s, (char[3]) { 0 }, 3, 0), 3);
	CHECK_OK(ioctl(s, FIONREAD, &v));
	CHECK_EQ(v, 4);
out:
	close(c);
	close(s);
}

static void siocinq_seqpacket(void)
{
	int c, s, v = -1;

	if (vt_impl_kernel())
		ktap_skip("in-kernel family has no SIOCINQ");
	vt_pair(SOCK_SEQPACKET, &c, &s);
	CHECK_EQ(send(c, "abc", 3, 0), 3);
	CHECK_EQ(send(c, "de", 2, 0), 2);
	vt_wait_bytes(s, 3);
	ktap_msleep(50);
	CHECK_OK(ioctl(s, SIOCINQ, &v));
	CHECK(v == 3 || v == 5, "SIOCINQ %d (first message 3, all 5)", v);
	close(c);
	close(s);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(buffer_defaults),
	KTAP_CASE(buffer_clamp),
	KTAP_CASE(buffer_optlen),
	KTAP_CASE(unimplemented_options),
	KTAP_CASE(generic_options),
	KTAP_CASE(connect_timeout),
	KTAP_CASE(options_inherited),
	KTAP_CASE(buffer_size_limits_peer),
	KTAP_CASE(buffer_size_huge),
	KTAP_CASE(rcvlowat_option),
	KTAP_CASE(rcvlowat_recv),
	KTAP_CASE(timeo_options),
	KTAP_CASE(linger),
	KTAP_CASE(zerocopy_option),
	KTAP_CASE(siocoutq),
	KTAP_CASE(siocoutq_listener_with_transport),
	KTAP_CASE(siocinq),
	KTAP_CASE(siocinq_seqpacket),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
