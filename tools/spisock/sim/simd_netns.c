// SPDX-License-Identifier: GPL-2.0
/*
 * spisock-simd's network namespace (see simd_netns.h): built through
 * rtnetlink with libmnl, so no ip(8) is needed in the guest.
 *
 * Loopback addresses do not cross namespaces by themselves: Linux calls a
 * 127/8 source or destination on any other device a martian unless the
 * device has route_localnet, so both veth ends get it, and the caller's
 * namespace gets a route for the radio's subnets that is more specific
 * than loopback's 127.0.0.0/8 (in table local, which is looked up first).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "simd_netns.h"

struct nl {
	struct mnl_socket *sk;
	unsigned int seq;
	char buf[8192];	/* MNL_SOCKET_BUFFER_SIZE at most */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int nl_open(struct nl *nl)
{
	nl->sk = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sk)
		return -1;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return -1;
	}
	nl->seq = time(NULL);
	return 0;
}

static void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

static struct nlmsghdr *nl_msg(struct nl *nl, int type, int flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++nl->seq;
	return h;
}

/* Send @h and wait for its acknowledgement: 0 or -errno. */
static int nl_talk(struct nl *nl, struct nlmsghdr *h)
{
	unsigned int portid = mnl_socket_get_portid(nl->sk);
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sk, h, h->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(nl->buf, n, h->nlmsg_seq, portid, NULL, NULL);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static struct ifinfomsg *link_hdr(struct nlmsghdr *h, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

/* the pair, created from the radio's side with its peer in @host_ns */
static int veth_create(struct nl *nl, const struct simd_netns *ns, int host_ns)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;

	link_hdr(h, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, ns->radio_if);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	link_hdr(h, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, ns->host_if);
	mnl_attr_put_u32(h, IFLA_NET_NS_FD, host_ns);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	return nl_talk(nl, h);
}

static int link_delete(struct nl *nl, const char *name)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_DELLINK, 0);

	link_hdr(h, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	return nl_talk(nl, h);
}

/* up, and with route_localnet when @localnet (see the top of the file) */
static int link_up(struct nl *nl, int index, bool localnet)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = link_hdr(h, index);
	struct nlattr *spec, *inet, *conf;

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (localnet) {
		spec = mnl_attr_nest_start(h, IFLA_AF_SPEC);
		inet = mnl_attr_nest_start(h, AF_INET);
		conf = mnl_attr_nest_start(h, IFLA_INET_CONF);
		mnl_attr_put_u32(h, IPV4_DEVCONF_ROUTE_LOCALNET, 1);
		mnl_attr_nest_end(h, conf);
		mnl_attr_nest_end(h, inet);
		mnl_attr_nest_end(h, spec);
	}
	return nl_talk(nl, h);
}

/* loopback keeps its device (local delivery needs it up) but not 127.0.0.1/8 */
static int lo_del_addr(struct nl *nl, int lo)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_DELADDR, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 8;
	ifa->ifa_index = lo;
	mnl_attr_put_u32(h, IFA_LOCAL, htonl(INADDR_LOOPBACK));
	return nl_talk(nl, h);
}

static int route_add(struct nl *nl, int table, int type, struct in_addr dst,
		     int plen, int oif, const struct in_addr *src)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWROUTE,
				    NLM_F_CREATE | NLM_F_REPLACE);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));

	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = plen;
	rt->rtm_table = table;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_type = type;
	rt->rtm_scope = type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_LINK;
	mnl_attr_put_u32(h, RTA_DST, dst.s_addr);
	mnl_attr_put_u32(h, RTA_OIF, oif);
	if (src)
		mnl_attr_put_u32(h, RTA_PREFSRC, src->s_addr);
	return nl_talk(nl, h);
}

