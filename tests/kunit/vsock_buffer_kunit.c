// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SO_VM_SOCKETS_BUFFER_* clamping (vsock_buffer_clamp() in
 * vsock/sockopt.c), including the in-kernel rule that the maximum wins
 * when the minimum is set above it.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vv_compat.h>

#include "../../vsock/vsock.h"

struct clamp_case {
	const char *name;
	u64 val, min, max, want;
};

static const struct clamp_case clamp_cases[] = {
	{ "inside", 4096, 128, 262144, 4096 },
	{ "below_min", 1, 128, 262144, 128 },
	{ "above_max", 1 << 20, 128, 262144, 262144 },
	{ "at_min", 128, 128, 262144, 128 },
	{ "at_max", 262144, 128, 262144, 262144 },
	{ "zero", 0, 128, 262144, 128 },
	{ "u64_max", U64_MAX, 128, 262144, 262144 },
	{ "min_above_max", 500, 1000, 200, 200 },
	{ "huge_range", 1ULL << 40, 0, U64_MAX, 1ULL << 40 },
};

static void clamp_case_desc(const struct clamp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(clamp, clamp_cases, clamp_case_desc);

static void vsock_buffer_clamp_table(struct kunit *test)
{
	const struct clamp_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vsock_buffer_clamp(c->val, c->min, c->max),
			c->want);
}

static void vsock_buffer_clamp_defaults_are_ordered(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, VSOCK_DEFAULT_BUFFER_MIN_SIZE,
			VSOCK_DEFAULT_BUFFER_SIZE);
	KUNIT_EXPECT_LE(test, VSOCK_DEFAULT_BUFFER_SIZE,
			VSOCK_DEFAULT_BUFFER_MAX_SIZE);
	KUNIT_EXPECT_EQ(test,
			vsock_buffer_clamp(VSOCK_DEFAULT_BUFFER_SIZE,
					   VSOCK_DEFAULT_BUFFER_MIN_SIZE,
					   VSOCK_DEFAULT_BUFFER_MAX_SIZE),
			VSOCK_DEFAULT_BUFFER_SIZE);
}

static struct kunit_case vsock_buffer_cases[] = {
	KUNIT_CASE_PARAM(vsock_buffer_clamp_table, clamp_gen_params),
	KUNIT_CASE(vsock_buffer_clamp_defaults_are_ordered),
	{}
};

static struct kunit_suite vsock_buffer_suite = {
	.name = "vsock_buffer",
	.test_cases = vsock_buffer_cases,
};

kunit_test_suite(vsock_buffer_suite);

MODULE_DESCRIPTION("KUnit tests for AF_VSOCK buffer size clamping");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
