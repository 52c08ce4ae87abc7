// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK socket API conformance over loopback (CID 1): socket, bind,
 * listen, accept, connect, shutdown, getsockname and getpeername, with the
 * errno the in-kernel family (6.12) returns in each state.
 */
#include <sys/syscall.h>
#include <linux/capability.h>

#include "vsock_util.h"

#define PORT_UNUSED_CID	12345	/* no transport routes this CID */

static void socket_types(void)
{
	close(vt_socket(SOCK_STREAM));
	close(vt_socket(SOCK_SEQPACKET));
	CHECK_ERRNO(socket(AF_VSOCK, SOCK_RAW, 0), ESOCKTNOSUPPORT);
	CHECK_ERRNO(socket(AF_VSOCK, SOCK_RDM, 0), ESOCKTNOSUPPORT);
}

static void socket_protocol(void)
{
	close(CHECK_OK(socket(AF_VSOCK, SOCK_STREAM, AF_VSOCK)));
	CHECK_ERRNO(socket(AF_VSOCK, SOCK_STREAM, 1), EPROTONOSUPPORT);
}

/* In-kernel: DGRAM exists only with the VMCI transport loaded. */
static void socket_dgram(void)
{
	if (vt_impl_kernel() && !vt_module_loaded("vmw_vsock_vmci_transport")) {
		CHECK_ERRNO(socket(AF_VSOCK, SOCK_DGRAM, 0), ENODEV);
		return;
	}
	close(vt_socket(SOCK_DGRAM));
}

static void bind_bad_addr(void)
{
	int fd = vt_socket(SOCK_STREAM);
	struct sockaddr_vm sa = vt_addr(VMADDR_CID_ANY, VMADDR_PORT_ANY);

	CHECK_ERRNO(bind(fd, (struct sockaddr *)&sa, sizeof(sa) - 1), EINVAL);
	sa.svm_family = AF_INET;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	sa.svm_family = AF_VSOCK;
	sa.svm_flags = 0x80;
	CHECK_ERRNO(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	sa.svm_flags = 0;
	CHECK_OK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
}

static void bind_nonlocal_cid(void)
{
	int fd = vt_socket(SOCK_STREAM);

	CHECK_ERRNO(vt_bind(fd, PORT_UNUSED_CID, VMADDR_PORT_ANY),
		    EADDRNOTAVAIL);
	/* CID 2 is local only when a host-side transport is loaded. */
	if (!vt_module_loaded("vmw_vsock_vmci_transport") &&
	    !vt_module_loaded("vhost_vsock"))
		CHECK_ERRNO(vt_bind(fd, VMADDR_CID_HOST, VMADDR_PORT_ANY),
			    EADDRNOTAVAIL);
	close(fd);
}

static void bind_local_cid(void)
{
	int a = vt_socket(SOCK_STREAM), b = vt_socket(SOCK_STREAM);
	struct sockaddr_vm sa;

	CHECK_OK(vt_bind(a, VMADDR_CID_LOCAL, VMADDR_PORT_ANY));
	sa = vt_sockname(a);
	CHECK_EQ(sa.svm_cid, VMADDR_CID_LOCAL);
	CHECK(sa.svm_port > 1023 && sa.svm_port != VMADDR_PORT_ANY,
	      "port %u", sa.svm_port);
	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_EQ(vt_sockname(b).svm_cid, VMADDR_CID_ANY);
	CHECK(vt_sockname(b).svm_port != sa.svm_port, "same ephemeral port");
	close(a);
	close(b);
}

static void bind_twice(void)
{
	int fd = vt_socket(SOCK_STREAM);

	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_ERRNO(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY), EINVAL);
	close(fd);
}

/* CID_ANY:p conflicts with 1:p both ways; STREAM and SEQPACKET share ports. */
static void bind_in_use(void)
{
	int a = vt_socket(SOCK_STREAM), b = vt_socket(SOCK_STREAM);
	int c = vt_socket(SOCK_SEQPACKET);
	unsigned int port;

	CHECK_OK(vt_bind(a, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(a).svm_port;
	CHECK_ERRNO(vt_bind(b, VMADDR_CID_ANY, port), EADDRINUSE);
	CHECK_ERRNO(vt_bind(b, VMADDR_CID_LOCAL, port), EADDRINUSE);
	CHECK_ERRNO(vt_bind(c, VMADDR_CID_ANY, port), EADDRINUSE);
	close(a);
	a = vt_socket(SOCK_STREAM);
	CHECK_OK(vt_bind(a, VMADDR_CID_LOCAL, port));
	CHECK_ERRNO(vt_bind(b, VMADDR_CID_ANY, port), EADDRINUSE);
	close(a);
	/* An unconnected socket releases its port at close(). */
	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, port));
	close(b);
	close(c);
}

