// SPDX-License-Identifier: GPL-2.0
/*
 * poll()/epoll masks of AF_VSOCK sockets in every state, exactly as the
 * in-kernel family (6.12 vsock_poll) reports them, and wakeups of blocked
 * pollers.  Loopback delivery can be asynchronous, so every expected mask
 * is awaited for a bounded time (vt_poll_settle) and then compared whole.
 */
#include <sys/epoll.h>
#include <linux/errqueue.h>

#include "vsock_util.h"

#define IN	(POLLIN | POLLRDNORM)
#define OUT	(POLLOUT | POLLWRNORM)
#define SETTLE_MS 5000

#define CHECK_POLL(fd, want)						\
	do {								\
		short __want = (want);					\
		CHECK_MASK(vt_poll_settle(fd, __want, SETTLE_MS), __want); \
	} while (0)

/* The mask must stay @want (nothing more is coming): 100 ms of quiet. */
#define CHECK_POLL_STABLE(fd, want)					\
	do {								\
		int __fd = (fd);					\
		short __w = (want);					\
		CHECK_POLL(__fd, __w);					\
		ktap_msleep(100);					\
		CHECK_MASK(vt_poll(__fd, VT_POLL_ALL, 0), __w);		\
	} while (0)

static void unconnected(void)
{
	int fd = vt_socket(SOCK_STREAM), sp = vt_socket(SOCK_SEQPACKET);

	/* An unconnected socket is in TCP_CLOSE, which reports writable. */
	CHECK_POLL_STABLE(fd, OUT);
	CHECK_POLL_STABLE(sp, OUT);
	CHECK_OK(vt_bind(fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	CHECK_POLL_STABLE(fd, OUT);
	close(fd);
	close(sp);
}

static void listener(void)
{
	unsigned int port;
	int l = vt_listener(SOCK_STREAM, &port, 2);
	int c;

	CHECK_POLL_STABLE(l, 0);
	c = vt_connected(SOCK_STREAM, port);
	CHECK_POLL_STABLE(l, IN);
	close(CHECK_OK(accept(l, NULL, NULL)));
	CHECK_POLL_STABLE(l, 0);
	close(c);
	close(l);
}

static void connected_idle_and_data(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_POLL_STABLE(c, OUT);
	CHECK_POLL_STABLE(s, OUT);
	CHECK_EQ(send(c, "x", 1, 0), 1);
	CHECK_POLL_STABLE(s, IN | OUT);
	CHECK_POLL_STABLE(c, OUT);
	CHECK_EQ(recv(s, (char[1]) { 0 }, 1, 0), 1);
	CHECK_POLL_STABLE(s, OUT);
	close(c);
	close(s);
}

static void rcvlowat(void)
{
	char buf[100] = "";
	int c, s, v = 100;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)));
	CHECK_EQ(send(c, buf, 50, 0), 50);
	vt_wait_bytes(s, 50);
	CHECK_POLL_STABLE(s, OUT);
	CHECK_EQ(send(c, buf, 50, 0), 50);
	CHECK_POLL_STABLE(s, IN | OUT);
	close(c);
	close(s);
}

static void local_shut_rd(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(shutdown(s, SHUT_RD));
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | OUT);
	/* The peer learns nothing it can poll for from our SHUT_RD. */
	CHECK_POLL_STABLE(c, OUT);
	close(c);
	close(s);
}

static void local_shut_wr(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(shutdown(s, SHUT_WR));
	CHECK_POLL_STABLE(s, 0);
	CHECK_POLL_STABLE(c, IN | POLLRDHUP | OUT);
	/* Both directions now shut: hangup on both sides. */
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_POLL_STABLE(c, IN | POLLRDHUP | POLLHUP);
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | POLLHUP);
	close(c);
	close(s);
}

static void local_shut_rdwr(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(shutdown(s, SHUT_RDWR));
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | POLLHUP);
	/* A full peer shutdown closes us: readable EOF, still "writable". */
	CHECK_POLL_STABLE(c, IN | POLLRDHUP | OUT);
	close(c);
	close(s);
}

static void peer_close(void)
{
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	close(c);
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | OUT);
	CHECK_OK(shutdown(s, SHUT_WR));
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | POLLHUP);
	close(s);

	/* Same with unread data queued when the peer goes. */
	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_EQ(send(c, "abc", 3, 0), 3);
	close(c);
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | OUT);
	CHECK_EQ(recv(s, (char[4]) { 0 }, 4, 0), 3);
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | OUT);
	close(s);
}

