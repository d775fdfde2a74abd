// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * spisock._spisock: the CPython extension under the pure-Python package
 * spisock (spisock/socket.py and spisock/wifi.py name what it offers).
 * Multi-phase initialisation (PEP 489): the socket class is a heap type and
 * the timeout exception lives in the module's state, so every import (a
 * subinterpreter's, a reload) gets its own.
 *
 * Timeouts are milliseconds (None: blocking, 0: non-blocking); recv returns
 * a bytearray; addresses take the reference's forms and come back as
 * ("a.b.c.d", port). Blocking calls release the GIL; a signal ends a wait,
 * runs its handler and, unless it raised, the call goes on (PEP 475).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "libspisock.h"
#include "internal.h"

struct mod_state {
	PyTypeObject *sock_type;	/* spisock.socket.socket */
	PyObject *timeout_exc;		/* spisock.socket.timeout */
};

static struct PyModuleDef spisock_def;

static struct mod_state *mod_state(PyObject *module)
{
	return PyModule_GetState(module);
}

/* The state of the module that defined @tp (a subclass's too). */
static struct mod_state *type_state(PyTypeObject *tp)
{
	PyObject *m = PyType_GetModuleByDef(tp, &spisock_def);

	return m ? mod_state(m) : NULL;
}

/* Raise for errno @err: the timeout exception, or OSError's subclass. */
static PyObject *raise_err(struct mod_state *st, int err)
{
	PyObject *args, *exc = err == ETIMEDOUT ? st->timeout_exc : PyExc_OSError;

	args = Py_BuildValue("(is)", err, spisock_strerror(err));
	if (args) {
		PyObject *e = PyObject_Call(exc, args, NULL);

		if (e) {
			PyErr_SetObject((PyObject *)Py_TYPE(e), e);
			Py_DECREF(e);
		}
		Py_DECREF(args);
	}
	return NULL;
}

static PyObject *raise_errno(struct mod_state *st)
{
	return raise_err(st, errno);
}

static PyObject *bad_address(const char *why)
{
	PyObject *args = Py_BuildValue("(is)", EINVAL, why);

	if (args) {
		PyErr_SetObject(PyExc_OSError, args);
		Py_DECREF(args);
	}
	return NULL;
}

/* ---- addresses -------------------------------------------------------------- */

static int long_in(PyObject *o, long lo, long hi, long *v)
{
	if (!PyLong_Check(o) || PyBool_Check(o))
		return -1;
	*v = PyLong_AsLong(o);
	if (*v == -1 && PyErr_Occurred()) {
		PyErr_Clear();
		return -1;
	}
	return *v < lo || *v > hi ? -1 : 0;
}

/*
 * The reference's forms: "a.b.c.d" (also "a.b.c.d:port"), (a,b,c,d),
 * ("a.b.c.d",port), (a,b,c,d,port); with @port_ok a bare port too (bind).
 * 0, or -1 with OSError(EINVAL) raised.
 */
static int to_addr(PyObject *o, struct spisock_addr *a, int port_ok)
{
	Py_ssize_t n, i;
	long v;

	memset(a, 0, sizeof(*a));
	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);
		int port;

		/* bind's bare port as text too ("80"), as C's spisock_bind(). */
		if (s && port_ok && (port = spisock_parse_port(s)) >= 0) {
			a->port = port;
			return 0;
		}
		if (!s || spisock_addr_parse(s, a))
			goto bad;
		return 0;
	}
	if (port_ok && PyLong_Check(o)) {
		if (long_in(o, 0, 65535, &v))
			goto bad;
		a->port = v;
		return 0;
	}
	if (!PyTuple_Check(o))
		goto bad;
	n = PyTuple_GET_SIZE(o);
	if (n == 2) {
		PyObject *ip = PyTuple_GET_ITEM(o, 0);
		const char *s;
		uint8_t t[4];

		if (!PyUnicode_Check(ip) || !(s = PyUnicode_AsUTF8(ip)) ||
		    spisock_ip_to_tuple(s, t) ||
		    long_in(PyTuple_GET_ITEM(o, 1), 0, 65535, &v))
			goto bad;
		memcpy(a->ip, t, 4);
		a->port = v;
		return 0;
	}
	if (n != 4 && n != 5)
		goto bad;
	for (i = 0; i < 4; i++) {
		if (long_in(PyTuple_GET_ITEM(o, i), 0, 255, &v))
			goto bad;
		a->ip[i] = v;
	}
	if (n == 5) {
		if (long_in(PyTuple_GET_ITEM(o, 4), 0, 65535, &v))
			goto bad;
		a->port = v;
	}
	return 0;
bad:
	PyErr_Clear();
	bad_address("not an address: use \"a.b.c.d\", (a,b,c,d), (\"a.b.c.d\",port) or (a,b,c,d,port)");
	return -1;
}

