/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two names -Wl,--wrap=control_init gives the control channel set-up
 * of the kernel's vsock tests (tools/testing/vsock/control.h).
 */
#ifndef VV_VSOCK_DIAG_NETNS_H
#define VV_VSOCK_DIAG_NETNS_H

#include <stdbool.h>

void __real_control_init(const char *host, const char *port, bool server);
void __wrap_control_init(const char *host, const char *port, bool server);

#endif /* VV_VSOCK_DIAG_NETNS_H */
