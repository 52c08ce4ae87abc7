/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vsock user-space tests: loopback socket pairs,
 * polling with a deadline, and the implementation switch.
 *
 * Every helper that cannot do its job fails the current case through the
 * ktap.h CHECK macros, so a test body only states what it is testing.
 *
 * $VV_IMPL selects the expectations where our family deliberately differs
 * from the in-kernel one: "kernel" = in-kernel vsock + vsock_loopback,
 * anything else (default) = ours.
 */
#ifndef VV_VSOCK_UTIL_H
#define VV_VSOCK_UTIL_H

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/vm_sockets.h>

#include "ktap.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* The CID vt_connected() reaches: VV_PEER_CID, default the loopback's. */
static inline unsigned int vt_peer_cid(void)
{
	const char *v = getenv("VV_PEER_CID");

	return v ? (unsigned int)atoi(v) : VMADDR_CID_LOCAL;
}

#define VT_BUF_DEFAULT	(256 * 1024)	/* default SO_VM_SOCKETS_BUFFER_SIZE */

static inline bool vt_impl_kernel(void)
{
	const char *impl = getenv("VV_IMPL");

	return impl && !strcmp(impl, "kernel");
}

static inline bool vt_module_loaded(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return stat(path, &st) == 0;
}

static inline struct sockaddr_vm vt_addr(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm sa;

	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = cid;
	sa.svm_port = port;
	return sa;
}

static inline int vt_socket(int type)
{
	return CHECK_OK(socket(AF_VSOCK, type, 0));
}

static inline int vt_bind(int fd, unsigned int cid, unsigned int port)
{
	struct sockaddr_vm sa = vt_addr(cid, port);

	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

static inline int vt_connect(int fd, unsigned int cid, unsigned int port)
{
	struct sockaddr_vm sa = vt_addr(cid, port);

	return connect(fd, (struct sockaddr *)&sa, sizeof(sa));
}

static inline struct sockaddr_vm vt_sockname(int fd)
{
	struct sockaddr_vm sa;
	socklen_t len = sizeof(sa);

	memset(&sa, 0xa5, sizeof(sa));
	CHECK_OK(getsockname(fd, (struct sockaddr *)&sa, &len));
	CHECK_EQ(len, sizeof(sa));
	CHECK_EQ(sa.svm_family, AF_VSOCK);
	return sa;
}

/* A listener bound to an ephemeral port; returns the fd, sets *port. */
static inline int vt_listener(int type, unsigned int *port, int backlog)
{
	int fd = vt_socket(type);

	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_OK(listen(fd, backlog));
	*port = vt_sockname(fd).svm_port;
	CHECK(*port > 1023 && *port != VMADDR_PORT_ANY, "port %u", *port);
	return fd;
}

static inline int vt_connected(int type, unsigned int port)
{
	int fd = vt_socket(type);

	CHECK_OK(vt_connect(fd, vt_peer_cid(), port));
	return fd;
}

/* A connected pair over loopback: *cfd connected, *sfd accepted. */
static inline void vt_pair(int type, int *cfd, int *sfd)
{
	unsigned int port;
	int lfd = vt_listener(type, &port, 1);

	*cfd = vt_connected(type, port);
	*sfd = CHECK_OK(accept(lfd, NULL, NULL));
	close(lfd);
}

/* poll() once with @timeout_ms; returns revents (0 on timeout). */
static inline short vt_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r = CHECK_OK(poll(&pfd, 1, timeout_ms));

	return r ? pfd.revents : 0;
}

#define VT_POLL_ALL (POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | \
		     POLLWRNORM | POLLWRBAND | POLLRDHUP | POLLERR | POLLHUP | \
		     POLLNVAL)

/*
 * Wait until poll(fd) reports exactly @want, for at most @ms; loopback
 * delivery may be asynchronous (the in-kernel transport uses a worker).
 * Returns the last mask seen.
 */
static inline short vt_poll_settle(int fd, short want, int ms)
{
	double deadline = ktap_now() + ms / 1000.0;
	short got;

	do {
		got = vt_poll(fd, VT_POLL_ALL, 0);
		if (got == want)
			return got;
		ktap_msleep(1);
	} while (ktap_now() < deadline);
	return got;
}

/* Wait until @fd has at least @bytes queued (peeked), at most 5 s. */
static inline void vt_wait_bytes(int fd, size_t bytes)
{
	double deadline = ktap_now() + 5.0;
	char *buf = malloc(bytes);
	ssize_t n = 0;

	CHECK(buf, "malloc");
	while (ktap_now() < deadline) {
		n = recv(fd, buf, bytes, MSG_PEEK | MSG_DONTWAIT);
		if (n >= (ssize_t)bytes)
			break;
		ktap_msleep(1);
	}
	free(buf);
	CHECK(n >= (ssize_t)bytes, "only %zd of %zu bytes arrived", n, bytes);
}

/* Wait (at most 5 s) until the peer's shutdown/close is visible. */
static inline void vt_wait_rdhup(int fd)
{
	double deadline = ktap_now() + 5.0;

	while (!(vt_poll(fd, POLLRDHUP, 0) & POLLRDHUP)) {
		CHECK(ktap_now() < deadline, "no POLLRDHUP after 5 s");
		ktap_msleep(1);
	}
}

static inline void vt_set_nonblock(int fd, bool on)
{
	int fl = CHECK_OK(fcntl(fd, F_GETFL));

	CHECK_OK(fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
}

static inline void vt_set_timeo(int fd, int opt, unsigned int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	CHECK_OK(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)));
}

static inline void vt_fill(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(seed + i * 7 + (i >> 8));
}

/* Send exactly @len bytes (blocking). */
static inline void vt_send_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, buf + done, len - done, MSG_NOSIGNAL);

		CHECK(n > 0, "send returned %zd errno %d (%s)", n, errno,
		      strerror(errno));
		done += n;
	}
}

/* Receive exactly @len bytes (blocking, 5 s cap through SO_RCVTIMEO). */
static inline void vt_recv_all(int fd, char *buf, size_t len)
{
	size_t done = 0;

	vt_set_timeo(fd, SO_RCVTIMEO, 5000);
	while (done < len) {
		ssize_t n = recv(fd, buf + done, len - done, 0);

		CHECK(n > 0, "recv returned %zd errno %d (%s) after %zu/%zu",
		      n, errno, strerror(errno), done, len);
		done += n;
	}
}

/*
 * AF_VSOCK SOCK_DGRAM exists in our family over loopback; the in-kernel
 * family only has it through vmw_vsock_vmci_transport, and never over
 * loopback.  Skips the current case when no loopback DGRAM is expected.
 */
static inline int vt_dgram_socket_or_skip(void)
{
	int fd;

	if (vt_impl_kernel()) {
		fd = socket(AF_VSOCK, SOCK_DGRAM, 0);
		if (fd >= 0)
			close(fd);
		ktap_skip("in-kernel loopback has no SOCK_DGRAM");
	}
	return vt_socket(SOCK_DGRAM);
}

#endif /* VV_VSOCK_UTIL_H */
