// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: vsock_walk() (vsock/table.c), what vsock_diag dumps: every
 * socket of every table exactly once, whatever the batch size, a walk
 * resumed at an item's position, and a listener's child listed as
 * pending until its handshake ends. Kernel sockets over the loopback.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>
#include <vsock/addr.h>
#include <vsock/transport.h>
#include <vsock/walk.h>
#include <vv_compat.h>

#define NR_UNBOUND	30
#define NR_BOUND	30
#define NR_DGRAM	10
#define NR_MINE		(NR_UNBOUND + NR_BOUND + NR_DGRAM + 3)

static void release_action(void *sock)
{
	sock_release(sock);
}

static struct socket *new_sock(struct kunit *test, int type)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_VSOCK, type, 0,
					       &sock), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							sock), 0);
	return sock;
}

static u32 bind_any(struct kunit *test, struct socket *sock)
{
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	KUNIT_ASSERT_EQ(test, kernel_bind(sock, (struct sockaddr *)&addr,
					  sizeof(addr)), 0);
	KUNIT_ASSERT_EQ(test, kernel_getsockname(sock, (struct sockaddr *)&addr),
			(int)sizeof(addr));
	return addr.svm_port;
}

static struct socket *new_listener(struct kunit *test, u32 *port)
{
	struct socket *l = new_sock(test, SOCK_STREAM);

	*port = bind_any(test, l);
	KUNIT_ASSERT_EQ(test, kernel_listen(l, 4), 0);
	return l;
}

/*
 * Sockets in every table: unbound, bound, datagram, and a connection
 * (the connecting end is bound and connected, the child only connected).
 */
static void make_sockets(struct kunit *test, struct sock **mine)
{
	struct socket *l, *c, *s;
	struct sockaddr_vm addr;
	unsigned int i, n = 0;
	u32 port;

	for (i = 0; i < NR_UNBOUND; i++)
		mine[n++] = new_sock(test, SOCK_STREAM)->sk;
	for (i = 0; i < NR_BOUND; i++) {
		s = new_sock(test, SOCK_STREAM);
		bind_any(test, s);
		mine[n++] = s->sk;
	}
	for (i = 0; i < NR_DGRAM; i++) {
		s = new_sock(test, SOCK_DGRAM);
		if (i % 2)
			bind_any(test, s);
		mine[n++] = s->sk;
	}
	l = new_listener(test, &port);
	c = new_sock(test, SOCK_STREAM);
	vsock_addr_init(&addr, VMADDR_CID_LOCAL, port);
	KUNIT_ASSERT_EQ(test, kernel_connect(c, (struct sockaddr *)&addr,
					     sizeof(addr), 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &s, 0), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							s), 0);
	mine[n++] = l->sk;
	mine[n++] = c->sk;
	mine[n++] = s->sk;
}

static int index_of(struct sock **mine, struct sock *sk)
{
	int i;

	for (i = 0; i < NR_MINE; i++)
		if (mine[i] == sk)
			return i;
	return -1;
}

static const unsigned int batch_sizes[] = { 1, 2, 7, 64 };

static void batch_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "batch_%u", *n);
}

KUNIT_ARRAY_PARAM(batch, batch_sizes, batch_desc);

static void vsock_walk_lists_each_socket_once(struct kunit *test)
{
	unsigned int batch = *(const unsigned int *)test->param_value;
	struct vsock_walk_pos pos = {};
	struct vsock_walk_item *items;
	struct sock **mine;
	unsigned int *seen, i, n, calls = 0;
	int k;

	mine = kunit_kcalloc(test, NR_MINE, sizeof(*mine), GFP_KERNEL);
	seen = kunit_kcalloc(test, NR_MINE, sizeof(*seen), GFP_KERNEL);
	items = kunit_kcalloc(test, batch, sizeof(*items), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, mine && seen && items);
	make_sockets(test, mine);

	while ((n = vsock_walk(&init_net, &pos, items, batch))) {
		KUNIT_EXPECT_LE(test, n, batch);
		for (i = 0; i < n; i++) {
			k = index_of(mine, items[i].sk);
			if (k >= 0)
				seen[k]++;
			KUNIT_EXPECT_FALSE(test, items[i].pending);
			sock_put(items[i].sk);
		}
		calls++;
	}
	for (k = 0; k < NR_MINE; k++)
		KUNIT_EXPECT_EQ_MSG(test, seen[k], 1, "socket %d", k);
	KUNIT_EXPECT_GE(test, calls, NR_MINE / batch);
	/* A finished walk stays finished. */
	KUNIT_EXPECT_EQ(test, vsock_walk(&init_net, &pos, items, batch), 0);
}

