// SPDX-License-Identifier: GPL-2.0
/*
 * vsock_diag.ko: the sock_diag handler of AF_VSOCK, what `ss --vsock`
 * asks.
 *
 * A dump takes the sockets in batches from vsock_walk(), which returns
 * them with a reference each and no lock held. So a socket can be locked
 * when the request asks for its queue lengths: a transport reads them
 * under the socket lock. The position of the first socket that did not
 * fit in a reply is kept in cb->args for the next one.
 *
 * A reply is the in-kernel module's, plus:
 *  - children whose handshake is not over (VMCI's, which wait for the
 *    client's queue pair), in TCP_SYN_RECV, as TCP reports its request
 *    sockets; the in-kernel module does not see them;
 *  - the attributes of <vsock/diag_abi.h>, when vdiag_show asks for them.
 * Sockets closed while a dump runs are left out.
 *
 * Unloading during a dump: sock_diag holds a module reference while it
 * calls handle() (the handler's owner), netlink one from
 * netlink_dump_start() until the dump is done; rmmod fails meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/vm_sockets_diag.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <vsock/diag_abi.h>
#include <vsock/transport.h>
#include <vsock/walk.h>
#include <vv_compat.h>

/* Sockets taken from the tables at a time. */
#define VSOCK_DIAG_BATCH	64

/* What the request asks beyond the in-kernel reply. */
#define VSOCK_DIAG_SHOW_KNOWN	(VSOCK_DIAG_SHOW_RQLEN | VSOCK_DIAG_SHOW_MEMINFO)

static u8 reported_state(const struct vsock_walk_item *it)
{
	return it->pending ? TCP_SYN_RECV : READ_ONCE(it->sk->sk_state);
}

/* Closed meanwhile, or a child its transport is dropping (or not yet). */
static bool gone(const struct vsock_walk_item *it)
{
	struct sock *sk = it->sk;

	return sock_flag(sk, SOCK_DEAD) ||
	       (it->pending && READ_ONCE(sk->sk_state) == TCP_CLOSE);
}

static u32 dgram_bytes(struct sock *sk)
{
	struct sk_buff *skb;
	u64 n = 0;

	spin_lock_bh(&sk->sk_receive_queue.lock);
	skb_queue_walk(&sk->sk_receive_queue, skb)
		n += skb->len;
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	return min_t(u64, n, U32_MAX);
}

/* Recv-Q/Send-Q, with the socket lock held (see diag_abi.h). */
static void queue_lengths(const struct vsock_walk_item *it,
			  struct vsock_diag_rqlen *q)
{
	struct sock *sk = it->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;
	s64 in = 0, out = 0;

	sock_owned_by_me(sk);
	if (sk->sk_type == SOCK_DGRAM) {
		in = dgram_bytes(sk);
	} else if (sk->sk_state == TCP_LISTEN) {
		in = READ_ONCE(sk->sk_ack_backlog);
		out = READ_ONCE(sk->sk_max_ack_backlog);
	} else if (t && !it->pending) {
		in = t->inq ? t->inq(vsk) : t->has_data(vsk);
		if (t->unsent_bytes)
			out = t->unsent_bytes(vsk);
	}
	q->vdiag_rqueue = clamp_t(s64, in, 0, U32_MAX);
	q->vdiag_wqueue = clamp_t(s64, out, 0, U32_MAX);
}

static int put_attrs(struct sk_buff *skb, const struct vsock_walk_item *it,
		     u32 show)
{
	struct vsock_diag_rqlen q;

	if (show & VSOCK_DIAG_SHOW_RQLEN) {
		queue_lengths(it, &q);
		if (nla_put(skb, VSOCK_DIAG_RQLEN, sizeof(q), &q))
			return -EMSGSIZE;
	}
	if ((show & VSOCK_DIAG_SHOW_MEMINFO) &&
	    sock_diag_put_meminfo(it->sk, skb, VSOCK_DIAG_MEMINFO))
		return -EMSGSIZE;
	return 0;
}

