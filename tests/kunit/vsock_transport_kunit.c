// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: transport selection (vsock/transport.c) with fake transports:
 * which role serves each socket type, CID and flag, for every mix of
 * registered roles, and which CIDs count as local for bind(); and the
 * registration contract: a transport lacking an op its roles need is
 * refused, one with all of them registers and unregisters.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vv_compat.h>

#include "../../vsock/vsock.h"

#define FAKE_G2H_CID	42

static u32 fake_g2h_cid(void)
{
	return FAKE_G2H_CID;
}

static u32 fake_host_cid(void)
{
	return VMADDR_CID_HOST;
}

static u32 fake_local_cid(void)
{
	return VMADDR_CID_LOCAL;
}

static const struct vsock_transport fake_g2h = {
	.name = "g2h", .get_local_cid = fake_g2h_cid,
};

static const struct vsock_transport fake_h2g = {
	.name = "h2g", .get_local_cid = fake_host_cid,
};

static const struct vsock_transport fake_local = {
	.name = "local", .get_local_cid = fake_local_cid,
};

static const struct vsock_transport fake_dgram = { .name = "dgram" };

static const struct vsock_transport fake_fallback = { .name = "fallback" };

/* Registered roles of a case. */
#define R_G2H	BIT(0)
#define R_H2G	BIT(1)
#define R_LOCAL	BIT(2)
#define R_DGRAM	BIT(3)
#define R_FALLBACK BIT(4)

struct pick_case {
	const char *name;
	u32 roles;
	int type;
	u32 cid;
	u8 flags;
	const struct vsock_transport *want;
};

static const struct pick_case pick_cases[] = {
	{ "cid1_local", R_LOCAL | R_G2H | R_H2G, SOCK_STREAM, 1, 0, &fake_local },
	{ "cid1_no_local", R_G2H, SOCK_STREAM, 1, 0, &fake_g2h },
	{ "own_cid_local", R_LOCAL | R_G2H, SOCK_STREAM, FAKE_G2H_CID, 0,
	  &fake_local },
	{ "host_local_without_g2h", R_LOCAL | R_H2G, SOCK_STREAM, 2, 0,
	  &fake_local },
	{ "host_itself_h2g", R_H2G, SOCK_STREAM, 2, 0, &fake_h2g },
	{ "host_itself_h2g_not_g2h", R_G2H | R_H2G, SOCK_STREAM, 2, 0,
	  &fake_g2h },
	{ "host_g2h", R_LOCAL | R_G2H, SOCK_SEQPACKET, 2, 0, &fake_g2h },
	{ "hypervisor_g2h", R_G2H | R_H2G, SOCK_STREAM, 0, 0, &fake_g2h },
	{ "guest_h2g", R_G2H | R_H2G, SOCK_STREAM, 5, 0, &fake_h2g },
	{ "guest_to_host_flag", R_G2H | R_H2G, SOCK_STREAM, 5,
	  VMADDR_FLAG_TO_HOST, &fake_g2h },
	{ "guest_no_h2g", R_G2H, SOCK_STREAM, 5, 0, &fake_g2h },
	{ "guest_nothing", R_LOCAL, SOCK_STREAM, 5, 0, NULL },
	{ "dgram_real", R_DGRAM | R_FALLBACK, SOCK_DGRAM, 1, 0, &fake_dgram },
	{ "dgram_fallback", R_FALLBACK | R_LOCAL, SOCK_DGRAM, 1, 0,
	  &fake_fallback },
	{ "dgram_none", R_LOCAL | R_G2H, SOCK_DGRAM, 1, 0, NULL },
	{ "raw_type", R_LOCAL | R_G2H | R_DGRAM, SOCK_RAW, 1, 0, NULL },
};

static void pick_case_desc(const struct pick_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pick, pick_cases, pick_case_desc);

static void registry_of(struct vsock_registry *reg, u32 roles)
{
	memset(reg, 0, sizeof(*reg));
	if (roles & R_G2H)
		reg->g2h = &fake_g2h;
	if (roles & R_H2G)
		reg->h2g = &fake_h2g;
	if (roles & R_LOCAL)
		reg->local = &fake_local;
	if (roles & R_DGRAM)
		reg->dgram = &fake_dgram;
	if (roles & R_FALLBACK)
		reg->dgram_fallback = &fake_fallback;
}

static void vsock_transport_pick_table(struct kunit *test)
{
	const struct pick_case *c = test->param_value;
	struct vsock_registry reg;
	struct sockaddr_vm remote;

	registry_of(&reg, c->roles);
	vsock_addr_init(&remote, c->cid, 1234);
	remote.svm_flags = c->flags;
	KUNIT_EXPECT_PTR_EQ(test, vsock_transport_pick(&reg, c->type, &remote),
			    c->want);
}

struct cid_case {
	const char *name;
	u32 roles;
	u32 cid;
	bool local;
};