static PyObject *addr_tuple(const struct spisock_addr *a)
{
	PyObject *ip = PyUnicode_FromFormat("%u.%u.%u.%u", a->ip[0], a->ip[1],
					    a->ip[2], a->ip[3]);
	PyObject *t;

	if (!ip)
		return NULL;
	t = Py_BuildValue("(Ni)", ip, a->port);
	return t;
}

/* ---- data arguments: str, bytes, bytearray, memoryview ----------------------- */

struct data {
	Py_buffer view;
	const char *p;
	Py_ssize_t len;
	int has_view;
};

static int get_data(PyObject *o, struct data *d)
{
	d->has_view = 0;
	if (PyUnicode_Check(o)) {
		d->p = PyUnicode_AsUTF8AndSize(o, &d->len);
		return d->p ? 0 : -1;
	}
	if (PyObject_GetBuffer(o, &d->view, PyBUF_SIMPLE))
		return -1;
	d->has_view = 1;
	d->p = d->view.buf;
	d->len = d->view.len;
	return 0;
}

static void put_data(struct data *d)
{
	if (d->has_view)
		PyBuffer_Release(&d->view);
}

/* ---- the socket class -------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	int fd;
	int family, type, proto;
	/*
	 * Bytes a stream receive had read when it raised (a timeout, an error,
	 * a signal handler's exception): the next receive returns them first.
	 */
	PyObject *pending;
} SockObject;

#define ST(s) type_state(Py_TYPE(s))

static int check_open(SockObject *s)
{
	if (s->fd >= 0)
		return 0;
	raise_err(ST(s), EBADF);
	return -1;
}

/* After EINTR: run the handlers; 0 to go on, -1 when one raised. */
static int interrupted(void)
{
	return PyErr_CheckSignals() ? -1 : 0;
}

static int sock_init(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "family", "type", "proto", "fileno", NULL };
	int family = AF_INET, type = SOCK_STREAM, proto = IPPROTO_TCP, fd;
	PyObject *fileno = Py_None;
	socklen_t len = sizeof(int);

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|iiiO:socket", kwlist,
					 &family, &type, &proto, &fileno))
		return -1;
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	Py_CLEAR(s->pending);
	if (fileno != Py_None) {
		fd = PyLong_AsLong(fileno);
		if (fd == -1 && PyErr_Occurred())
			return -1;
		if (spisock_fileno(fd) < 0 ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
		    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len)) {
			raise_errno(ST(s));
			return -1;
		}
		family = AF_INET;
	} else {
		Py_BEGIN_ALLOW_THREADS
		fd = spisock_socket(family, type, proto);
		Py_END_ALLOW_THREADS
		if (fd < 0) {
			raise_err(ST(s), errno);	/* IOError is OSError */
			return -1;
		}
		if (type == SOCK_DGRAM && proto == IPPROTO_TCP)
			proto = IPPROTO_UDP;
	}
	s->fd = fd;
	s->family = family;
	s->type = type;
	s->proto = proto;
	return 0;
}

static PyObject *sock_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	SockObject *s = (SockObject *)type->tp_alloc(type, 0);

	if (s)
		s->fd = -1;
	return (PyObject *)s;
}

/* Close on collection; an instance holds its (heap) type. */
static void sock_dealloc(SockObject *s)
{
	PyTypeObject *tp = Py_TYPE(s);

	if (s->fd >= 0)
		spisock_close(s->fd);
	Py_CLEAR(s->pending);
	tp->tp_free((PyObject *)s);
	Py_DECREF(tp);
}

static PyObject *sock_fileno(SockObject *s, PyObject *unused)
{
	if (check_open(s))
		return NULL;
	return PyLong_FromLong(s->fd);
}