static void bind_privileged_root(void)
{
	int fd = vt_socket(SOCK_STREAM);
	unsigned int port = 1000 + getpid() % 23;

	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, port));
	CHECK_EQ(vt_sockname(fd).svm_port, port);
	close(fd);
}

static void drop_net_bind_service(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int i;

	CHECK_OK(syscall(SYS_capget, &hdr, data));
	for (i = 0; i < 2; i++) {
		unsigned int bit = CAP_NET_BIND_SERVICE;

		if (bit / 32 != i)
			continue;
		data[i].effective &= ~(1u << (bit % 32));
		data[i].permitted &= ~(1u << (bit % 32));
		data[i].inheritable &= ~(1u << (bit % 32));
	}
	CHECK_OK(syscall(SYS_capset, &hdr, data));
}

/* Ports <= 1023 need CAP_NET_BIND_SERVICE (EACCES), 1024 and up do not. */
static void bind_privileged_nocap(void)
{
	int fd = vt_socket(SOCK_STREAM);
	int fd2 = vt_socket(SOCK_SEQPACKET);
	int fd3 = vt_socket(SOCK_STREAM);

	drop_net_bind_service();
	CHECK_ERRNO(vt_bind(fd, VMADDR_CID_ANY, 1023), EACCES);
	CHECK_ERRNO(vt_bind(fd, VMADDR_CID_LOCAL, 1), EACCES);
	CHECK_ERRNO(vt_bind(fd2, VMADDR_CID_ANY, 0), EACCES);
	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK(vt_sockname(fd).svm_port > 1023, "ephemeral port %u",
	      vt_sockname(fd).svm_port);
	if (vt_bind(fd3, VMADDR_CID_ANY, 1024) < 0)
		CHECK(errno == EADDRINUSE, "bind 1024: errno %d (%s)", errno,
		      strerror(errno));
	close(fd);
	close(fd2);
	close(fd3);
}

static void listen_unbound(void)
{
	int fd = vt_socket(SOCK_STREAM);

	CHECK_ERRNO(listen(fd, 1), EINVAL);
	close(fd);
	fd = vt_socket(SOCK_SEQPACKET);
	CHECK_ERRNO(listen(fd, 1), EINVAL);
	close(fd);
}

static void listen_twice(void)
{
	unsigned int port;
	int fd = vt_listener(SOCK_STREAM, &port, 1);

	CHECK_OK(listen(fd, 5));
	close(fd);
}

static void listen_connected(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(listen(c, 1), EINVAL);
	CHECK_ERRNO(listen(s, 1), EINVAL);
	close(c);
	close(s);
}

static void listen_accept_dgram(void)
{
	int fd = vt_dgram_socket_or_skip();

	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_ERRNO(listen(fd, 1), EOPNOTSUPP);
	CHECK_ERRNO(accept(fd, NULL, NULL), EOPNOTSUPP);
	close(fd);
}

static void accept_not_listening(void)
{
	int fd = vt_socket(SOCK_STREAM);

	CHECK_ERRNO(accept(fd, NULL, NULL), EINVAL);
	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_ERRNO(accept(fd, NULL, NULL), EINVAL);
	close(fd);
}

static void accept_nonblock(void)
{
	unsigned int port;
	int fd = vt_listener(SOCK_STREAM, &port, 1);
	int c, s;

	vt_set_nonblock(fd, true);
	CHECK_ERRNO(accept(fd, NULL, NULL), EAGAIN);
	c = vt_connected(SOCK_STREAM, port);
	s = CHECK_OK(accept(fd, NULL, NULL));
	CHECK_ERRNO(accept(fd, NULL, NULL), EAGAIN);
	close(s);
	close(c);
	close(fd);
}

static void accept_rcvtimeo(void)
{
	unsigned int port;
	int fd = vt_listener(SOCK_SEQPACKET, &port, 1);
	double t0, dt;

	vt_set_timeo(fd, SO_RCVTIMEO, 300);
	t0 = ktap_now();
	CHECK_ERRNO(accept(fd, NULL, NULL), EAGAIN);
	dt = ktap_now() - t0;
	CHECK(dt > 0.25 && dt < 5.0, "accept waited %.3f s for 0.3 s", dt);
	close(fd);
}

