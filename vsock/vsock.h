/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of vsock.ko only. What a transport
 * may use is in <vsock/transport.h>.
 */
#ifndef _VSOCK_VSOCK_H
#define _VSOCK_VSOCK_H

#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sockptr.h>
#include <vsock/transport.h>

/* Bound and connected hash tables have this many buckets each. */
#define VSOCK_HASH_SIZE		251
/* Autobind tries this many ports before giving up with -EADDRNOTAVAIL. */
#define VSOCK_PORT_RETRIES	24
/* Largest datagram payload (the VMCI limit, kept for every transport). */
#define VSOCK_DGRAM_MAX_SIZE	69608

/**
 * struct vsock_registry - the transport chosen for each role
 * @h2g: host->guest transport
 * @g2h: guest->host transport
 * @local: local (loopback) transport
 * @dgram: datagram transport
 * @dgram_fallback: datagram transport used while @dgram is NULL
 */
struct vsock_registry {
	const struct vsock_transport *h2g;
	const struct vsock_transport *g2h;
	const struct vsock_transport *local;
	const struct vsock_transport *dgram;
	const struct vsock_transport *dgram_fallback;
};

/* Every role; the roles of connectible sockets; the datagram roles. */
#define VSOCK_TRANSPORT_F_ALL	(VSOCK_TRANSPORT_F_H2G |		\
				 VSOCK_TRANSPORT_F_G2H |		\
				 VSOCK_TRANSPORT_F_DGRAM |		\
				 VSOCK_TRANSPORT_F_LOCAL |		\
				 VSOCK_TRANSPORT_F_DGRAM_FALLBACK)
#define VSOCK_TRANSPORT_F_STREAM (VSOCK_TRANSPORT_F_H2G |		\
				  VSOCK_TRANSPORT_F_G2H |		\
				  VSOCK_TRANSPORT_F_LOCAL)
#define VSOCK_TRANSPORT_F_DGRAMS (VSOCK_TRANSPORT_F_DGRAM |		\
				  VSOCK_TRANSPORT_F_DGRAM_FALLBACK)

static inline bool vsock_type_connectible(int type)
{
	return type == SOCK_STREAM || type == SOCK_SEQPACKET;
}

/* addr-independent pure helpers (reached by KUnit). */
u64 vsock_buffer_clamp(u64 val, u64 min, u64 max);
int vsock_port_pick(u32 *cursor, bool (*in_use)(u32 port, void *arg),
		    void *arg, u32 *port);
const struct vsock_transport *
vsock_transport_pick(const struct vsock_registry *reg, int type,
		     const struct sockaddr_vm *remote);
bool vsock_registry_has_cid(const struct vsock_registry *reg, u32 cid);
const char *vsock_transport_missing_op(const struct vsock_transport *t,
				       u32 roles);

/* table.c */
int vsock_bind_connectible(struct vsock_sock *vsk, struct sockaddr_vm *addr);
int vsock_bind_dgram_table(struct vsock_sock *vsk, struct sockaddr_vm *addr);
void vsock_insert_unbound(struct vsock_sock *vsk);
void vsock_remove_bound(struct vsock_sock *vsk);
void vsock_insert_pending(struct vsock_sock *vsk);
void vsock_remove_pending(struct vsock_sock *vsk);
void vsock_table_init(void);

/* transport.c */
int vsock_assign_transport(struct vsock_sock *vsk, struct vsock_sock *psk);
void vsock_deassign_transport(struct vsock_sock *vsk);
u32 vsock_local_cid(void);

/* af.c */
extern struct proto vsock_proto;
int vsock_bind_addr(struct vsock_sock *vsk, struct sockaddr_vm *addr);
int vsock_auto_bind(struct vsock_sock *vsk);
struct sock *vsock_sk_alloc(struct net *net, struct socket *sock,
			    struct sock *parent, int type, int kern);
void vsock_release_sk(struct sock *sk, int depth);
int vsock_release(struct socket *sock);
__poll_t vsock_poll(struct file *file, struct socket *sock, poll_table *wait);
int vsock_bind(struct socket *sock, struct sockaddr *addr, int addr_len);
int vsock_getname(struct socket *sock, struct sockaddr *addr, int peer);
int vsock_shutdown(struct socket *sock, int mode);
int vsock_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
int vsock_family_init(void);
void vsock_family_exit(void);

/* stream.c */
extern const struct proto_ops vsock_stream_ops;
extern const struct proto_ops vsock_seqpacket_ops;
__poll_t vsock_connectible_poll(struct sock *sk);
__poll_t vsock_dgram_poll(struct sock *sk);
void vsock_release_children(struct sock *listener);
void vsock_connect_timeout(struct work_struct *work);

/* sockopt.c */
int vsock_connectible_setsockopt(struct socket *sock, int level, int optname,
				 sockptr_t optval, unsigned int optlen);
int vsock_connectible_getsockopt(struct socket *sock, int level, int optname,
				 char __user *optval, int __user *optlen);
int vsock_set_rcvlowat(struct sock *sk, int val);

/* stream_data.c */
int vsock_connectible_sendmsg(struct socket *sock, struct msghdr *msg,
			      size_t len);
int vsock_connectible_recvmsg(struct socket *sock, struct msghdr *msg,
			      size_t len, int flags);

/* dgram.c */
extern const struct proto_ops vsock_dgram_ops;

/* dev.c */
int vsock_dev_init(void);
void vsock_dev_exit(void);

#endif /* _VSOCK_VSOCK_H */