static PyObject *sock_close(SockObject *s, PyObject *unused)
{
	int fd = s->fd;

	s->fd = -1;
	Py_CLEAR(s->pending);
	if (fd >= 0 && spisock_close(fd))
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

static PyObject *sock_enter(SockObject *s, PyObject *unused)
{
	return Py_NewRef(s);
}

static PyObject *sock_exit(SockObject *s, PyObject *args)
{
	PyObject *r = sock_close(s, NULL);

	Py_XDECREF(r);
	if (!r)
		return NULL;
	Py_RETURN_FALSE;
}

static PyObject *sock_connect(SockObject *s, PyObject *addr)
{
	struct spisock_addr a;
	int ret;

	if (check_open(s) || to_addr(addr, &a, 0))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_connect_addr(s->fd, &a);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

static PyObject *sock_bind(SockObject *s, PyObject *addr)
{
	struct spisock_addr a;
	int ret;

	if (check_open(s) || to_addr(addr, &a, 1))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_bind_addr(s->fd, &a);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

/* The library maps a negative backlog (to 0, as CPython): one rule for both. */
static PyObject *sock_listen(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "maxlog", NULL };
	int maxlog = 2, ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|i:listen", kwlist, &maxlog) ||
	    check_open(s))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_listen(s->fd, maxlog);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

static PyObject *sock_accept(SockObject *s, PyObject *unused)
{
	struct mod_state *st = ST(s);
	struct spisock_addr peer;
	SockObject *c;
	int fd;

	if (check_open(s))
		return NULL;
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		fd = spisock_accept(s->fd, &peer);
		Py_END_ALLOW_THREADS
		if (fd >= 0)
			break;
		if (errno != EINTR)
			return raise_errno(st);
		if (interrupted())
			return NULL;
	}
	c = (SockObject *)sock_new(st->sock_type, NULL, NULL);
	if (!c) {
		spisock_close(fd);
		return NULL;
	}
	c->fd = fd;
	c->family = s->family;
	c->type = s->type;
	c->proto = s->proto;
	return Py_BuildValue("(NN)", c, addr_tuple(&peer));
}

/*
 * Up to @len of the pending bytes into @buf; consumed unless MSG_PEEK.
 * The count, or -1 with an exception raised.
 */
static Py_ssize_t take_pending(SockObject *s, char *buf, Py_ssize_t len, int flags)
{
	Py_ssize_t have, n;
	PyObject *rest;

	if (!s->pending)
		return 0;
	have = PyBytes_GET_SIZE(s->pending);
	n = have < len ? have : len;
	memcpy(buf, PyBytes_AS_STRING(s->pending), n);
	if (flags & MSG_PEEK)
		return n;
	if (n == have) {
		Py_CLEAR(s->pending);
		return n;
	}
	rest = PyBytes_FromStringAndSize(PyBytes_AS_STRING(s->pending) + n, have - n);
	if (!rest)
		return -1;
	Py_SETREF(s->pending, rest);
	return n;
}

/* An exception is raised: keep @got bytes of @buf, ahead of any still pending. */
static void keep_pending(SockObject *s, const char *buf, Py_ssize_t got)
{
	PyObject *type, *value, *tb, *b;

	if (!got)
		return;
	PyErr_Fetch(&type, &value, &tb);
	b = PyBytes_FromStringAndSize(buf, got);
	if (b && s->pending)
		PyBytes_Concat(&b, s->pending);
	if (b)
		Py_XSETREF(s->pending, b);
	else
		PyErr_Clear();	/* out of memory: the first exception stands */
	PyErr_Restore(type, value, tb);
}

/*
 * A receive of up to @len bytes into @buf: on a stream until @len, EOF, or
 * (non-blocking) what there is; a datagram or a peek is one call. Anything
 * else ends it with an exception (the timeout included: the reference's
 * "an elapsed timeout raises"), and what it had read stays for the next
 * receive. -1 with an exception raised.
 */
static Py_ssize_t do_recv(SockObject *s, char *buf, Py_ssize_t len, int flags)
{
	Py_ssize_t got, n;
	int err;

	got = take_pending(s, buf, len, flags);
	if (got < 0)
		return -1;
	if (got == len || (got && (flags & MSG_PEEK)))
		return got;
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		n = spisock_recv(s->fd, buf + got, len - got, flags);
		err = errno;
		Py_END_ALLOW_THREADS
		if (n > 0)
			got += n;
		if (got == len || (n >= 0 && !err))
			return got;
		if (err == EINTR) {
			/* A signal cut the wait short: handlers run, then go on. */
			if (interrupted())
				break;
			continue;
		}
		/* Non-blocking (EAGAIN is never a timeout here): what there is. */
		if ((err == EAGAIN || err == EWOULDBLOCK) && got)
			return got;
		raise_err(ST(s), err);
		break;
	}
	keep_pending(s, buf, got);
	return -1;
}

/*
 * recvfrom: one call (a datagram, or what a stream has); a stream's pending
 * bytes come first, from its peer.
 */
static Py_ssize_t do_recvfrom(SockObject *s, char *buf, Py_ssize_t len, int flags,
			      struct spisock_addr *from)
{
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof(sa);
	Py_ssize_t n;
	int err;

	if (s->pending) {
		n = take_pending(s, buf, len, flags);
		if (n >= 0) {
			getpeername(s->fd, (struct sockaddr *)&sa, &salen);
			spisock_sin_to_addr(&sa, from);
		}
		return n;
	}
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		n = spisock_recvfrom(s->fd, buf, len, flags, from);
		err = errno;
		Py_END_ALLOW_THREADS
		if (n >= 0)
			return n;
		if (err != EINTR) {
			raise_err(ST(s), err);
			return -1;
		}
		if (interrupted())
			return -1;
	}
}

static PyObject *sock_recv(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "bufsize", "flags", NULL };
	Py_ssize_t bufsize, n;
	int flags = 0;
	PyObject *ba;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "n|i:recv", kwlist, &bufsize,
					 &flags) || check_open(s))
		return NULL;
	if (bufsize < 0)
		return raise_err(ST(s), EINVAL);
	ba = PyByteArray_FromStringAndSize(NULL, bufsize);
	if (!ba)
		return NULL;
	n = do_recv(s, PyByteArray_AS_STRING(ba), bufsize, flags);
	if (n < 0 || PyByteArray_Resize(ba, n)) {
		Py_DECREF(ba);
		return NULL;
	}
	return ba;
}