static const struct cid_case cid_cases[] = {
	{ "g2h_cid", R_G2H, FAKE_G2H_CID, true },
	{ "other_cid", R_G2H | R_H2G | R_LOCAL, 7, false },
	{ "host_with_h2g", R_H2G, VMADDR_CID_HOST, true },
	{ "host_without_h2g", R_G2H | R_LOCAL, VMADDR_CID_HOST, false },
	{ "local_with_loopback", R_LOCAL, VMADDR_CID_LOCAL, true },
	{ "local_without_loopback", R_G2H | R_H2G, VMADDR_CID_LOCAL, false },
	{ "nothing_registered", 0, VMADDR_CID_LOCAL, false },
};

static void cid_case_desc(const struct cid_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cid, cid_cases, cid_case_desc);

static void vsock_registry_has_cid_table(struct kunit *test)
{
	const struct cid_case *c = test->param_value;
	struct vsock_registry reg;

	registry_of(&reg, c->roles);
	KUNIT_EXPECT_EQ(test, vsock_registry_has_cid(&reg, c->cid), c->local);
}

/* A transport with every op; the registration cases take ops away. */
static int full_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	return 0;
}

static void full_noop(struct vsock_sock *vsk)
{
}

static bool full_allow(u32 cid, u32 port)
{
	return false;
}

static int full_connect(struct vsock_sock *vsk)
{
	return -ENETUNREACH;
}

static int full_shutdown(struct vsock_sock *vsk, int mode)
{
	return 0;
}

static ssize_t full_enqueue(struct vsock_sock *vsk, struct msghdr *msg,
			    size_t len)
{
	return -ENOTCONN;
}

static ssize_t full_dequeue(struct vsock_sock *vsk, struct msghdr *msg,
			    size_t len, int flags)
{
	return -ENOTCONN;
}

static s64 full_has(struct vsock_sock *vsk)
{
	return 0;
}

static s64 full_has_space(struct vsock_sock *vsk, size_t want)
{
	return -ENOTCONN;
}

static int full_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
			      struct msghdr *msg, size_t len)
{
	return -EHOSTUNREACH;
}

static const struct vsock_transport fake_full = {
	.module = THIS_MODULE,
	.name = "kunit-full",
	.init = full_init,
	.destruct = full_noop,
	.release = full_noop,
	.get_local_cid = fake_g2h_cid,
	.stream_allow = full_allow,
	.connect = full_connect,
	.shutdown = full_shutdown,
	.enqueue = full_enqueue,
	.dequeue = full_dequeue,
	.has_data = full_has,
	.has_space = full_has_space,
	.dgram_allow = full_allow,
	.dgram_enqueue = full_dgram_enqueue,
};

/* fake_full without the op at @offset, registered for @roles. */
struct reg_case {
	const char *name;
	u32 roles;
	size_t offset;
	const char *missing;	/* NULL: the op is optional for @roles */
};

#define REG_CASE(n, r, op, m) \
	{ n, r, offsetof(struct vsock_transport, op), m }

static const struct reg_case reg_cases[] = {
	REG_CASE("local_no_init", VSOCK_TRANSPORT_F_LOCAL, init, "init"),
	REG_CASE("dgram_no_destruct", VSOCK_TRANSPORT_F_DGRAM, destruct,
		 "destruct"),
	REG_CASE("h2g_no_release", VSOCK_TRANSPORT_F_H2G, release, "release"),
	REG_CASE("g2h_no_local_cid", VSOCK_TRANSPORT_F_G2H, get_local_cid,
		 "get_local_cid"),
	REG_CASE("dgram_no_local_cid", VSOCK_TRANSPORT_F_DGRAM, get_local_cid,
		 "get_local_cid"),
	REG_CASE("g2h_no_stream_allow", VSOCK_TRANSPORT_F_G2H, stream_allow,
		 "stream_allow"),
	REG_CASE("h2g_no_connect", VSOCK_TRANSPORT_F_H2G, connect, "connect"),
	REG_CASE("local_no_shutdown", VSOCK_TRANSPORT_F_LOCAL, shutdown,
		 "shutdown"),
	REG_CASE("g2h_no_enqueue", VSOCK_TRANSPORT_F_G2H, enqueue, "enqueue"),
	REG_CASE("h2g_no_dequeue", VSOCK_TRANSPORT_F_H2G, dequeue, "dequeue"),
	REG_CASE("local_no_has_data", VSOCK_TRANSPORT_F_LOCAL, has_data,
		 "has_data"),
	REG_CASE("g2h_no_has_space", VSOCK_TRANSPORT_F_G2H, has_space,
		 "has_space"),
	REG_CASE("dgram_no_allow", VSOCK_TRANSPORT_F_DGRAM, dgram_allow,
		 "dgram_allow"),
	REG_CASE("dgram_no_enqueue", VSOCK_TRANSPORT_F_DGRAM, dgram_enqueue,
		 "dgram_enqueue"),
	REG_CASE("fallback_no_enqueue", VSOCK_TRANSPORT_F_DGRAM_FALLBACK,
		 dgram_enqueue, "dgram_enqueue"),
	/* A stream role and a datagram role together need both sets. */
	REG_CASE("local_and_fallback_no_enqueue",
		 VSOCK_TRANSPORT_F_LOCAL | VSOCK_TRANSPORT_F_DGRAM_FALLBACK,
		 dgram_enqueue, "dgram_enqueue"),
	/* What a role never calls stays optional. */
	REG_CASE("h2g_no_local_cid", VSOCK_TRANSPORT_F_H2G, get_local_cid,
		 NULL),
	REG_CASE("local_no_local_cid", VSOCK_TRANSPORT_F_LOCAL, get_local_cid,
		 NULL),
	REG_CASE("g2h_no_dgram_enqueue", VSOCK_TRANSPORT_F_G2H, dgram_enqueue,
		 NULL),
	REG_CASE("dgram_no_connect", VSOCK_TRANSPORT_F_DGRAM, connect, NULL),
	REG_CASE("g2h_no_seqpacket", VSOCK_TRANSPORT_F_G2H, seqpacket_allow,
		 NULL),
	REG_CASE("h2g_no_cancel_connect", VSOCK_TRANSPORT_F_H2G,
		 cancel_connect, NULL),
	REG_CASE("g2h_no_unsent_bytes", VSOCK_TRANSPORT_F_G2H, unsent_bytes,
		 NULL),
	REG_CASE("dgram_no_dgram_bind", VSOCK_TRANSPORT_F_DGRAM, dgram_bind,
		 NULL),
};

