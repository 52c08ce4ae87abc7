// SPDX-License-Identifier: GPL-2.0
/*
 * Which personalities are active, the local context ID, privileges, and
 * the vsock callback that is told about personality changes.
 *
 * A personality flag is only written under vmci_personality_lock, and
 * read locklessly by the data paths: a send racing with a personality
 * going away either routes through it (its resources still exist until
 * its exit finishes) or fails with -ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <vv_compat.h>

#include "vmci_core.h"

/* Protects the personality flags' writers and vmci_vsock_callback. */
static DEFINE_MUTEX(vmci_personality_lock);
static vmci_vsock_cb vmci_vsock_callback;
static bool vmci_host_up;
static bool vmci_guest_up;
static u32 vmci_guest_cid = VMCI_INVALID_ID;

/**
 * vmci_host_active() - whether the host personality is up
 *
 * Return: true if it is.
 * Context: any context.
 */
bool vmci_host_active(void)
{
	return READ_ONCE(vmci_host_up);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_host_active);

/**
 * vmci_guest_active() - whether a guest device is attached
 *
 * Return: true if one is.
 * Context: any context.
 */
bool vmci_guest_active(void)
{
	return READ_ONCE(vmci_guest_up);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_guest_active);

/**
 * vmci_personality_set() - record a personality change and tell vsock
 * @is_host: host (true) or guest (false) personality
 * @active: up (true) or going away (false)
 *
 * Context: process context, takes vmci_personality_lock.
 */
void vmci_personality_set(bool is_host, bool active)
{
	mutex_lock(&vmci_personality_lock);
	WRITE_ONCE(*(is_host ? &vmci_host_up : &vmci_guest_up), active);
	if (vmci_vsock_callback)
		vmci_vsock_callback(is_host, active);
	mutex_unlock(&vmci_personality_lock);
}

/**
 * vmci_guest_context_id() - the guest's context ID
 *
 * Return: the ID the hypervisor gave, or VMCI_INVALID_ID.
 * Context: any context.
 */
u32 vmci_guest_context_id(void)
{
	return READ_ONCE(vmci_guest_cid);
}

/**
 * vmci_guest_set_context_id() - record the guest's context ID
 * @cid: new ID (it changes when the VM migrates)
 *
 * Context: any context.
 */
void vmci_guest_set_context_id(u32 cid)
{
	WRITE_ONCE(vmci_guest_cid, cid);
}

u32 vmci_get_context_id(void)
{
	if (vmci_guest_active())
		return vmci_guest_context_id();
	if (vmci_host_active())
		return VMCI_HOST_CONTEXT_ID;
	return VMCI_INVALID_ID;
}
EXPORT_SYMBOL_VV(vmci_get_context_id);

bool vmci_is_context_owner(u32 context_id, kuid_t uid)
{
	/* Only /dev/vmci creates VM contexts, and it does not exist yet. */
	return false;
}
EXPORT_SYMBOL_VV(vmci_is_context_owner);

u32 vmci_context_get_priv_flags(u32 context_id)
{
	if (!vmci_host_active())
		return VMCI_NO_PRIVILEGE_FLAGS;
	if (context_id == VMCI_HOST_CONTEXT_ID)
		return VMCI_DEFAULT_PROC_PRIVILEGE_FLAGS;
	return VMCI_LEAST_PRIVILEGE_FLAGS;
}
EXPORT_SYMBOL_VV(vmci_context_get_priv_flags);

/**
 * vmci_deny_interaction() - whether two privilege sets may not talk
 * @priv_a: flags of one side
 * @priv_b: flags of the other
 *
 * A restricted endpoint may only talk to trusted ones.
 *
 * Return: true if the interaction is denied.
 * Context: any context.
 */
bool vmci_deny_interaction(u32 priv_a, u32 priv_b)
{
	return ((priv_a & VMCI_PRIVILEGE_FLAG_RESTRICTED) &&
		!(priv_b & VMCI_PRIVILEGE_FLAG_TRUSTED)) ||
	       ((priv_b & VMCI_PRIVILEGE_FLAG_RESTRICTED) &&
		!(priv_a & VMCI_PRIVILEGE_FLAG_TRUSTED));
}
EXPORT_SYMBOL_IF_KUNIT(vmci_deny_interaction);

int vmci_register_vsock_callback(vmci_vsock_cb callback)
{
	int ret = 0;

	mutex_lock(&vmci_personality_lock);
	if (callback && vmci_vsock_callback) {
		ret = -EBUSY;
	} else {
		vmci_vsock_callback = callback;
		if (callback && vmci_guest_up)
			callback(false, true);
		if (callback && vmci_host_up)
			callback(true, true);
	}
	mutex_unlock(&vmci_personality_lock);
	return ret;
}
EXPORT_SYMBOL_VV(vmci_register_vsock_callback);