static void connect_refused(void)
{
	int b = vt_socket(SOCK_STREAM), fd = vt_socket(SOCK_STREAM);
	int err;
	socklen_t len = sizeof(err);
	unsigned int port;

	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	vt_set_nonblock(fd, true);
	CHECK_ERRNO(vt_connect(fd, VMADDR_CID_LOCAL, port), EINPROGRESS);
	CHECK_POLL_STABLE(fd, POLLERR | OUT);
	CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNRESET);
	CHECK_POLL_STABLE(fd, OUT);
	close(fd);
	close(b);
}

static void seqpacket(void)
{
	int c, s;

	vt_pair(SOCK_SEQPACKET, &c, &s);
	CHECK_POLL_STABLE(s, OUT);
	CHECK_EQ(send(c, "m", 1, 0), 1);
	CHECK_POLL_STABLE(s, IN | OUT);
	CHECK_EQ(recv(s, (char[2]) { 0 }, 2, 0), 1);
	CHECK_POLL_STABLE(s, OUT);
	close(c);
	CHECK_POLL_STABLE(s, IN | POLLRDHUP | OUT);
	close(s);
}

static void epoll_level(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP };
	int ep = CHECK_OK(epoll_create1(0));
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	CHECK_EQ(epoll_wait(ep, &ev, 1, 1000), 1);
	CHECK_MASK(ev.events, EPOLLOUT);
	CHECK_EQ(send(c, "x", 1, 0), 1);
	vt_wait_bytes(s, 1);
	CHECK_EQ(epoll_wait(ep, &ev, 1, 1000), 1);
	CHECK_MASK(ev.events, EPOLLIN | EPOLLOUT);
	close(c);
	vt_wait_rdhup(s);
	CHECK_EQ(epoll_wait(ep, &ev, 1, 1000), 1);
	CHECK_MASK(ev.events, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
	close(s);
	close(ep);
}

static void epoll_edge(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int ep = CHECK_OK(epoll_create1(0));
	int c, s;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	CHECK_EQ(epoll_wait(ep, &ev, 1, 100), 0);
	CHECK_EQ(send(c, "x", 1, 0), 1);
	CHECK_EQ(epoll_wait(ep, &ev, 1, 2000), 1);
	CHECK_MASK(ev.events, EPOLLIN);
	/* Edge-triggered: no new event until new data. */
	CHECK_EQ(epoll_wait(ep, &ev, 1, 100), 0);
	CHECK_EQ(send(c, "y", 1, 0), 1);
	CHECK_EQ(epoll_wait(ep, &ev, 1, 2000), 1);
	CHECK_MASK(ev.events, EPOLLIN);
	close(c);
	close(s);
	close(ep);
}

struct waiter {
	int fd;
	short events;
	short revents;
	double waited;
};

static void *poll_waiter(void *arg)
{
	struct waiter *w = arg;
	double t0 = ktap_now();
	struct pollfd pfd = { .fd = w->fd, .events = w->events };

	w->revents = poll(&pfd, 1, 5000) == 1 ? pfd.revents : 0;
	w->waited = ktap_now() - t0;
	return NULL;
}

/* Start a poller on @fd, run @kick 150 ms later, return what it saw. */
static struct waiter wait_for(int fd, short events, void (*kick)(int), int kfd)
{
	struct waiter w = { .fd = fd, .events = events };
	pthread_t th;

	CHECK_EQ(pthread_create(&th, NULL, poll_waiter, &w), 0);
	ktap_msleep(150);
	kick(kfd);
	pthread_join(th, NULL);
	CHECK(w.waited > 0.1 && w.waited < 4.0,
	      "poller woke after %.3f s (revents %#x)", w.waited, w.revents);
	return w;
}

static void kick_send(int fd)
{
	CHECK_EQ(send(fd, "k", 1, 0), 1);
}

static void kick_close(int fd)
{
	close(fd);
}

static void kick_connect(int port)
{
	vt_connected(SOCK_STREAM, port);
}

static void kick_drain(int fd)
{
	static char buf[VT_BUF_DEFAULT];

	vt_recv_all(fd, buf, VT_BUF_DEFAULT);
}