static void reg_case_desc(const struct reg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reg, reg_cases, reg_case_desc);

static void unregister_action(void *t)
{
	vsock_core_unregister(t);
}

/* Register @t for @roles; a role another transport holds skips the case. */
static void register_or_skip(struct kunit *test,
			     const struct vsock_transport *t, u32 roles)
{
	int err = vsock_core_register(t, roles);

	if (err == -EBUSY)
		kunit_skip(test, "role 0x%x is taken by a loaded transport",
			   roles);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							unregister_action,
							(void *)t), 0);
}

static void vsock_core_register_table(struct kunit *test)
{
	const struct reg_case *c = test->param_value;
	struct vsock_transport *t;
	int err;

	t = kunit_kmalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	*t = fake_full;
	memset((void *)t + c->offset, 0, sizeof(void *));

	if (c->missing) {
		const char *got = vsock_transport_missing_op(t, c->roles);

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_EXPECT_STREQ(test, got, c->missing);
		/* Refused before the roles are even looked at. */
		KUNIT_EXPECT_EQ(test, vsock_core_register(t, c->roles), -EINVAL);
		return;
	}
	KUNIT_EXPECT_NULL(test, vsock_transport_missing_op(t, c->roles));
	/* Accepted; the role may be held by a loaded transport (-EBUSY). */
	err = vsock_core_register(t, c->roles);
	KUNIT_EXPECT_TRUE_MSG(test, !err || err == -EBUSY, "err %d", err);
	if (!err)
		vsock_core_unregister(t);
}

/*
 * The complete transport registers for every role at once, a refused
 * registration leaves the roles free, and unregistering frees them.
 */
static void vsock_core_register_complete(struct kunit *test)
{
	const u32 roles = VSOCK_TRANSPORT_F_G2H | VSOCK_TRANSPORT_F_H2G |
			  VSOCK_TRANSPORT_F_DGRAM;
	struct vsock_transport *broken;

	KUNIT_EXPECT_NULL(test, vsock_transport_missing_op(&fake_full,
							   VSOCK_TRANSPORT_F_ALL));
	broken = kunit_kmalloc(test, sizeof(*broken), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, broken);
	*broken = fake_full;
	broken->has_space = NULL;
	KUNIT_EXPECT_EQ(test, vsock_core_register(broken, roles), -EINVAL);

	register_or_skip(test, &fake_full, roles);
	KUNIT_EXPECT_EQ(test, vsock_core_register(&fake_full,
						  VSOCK_TRANSPORT_F_DGRAM),
			-EBUSY);
	KUNIT_EXPECT_TRUE(test, vsock_find_cid(FAKE_G2H_CID));
	kunit_release_action(test, unregister_action, (void *)&fake_full);
	KUNIT_EXPECT_FALSE(test, vsock_find_cid(FAKE_G2H_CID));

	/* Free again: a second registration works. */
	register_or_skip(test, &fake_full, roles);
}

static struct kunit_case vsock_transport_cases[] = {
	KUNIT_CASE_PARAM(vsock_transport_pick_table, pick_gen_params),
	KUNIT_CASE_PARAM(vsock_registry_has_cid_table, cid_gen_params),
	KUNIT_CASE_PARAM(vsock_core_register_table, reg_gen_params),
	KUNIT_CASE(vsock_core_register_complete),
	{}
};

static struct kunit_suite vsock_transport_suite = {
	.name = "vsock_transport",
	.test_cases = vsock_transport_cases,
};

kunit_test_suite(vsock_transport_suite);

MODULE_DESCRIPTION("KUnit tests for AF_VSOCK transport selection");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
