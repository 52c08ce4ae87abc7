// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: struct sockaddr_vm checks (vsock/addr.c): the errno each bad
 * user address gets, and the helpers the tables build on.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vsock/addr.h>
#include <vv_compat.h>

struct addr_case {
	const char *name;
	sa_family_t family;
	u8 flags;
	int err;
};

static const struct addr_case addr_cases[] = {
	{ "valid", AF_VSOCK, 0, 0 },
	{ "to_host_flag", AF_VSOCK, VMADDR_FLAG_TO_HOST, 0 },
	{ "unknown_flag", AF_VSOCK, 0x02, -EINVAL },
	{ "all_flags", AF_VSOCK, 0xff, -EINVAL },
	{ "inet_family", AF_INET, 0, -EAFNOSUPPORT },
	{ "unspec_family", AF_UNSPEC, 0, -EAFNOSUPPORT },
};

static void addr_case_desc(const struct addr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(addr, addr_cases, addr_case_desc);

static void vsock_addr_validate_table(struct kunit *test)
{
	const struct addr_case *c = test->param_value;
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, 3, 1234);
	addr.svm_family = c->family;
	addr.svm_flags = c->flags;
	KUNIT_EXPECT_EQ(test, vsock_addr_validate(&addr), c->err);
}

static void vsock_addr_validate_null_is_efault(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vsock_addr_validate(NULL), -EFAULT);
}

static void vsock_addr_cast_short_len_is_efault(struct kunit *test)
{
	struct sockaddr_vm addr, *out = NULL;

	vsock_addr_init(&addr, 2, 5);
	KUNIT_EXPECT_EQ(test, vsock_addr_cast((struct sockaddr *)&addr,
					      sizeof(addr) - 1, &out), -EFAULT);
	/* The caller may still look at the family of a short address. */
	KUNIT_EXPECT_PTR_EQ(test, out, &addr);
}

static void vsock_addr_cast_valid_returns_view(struct kunit *test)
{
	struct sockaddr_vm addr, *out = NULL;

	vsock_addr_init(&addr, 2, 5);
	KUNIT_EXPECT_EQ(test, vsock_addr_cast((struct sockaddr *)&addr,
					      sizeof(addr), &out), 0);
	KUNIT_EXPECT_PTR_EQ(test, out, &addr);
	addr.svm_family = AF_UNIX;
	KUNIT_EXPECT_EQ(test, vsock_addr_cast((struct sockaddr *)&addr,
					      sizeof(addr), &out),
			-EAFNOSUPPORT);
}

static void vsock_addr_init_clears_flags_and_padding(struct kunit *test)
{
	struct sockaddr_vm addr;
	unsigned int i;

	memset(&addr, 0xa5, sizeof(addr));
	vsock_addr_init(&addr, VMADDR_CID_LOCAL, 77);
	KUNIT_EXPECT_EQ(test, addr.svm_family, AF_VSOCK);
	KUNIT_EXPECT_EQ(test, addr.svm_cid, VMADDR_CID_LOCAL);
	KUNIT_EXPECT_EQ(test, addr.svm_port, 77U);
	KUNIT_EXPECT_EQ(test, addr.svm_flags, 0);
	KUNIT_EXPECT_EQ(test, addr.svm_reserved1, 0);
	for (i = 0; i < sizeof(addr.svm_zero); i++)
		KUNIT_EXPECT_EQ(test, addr.svm_zero[i], 0);
}

static void vsock_addr_bound_port_any_is_unbound(struct kunit *test)
{
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	KUNIT_EXPECT_FALSE(test, vsock_addr_bound(&addr));
	addr.svm_port = 0;
	KUNIT_EXPECT_TRUE(test, vsock_addr_bound(&addr));
}

static void vsock_addr_equals_ignores_flags(struct kunit *test)
{
	struct sockaddr_vm a, b;

	vsock_addr_init(&a, 3, 1024);
	vsock_addr_init(&b, 3, 1024);
	b.svm_flags = VMADDR_FLAG_TO_HOST;
	KUNIT_EXPECT_TRUE(test, vsock_addr_equals(&a, &b));
	b.svm_port = 1025;
	KUNIT_EXPECT_FALSE(test, vsock_addr_equals(&a, &b));
	b.svm_port = 1024;
	b.svm_cid = 4;
	KUNIT_EXPECT_FALSE(test, vsock_addr_equals(&a, &b));
}

static struct kunit_case vsock_addr_cases[] = {
	KUNIT_CASE_PARAM(vsock_addr_validate_table, addr_gen_params),
	KUNIT_CASE(vsock_addr_validate_null_is_efault),
	KUNIT_CASE(vsock_addr_cast_short_len_is_efault),
	KUNIT_CASE(vsock_addr_cast_valid_returns_view),
	KUNIT_CASE(vsock_addr_init_clears_flags_and_padding),
	KUNIT_CASE(vsock_addr_bound_port_any_is_unbound),
	KUNIT_CASE(vsock_addr_equals_ignores_flags),
	{}
};

static struct kunit_suite vsock_addr_suite = {
	.name = "vsock_addr",
	.test_cases = vsock_addr_cases,
};

kunit_test_suite(vsock_addr_suite);

MODULE_DESCRIPTION("KUnit tests for AF_VSOCK address checks");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
