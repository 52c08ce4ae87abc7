// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the loopback transport end to end, through kernel sockets of
 * our AF_VSOCK family: connect/accept, stream and message data, peer
 * close, refused connections and datagrams, and the memory bound that
 * tiny writes hit before SO_RCVLOWAT.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <vsock/addr.h>
#include <vsock/transport.h>
#include <vv_compat.h>

static void release_action(void *sock)
{
	sock_release(sock);
}

static struct socket *vsock_new(struct kunit *test, int type)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_VSOCK, type, 0,
					       &sock), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							sock), 0);
	return sock;
}

/* Bind to (CID_ANY, a free port) and return the port. */
static u32 vsock_bind_any(struct kunit *test, struct socket *sock)
{
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	KUNIT_ASSERT_EQ(test, kernel_bind(sock, (struct sockaddr *)&addr,
					  sizeof(addr)), 0);
	KUNIT_ASSERT_EQ(test, kernel_getsockname(sock, (struct sockaddr *)&addr),
			(int)sizeof(addr));
	return addr.svm_port;
}

static int vsock_connect_local(struct socket *sock, u32 port)
{
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, VMADDR_CID_LOCAL, port);
	return kernel_connect(sock, (struct sockaddr *)&addr, sizeof(addr), 0);
}

/* A connected pair: *@c the connecting end, *@s the accepted one. */
static void vsock_pair(struct kunit *test, int type, struct socket **c,
		       struct socket **s)
{
	struct socket *l = vsock_new(test, type);
	u32 port = vsock_bind_any(test, l);

	KUNIT_ASSERT_EQ(test, kernel_listen(l, 4), 0);
	*c = vsock_new(test, type);
	KUNIT_ASSERT_EQ(test, vsock_connect_local(*c, port), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, s, 0), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							*s), 0);
}

static int vsock_send(struct socket *sock, const void *buf, size_t len,
		      int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = flags };

	return kernel_sendmsg(sock, &msg, &iov, 1, len);
}

static int vsock_recv(struct socket *sock, void *buf, size_t len, int flags,
		      int *msg_flags)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {};
	int ret;

	ret = kernel_recvmsg(sock, &msg, &iov, 1, len, flags);
	if (msg_flags)
		*msg_flags = msg.msg_flags;
	return ret;
}

static __poll_t vsock_poll_mask(struct socket *sock)
{
	return sock->ops->poll(NULL, sock, NULL);
}

static void vsock_loopback_stream_roundtrip(struct kunit *test)
{
	struct socket *c, *s;
	char buf[16] = {};

	vsock_pair(test, SOCK_STREAM, &c, &s);
	KUNIT_EXPECT_EQ(test, vsock_send(c, "hello", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, vsock_send(c, "world", 5, 0), 5);
	KUNIT_EXPECT_TRUE(test, vsock_poll_mask(s) & EPOLLIN);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, 3, MSG_PEEK, NULL), 3);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), 0, NULL), 10);
	KUNIT_EXPECT_MEMEQ(test, buf, "helloworld", 10);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), MSG_DONTWAIT,
					 NULL), -EAGAIN);
}

static void vsock_loopback_peer_close_is_eof(struct kunit *test)
{
	struct socket *c, *s;
	char buf[4];

	vsock_pair(test, SOCK_STREAM, &c, &s);
	KUNIT_EXPECT_EQ(test, vsock_send(c, "abc", 3, 0), 3);
	kernel_sock_shutdown(c, SHUT_RDWR);
	KUNIT_EXPECT_TRUE(test, vsock_poll_mask(s) & EPOLLRDHUP);
	/* Queued data first, then end of stream. */
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), 0, NULL), 3);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, vsock_send(s, "x", 1, MSG_NOSIGNAL), -EPIPE);
}

static void vsock_loopback_seqpacket_keeps_boundaries(struct kunit *test)
{
	struct socket *c, *s;
	char buf[8];
	int flags;

	vsock_pair(test, SOCK_SEQPACKET, &c, &s);
	KUNIT_EXPECT_EQ(test, vsock_send(c, "first", 5, MSG_EOR), 5);
	KUNIT_EXPECT_EQ(test, vsock_send(c, "second!", 7, 0), 7);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), 0, &flags), 5);
	KUNIT_EXPECT_TRUE(test, flags & MSG_EOR);
	/* Truncated: the rest of the message is dropped. */
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, 3, MSG_TRUNC, &flags), 7);
	KUNIT_EXPECT_TRUE(test, flags & MSG_TRUNC);
	KUNIT_EXPECT_FALSE(test, flags & MSG_EOR);
	KUNIT_EXPECT_EQ(test, vsock_recv(s, buf, sizeof(buf), MSG_DONTWAIT,
					 NULL), -EAGAIN);
}

static void vsock_loopback_connect_not_listening_is_reset(struct kunit *test)
{
	struct socket *b = vsock_new(test, SOCK_STREAM);
	struct socket *c = vsock_new(test, SOCK_STREAM);
	u32 port = vsock_bind_any(test, b);

	KUNIT_EXPECT_EQ(test, vsock_connect_local(c, port), -ECONNRESET);
}

