// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tables for the nina-fw framing: command encoding (length widths,
 * padding, limits), reply decoding (valid replies, the error frame, and
 * malformed replies, which must never be read past their end), and the
 * firmware errno translation.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/string.h>

#include "frame.h"

#define P(...) { .data = (const u8 []){ __VA_ARGS__ }, \
		 .len = sizeof((const u8 []){ __VA_ARGS__ }) }

static void nina_test_encode_no_params(struct kunit *test)
{
	static const u8 want[] = { 0xe0, 0x37, 0x00, 0xee };
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, nina_encode(buf, sizeof(buf), NINA_GET_FW_VERSION,
					  NULL, 0), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void nina_test_encode_len8_padded(struct kunit *test)
{
	/* SOCKET_BIND fd 54, port 8080 big-endian: 11 bytes, padded to 12. */
	const struct nina_param p[] = { P(54), P(0x1f, 0x90) };
	static const u8 want[] = { 0xe0, 0x73, 0x02, 0x01, 54, 0x02, 0x1f, 0x90,
				   0xee, 0xff, 0xff, 0xff };
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, nina_encode(buf, sizeof(buf), NINA_SOCKET_BIND,
					  p, 2), 12);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void nina_test_encode_len16(struct kunit *test)
{
	/* SOCKET_SEND: both parameters carry 16-bit big-endian lengths. */
	const struct nina_param p[] = { P(55), P('h', 'i') };
	static const u8 want[] = { 0xe0, 0x77, 0x02, 0x00, 0x01, 55, 0x00, 0x02,
				   'h', 'i', 0xee, 0xff };
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, nina_encode(buf, sizeof(buf), NINA_SOCKET_SEND,
					  p, 2), 12);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void nina_test_encode_limits(struct kunit *test)
{
	static u8 data[NINA_BUF_LEN];
	struct nina_param p[2] = { P(54), { .data = data } };
	u8 *buf;

	buf = kunit_kzalloc(test, NINA_BUF_LEN + 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* The largest SEND the driver issues fits the firmware's buffer. */
	p[1].len = NINA_SEND_MAX;
	KUNIT_EXPECT_EQ(test, nina_encode(buf, NINA_BUF_LEN + 64,
					  NINA_SOCKET_SEND, p, 2),
			ALIGN(4 + 2 + 1 + 2 + NINA_SEND_MAX, 4));
	/* One that would not fit 4092 bytes is refused, whatever @size. */
	p[1].len = NINA_BUF_LEN - 8;
	KUNIT_EXPECT_EQ(test, nina_encode(buf, NINA_BUF_LEN + 64,
					  NINA_SOCKET_SEND, p, 2), -EMSGSIZE);
	/* An output buffer too small. */
	KUNIT_EXPECT_EQ(test, nina_encode(buf, 3, NINA_GET_FW_VERSION, NULL, 0),
			-EMSGSIZE);
	/* 8-bit lengths cannot describe 256 bytes. */
	p[1].len = 256;
	KUNIT_EXPECT_EQ(test, nina_encode(buf, NINA_BUF_LEN, NINA_SOCKET_BIND,
					  p, 2), -EINVAL);
	/* A reply opcode, or too many parameters. */
	KUNIT_EXPECT_EQ(test, nina_encode(buf, 16, 0xb7, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, nina_encode(buf, NINA_BUF_LEN, NINA_SOCKET_BIND,
					  p, NINA_MAX_PARAMS + 1), -EINVAL);
}

struct decode_case {
	const char *name;
	u8 op;
	const u8 *buf;
	size_t len;
	int ret;
};

#define DC(n, o, r, ...) { .name = n, .op = o, .ret = r, \
	.buf = (const u8 []){ __VA_ARGS__ }, \
	.len = sizeof((const u8 []){ __VA_ARGS__ }) }

static const struct decode_case decode_cases[] = {
	DC("status", NINA_GET_CONN_STATUS, 1,
	   0xe0, 0xa0, 0x01, 0x01, 0x03, 0xee, 0x00, 0x00),
	DC("no-params", NINA_DISCONNECT, 0, 0xe0, 0xb0, 0x00, 0xee),
	DC("over-read-padding", NINA_GET_CONN_STATUS, 1,
	   0xe0, 0xa0, 0x01, 0x01, 0x03, 0xee, 0x00, 0x00, 0x00, 0x00),
	DC("recv-len16", NINA_SOCKET_RECV, 1,
	   0xe0, 0xf8, 0x01, 0x00, 0x03, 'a', 'b', 'c', 0xee, 0x00, 0x00, 0x00),
	DC("recv-empty", NINA_SOCKET_RECV, 1,
	   0xe0, 0xf8, 0x01, 0x00, 0x00, 0xee, 0x00, 0x00),
	DC("error-frame", NINA_SOCKET_ERRNO, -ENOMSG, 0xef, 0x00, 0xee, 0x00),
	DC("empty", NINA_GET_CONN_STATUS, -EPROTO),
	DC("truncated-header", NINA_GET_CONN_STATUS, -EPROTO, 0xe0, 0xa0, 0x01),
	DC("bad-start", NINA_GET_CONN_STATUS, -EPROTO,
	   0xff, 0xa0, 0x01, 0x01, 0x03, 0xee, 0x00, 0x00),
	DC("no-reply-flag", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0x20, 0x01, 0x01, 0x03, 0xee, 0x00, 0x00),
	DC("other-opcode", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0xa1, 0x01, 0x01, 0x03, 0xee, 0x00, 0x00),
	DC("too-many-params", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0xa0, 0x09, 0x01, 0x03, 0xee, 0x00, 0x00),
	DC("length-past-end", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0xa0, 0x01, 0x05, 0x03, 0xee, 0x00, 0x00),
	DC("len16-past-end", NINA_SOCKET_RECV, -EPROTO,
	   0xe0, 0xf8, 0x01, 0x10, 0x00, 'a', 0xee, 0x00),
	DC("len16-half-length", NINA_SOCKET_RECV, -EPROTO,
	   0xe0, 0xf8, 0x01, 0x00),
	DC("missing-end", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0xa0, 0x01, 0x01, 0x03, 0x00, 0x00, 0x00),
	DC("end-cut-off", NINA_GET_CONN_STATUS, -EPROTO,
	   0xe0, 0xa0, 0x01, 0x01, 0x03),
	DC("all-ff", NINA_GET_CONN_STATUS, -EPROTO,
	   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
	DC("all-zero", NINA_GET_CONN_STATUS, -EPROTO,
	   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
};

static void decode_case_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

static void nina_test_decode(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct nina_param p[NINA_MAX_PARAMS];
	u8 *buf;
	int i, ret;

	/* An exact-size heap copy: KASAN catches any read past the end. */
	buf = kunit_kmalloc(test, c->len ? c->len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, c->buf, c->len);

	ret = nina_decode(buf, c->len, c->op, p, NINA_MAX_PARAMS);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	for (i = 0; i < ret; i++) {
		KUNIT_EXPECT_TRUE(test, p[i].data >= buf);
		KUNIT_EXPECT_LE(test, (size_t)(p[i].data - buf) + p[i].len,
				c->len);
	}
}

static void nina_test_decode_values(struct kunit *test)
{
	static const u8 reply[] = { 0xe0, 0xfa, 0x03, 0x00, 0x04, 127, 0, 0, 1,
				    0x00, 0x02, 0x90, 0x1f, 0x00, 0x02, 'o', 'k',
				    0xee, 0x00, 0x00, 0x00 };
	struct nina_param p[3];

	/* RECVFROM: three 16-bit-length parameters (ip, port, data). */
	KUNIT_ASSERT_EQ(test, nina_decode(reply, sizeof(reply),
					  NINA_SOCKET_RECVFROM, p, 3), 3);
	KUNIT_EXPECT_EQ(test, p[0].len, 4);
	KUNIT_EXPECT_EQ(test, p[0].data[0], 127);
	KUNIT_EXPECT_EQ(test, p[1].len, 2);
	KUNIT_EXPECT_EQ(test, p[1].data[0] | p[1].data[1] << 8, 8080);
	KUNIT_EXPECT_EQ(test, p[2].len, 2);
	KUNIT_EXPECT_EQ(test, memcmp(p[2].data, "ok", 2), 0);
	/* Room for fewer parameters than the reply has is malformed too. */
	KUNIT_EXPECT_EQ(test, nina_decode(reply, sizeof(reply),
					  NINA_SOCKET_RECVFROM, p, 2), -EPROTO);
}

static void nina_test_roundtrip_all_lengths(struct kunit *test)
{
	struct nina_param in[2], out[2];
	static u8 data[300];
	u8 *buf;
	int len, i;

	buf = kunit_kzalloc(test, NINA_BUF_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(data); i++)
		data[i] = i * 7;

	/* A command frame decodes as a reply once its opcode is flagged. */
	for (i = 0; i <= 255; i++) {
		in[0] = (struct nina_param){ .data = data, .len = i };
		in[1] = (struct nina_param){ .data = data + 1, .len = 255 - i };
		len = nina_encode(buf, NINA_BUF_LEN, NINA_GET_CONN_STATUS, in, 2);
		KUNIT_ASSERT_GT(test, len, 0);
		KUNIT_EXPECT_EQ(test, len % 4, 0);
		buf[1] |= NINA_REPLY_FLAG;
		KUNIT_ASSERT_EQ(test, nina_decode(buf, len, NINA_GET_CONN_STATUS,
						  out, 2), 2);
		KUNIT_EXPECT_EQ(test, out[0].len, i);
		KUNIT_EXPECT_EQ(test, out[1].len, 255 - i);
		KUNIT_EXPECT_EQ(test, memcmp(out[1].data, data + 1, 255 - i), 0);
	}
}

static void nina_test_length_widths(struct kunit *test)
{
	unsigned int op, n16 = 0;

	for (op = 0; op < 0x80; op++)
		n16 += nina_cmd_len16(op);
	KUNIT_EXPECT_EQ(test, n16, 6);
	KUNIT_EXPECT_TRUE(test, nina_cmd_len16(NINA_SOCKET_SENDTO));
	/* 0x70-0x76 and 0x78 have bit 0x40 set but use 8-bit lengths. */
	KUNIT_EXPECT_FALSE(test, nina_cmd_len16(NINA_SOCKET_CONNECT));
	KUNIT_EXPECT_FALSE(test, nina_cmd_len16(NINA_SOCKET_RECV));
	KUNIT_EXPECT_TRUE(test, nina_reply_len16(NINA_SOCKET_RECV));
	KUNIT_EXPECT_FALSE(test, nina_reply_len16(NINA_SOCKET_SEND));
}

static void nina_test_errno(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nina_errno(0), 0);
	KUNIT_EXPECT_EQ(test, nina_errno(11), -EAGAIN);
	KUNIT_EXPECT_EQ(test, nina_errno(119), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, nina_errno(128), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, nina_errno(111), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, nina_errno(113), -ECONNABORTED);
	KUNIT_EXPECT_EQ(test, nina_errno(116), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, nina_errno(118), -EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, nina_errno(122), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, nina_errno(125), -EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, nina_errno(127), -EISCONN);
	KUNIT_EXPECT_EQ(test, nina_errno(115), -ENETDOWN);
	/* Linux-only numbers are not passed through: unknown means -EIO. */
	KUNIT_EXPECT_EQ(test, nina_errno(88), -EIO);
	KUNIT_EXPECT_EQ(test, nina_errno(255), -EIO);
}

/* No chip errno reads as the worker's "bus failed, retry later". */
static void nina_test_errno_not_retry(struct kunit *test)
{
	unsigned int e;

	KUNIT_EXPECT_LT(test, NINA_RETRY, 0);
	for (e = 0; e <= U8_MAX; e++)
		KUNIT_EXPECT_NE_MSG(test, nina_errno(e), NINA_RETRY,
				    "firmware errno %u", e);
}

/* Every opcode the driver names is named after its enumerator. */
static void nina_test_op_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, nina_op_name(NINA_SOCKET_SEND), "SOCKET_SEND");
	KUNIT_EXPECT_STREQ(test, nina_op_name(NINA_GET_FW_VERSION),
			   "GET_FW_VERSION");
	KUNIT_EXPECT_STREQ(test, nina_op_name(NINA_SET_KEY), "SET_KEY");
	KUNIT_EXPECT_STREQ(test, nina_op_name(NINA_PING), "PING");
	KUNIT_EXPECT_STREQ(test, nina_op_name(0x13), "?");
	KUNIT_EXPECT_STREQ(test, nina_op_name(0xff), "?");
}

/* The reply length is learnt piecewise, as the transport clocks it in. */
static void nina_test_reply_need(struct kunit *test)
{
	static const u8 ver[] = { 0xe0, 0xb7, 0x01, 0x06, '2', '.', '0', '.',
				  '0', 0x00, 0xee, 0x00 };
	static const u8 recv[] = { 0xe0, 0xf8, 0x01, 0x01, 0x00 };
	static const u8 err[] = { 0xef, 0x00, 0xee, 0x00 };
	static const u8 junk[] = { 0x00, 0x00, 0x00, 0x00, 0x00 };

	KUNIT_EXPECT_EQ(test, nina_reply_need(ver, 3, NINA_GET_FW_VERSION), 4);
	KUNIT_EXPECT_EQ(test, nina_reply_need(ver, 4, NINA_GET_FW_VERSION), 11);
	KUNIT_EXPECT_EQ(test, nina_reply_need(ver, 12, NINA_GET_FW_VERSION), 11);
	KUNIT_EXPECT_EQ(test, nina_reply_need(recv, 4, NINA_SOCKET_RECV), 5);
	KUNIT_EXPECT_EQ(test, nina_reply_need(recv, 5, NINA_SOCKET_RECV),
			5 + 256 + 1);
	KUNIT_EXPECT_EQ(test, nina_reply_need(err, 4, NINA_SOCKET_ERRNO), 4);
	KUNIT_EXPECT_EQ(test, nina_reply_need(junk, 5, NINA_GET_CONN_STATUS), 5);
	KUNIT_EXPECT_EQ(test, nina_reply_need(ver, 2, NINA_GET_FW_VERSION), 3);
}

/* No frame is ever built for an opcode whose meaning depends on the fork. */
static void nina_test_forked_ops(struct kunit *test)
{
	static const u8 forked[] = { 0x40, 0x41, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e,
				     0x4f, 0x54, 0x55, 0x5d, 0x5f };
	u8 buf[16];
	unsigned int i, op;

	for (i = 0; i < ARRAY_SIZE(forked); i++) {
		KUNIT_EXPECT_TRUE(test, nina_op_forked(forked[i]));
		KUNIT_EXPECT_EQ(test, nina_encode(buf, sizeof(buf), forked[i],
						  NULL, 0), -EOPNOTSUPP);
	}
	/* Every opcode the driver names is shared by both forks but SET_ENT. */
	for (op = 0; op < NINA_NR_OPS; op++)
		if (op != NINA_SET_ENT && strcmp(nina_op_name(op), "?"))
			KUNIT_EXPECT_FALSE(test, nina_op_forked(op));
	KUNIT_EXPECT_FALSE(test, nina_op_forked(NINA_SEND_DATA_TCP));
	KUNIT_EXPECT_FALSE(test, nina_op_forked(NINA_INSERT_DATABUF));
	KUNIT_EXPECT_EQ(test, nina_encode(buf, sizeof(buf), NINA_GET_SOCKET,
					  NULL, 0), 4);
	/* The flavour probe: Arduino 3.x's, empty on every other firmware. */
	KUNIT_EXPECT_EQ(test, nina_encode(buf, sizeof(buf),
					  NINA_GET_FW_VERSION_U32, NULL, 0), 4);
}

static struct kunit_case nina_frame_cases[] = {
	KUNIT_CASE(nina_test_encode_no_params),
	KUNIT_CASE(nina_test_encode_len8_padded),
	KUNIT_CASE(nina_test_encode_len16),
	KUNIT_CASE(nina_test_encode_limits),
	KUNIT_CASE_PARAM(nina_test_decode, decode_gen_params),
	KUNIT_CASE(nina_test_decode_values),
	KUNIT_CASE(nina_test_roundtrip_all_lengths),
	KUNIT_CASE(nina_test_length_widths),
	KUNIT_CASE(nina_test_errno),
	KUNIT_CASE(nina_test_errno_not_retry),
	KUNIT_CASE(nina_test_op_names),
	KUNIT_CASE(nina_test_reply_need),
	KUNIT_CASE(nina_test_forked_ops),
	{}
};

static struct kunit_suite nina_frame_suite = {
	.name = "spisock-nina-frame",
	.test_cases = nina_frame_cases,
};

kunit_test_suite(nina_frame_suite);

MODULE_DESCRIPTION("KUnit tests for the nina-fw SPI framing");
MODULE_LICENSE("GPL");