static void vsock_walk_resumes_at_item_pos(struct kunit *test)
{
	struct vsock_walk_item items[16], again;
	struct vsock_walk_pos pos = {};
	struct sock **mine;
	unsigned int i, n;

	mine = kunit_kcalloc(test, NR_MINE, sizeof(*mine), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	make_sockets(test, mine);

	/* Skip a few batches so that positions lie inside buckets. */
	for (i = 0; i < 3; i++) {
		n = vsock_walk(&init_net, &pos, items, ARRAY_SIZE(items));
		while (n)
			sock_put(items[--n].sk);
	}
	n = vsock_walk(&init_net, &pos, items, ARRAY_SIZE(items));
	KUNIT_ASSERT_GT(test, n, 0);
	for (i = 0; i < n; i++) {
		struct vsock_walk_pos at = items[i].pos;

		KUNIT_EXPECT_EQ(test, vsock_walk(&init_net, &at, &again, 1), 1);
		KUNIT_EXPECT_PTR_EQ(test, again.sk, items[i].sk);
		sock_put(again.sk);
	}
	while (n)
		sock_put(items[--n].sk);
}

/* Count the walk's sockets equal to @sk, and how many were pending. */
static unsigned int walk_count(struct sock *sk, unsigned int *pending)
{
	struct vsock_walk_pos pos = {};
	struct vsock_walk_item it;
	unsigned int found = 0;

	*pending = 0;
	while (vsock_walk(&init_net, &pos, &it, 1)) {
		if (it.sk == sk) {
			found++;
			*pending += it.pending;
		}
		sock_put(it.sk);
	}
	return found;
}

/* A child is pending from its creation until established or freed. */
static void vsock_walk_lists_pending_child(struct kunit *test)
{
	struct sockaddr_vm local, remote;
	struct socket *l;
	struct sock *child;
	unsigned int pending;
	u32 port;

	l = new_listener(test, &port);
	vsock_addr_init(&local, VMADDR_CID_LOCAL, port);
	vsock_addr_init(&remote, VMADDR_CID_LOCAL, 54321);
	lock_sock(l->sk);
	child = vsock_create_connected(l->sk, &local, &remote);
	release_sock(l->sk);
	KUNIT_ASSERT_FALSE(test, IS_ERR(child));
	/* Where a transport in its handshake keeps it (VMCI does so). */
	child->sk_state = TCP_SYN_SENT;

	KUNIT_EXPECT_EQ(test, walk_count(child, &pending), 1);
	KUNIT_EXPECT_EQ(test, pending, 1);
	KUNIT_EXPECT_EQ(test, walk_count(l->sk, &pending), 1);
	KUNIT_EXPECT_EQ(test, pending, 0);

	/* Dropped in its handshake: freeing it takes it off the list. */
	sock_put(child);
	KUNIT_EXPECT_EQ(test, walk_count(child, &pending), 0);
}

static struct kunit_case vsock_walk_cases[] = {
	KUNIT_CASE_PARAM(vsock_walk_lists_each_socket_once, batch_gen_params),
	KUNIT_CASE(vsock_walk_resumes_at_item_pos),
	KUNIT_CASE(vsock_walk_lists_pending_child),
	{}
};

static struct kunit_suite vsock_walk_suite = {
	.name = "vsock_walk",
	.test_cases = vsock_walk_cases,
};

kunit_test_suite(vsock_walk_suite);

MODULE_DESCRIPTION("KUnit tests for the AF_VSOCK socket walk (vsock_diag)");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