static int fill(struct sk_buff *skb, struct netlink_callback *cb,
		const struct vsock_walk_item *it, u32 show)
{
	struct sock *sk = it->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	struct vsock_diag_msg *m;
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			SOCK_DIAG_BY_FAMILY, sizeof(*m), NLM_F_MULTI);
	if (!nlh)
		return -EMSGSIZE;
	m = nlmsg_data(nlh);
	m->vdiag_family = AF_VSOCK;
	m->vdiag_type = sk->sk_type;
	m->vdiag_state = reported_state(it);
	m->vdiag_shutdown = READ_ONCE(sk->sk_shutdown);
	/* Racy without the socket lock, as in-kernel: a snapshot. */
	m->vdiag_src_cid = READ_ONCE(vsk->local_addr.svm_cid);
	m->vdiag_src_port = READ_ONCE(vsk->local_addr.svm_port);
	m->vdiag_dst_cid = READ_ONCE(vsk->remote_addr.svm_cid);
	m->vdiag_dst_port = READ_ONCE(vsk->remote_addr.svm_port);
	m->vdiag_ino = sock_i_ino(sk);
	sock_diag_save_cookie(sk, m->vdiag_cookie);
	if (put_attrs(skb, it, show)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

/* One socket of the walk: reported if the request wants it. */
static int show_one(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct vsock_walk_item *it)
{
	const struct vsock_diag_req *req = nlmsg_data(cb->nlh);
	u32 show = req->vdiag_show & VSOCK_DIAG_SHOW_KNOWN;
	u8 state;
	int err = 0;

	/* Queue lengths are the transport's, read under the socket lock. */
	if (show & VSOCK_DIAG_SHOW_RQLEN)
		lock_sock(it->sk);
	state = reported_state(it);
	if (!gone(it) && state < 32 && (req->vdiag_states & BIT(state)))
		err = fill(skb, cb, it, show);
	if (show & VSOCK_DIAG_SHOW_RQLEN)
		release_sock(it->sk);
	return err;
}

static void pos_load(struct netlink_callback *cb, struct vsock_walk_pos *pos)
{
	pos->table = cb->args[0];
	pos->bucket = cb->args[1];
	pos->index = cb->args[2];
}

static void pos_save(struct netlink_callback *cb,
		     const struct vsock_walk_pos *pos)
{
	cb->args[0] = pos->table;
	cb->args[1] = pos->bucket;
	cb->args[2] = pos->index;
}

/*
 * Report the sockets of @items until @skb is full; every reference is
 * dropped. Return: true if all fitted, else false with *@pos set to the
 * first that did not.
 */
static bool show_batch(struct sk_buff *skb, struct netlink_callback *cb,
		       struct vsock_walk_item *items, unsigned int n,
		       struct vsock_walk_pos *pos)
{
	bool fitted = true;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fitted && show_one(skb, cb, &items[i])) {
			fitted = false;
			*pos = items[i].pos;
		}
		sock_put(items[i].sk);
	}
	return fitted;
}

static int dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vsock_walk_item *items;
	struct vsock_walk_pos pos, next;
	unsigned int n;

	items = kmalloc_array(VSOCK_DIAG_BATCH, sizeof(*items), GFP_KERNEL);
	if (!items)
		return -ENOMEM;
	pos_load(cb, &pos);
	do {
		next = pos;
		n = vsock_walk(sock_net(skb->sk), &next, items,
			       VSOCK_DIAG_BATCH);
		if (!show_batch(skb, cb, items, n, &pos))
			break;
		pos = next;
	} while (n);
	pos_save(cb, &pos);
	kfree(items);
	return skb->len;
}

static int handle(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	struct netlink_dump_control c = { .dump = dump };

	if (nlmsg_len(nlh) < sizeof(struct vsock_diag_req))
		return -EINVAL;
	/* Only dumps, as in-kernel: there is no lookup by inode or cookie. */
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	return netlink_dump_start(sock_net(skb->sk)->diag_nlsk, skb, nlh, &c);
}

VV_DEFINE_SOCK_DIAG_HANDLER(vsock_diag_handler, AF_VSOCK, handle);

static int __init vsock_diag_init(void)
{
	return sock_diag_register(&vsock_diag_handler);
}

static void __exit vsock_diag_exit(void)
{
	sock_diag_unregister(&vsock_diag_handler);
}

module_init(vsock_diag_init);
module_exit(vsock_diag_exit);

MODULE_AUTHOR("vsock-vmci project");
MODULE_DESCRIPTION("AF_VSOCK sock_diag handler (out-of-tree replacement)");
MODULE_LICENSE("GPL");
/* sock_diag loads "net-pf-16-proto-4-type-40" for an AF_VSOCK request. */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK, NETLINK_SOCK_DIAG, AF_VSOCK);
VV_IMPORT_NS();
