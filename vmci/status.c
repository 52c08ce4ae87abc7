// SPDX-License-Identifier: GPL-2.0
/*
 * VMCI status codes to errno: the only place where one becomes the other.
 *
 * Inside the core, functions that talk to the hypervisor or mirror its
 * semantics (routing, the broker) return VMCI status codes; every
 * exported function returns errno and converts here. The choices below
 * follow what the vsock VMCI transport has always reported to sockets
 * (EADDRINUSE for an existing handle, ENOBUFS for exhausted resources,
 * EHOSTUNREACH for an unknown resource) so that errno can be passed
 * through unchanged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <vmci/vmci_abi.h>
#include <vv_compat.h>

#include "vmci_core.h"

static const s16 vmci_errno_table[] = {
	[-VMCI_ERROR_INVALID_RESOURCE] = -EHOSTUNREACH,
	[-VMCI_ERROR_INVALID_ARGS] = -EINVAL,
	[-VMCI_ERROR_NO_MEM] = -ENOMEM,
	[-VMCI_ERROR_DATAGRAM_FAILED] = -EIO,
	[-VMCI_ERROR_MORE_DATA] = -EMSGSIZE,
	[-VMCI_ERROR_NO_MORE_DATAGRAMS] = -EAGAIN,
	[-VMCI_ERROR_NO_ACCESS] = -EPERM,
	[-VMCI_ERROR_NO_HANDLE] = -ENOSPC,
	[-VMCI_ERROR_DUPLICATE_ENTRY] = -EADDRINUSE,
	[-VMCI_ERROR_DST_UNREACHABLE] = -EHOSTUNREACH,
	[-VMCI_ERROR_PAYLOAD_TOO_LARGE] = -EMSGSIZE,
	[-VMCI_ERROR_INVALID_PRIV] = -EPERM,
	[-VMCI_ERROR_GENERIC] = -EIO,
	[-VMCI_ERROR_PAGE_ALREADY_SHARED] = -EBUSY,
	[-VMCI_ERROR_CANNOT_SHARE_PAGE] = -EIO,
	[-VMCI_ERROR_CANNOT_UNSHARE_PAGE] = -EIO,
	[-VMCI_ERROR_NO_PROCESS] = -ESRCH,
	[-VMCI_ERROR_NO_DATAGRAM] = -EAGAIN,
	[-VMCI_ERROR_NO_RESOURCES] = -ENOBUFS,
	[-VMCI_ERROR_UNAVAILABLE] = -EBUSY,
	[-VMCI_ERROR_NOT_FOUND] = -ENOENT,
	[-VMCI_ERROR_ALREADY_EXISTS] = -EADDRINUSE,
	[-VMCI_ERROR_NOT_PAGE_ALIGNED] = -EINVAL,
	[-VMCI_ERROR_INVALID_SIZE] = -EINVAL,
	[-VMCI_ERROR_REGION_ALREADY_SHARED] = -EBUSY,
	[-VMCI_ERROR_TIMEOUT] = -ETIMEDOUT,
	[-VMCI_ERROR_DATAGRAM_INCOMPLETE] = -EIO,
	[-VMCI_ERROR_INCORRECT_IRQL] = -EINVAL,
	[-VMCI_ERROR_EVENT_UNKNOWN] = -EINVAL,
	[-VMCI_ERROR_OBSOLETE] = -EOPNOTSUPP,
	[-VMCI_ERROR_QUEUEPAIR_MISMATCH] = -EINVAL,
	[-VMCI_ERROR_QUEUEPAIR_NOTSET] = -ENXIO,
	[-VMCI_ERROR_QUEUEPAIR_NOTOWNER] = -EPERM,
	[-VMCI_ERROR_QUEUEPAIR_NOTATTACHED] = -ENOTCONN,
	[-VMCI_ERROR_QUEUEPAIR_NOSPACE] = -EAGAIN,
	[-VMCI_ERROR_QUEUEPAIR_NODATA] = -EAGAIN,
	[-VMCI_ERROR_BUSMEM_INVALIDATION] = -EIO,
	[-VMCI_ERROR_MODULE_NOT_LOADED] = -ENODEV,
	[-VMCI_ERROR_DEVICE_NOT_FOUND] = -ENODEV,
	[-VMCI_ERROR_QUEUEPAIR_NOT_READY] = -EAGAIN,
	[-VMCI_ERROR_WOULD_BLOCK] = -EWOULDBLOCK,
};

/**
 * vmci_status_to_errno() - convert a VMCI status code to errno
 * @status: VMCI_SUCCESS*, VMCI_ERROR_* or a client error code
 *
 * Return: 0 for every success code (all are >= 0), the matching negative
 * errno for a known error, -EIO for anything else (client codes, codes
 * a newer hypervisor may invent).
 *
 * Context: any.
 */
int vmci_status_to_errno(int status)
{
	if (status >= VMCI_SUCCESS)
		return 0;
	if (-status < ARRAY_SIZE(vmci_errno_table) && vmci_errno_table[-status])
		return vmci_errno_table[-status];
	return -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_status_to_errno);