static PyObject *sock_recvfrom(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "bufsize", "flags", NULL };
	struct spisock_addr from;
	Py_ssize_t bufsize, n;
	int flags = 0;
	PyObject *ba;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "n|i:recvfrom", kwlist,
					 &bufsize, &flags) || check_open(s))
		return NULL;
	if (bufsize < 0)
		return raise_err(ST(s), EINVAL);
	ba = PyByteArray_FromStringAndSize(NULL, bufsize);
	if (!ba)
		return NULL;
	n = do_recvfrom(s, PyByteArray_AS_STRING(ba), bufsize, flags, &from);
	if (n < 0 || PyByteArray_Resize(ba, n)) {
		Py_DECREF(ba);
		return NULL;
	}
	return Py_BuildValue("(NN)", ba, addr_tuple(&from));
}

/* recv_into / recvfrom_into: a writable buffer; bufsize < 0 is its length. */
static PyObject *recv_into_common(SockObject *s, PyObject *args, PyObject *kw,
				  int with_from)
{
	static char *kwlist[] = { "buffer", "bufsize", "flags", NULL };
	struct spisock_addr from;
	Py_ssize_t bufsize = -1, n;
	Py_buffer view;
	int flags = 0;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "w*|ni", kwlist, &view,
					 &bufsize, &flags))
		return NULL;
	if (check_open(s)) {
		PyBuffer_Release(&view);
		return NULL;
	}
	if (bufsize < 0)
		bufsize = view.len;
	if (bufsize > view.len) {
		PyBuffer_Release(&view);
		PyErr_SetString(PyExc_ValueError, "bufsize is larger than the buffer");
		return NULL;
	}
	if (with_from)
		n = do_recvfrom(s, view.buf, bufsize, flags, &from);
	else
		n = do_recv(s, view.buf, bufsize, flags);
	PyBuffer_Release(&view);
	if (n < 0)
		return NULL;
	if (with_from)
		return Py_BuildValue("(nN)", n, addr_tuple(&from));
	return PyLong_FromSsize_t(n);
}

static PyObject *sock_recv_into(SockObject *s, PyObject *args, PyObject *kw)
{
	return recv_into_common(s, args, kw, 0);
}

static PyObject *sock_recvfrom_into(SockObject *s, PyObject *args, PyObject *kw)
{
	return recv_into_common(s, args, kw, 1);
}

static PyObject *sock_send(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "buffer", "flags", NULL };
	PyObject *obj;
	struct data d;
	Py_ssize_t n;
	int flags = 0, err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|i:send", kwlist, &obj, &flags) ||
	    check_open(s) || get_data(obj, &d))
		return NULL;
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		n = spisock_send(s->fd, d.p, d.len, flags);
		err = errno;
		Py_END_ALLOW_THREADS
		if (n >= 0 || err != EINTR || interrupted())
			break;
	}
	put_data(&d);
	if (n < 0)
		return PyErr_Occurred() ? NULL : raise_err(ST(s), err);
	return PyLong_FromSsize_t(n);
}

static PyObject *sock_sendall(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "buffer", "flags", NULL };
	size_t done = 0, sent;
	PyObject *obj;
	struct data d;
	int flags = 0, err, ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|i:sendall", kwlist, &obj,
					 &flags) || check_open(s) || get_data(obj, &d))
		return NULL;
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		ret = spisock_sendall_sent(s->fd, d.p + done, d.len - done, flags, &sent);
		err = errno;
		Py_END_ALLOW_THREADS
		done += sent;
		/* A signal: run the handlers, then send the rest. */
		if (!ret || err != EINTR || interrupted())
			break;
	}
	put_data(&d);
	if (ret)
		return PyErr_Occurred() ? NULL : raise_err(ST(s), err);
	Py_RETURN_NONE;
}

static PyObject *sock_sendto(SockObject *s, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "buffer", "address", "flags", NULL };
	PyObject *obj, *addr;
	struct spisock_addr a;
	struct data d;
	Py_ssize_t n;
	int flags = 0, err;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|i:sendto", kwlist, &obj,
					 &addr, &flags) || check_open(s) ||
	    to_addr(addr, &a, 0) || get_data(obj, &d))
		return NULL;
	for (;;) {
		Py_BEGIN_ALLOW_THREADS
		n = spisock_sendto_addr(s->fd, d.p, d.len, &a, flags);
		err = errno;
		Py_END_ALLOW_THREADS
		if (n >= 0 || err != EINTR || interrupted())
			break;
	}
	put_data(&d);
	if (n < 0)
		return PyErr_Occurred() ? NULL : raise_err(ST(s), err);
	return PyLong_FromSsize_t(n);
}