struct delayed_connect {
	unsigned int port;
	unsigned int delay_ms;
	int fd;
	int err;
};

static void *delayed_connect_fn(void *arg)
{
	struct delayed_connect *dc = arg;

	ktap_msleep(dc->delay_ms);
	dc->fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	dc->err = vt_connect(dc->fd, VMADDR_CID_LOCAL, dc->port) ? errno : 0;
	return NULL;
}

/* A blocked accept() is woken by the connection; addresses line up. */
static void accept_blocking(void)
{
	struct delayed_connect dc = { .delay_ms = 100 };
	struct sockaddr_vm peer, local;
	socklen_t len = sizeof(peer);
	int fd = vt_listener(SOCK_STREAM, &dc.port, 1);
	pthread_t th;
	int s;

	CHECK_EQ(pthread_create(&th, NULL, delayed_connect_fn, &dc), 0);
	s = CHECK_OK(accept(fd, (struct sockaddr *)&peer, &len));
	pthread_join(th, NULL);
	CHECK_EQ(dc.err, 0);
	CHECK_EQ(len, sizeof(peer));
	CHECK_EQ(peer.svm_family, AF_VSOCK);
	CHECK_EQ(peer.svm_cid, VMADDR_CID_LOCAL);
	local = vt_sockname(dc.fd);
	CHECK_EQ(peer.svm_port, local.svm_port);
	/* The client was autobound to CID_ANY; the accepted side to CID 1. */
	CHECK_EQ(local.svm_cid, VMADDR_CID_ANY);
	CHECK(local.svm_port > 1023, "client port %u", local.svm_port);
	local = vt_sockname(s);
	CHECK_EQ(local.svm_cid, VMADDR_CID_LOCAL);
	CHECK_EQ(local.svm_port, dc.port);
	close(s);
	close(dc.fd);
	close(fd);
}

static void connect_no_listener(void)
{
	int fd = vt_socket(SOCK_STREAM), b = vt_socket(SOCK_STREAM);
	unsigned int port;

	/* A port that is bound but not listening refuses with a reset too. */
	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), ECONNRESET);
	close(b);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), ECONNRESET);
	close(fd);
	fd = vt_socket(SOCK_SEQPACKET);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), ECONNRESET);
	close(fd);
}

static void connect_bad_addr(void)
{
	int fd = vt_socket(SOCK_STREAM);
	struct sockaddr_vm sa = vt_addr(VMADDR_CID_LOCAL, 1234);

	CHECK_ERRNO(connect(fd, (struct sockaddr *)&sa, sizeof(sa) - 1), EINVAL);
	sa.svm_family = AF_UNIX;
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	sa.svm_family = AF_VSOCK;
	sa.svm_flags = 0x02;
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
	close(fd);
}

static void connect_unroutable_cid(void)
{
	int fd = vt_socket(SOCK_STREAM);

	if (vt_module_loaded("vmw_vsock_vmci_transport") ||
	    vt_module_loaded("vhost_vsock") ||
	    vt_module_loaded("vmw_vsock_virtio_transport"))
		ktap_skip("a guest/host transport is loaded");
	CHECK_ERRNO(vt_connect(fd, PORT_UNUSED_CID, 1234), ENODEV);
	/* The socket stays usable after the failed transport lookup. */
	CHECK_ERRNO(vt_connect(fd, PORT_UNUSED_CID, 1234), ENODEV);
	close(fd);
}

/*
 * VMADDR_FLAG_TO_HOST does not override the local transport for CID 1;
 * elsewhere it picks the guest->host transport (none loaded here).
 */
static void connect_flag_to_host(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 1);
	int fd = vt_socket(SOCK_STREAM);
	struct sockaddr_vm sa = vt_addr(VMADDR_CID_LOCAL, port);

	sa.svm_flags = VMADDR_FLAG_TO_HOST;
	CHECK_OK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(CHECK_OK(accept(l, NULL, NULL)));
	close(fd);
	if (vt_module_loaded("vmw_vsock_vmci_transport") ||
	    vt_module_loaded("vmw_vsock_virtio_transport"))
		goto out;
	fd = vt_socket(SOCK_STREAM);
	sa = vt_addr(PORT_UNUSED_CID, port);
	sa.svm_flags = VMADDR_FLAG_TO_HOST;
	CHECK_ERRNO(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ENODEV);
	close(fd);
out:
	close(l);
}