static void wakeups(void)
{
	static char buf[VT_BUF_DEFAULT];
	struct waiter w;
	unsigned int port;
	int c, s, l;
	ssize_t n;

	vt_pair(SOCK_STREAM, &c, &s);
	w = wait_for(s, POLLIN, kick_send, c);
	CHECK_MASK(w.revents, POLLIN);
	close(c);
	close(s);

	vt_pair(SOCK_STREAM, &c, &s);
	w = wait_for(s, POLLRDHUP, kick_close, c);
	CHECK_MASK(w.revents, POLLRDHUP);
	close(s);

	l = vt_listener(SOCK_STREAM, &port, 1);
	w = wait_for(l, POLLIN, kick_connect, port);
	CHECK_MASK(w.revents, POLLIN);
	close(l);

	/* A writer blocked on a full peer wakes when the peer drains. */
	vt_pair(SOCK_STREAM, &c, &s);
	n = send(c, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK_EQ(n, VT_BUF_DEFAULT);
	CHECK_MASK(vt_poll(c, POLLOUT, 0), 0);
	w = wait_for(c, POLLOUT, kick_drain, s);
	CHECK_MASK(w.revents, POLLOUT);
	close(c);
	close(s);
}

/* A MSG_ZEROCOPY completion waiting in the error queue is POLLERR. */
static void zerocopy_errqueue(void)
{
	static char buf[4096] __attribute__((aligned(4096)));
	struct sock_extended_err *serr;
	char cbuf[128], in[4096];
	struct msghdr msg = {
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int c, s, v = 1;

	vt_pair(SOCK_STREAM, &c, &s);
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &v, sizeof(v)));
	CHECK_EQ(send(c, buf, sizeof(buf), MSG_ZEROCOPY), sizeof(buf));
	vt_recv_all(s, in, sizeof(in));
	CHECK_POLL(c, POLLERR | OUT);
	CHECK_EQ(recvmsg(c, &msg, MSG_ERRQUEUE), 0);
	cm = CMSG_FIRSTHDR(&msg);
	CHECK(cm, "no cmsg");
	CHECK_EQ(cm->cmsg_level, SOL_VSOCK);
	CHECK_EQ(cm->cmsg_type, VSOCK_RECVERR);
	serr = (struct sock_extended_err *)CMSG_DATA(cm);
	CHECK_EQ(serr->ee_origin, SO_EE_ORIGIN_ZEROCOPY);
	CHECK_EQ(serr->ee_errno, 0);
	/* Completed range [ee_info, ee_data]: the first send is id 0. */
	CHECK_EQ(serr->ee_info, 0);
	CHECK_EQ(serr->ee_data, 0);
	CHECK_POLL_STABLE(c, OUT);
	CHECK_ERRNO(recvmsg(c, &msg, MSG_ERRQUEUE | MSG_DONTWAIT), EAGAIN);
	close(c);
	close(s);
}

static void dgram(void)
{
	int a = vt_dgram_socket_or_skip(), b = vt_dgram_socket_or_skip();
	const short dout = OUT | POLLWRBAND;
	struct sockaddr_vm dst;

	CHECK_POLL_STABLE(a, dout);
	CHECK_OK(vt_bind(a, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	dst = vt_addr(VMADDR_CID_LOCAL, vt_sockname(a).svm_port);
	CHECK_EQ(sendto(b, "d", 1, 0, (struct sockaddr *)&dst, sizeof(dst)), 1);
	CHECK_POLL_STABLE(a, IN | dout);
	CHECK_EQ(recv(a, (char[2]) { 0 }, 2, 0), 1);
	CHECK_POLL_STABLE(a, dout);
	/* An unconnected DGRAM shutdown says ENOTCONN but still applies. */
	CHECK_ERRNO(shutdown(a, SHUT_RD), ENOTCONN);
	CHECK_POLL_STABLE(a, IN | POLLRDHUP | dout);
	CHECK_ERRNO(shutdown(a, SHUT_WR), ENOTCONN);
	CHECK_POLL_STABLE(a, IN | POLLRDHUP | POLLHUP);
	close(a);
	close(b);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(unconnected),
	KTAP_CASE(listener),
	KTAP_CASE(connected_idle_and_data),
	KTAP_CASE(rcvlowat),
	KTAP_CASE(local_shut_rd),
	KTAP_CASE(local_shut_wr),
	KTAP_CASE(local_shut_rdwr),
	KTAP_CASE(peer_close),
	KTAP_CASE(connect_refused),
	KTAP_CASE(seqpacket),
	KTAP_CASE(epoll_level),
	KTAP_CASE(epoll_edge),
	KTAP_CASE(wakeups),
	KTAP_CASE(zerocopy_errqueue),
	KTAP_CASE(dgram),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