/*
 * None: blocking; 0: non-blocking; n > 0: n milliseconds. A negative value
 * is CPython's ValueError; a bool or a float is no count of milliseconds.
 */
static PyObject *sock_sendtimeout(SockObject *s, PyObject *timeout)
{
	long ms = SPISOCK_BLOCK;

	if (check_open(s))
		return NULL;
	if (timeout != Py_None) {
		if (!PyLong_Check(timeout) || PyBool_Check(timeout)) {
			PyErr_Format(PyExc_TypeError,
				     "timeout: an integer number of milliseconds, or None, not %s",
				     Py_TYPE(timeout)->tp_name);
			return NULL;
		}
		ms = PyLong_AsLong(timeout);
		if (ms == -1 && PyErr_Occurred())
			return NULL;
		if (ms < 0) {
			PyErr_SetString(PyExc_ValueError, "timeout must be non-negative or None");
			return NULL;
		}
	}
	if (spisock_sendtimeout(s->fd, ms))
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

static PyObject *sock_gettimeout(SockObject *s, PyObject *unused)
{
	long ms;

	if (check_open(s))
		return NULL;
	if (spisock_gettimeout(s->fd, &ms))
		return raise_errno(ST(s));
	if (ms == SPISOCK_BLOCK)
		Py_RETURN_NONE;
	return PyLong_FromLong(ms);
}

static int is_timeo(int level, int opt)
{
	return level == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO);
}

/*
 * As CPython's: setsockopt(level, option, int), (level, option, bytes-like)
 * passed as it is (a struct timeval, a struct linger), or (level, option,
 * None, optlen). An int SO_RCVTIMEO/SO_SNDTIMEO is milliseconds, as the
 * reference's constants suggest.
 */
static PyObject *sock_setsockopt(SockObject *s, PyObject *args)
{
	unsigned int optlen = 0;
	int level, opt, v, ret;
	PyObject *value;
	struct timeval tv;
	Py_buffer view;
	long lv;

	if (!PyArg_ParseTuple(args, "iiO|I:setsockopt", &level, &opt, &value, &optlen) ||
	    check_open(s))
		return NULL;
	if (PyTuple_GET_SIZE(args) == 4) {
		if (value != Py_None) {
			PyErr_SetString(PyExc_TypeError,
					"setsockopt(level, option, None, optlen): value must be None");
			return NULL;
		}
		ret = setsockopt(s->fd, level, opt, NULL, optlen);
	} else if (PyLong_Check(value)) {
		lv = PyLong_AsLong(value);
		if (lv == -1 && PyErr_Occurred())
			return NULL;
		if (lv < INT_MIN || lv > INT_MAX) {
			PyErr_SetString(PyExc_OverflowError, "setsockopt: value out of int range");
			return NULL;
		}
		v = lv;
		if (is_timeo(level, opt)) {
			if (v < 0)
				return raise_err(ST(s), EINVAL);
			tv.tv_sec = v / 1000;
			tv.tv_usec = (v % 1000) * 1000;
			ret = setsockopt(s->fd, level, opt, &tv, sizeof(tv));
		} else {
			ret = setsockopt(s->fd, level, opt, &v, sizeof(v));
		}
	} else if (!PyObject_GetBuffer(value, &view, PyBUF_SIMPLE)) {
		ret = setsockopt(s->fd, level, opt, view.buf, view.len);
		PyBuffer_Release(&view);
	} else {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError,
			     "setsockopt: the value is an int, a bytes-like object or None, not %s",
			     Py_TYPE(value)->tp_name);
		return NULL;
	}
	if (ret)
		return raise_errno(ST(s));
	Py_RETURN_NONE;
}

/* As CPython's: an int, or with buflen the option's bytes (ms for timeouts). */
static PyObject *sock_getsockopt(SockObject *s, PyObject *args)
{
	int level, opt, buflen = 0, v = 0;
	socklen_t len = sizeof(v);
	struct timeval tv;
	PyObject *b;

	if (!PyArg_ParseTuple(args, "ii|i:getsockopt", &level, &opt, &buflen) ||
	    check_open(s))
		return NULL;
	if (buflen < 0 || buflen > 1024) {
		PyErr_SetString(PyExc_OSError, "getsockopt buflen out of range");
		return NULL;
	}
	if (buflen) {
		b = PyBytes_FromStringAndSize(NULL, buflen);
		if (!b)
			return NULL;
		len = buflen;
		if (getsockopt(s->fd, level, opt, PyBytes_AS_STRING(b), &len)) {
			Py_DECREF(b);
			return raise_errno(ST(s));
		}
		if (_PyBytes_Resize(&b, len))
			return NULL;
		return b;
	}
	if (is_timeo(level, opt)) {
		len = sizeof(tv);
		if (getsockopt(s->fd, level, opt, &tv, &len))
			return raise_errno(ST(s));
		return PyLong_FromLong(spisock_tv_to_ms(tv.tv_sec, tv.tv_usec));
	}
	if (getsockopt(s->fd, level, opt, &v, &len))
		return raise_errno(ST(s));
	return PyLong_FromLong(v);
}