static void connect_on_listener(void)
{
	unsigned int port;
	int fd = vt_listener(SOCK_STREAM, &port, 1);

	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), EINVAL);
	close(fd);
}

static void connect_connected(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_SEQPACKET, &port, 1);
	int c = vt_connected(SOCK_SEQPACKET, port);
	int s = CHECK_OK(accept(l, NULL, NULL));

	CHECK_ERRNO(vt_connect(c, VMADDR_CID_LOCAL, port), EISCONN);
	CHECK_ERRNO(vt_connect(s, VMADDR_CID_LOCAL, port), EISCONN);
	close(s);
	close(c);
	close(l);
}

static void connect_nonblock(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 1);
	int fd = vt_socket(SOCK_STREAM);
	int err = -1;
	socklen_t len = sizeof(err);
	short ev;

	vt_set_nonblock(fd, true);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), EINPROGRESS);
	/* A second call either still waits or sees the connection done. */
	if (vt_connect(fd, VMADDR_CID_LOCAL, port) < 0)
		CHECK(errno == EALREADY || errno == EISCONN,
		      "second connect errno %d (%s)", errno, strerror(errno));
	ev = vt_poll(fd, POLLOUT, 2000);
	CHECK(ev & POLLOUT, "revents %#x", ev);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), EISCONN);
	close(CHECK_OK(accept(l, NULL, NULL)));
	close(fd);
	close(l);
}

static void connect_nonblock_refused(void)
{
	int b = vt_socket(SOCK_STREAM), fd = vt_socket(SOCK_STREAM);
	int err = -1;
	socklen_t len = sizeof(err);
	unsigned int port;
	short ev;

	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	vt_set_nonblock(fd, true);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), EINPROGRESS);
	ev = vt_poll(fd, POLLOUT, 2000);
	CHECK(ev & POLLERR, "revents %#x", ev);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNRESET);
	close(fd);
	close(b);
}

/* A refused connect() can be retried on the same socket. */
static void connect_retry(void)
{
	int b = vt_socket(SOCK_STREAM), fd = vt_socket(SOCK_STREAM);
	struct sockaddr_vm before;
	unsigned int port;
	int l;

	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	close(b);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), ECONNRESET);
	CHECK_ERRNO(getpeername(fd, (struct sockaddr *)&before,
				&(socklen_t){ sizeof(before) }), ENOTCONN);
	before = vt_sockname(fd);
	l = vt_socket(SOCK_STREAM);
	CHECK_OK(vt_bind(l, VMADDR_CID_ANY, port));
	CHECK_OK(listen(l, 1));
	CHECK_OK(vt_connect(fd, VMADDR_CID_LOCAL, port));
	/* The binding from the failed attempt is kept. */
	CHECK_EQ(vt_sockname(fd).svm_port, before.svm_port);
	close(CHECK_OK(accept(l, NULL, NULL)));
	close(fd);
	close(l);
}

/* backlog N admits N + 1 unaccepted connections; the next is reset. */
static void listen_backlog(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 1);
	int a = vt_connected(SOCK_STREAM, port);
	int b = vt_connected(SOCK_STREAM, port);
	int c = vt_socket(SOCK_STREAM);
	int d;

	CHECK_ERRNO(vt_connect(c, VMADDR_CID_LOCAL, port), ECONNRESET);
	close(CHECK_OK(accept(l, NULL, NULL)));
	d = vt_connected(SOCK_STREAM, port);
	close(CHECK_OK(accept(l, NULL, NULL)));
	close(CHECK_OK(accept(l, NULL, NULL)));
	close(a);
	close(b);
	close(c);
	close(d);
	close(l);
}

static void shutdown_unconnected(void)
{
	unsigned int port;
	int fd = vt_socket(SOCK_STREAM), sp = vt_socket(SOCK_SEQPACKET);
	int l = vt_listener(SOCK_STREAM, &port, 1);

	CHECK_ERRNO(shutdown(fd, SHUT_RDWR), ENOTCONN);
	CHECK_ERRNO(shutdown(sp, SHUT_WR), ENOTCONN);
	CHECK_ERRNO(shutdown(l, SHUT_RD), ENOTCONN);
	CHECK_ERRNO(shutdown(fd, 3), EINVAL);
	CHECK_ERRNO(shutdown(fd, -1), EINVAL);
	close(fd);
	close(sp);
	close(l);
}

