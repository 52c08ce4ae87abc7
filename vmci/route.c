// SPDX-License-Identifier: GPL-2.0
/*
 * Datagram routing: given a source and a destination, decide whether a
 * datagram leaves through the guest device (AS_GUEST: to the
 * hypervisor, or to the host when we are a guest) or is handled by the
 * host personality (AS_HOST: host endpoints and, later, VM contexts of
 * /dev/vmci). An anonymous source gets the context it will be sent from.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <vv_compat.h>

#include "vmci_core.h"

static int route_to_hypervisor(struct vmci_handle *src, bool from_guest,
			       enum vmci_route *route)
{
	/* A VM cannot reach the hypervisor through us. */
	if (from_guest)
		return VMCI_ERROR_DST_UNREACHABLE;
	if (!vmci_guest_active())
		return VMCI_ERROR_DEVICE_NOT_FOUND;
	if (src->context == VMCI_HOST_CONTEXT_ID)
		return VMCI_ERROR_INVALID_ARGS;
	if (src->context == VMCI_INVALID_ID && src->resource != VMCI_INVALID_ID)
		src->context = vmci_get_context_id();
	*route = VMCI_ROUTE_AS_GUEST;
	return VMCI_SUCCESS;
}

static int route_to_host(struct vmci_handle *src, bool from_guest,
			 enum vmci_route *route)
{
	/* Events and replies from the hypervisor to host endpoints. */
	if (src->context == VMCI_HYPERVISOR_CONTEXT_ID) {
		if (!vmci_host_active())
			return VMCI_ERROR_DEVICE_NOT_FOUND;
		*route = VMCI_ROUTE_AS_HOST;
		return VMCI_SUCCESS;
	}
	/*
	 * In a guest, "the host" is the machine below us; but an endpoint of
	 * our own host personality (made before the device came) talks to
	 * host endpoints here, and never through the device.
	 */
	if (!from_guest && vmci_guest_active() &&
	    src->context != VMCI_HOST_CONTEXT_ID) {
		if (src->context == VMCI_INVALID_ID)
			src->context = vmci_get_context_id();
		*route = VMCI_ROUTE_AS_GUEST;
		return VMCI_SUCCESS;
	}
	if (!vmci_host_active())
		return VMCI_ERROR_DEVICE_NOT_FOUND;
	if (src->context == VMCI_INVALID_ID) {
		/* A VM must say who it is. */
		if (from_guest)
			return VMCI_ERROR_INVALID_ARGS;
		src->context = VMCI_HOST_CONTEXT_ID;
	}
	*route = VMCI_ROUTE_AS_HOST;
	return VMCI_SUCCESS;
}

static int route_to_vm(struct vmci_handle *src, const struct vmci_handle *dst,
		       bool from_guest, enum vmci_route *route)
{
	if (vmci_host_active() && vmci_host_context_exists(dst->context)) {
		if (src->context == VMCI_INVALID_ID) {
			if (from_guest)
				return VMCI_ERROR_INVALID_ARGS;
			src->context = VMCI_HOST_CONTEXT_ID;
		} else if (vmci_context_is_vm(src->context) &&
			   src->context != dst->context) {
			/* No VM-to-VM traffic. */
			return VMCI_ERROR_DST_UNREACHABLE;
		}
		*route = VMCI_ROUTE_AS_HOST;
		return VMCI_SUCCESS;
	}
	if (!vmci_guest_active())
		return vmci_host_active() ? VMCI_ERROR_DST_UNREACHABLE :
					    VMCI_ERROR_DEVICE_NOT_FOUND;
	/* The host personality reaches VMs only through /dev/vmci. */
	if (src->context == VMCI_HOST_CONTEXT_ID)
		return VMCI_ERROR_DST_UNREACHABLE;
	/* Let the hypervisor decide (it may be ourselves, as a guest). */
	if (src->context == VMCI_INVALID_ID)
		src->context = vmci_get_context_id();
	*route = VMCI_ROUTE_AS_GUEST;
	return VMCI_SUCCESS;
}

/**
 * vmci_route() - choose how a datagram travels
 * @src: source handle; an invalid context is filled in
 * @dst: destination handle
 * @from_guest: the datagram comes from a VM (through /dev/vmci)
 * @route: out: the route
 *
 * Return: VMCI_SUCCESS; VMCI_ERROR_INVALID_ARGS for an invalid
 * destination context; VMCI_ERROR_DST_UNREACHABLE; or
 * VMCI_ERROR_DEVICE_NOT_FOUND when no personality can carry it.
 * Context: any context.
 */
int vmci_route(struct vmci_handle *src, const struct vmci_handle *dst,
	       bool from_guest, enum vmci_route *route)
{
	*route = VMCI_ROUTE_NONE;
	if (dst->context == VMCI_INVALID_ID)
		return VMCI_ERROR_INVALID_ARGS;
	if (dst->context == VMCI_HYPERVISOR_CONTEXT_ID)
		return route_to_hypervisor(src, from_guest, route);
	if (dst->context == VMCI_HOST_CONTEXT_ID)
		return route_to_host(src, from_guest, route);
	return route_to_vm(src, dst, from_guest, route);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_route);