static PyObject *sock_repr(SockObject *s)
{
	return PyUnicode_FromFormat("<spisock.socket.socket fd=%d, type=%d, proto=%d>",
				    s->fd, s->type, s->proto);
}

#define KW (METH_VARARGS | METH_KEYWORDS)
static PyMethodDef sock_methods[] = {
	{ "fileno", (PyCFunction)sock_fileno, METH_NOARGS, "fileno()" },
	{ "close", (PyCFunction)sock_close, METH_NOARGS, "close()" },
	{ "connect", (PyCFunction)sock_connect, METH_O, "connect(address)" },
	{ "bind", (PyCFunction)sock_bind, METH_O, "bind(address)" },
	{ "listen", (PyCFunction)(void (*)(void))sock_listen, KW, "listen(maxlog=2)" },
	{ "accept", (PyCFunction)sock_accept, METH_NOARGS, "accept() -> (socket, address)" },
	{ "recv", (PyCFunction)(void (*)(void))sock_recv, KW, "recv(bufsize, flags=0) -> bytearray" },
	{ "recv_into", (PyCFunction)(void (*)(void))sock_recv_into, KW,
	  "recv_into(buffer, bufsize=-1, flags=0) -> int" },
	{ "recvfrom", (PyCFunction)(void (*)(void))sock_recvfrom, KW,
	  "recvfrom(bufsize, flags=0) -> (bytearray, address)" },
	{ "recvfrom_into", (PyCFunction)(void (*)(void))sock_recvfrom_into, KW,
	  "recvfrom_into(buffer, bufsize=-1, flags=0) -> (int, address)" },
	{ "send", (PyCFunction)(void (*)(void))sock_send, KW, "send(buffer, flags=0) -> int" },
	{ "sendall", (PyCFunction)(void (*)(void))sock_sendall, KW, "sendall(buffer, flags=0)" },
	{ "sendto", (PyCFunction)(void (*)(void))sock_sendto, KW,
	  "sendto(buffer, address, flags=0) -> int" },
	{ "sendtimeout", (PyCFunction)sock_sendtimeout, METH_O,
	  "sendtimeout(timeout): milliseconds, 0 non-blocking, None blocking" },
	{ "settimeout", (PyCFunction)sock_sendtimeout, METH_O, "settimeout(timeout): as sendtimeout" },
	{ "gettimeout", (PyCFunction)sock_gettimeout, METH_NOARGS, "gettimeout() -> ms or None" },
	{ "setsockopt", (PyCFunction)sock_setsockopt, METH_VARARGS,
	  "setsockopt(level, option, value: int | bytes-like)\nsetsockopt(level, option, None, optlen)" },
	{ "getsockopt", (PyCFunction)sock_getsockopt, METH_VARARGS,
	  "getsockopt(level, option[, buflen]) -> int | bytes" },
	{ "__enter__", (PyCFunction)sock_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)sock_exit, METH_VARARGS, NULL },
	{ NULL }
};

static PyMemberDef sock_members[] = {
	{ "family", T_INT, offsetof(SockObject, family), READONLY, NULL },
	{ "type", T_INT, offsetof(SockObject, type), READONLY, NULL },
	{ "proto", T_INT, offsetof(SockObject, proto), READONLY, NULL },
	{ NULL }
};

static PyType_Slot sock_slots[] = {
	{ Py_tp_doc, "socket(family=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP, fileno=None)" },
	{ Py_tp_new, sock_new },
	{ Py_tp_init, sock_init },
	{ Py_tp_dealloc, sock_dealloc },
	{ Py_tp_repr, sock_repr },
	{ Py_tp_methods, sock_methods },
	{ Py_tp_members, sock_members },
	{ 0, NULL }
};

static PyType_Spec sock_spec = {
	.name = "spisock.socket.socket",
	.basicsize = sizeof(SockObject),
	.flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.slots = sock_slots,
};

static PyObject *m_ip_to_tuple(PyObject *self, PyObject *arg)
{
	const char *s;
	uint8_t t[4];

	if (!PyUnicode_Check(arg) || !(s = PyUnicode_AsUTF8(arg)) ||
	    spisock_ip_to_tuple(s, t)) {
		PyErr_Clear();
		return bad_address("ip_to_tuple takes \"x.y.z.w\"");
	}
	return Py_BuildValue("(iiii)", t[0], t[1], t[2], t[3]);
}

/* ---- the wifi calls ---------------------------------------------------------- */

static PyObject *w_link(PyObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "ssid", "security", "password", NULL };
	const char *ssid, *pass = "";
	int sec, ret;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "si|s:link", kwlist, &ssid, &sec, &pass))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_wifi_link(ssid, sec, pass);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	Py_RETURN_NONE;
}

