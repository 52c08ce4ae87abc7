/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A resumable walk over every AF_VSOCK socket, for modules that report on
 * sockets rather than carry them (vsock_diag). Provided by vsock.ko
 * (vsock/table.c); the tables themselves stay private to it.
 */
#ifndef _VSOCK_WALK_H
#define _VSOCK_WALK_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/**
 * struct vsock_walk_pos - where a walk stands
 * @table: which list of sockets, in walk order (0 first)
 * @bucket: hash bucket within @table
 * @index: entries of that bucket already passed
 *
 * All zero is the start of a walk. A caller keeps a position between
 * calls (for example in netlink_callback::args) but never interprets it.
 */
struct vsock_walk_pos {
	unsigned int table;
	unsigned int bucket;
	unsigned int index;
};

/**
 * struct vsock_walk_item - one socket returned by vsock_walk()
 * @sk: the socket, with a reference the caller drops with sock_put()
 * @pos: the position of @sk: a walk resumed there returns @sk first, if
 *	nothing before it in its bucket went away in the meantime
 * @pending: @sk is the child of a listener and its transport has not
 *	finished the handshake (it is on no other table yet)
 */
struct vsock_walk_item {
	struct sock *sk;
	struct vsock_walk_pos pos;
	bool pending;
};

unsigned int vsock_walk(const struct net *net, struct vsock_walk_pos *pos,
			struct vsock_walk_item *items, unsigned int n);

#endif /* _VSOCK_WALK_H */
