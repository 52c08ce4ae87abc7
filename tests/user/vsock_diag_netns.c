// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the kernel's vsock_diag_test with -Wl,--wrap=control_init:
 * with VV_DIAG_NETNS=client in the environment, the client moves to a
 * network namespace of its own once its TCP control connection is up.
 * Its vsock sockets and its sock_diag requests are then in that
 * namespace, and each side of a one-guest run sees only its own sockets,
 * as the suite expects of a guest and its host. AF_VSOCK addressing does
 * not depend on the namespace, so the client still reaches the server.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsock_diag_netns.h"

void __wrap_control_init(const char *host, const char *port, bool server)
{
	const char *want = getenv("VV_DIAG_NETNS");

	__real_control_init(host, port, server);
	if (server || !want || strcmp(want, "client"))
		return;
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		exit(EXIT_FAILURE);
	}
}