static void shutdown_connected(void)
{
	int c, s;
	struct sockaddr_vm sa;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_ERRNO(shutdown(c, 3), EINVAL);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_OK(shutdown(c, SHUT_RD));
	/* After shutdown the socket is "disconnecting", not connected. */
	CHECK_ERRNO(getpeername(c, (struct sockaddr *)&sa,
				&(socklen_t){ sizeof(sa) }), ENOTCONN);
	CHECK_ERRNO(vt_connect(c, VMADDR_CID_LOCAL, 1234), EINVAL);
	CHECK_ERRNO(listen(c, 1), EINVAL);
	close(c);
	close(s);
}

static void getsockname_unbound(void)
{
	int fd = vt_socket(SOCK_STREAM);
	struct sockaddr_vm sa = vt_sockname(fd);

	CHECK_EQ(sa.svm_cid, VMADDR_CID_ANY);
	CHECK_EQ(sa.svm_port, VMADDR_PORT_ANY);
	CHECK_EQ(sa.svm_flags, 0);
	close(fd);
}

static void getpeername_states(void)
{
	struct sockaddr_vm sa;
	socklen_t len = sizeof(sa);
	unsigned int port;
	int fd = vt_socket(SOCK_STREAM);
	int l = vt_listener(SOCK_STREAM, &port, 1);
	int c, s;

	CHECK_ERRNO(getpeername(fd, (struct sockaddr *)&sa, &len), ENOTCONN);
	CHECK_ERRNO(getpeername(l, (struct sockaddr *)&sa, &len), ENOTCONN);
	c = vt_connected(SOCK_STREAM, port);
	s = CHECK_OK(accept(l, NULL, NULL));
	CHECK_OK(getpeername(c, (struct sockaddr *)&sa, &len));
	CHECK_EQ(len, sizeof(sa));
	CHECK_EQ(sa.svm_cid, VMADDR_CID_LOCAL);
	CHECK_EQ(sa.svm_port, port);
	CHECK_OK(getpeername(s, (struct sockaddr *)&sa, &len));
	CHECK_EQ(sa.svm_port, vt_sockname(c).svm_port);
	/* A peer close does not make the socket unconnected. */
	close(s);
	vt_wait_rdhup(c);
	CHECK_OK(getpeername(c, (struct sockaddr *)&sa, &len));
	close(c);
	close(l);
	close(fd);
}

/* Unaccepted children are torn down with the listener; the peer sees EOF. */
static void close_listener_with_pending(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 4);
	int a = vt_connected(SOCK_STREAM, port);
	int b = vt_connected(SOCK_STREAM, port);
	char ch;

	close(l);
	vt_set_timeo(a, SO_RCVTIMEO, 2000);
	vt_set_timeo(b, SO_RCVTIMEO, 2000);
	CHECK_EQ(recv(a, &ch, 1, 0), 0);
	CHECK_EQ(recv(b, &ch, 1, 0), 0);
	/* The port is free again. */
	l = vt_socket(SOCK_STREAM);
	CHECK_OK(vt_bind(l, VMADDR_CID_ANY, port));
	close(l);
	close(a);
	close(b);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(socket_types),
	KTAP_CASE(socket_protocol),
	KTAP_CASE(socket_dgram),
	KTAP_CASE(bind_bad_addr),
	KTAP_CASE(bind_nonlocal_cid),
	KTAP_CASE(bind_local_cid),
	KTAP_CASE(bind_twice),
	KTAP_CASE(bind_in_use),
	KTAP_CASE(bind_privileged_root),
	KTAP_CASE(bind_privileged_nocap),
	KTAP_CASE(listen_unbound),
	KTAP_CASE(listen_twice),
	KTAP_CASE(listen_connected),
	KTAP_CASE(listen_accept_dgram),
	KTAP_CASE(listen_backlog),
	KTAP_CASE(accept_not_listening),
	KTAP_CASE(accept_nonblock),
	KTAP_CASE(accept_rcvtimeo),
	KTAP_CASE(accept_blocking),
	KTAP_CASE(connect_no_listener),
	KTAP_CASE(connect_bad_addr),
	KTAP_CASE(connect_unroutable_cid),
	KTAP_CASE(connect_flag_to_host),
	KTAP_CASE(connect_on_listener),
	KTAP_CASE(connect_connected),
	KTAP_CASE(connect_nonblock),
	KTAP_CASE(connect_nonblock_refused),
	KTAP_CASE(connect_retry),
	KTAP_CASE(shutdown_unconnected),
	KTAP_CASE(shutdown_connected),
	KTAP_CASE(getsockname_unbound),
	KTAP_CASE(getpeername_states),
	KTAP_CASE(close_listener_with_pending),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
