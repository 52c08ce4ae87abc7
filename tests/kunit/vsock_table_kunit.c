// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the socket tables (vsock/table.c) through kernel sockets: a
 * transport that learns its CID after bind (VMCI) moves the socket to
 * that CID for later lookups.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/sock.h>
#include <vsock/addr.h>
#include <vsock/transport.h>
#include <vv_compat.h>

#define TABLE_CID	7

static void release_action(void *sock)
{
	sock_release(sock);
}

static struct vsock_sock *bound_any(struct kunit *test, u32 *port)
{
	struct sockaddr_vm addr;
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_VSOCK, SOCK_STREAM,
					       0, &sock), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_action,
							sock), 0);
	vsock_addr_init(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	KUNIT_ASSERT_EQ(test, kernel_bind(sock, (struct sockaddr *)&addr,
					  sizeof(addr)), 0);
	*port = vsock_sk(sock->sk)->local_addr.svm_port;
	return vsock_sk(sock->sk);
}

/* The socket found at (@cid, @port), if any; no reference kept. */
static struct sock *lookup(u32 cid, u32 port)
{
	struct sockaddr_vm addr;
	struct sock *sk;

	vsock_addr_init(&addr, cid, port);
	sk = vsock_find_bound_socket(&addr);
	if (sk)
		sock_put(sk);
	return sk;
}

static void vsock_set_local_cid_moves_bound_socket(struct kunit *test)
{
	struct vsock_sock *vsk;
	u32 port;

	vsk = bound_any(test, &port);
	/* Bound to CID_ANY: any CID finds it. */
	KUNIT_EXPECT_PTR_EQ(test, lookup(VMADDR_CID_LOCAL, port), sk_vsock(vsk));

	lock_sock(sk_vsock(vsk));
	vsock_set_local_cid(vsk, TABLE_CID);
	release_sock(sk_vsock(vsk));

	KUNIT_EXPECT_EQ(test, vsk->local_addr.svm_cid, TABLE_CID);
	KUNIT_EXPECT_EQ(test, vsk->local_addr.svm_port, port);
	KUNIT_EXPECT_PTR_EQ(test, lookup(TABLE_CID, port), sk_vsock(vsk));
	KUNIT_EXPECT_PTR_EQ(test, lookup(VMADDR_CID_ANY, port), sk_vsock(vsk));
	KUNIT_EXPECT_NULL(test, lookup(VMADDR_CID_LOCAL, port));
}

static struct kunit_case vsock_table_cases[] = {
	KUNIT_CASE(vsock_set_local_cid_moves_bound_socket),
	{}
};

static struct kunit_suite vsock_table_suite = {
	.name = "vsock_table",
	.test_cases = vsock_table_cases,
};

kunit_test_suite(vsock_table_suite);

MODULE_DESCRIPTION("KUnit tests for the AF_VSOCK socket tables");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