static PyObject *w_unlink(PyObject *self, PyObject *unused)
{
	int ret;

	Py_BEGIN_ALLOW_THREADS
	ret = spisock_wifi_unlink();
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	Py_RETURN_NONE;
}

static PyObject *w_is_linked(PyObject *self, PyObject *unused)
{
	int ret = spisock_wifi_is_linked();

	if (ret < 0)
		return raise_errno(mod_state(self));
	return PyBool_FromLong(ret);
}

static PyObject *ip_or_none(unsigned int valid, unsigned int bit, const uint8_t ip[4])
{
	if (!(valid & bit))
		Py_RETURN_NONE;
	return PyUnicode_FromFormat("%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

/* A MAC address as people write it: "24:0a:c4:5e:1a:01". */
static PyObject *mac_str(const uint8_t m[6])
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return PyUnicode_FromString(s);
}

/* (ip, netmask, gateway, dns, mac): None for what the radio did not report. */
static PyObject *w_link_info(PyObject *self, PyObject *unused)
{
	struct spisock_link_info i;
	PyObject *mac;
	int ret;

	Py_BEGIN_ALLOW_THREADS
	ret = spisock_wifi_link_info(&i);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	if (i.valid & SPISOCK_INFO_MAC)
		mac = mac_str(i.mac);
	else
		mac = Py_NewRef(Py_None);
	return Py_BuildValue("(NNNNN)", ip_or_none(i.valid, SPISOCK_INFO_ADDR, i.addr),
			     ip_or_none(i.valid, SPISOCK_INFO_NETMASK, i.netmask),
			     ip_or_none(i.valid, SPISOCK_INFO_GATEWAY, i.gateway),
			     ip_or_none(i.valid, SPISOCK_INFO_DNS, i.dns), mac);
}

static PyObject *w_rssi(PyObject *self, PyObject *unused)
{
	int dbm, ret;

	Py_BEGIN_ALLOW_THREADS
	ret = spisock_wifi_rssi(&dbm);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	return PyLong_FromLong(dbm);
}

/* [(ssid, security, rssi, bssid), ...], the BSSID written as a MAC. */
static PyObject *w_scan(PyObject *self, PyObject *args)
{
	struct spisock_scan_entry e[32];
	int n, i, duration = 0;
	PyObject *list;

	/* The reference's optional duration (ms): the chip's scan has its own. */
	if (!PyArg_ParseTuple(args, "|i:scan", &duration))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	n = spisock_wifi_scan(e, 32);
	Py_END_ALLOW_THREADS
	if (n < 0)
		return raise_errno(mod_state(self));
	list = PyList_New(0);
	for (i = 0; list && i < n; i++) {
		PyObject *t = Py_BuildValue("(siiN)", e[i].ssid, e[i].security,
					    e[i].rssi, mac_str(e[i].bssid));

		if (!t || PyList_Append(list, t))
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	return list;
}

static PyObject *w_gethostbyname(PyObject *self, PyObject *args)
{
	const char *name;
	uint8_t ip[4];
	int ret;

	if (!PyArg_ParseTuple(args, "s:gethostbyname", &name))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_gethostbyname(name, ip);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	return PyUnicode_FromFormat("%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

/* What a driver import's init() does: pick the radio sockets use. */
static PyObject *w_select_radio(PyObject *self, PyObject *arg)
{
	const char *name = NULL;
	int id;

	if (arg != Py_None && !(name = PyUnicode_AsUTF8(arg)))
		return NULL;
	id = spisock_radio_select(name);
	if (id < 0)
		return raise_errno(mod_state(self));
	return PyLong_FromLong(id);
}

/*
 * The radio in use as a dict: id, name, chip, firmware, flavour, sockets,
 * sync_connect (its connect holds the radio: no timeout bounds it),
 * accept_after_data (a connection is accepted once its peer sent data).
 */
static PyObject *w_radio_info(PyObject *self, PyObject *unused)
{
	struct spisock_radio_info ri;
	int ret;

	(void)unused;
	Py_BEGIN_ALLOW_THREADS
	ret = spisock_radio_info(&ri);
	Py_END_ALLOW_THREADS
	if (ret)
		return raise_errno(mod_state(self));
	return Py_BuildValue("{s:i,s:s,s:s,s:s,s:s,s:I,s:O,s:O}", "id", ri.id,
			     "name", ri.name, "chip", ri.chip,
			     "firmware", ri.fw_version, "flavour", ri.fw_flavour,
			     "sockets", ri.sockets, "sync_connect",
			     ri.flags & SPISOCK_RADIO_SYNC_CONNECT ?
			     Py_True : Py_False, "accept_after_data",
			     ri.flags & SPISOCK_RADIO_ACCEPT_AFTER_DATA ?
			     Py_True : Py_False);
}

static PyMethodDef funcs[] = {
	{ "ip_to_tuple", m_ip_to_tuple, METH_O, "ip_to_tuple(\"x.y.z.w\") -> (x, y, z, w)" },
	{ "link", (PyCFunction)(void (*)(void))w_link, KW, "link(ssid, security, password)" },
	{ "unlink", w_unlink, METH_NOARGS, "unlink()" },
	{ "is_linked", w_is_linked, METH_NOARGS, "is_linked() -> bool" },
	{ "link_info", w_link_info, METH_NOARGS,
	  "link_info() -> (ip, mask, gateway, dns, \"xx:xx:xx:xx:xx:xx\")" },
	{ "rssi", w_rssi, METH_NOARGS, "rssi() -> dBm" },
	{ "scan", w_scan, METH_VARARGS, "scan(duration=0) -> [(ssid, security, rssi, bssid)]" },
	{ "gethostbyname", w_gethostbyname, METH_VARARGS, "gethostbyname(name) -> \"a.b.c.d\"" },
	{ "select_radio", w_select_radio, METH_O,
	  "select_radio(name): the radio new sockets use (None: the default)" },
	{ "radio_info", w_radio_info, METH_NOARGS,
	  "radio_info() -> {id, name, chip, firmware, flavour, sockets, sync_connect, "
	  "accept_after_data}" },
	{ NULL }
};

/* ---- the module -------------------------------------------------------------- */

static int add_ints(PyObject *m, const char *const *names, const int *vals, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (PyModule_AddIntConstant(m, names[i], vals[i]))
			return -1;
	return 0;
}

static int spisock_exec(PyObject *m)
{
	static const char *const names[] = {
		"AF_INET", "AF_INET6", "AF_CAN", "SOCK_STREAM", "SOCK_DGRAM",
		"SOCK_RAW", "SOL_SOCKET", "SO_RCVTIMEO", "SO_SNDTIMEO",
		"SO_REUSEADDR", "SO_KEEPALIVE", "SO_LINGER", "IPPROTO_TCP", "IPPROTO_UDP",
		"IPPROTO_IP", "TCP_NODELAY", "MSG_PEEK", "MSG_DONTWAIT", "MSG_WAITALL",
		"WIFI_OPEN", "WIFI_WEP", "WIFI_WPA", "WIFI_WPA2",
	};
	static const int vals[] = {
		AF_INET, AF_INET6, AF_CAN, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
		SOL_SOCKET, SO_RCVTIMEO, SO_SNDTIMEO, SO_REUSEADDR, SO_KEEPALIVE,
		SO_LINGER, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IP, 1 /* TCP_NODELAY */,
		MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL,
		SPISOCK_WIFI_OPEN, SPISOCK_WIFI_WEP, SPISOCK_WIFI_WPA, SPISOCK_WIFI_WPA2,
	};
	struct mod_state *st = mod_state(m);

	if (add_ints(m, names, vals, sizeof(vals) / sizeof(vals[0])))
		return -1;
	st->timeout_exc = PyErr_NewExceptionWithDoc("spisock.socket.timeout",
		"A socket operation's timeout expired (an OSError, errno ETIMEDOUT).",
		PyExc_TimeoutError, NULL);
	if (!st->timeout_exc)
		return -1;
	st->sock_type = (PyTypeObject *)PyType_FromModuleAndSpec(m, &sock_spec, NULL);
	if (!st->sock_type)
		return -1;
	if (PyModule_AddObjectRef(m, "timeout", st->timeout_exc) ||
	    PyModule_AddObjectRef(m, "error", PyExc_OSError) ||
	    PyModule_AddObjectRef(m, "socket", (PyObject *)st->sock_type))
		return -1;
	return 0;
}

static int spisock_traverse(PyObject *m, visitproc visit, void *arg)
{
	struct mod_state *st = mod_state(m);

	Py_VISIT(st->sock_type);
	Py_VISIT(st->timeout_exc);
	return 0;
}

static int spisock_clear(PyObject *m)
{
	struct mod_state *st = mod_state(m);

	Py_CLEAR(st->sock_type);
	Py_CLEAR(st->timeout_exc);
	return 0;
}

static void spisock_free(void *m)
{
	spisock_clear(m);
}

static PyModuleDef_Slot spisock_slots[] = {
	{ Py_mod_exec, spisock_exec },
	{ 0, NULL }
};

static struct PyModuleDef spisock_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "spisock._spisock",
	.m_doc = "spisock's extension: what spisock.socket and spisock.wifi name.",
	.m_size = sizeof(struct mod_state),
	.m_methods = funcs,
	.m_slots = spisock_slots,
	.m_traverse = spisock_traverse,
	.m_clear = spisock_clear,
	.m_free = spisock_free,
};

PyMODINIT_FUNC PyInit__spisock(void)
{
	return PyModuleDef_Init(&spisock_def);
}