/* Connecting to one's own port must not lock the socket twice. */
static void vsock_loopback_connect_to_self_is_reset(struct kunit *test)
{
	struct socket *c = vsock_new(test, SOCK_STREAM);
	u32 port = vsock_bind_any(test, c);

	KUNIT_EXPECT_EQ(test, vsock_connect_local(c, port), -ECONNRESET);
}

static void vsock_loopback_dgram_unbound_is_refused(struct kunit *test)
{
	struct socket *r = vsock_new(test, SOCK_DGRAM);
	struct socket *t = vsock_new(test, SOCK_DGRAM);
	u32 port = vsock_bind_any(test, r);
	char buf[8];

	KUNIT_ASSERT_EQ(test, vsock_connect_local(t, port), 0);
	KUNIT_EXPECT_EQ(test, vsock_send(t, "dg", 2, 0), 2);
	KUNIT_EXPECT_EQ(test, vsock_recv(r, buf, sizeof(buf), 0, NULL), 2);

	/* Close the receiver: nobody is bound to the port any more. */
	kunit_release_action(test, release_action, r);
	KUNIT_EXPECT_EQ(test, vsock_send(t, "dg", 2, 0), -ECONNREFUSED);
}

static int fake_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	return 0;
}

static void fake_noop(struct vsock_sock *vsk)
{
}

static u32 fake_local_cid(void)
{
	return VMADDR_CID_LOCAL;
}

static bool fake_dgram_allow(u32 cid, u32 port)
{
	return true;
}

static int fake_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
			      struct msghdr *msg, size_t len)
{
	return -EHOSTUNREACH;
}

/* A datagram transport with no state of its own (vsock_sock.trans NULL). */
static const struct vsock_transport fake_dgram = {
	.module = THIS_MODULE,
	.name = "kunit-dgram",
	.init = fake_init,
	.destruct = fake_noop,
	.release = fake_noop,
	.get_local_cid = fake_local_cid,
	.dgram_allow = fake_dgram_allow,
	.dgram_enqueue = fake_dgram_enqueue,
};

/*
 * A DGRAM socket of another transport shares the datagram port space but
 * has no loopback state: a loopback sender must not deliver into it.
 */
static void vsock_loopback_dgram_other_transport_is_refused(struct kunit *test)
{
	struct socket *t = vsock_new(test, SOCK_DGRAM);
	struct socket *r;
	u32 port;
	int err;

	if (vsock_core_register(&fake_dgram, VSOCK_TRANSPORT_F_DGRAM))
		kunit_skip(test, "a datagram transport is registered");
	err = sock_create_kern(&init_net, AF_VSOCK, SOCK_DGRAM, 0, &r);
	vsock_core_unregister(&fake_dgram);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							r), 0);
	KUNIT_ASSERT_PTR_EQ(test, vsock_sk(r->sk)->transport, &fake_dgram);
	port = vsock_bind_any(test, r);

	KUNIT_ASSERT_EQ(test, vsock_connect_local(t, port), 0);
	KUNIT_EXPECT_EQ(test, vsock_send(t, "dg", 2, 0), -ECONNREFUSED);
}

/*
 * One-byte writes reach the memory bound long before a large
 * SO_RCVLOWAT: the reader must still be told to read, or both sides wait
 * for each other forever.
 */
static void vsock_loopback_tiny_writes_wake_lowat_reader(struct kunit *test)
{
	struct socket *c, *s;
	int sent = 0, ret;

	vsock_pair(test, SOCK_STREAM, &c, &s);
	WRITE_ONCE(s->sk->sk_rcvlowat, 200 * 1024);
	KUNIT_EXPECT_FALSE(test, vsock_poll_mask(s) & EPOLLIN);
	while ((ret = vsock_send(c, "x", 1, MSG_DONTWAIT)) == 1)
		sent++;
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_GT(test, sent, 0);
	KUNIT_EXPECT_LT(test, sent, 200 * 1024);
	KUNIT_EXPECT_TRUE(test, vsock_poll_mask(s) & EPOLLIN);
	KUNIT_EXPECT_FALSE(test, vsock_poll_mask(c) & EPOLLOUT);
}

static struct kunit_case vsock_loopback_cases[] = {
	KUNIT_CASE(vsock_loopback_stream_roundtrip),
	KUNIT_CASE(vsock_loopback_peer_close_is_eof),
	KUNIT_CASE(vsock_loopback_seqpacket_keeps_boundaries),
	KUNIT_CASE(vsock_loopback_connect_not_listening_is_reset),
	KUNIT_CASE(vsock_loopback_connect_to_self_is_reset),
	KUNIT_CASE(vsock_loopback_dgram_unbound_is_refused),
	KUNIT_CASE(vsock_loopback_dgram_other_transport_is_refused),
	KUNIT_CASE(vsock_loopback_tiny_writes_wake_lowat_reader),
	{}
};

static struct kunit_suite vsock_loopback_suite = {
	.name = "vsock_loopback",
	.test_cases = vsock_loopback_cases,
};

kunit_test_suite(vsock_loopback_suite);

MODULE_DESCRIPTION("KUnit tests for the AF_VSOCK loopback transport");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
