/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct sockaddr_vm helpers shared by the AF_VSOCK core and its transports.
 *
 * The layout of struct sockaddr_vm is user ABI: the static_asserts below
 * stop a header change from silently moving a field.
 */
#ifndef _VSOCK_ADDR_H
#define _VSOCK_ADDR_H

#include <linux/build_bug.h>
#include <linux/socket.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/vm_sockets.h>

static_assert(sizeof(struct sockaddr_vm) == 16);
static_assert(sizeof(struct sockaddr_vm) == sizeof(struct sockaddr));
static_assert(offsetof(struct sockaddr_vm, svm_family) == 0);
static_assert(offsetof(struct sockaddr_vm, svm_reserved1) == 2);
static_assert(offsetof(struct sockaddr_vm, svm_port) == 4);
static_assert(offsetof(struct sockaddr_vm, svm_cid) == 8);
static_assert(offsetof(struct sockaddr_vm, svm_flags) == 12);
static_assert(offsetof(struct sockaddr_vm, svm_zero) == 13);

/* Ports up to this one need CAP_NET_BIND_SERVICE; autobind picks above it. */
#define VSOCK_LAST_RESERVED_PORT	1023

/* Every flag bit a caller may set in svm_flags. */
#define VSOCK_ADDR_FLAGS_VALID		VMADDR_FLAG_TO_HOST

void vsock_addr_init(struct sockaddr_vm *addr, u32 cid, u32 port);
int vsock_addr_validate(const struct sockaddr_vm *addr);
int vsock_addr_cast(struct sockaddr *addr, size_t len,
		    struct sockaddr_vm **out);
bool vsock_addr_bound(const struct sockaddr_vm *addr);
bool vsock_addr_equals(const struct sockaddr_vm *a,
		       const struct sockaddr_vm *b);

#endif /* _VSOCK_ADDR_H */
