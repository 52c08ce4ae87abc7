// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: transport selection (vsock/transport.c) with fake transports:
 * which role serves each socket type, CID and flag, for every mix of
 * registered roles, and which CIDs count as local for bind().
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

static struct kunit_case vsock_transport_cases[] = {
	KUNIT_CASE_PARAM(vsock_transport_pick_table, pick_gen_params),
	KUNIT_CASE_PARAM(vsock_registry_has_cid_table, cid_gen_params),
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
