// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ephemeral port selection (vsock_port_pick() in vsock/table.c):
 * never a reserved port or VMADDR_PORT_ANY, consecutive candidates from
 * the cursor, and -EADDRNOTAVAIL after VSOCK_PORT_RETRIES busy ports.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vv_compat.h>

#include "../../vsock/vsock.h"

struct port_probe_log {
	u32 busy_below;		/* ports below this one are in use */
	u32 busy_all;		/* every port is in use */
	unsigned int calls;
	u32 seen[VSOCK_PORT_RETRIES + 1];
};

static bool fake_in_use(u32 port, void *arg)
{
	struct port_probe_log *log = arg;

	if (log->calls < ARRAY_SIZE(log->seen))
		log->seen[log->calls] = port;
	log->calls++;
	return log->busy_all || port < log->busy_below;
}

static void vsock_port_pick_first_free_at_cursor(struct kunit *test)
{
	struct port_probe_log log = {};
	u32 cursor = 5000, port = 0;

	KUNIT_ASSERT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), 0);
	KUNIT_EXPECT_EQ(test, port, 5000U);
	KUNIT_EXPECT_EQ(test, cursor, 5001U);
	KUNIT_EXPECT_EQ(test, log.calls, 1U);
}

static void vsock_port_pick_skips_busy_ports(struct kunit *test)
{
	struct port_probe_log log = { .busy_below = 5003 };
	u32 cursor = 5000, port = 0;

	KUNIT_ASSERT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), 0);
	KUNIT_EXPECT_EQ(test, port, 5003U);
	KUNIT_EXPECT_EQ(test, log.calls, 4U);
	KUNIT_EXPECT_EQ(test, cursor, 5004U);
}

static const u32 reserved_cursors[] = {
	0, 1, VSOCK_LAST_RESERVED_PORT, VMADDR_PORT_ANY,
};

static void cursor_desc(const u32 *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cursor_%u", *c);
}

KUNIT_ARRAY_PARAM(reserved_cursor, reserved_cursors, cursor_desc);

static void vsock_port_pick_never_reserved(struct kunit *test)
{
	struct port_probe_log log = {};
	u32 cursor = *(const u32 *)test->param_value, port = 0;

	KUNIT_ASSERT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), 0);
	KUNIT_EXPECT_EQ(test, port, VSOCK_LAST_RESERVED_PORT + 1U);
}

static void vsock_port_pick_wraps_before_port_any(struct kunit *test)
{
	struct port_probe_log log = { .busy_below = 0 };
	u32 cursor = VMADDR_PORT_ANY - 1, port = 0;

	KUNIT_ASSERT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), 0);
	KUNIT_EXPECT_EQ(test, port, VMADDR_PORT_ANY - 1);
	/* The next candidate is VMADDR_PORT_ANY: it must wrap to 1024. */
	KUNIT_ASSERT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), 0);
	KUNIT_EXPECT_EQ(test, port, VSOCK_LAST_RESERVED_PORT + 1U);
}

static void vsock_port_pick_all_busy_is_eaddrnotavail(struct kunit *test)
{
	struct port_probe_log log = { .busy_all = 1 };
	u32 cursor = 40000, port = 7;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, vsock_port_pick(&cursor, fake_in_use, &log,
					      &port), -EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, log.calls, VSOCK_PORT_RETRIES);
	KUNIT_EXPECT_EQ(test, port, 7U);
	for (i = 0; i < VSOCK_PORT_RETRIES; i++)
		KUNIT_EXPECT_EQ(test, log.seen[i], 40000U + i);
}

static struct kunit_case vsock_port_cases[] = {
	KUNIT_CASE(vsock_port_pick_first_free_at_cursor),
	KUNIT_CASE(vsock_port_pick_skips_busy_ports),
	KUNIT_CASE_PARAM(vsock_port_pick_never_reserved,
			 reserved_cursor_gen_params),
	KUNIT_CASE(vsock_port_pick_wraps_before_port_any),
	KUNIT_CASE(vsock_port_pick_all_busy_is_eaddrnotavail),
	{}
};

static struct kunit_suite vsock_port_suite = {
	.name = "vsock_port",
	.test_cases = vsock_port_cases,
};

kunit_test_suite(vsock_port_suite);

MODULE_DESCRIPTION("KUnit tests for AF_VSOCK ephemeral port selection");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