/* the radio's side, in the new namespace */
static int radio_side(struct nl *nl, const struct simd_netns *ns,
		      char *err, size_t errlen)
{
	struct in_addr lo8 = { htonl(INADDR_LOOPBACK & 0xff000000) };
	int lo = if_nametoindex("lo"), dev = if_nametoindex(ns->radio_if);
	int ret;

	if (!lo || !dev) {
		seterr(err, errlen, "netns: no lo or %s", ns->radio_if);
		return -1;
	}
	ret = link_up(nl, lo, false);
	if (!ret)
		ret = lo_del_addr(nl, lo);
	if (!ret)
		ret = link_up(nl, dev, true);
	for (int i = 0; !ret && i < ns->nnets; i++)
		ret = route_add(nl, RT_TABLE_LOCAL, RTN_LOCAL, ns->net[i],
				ns->plen[i], lo, NULL);
	if (!ret)
		ret = route_add(nl, RT_TABLE_MAIN, RTN_UNICAST, lo8, 8, dev,
				NULL);
	if (ret) {
		seterr(err, errlen, "netns: the radio's side: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

/* the caller's side, through @nl opened there; @index found there */
static int host_side(struct nl *nl, const struct simd_netns *ns, int index,
		     char *err, size_t errlen)
{
	struct in_addr src = { htonl(INADDR_LOOPBACK) };
	int ret = link_up(nl, index, true);

	for (int i = 0; !ret && i < ns->nnets; i++)
		ret = route_add(nl, RT_TABLE_LOCAL, RTN_UNICAST, ns->net[i],
				ns->plen[i], index, &src);
	if (ret) {
		seterr(err, errlen, "netns: %s: %s", ns->host_if, strerror(-ret));
		return -1;
	}
	return 0;
}

/*
 * Until the kernel has taken the carrier in (linkwatch, up to a second
 * later), the device's queue drops what is sent: the first SYN would take
 * TCP's retransmission timeout. Wait for IFF_RUNNING, at most 5 s.
 */
static void wait_running(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	for (int i = 0; i < 500; i++) {
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) || (ifr.ifr_flags & IFF_RUNNING))
			break;
		usleep(10000);
	}
	/*
	 * linkwatch sets the operating state (IFF_RUNNING) just before it
	 * attaches the queue; let it finish.
	 */
	usleep(50000);
	close(fd);
}

/* the index of the host end, looked up from inside the caller's namespace */
static int host_index(const struct simd_netns *ns, int host_ns, int own_ns,
		      bool wait)
{
	int index;

	if (setns(host_ns, CLONE_NEWNET))
		return 0;
	index = if_nametoindex(ns->host_if);
	if (index && wait)
		wait_running(ns->host_if);
	if (setns(own_ns, CLONE_NEWNET))
		return -1;
	return index;
}

int simd_netns_enter(const struct simd_netns *ns, char *err, size_t errlen)
{
	struct nl host = { 0 }, radio = { 0 };
	int host_ns, own_ns = -1, index = 0, ret = -1;

	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_ns < 0 || nl_open(&host)) {
		seterr(err, errlen, "netns: rtnetlink: %s", strerror(errno));
		goto out;
	}
	/* a pair left by a daemon whose namespace is still being torn down */
	link_delete(&host, ns->host_if);
	if (unshare(CLONE_NEWNET)) {
		seterr(err, errlen, "netns: unshare: %s", strerror(errno));
		goto out;
	}
	own_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own_ns < 0 || nl_open(&radio)) {
		seterr(err, errlen, "netns: %s", strerror(errno));
		goto out;
	}
	ret = veth_create(&radio, ns, host_ns);
	if (ret) {
		seterr(err, errlen, "netns: veth %s/%s: %s%s", ns->host_if,
		       ns->radio_if, strerror(-ret), ret == -EOPNOTSUPP ?
		       " (a kernel without CONFIG_VETH?)" : "");
		ret = -1;
		goto out;
	}
	index = host_index(ns, host_ns, own_ns, false);
	if (index <= 0) {
		seterr(err, errlen, "netns: %s not found", ns->host_if);
		ret = -1;
		goto out;
	}
	ret = radio_side(&radio, ns, err, errlen);
	if (!ret)
		ret = host_side(&host, ns, index, err, errlen);
	if (!ret) {
		wait_running(ns->radio_if);
		if (host_index(ns, host_ns, own_ns, true) < 0) {
			seterr(err, errlen, "netns: setns: %s", strerror(errno));
			ret = -1;
		}
	}
	if (!ret && ns->verbose)
		fprintf(stderr, "spisock-simd: own network namespace, %s <-> %s\n",
			ns->host_if, ns->radio_if);
out:
	nl_close(&radio);
	nl_close(&host);
	if (own_ns >= 0)
		close(own_ns);
	if (host_ns >= 0)
		close(host_ns);
	return ret;
}
