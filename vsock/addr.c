// SPDX-License-Identifier: GPL-2.0
/*
 * struct sockaddr_vm checks shared by every socket call that takes an
 * address from user space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/string.h>
#include <vsock/addr.h>
#include <vv_compat.h>

/**
 * vsock_addr_init() - fill in an AF_VSOCK address
 * @addr: address to initialise
 * @cid: context ID
 * @port: port
 *
 * Clears every other field, including svm_flags.
 *
 * Context: any.
 */
void vsock_addr_init(struct sockaddr_vm *addr, u32 cid, u32 port)
{
	memset(addr, 0, sizeof(*addr));
	addr->svm_family = AF_VSOCK;
	addr->svm_cid = cid;
	addr->svm_port = port;
}
EXPORT_SYMBOL_VV(vsock_addr_init);

/**
 * vsock_addr_validate() - check an address given by user space
 * @addr: the address
 *
 * Context: any.
 * Return: 0, -EFAULT for a NULL address, -EAFNOSUPPORT when the family is
 * not AF_VSOCK, -EINVAL when svm_flags has an unknown bit.
 */
int vsock_addr_validate(const struct sockaddr_vm *addr)
{
	if (!addr)
		return -EFAULT;
	if (addr->svm_family != AF_VSOCK)
		return -EAFNOSUPPORT;
	if (addr->svm_flags & ~VSOCK_ADDR_FLAGS_VALID)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_VV(vsock_addr_validate);

/**
 * vsock_addr_cast() - view a generic socket address as an AF_VSOCK one
 * @addr: kernel copy of the user's address
 * @len: its length
 * @out: set to @addr viewed as struct sockaddr_vm (also on failure, so
 *	that a caller can look at the family)
 *
 * Context: any.
 * Return: 0, -EFAULT when @len is too short, or an error of
 * vsock_addr_validate().
 */
int vsock_addr_cast(struct sockaddr *addr, size_t len,
		    struct sockaddr_vm **out)
{
	*out = (struct sockaddr_vm *)addr;
	if (len < sizeof(**out))
		return -EFAULT;
	return vsock_addr_validate(*out);
}
EXPORT_SYMBOL_VV(vsock_addr_cast);

/**
 * vsock_addr_bound() - does the address name a port?
 * @addr: the address
 *
 * Context: any.
 * Return: true unless the port is VMADDR_PORT_ANY.
 */
bool vsock_addr_bound(const struct sockaddr_vm *addr)
{
	return addr->svm_port != VMADDR_PORT_ANY;
}
EXPORT_SYMBOL_VV(vsock_addr_bound);

/**
 * vsock_addr_equals() - compare the CID and port of two addresses
 * @a: first address
 * @b: second address
 *
 * Context: any.
 * Return: true when both CID and port are equal (flags are ignored).
 */
bool vsock_addr_equals(const struct sockaddr_vm *a,
		       const struct sockaddr_vm *b)
{
	return a->svm_cid == b->svm_cid && a->svm_port == b->svm_port;
}
EXPORT_SYMBOL_VV(vsock_addr_equals);
