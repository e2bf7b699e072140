/* phpstreams.core._speedups: optional C speedups (the pattern of markupsafe's _speedups.c).
 *
 * Theory of operation
 * -------------------
 * Four things live here, and none holds a PHP rule of its own:
 *
 * 1. ReadBuffer: core/readbuffer.py's class, method for method, attribute for
 *    attribute (_buf, _pos, _wpos, _buflen, filled, position). _buf is an
 *    immutable bytes object and _buf[_pos:] the unread bytes, exactly as in the
 *    Python class, so a take() that consumes the whole buffer returns _buf
 *    itself, no copy. core/stream.py's Stream subclasses whichever class is
 *    active; tests/unit/test_speedups.py feeds both the same operations.
 *
 * 2. FastEntry: the callable that stands for fgets, fread, fwrite, fputs,
 *    stream_get_line, fgetc and feof when the speedups are active. It handles
 *    the common case completely -- arguments of the exact types (a
 *    StreamResource whose class is exactly StreamResource, an exact int or
 *    bytes), a live Stream whose class is exactly Stream, ops PLAIN, no filter
 *    attached, a SocketTransport -- and passes every other call, untouched, to
 *    the Python function it wraps (the php_function wrapper: the reference and
 *    the only place the PHP rules are written). Inside a call it mirrors, step
 *    for step, Stream.read / get_line(None) / get_record / _fill and
 *    PlainOps.read / write: the same fill sizes, the same one recv() per fill.
 *    A read that finds nothing on a blocking stream waits as
 *    PlainOps._after_failure does -- poll() with the stream's timeout, the GIL
 *    released, then one recv() (after_failure below; only where Python's own
 *    wait sees signals, configure(wait_in_c=True)). Whatever else is not a
 *    successful recv()/send() -- another error, a signal interrupting the wait,
 *    an unusual timeout, a write that would block -- goes to the Python code:
 *    PlainOps._after_failure for a read, io._resume_write for a write, which
 *    apply PHP's rules and return what PlainOps.read / the fwrite body would
 *    have returned.
 *
 *    The reads (not the writes, nor select) also take a TLS stream -- ops
 *    TLS_OPS (tls/io.py), no read filter: its fills are tls_read, the first
 *    SSL_read of TLSOps._io made here: the C read method of the _ssl._SSLSocket
 *    behind the stream's SSLSocket (stream.tls.transport.sslsock._sslobj, the
 *    exact classes configure_tls gave, looked up afresh each time: an unwrapped
 *    or closed SSLSocket has no _sslobj, and TLSOps.read does the read), which
 *    is what TLSTransport.recv -> SSLSocket.recv -> read end in. Bytes feed the
 *    buffer exactly as a Python fill does (b"" sets eof, timed_out untouched, as
 *    in _io). Any OSError (SSLWantReadError, WantWrite, ZeroReturn, EOF, a reset)
 *    goes, with the time.monotonic() taken before the SSL_read, to
 *    TLSOps.resume_read, which runs _io from exactly that point: the failure is
 *    raised inside its loop as if its own recv had raised it, so there is no
 *    second SSL_read and the timeout counts from the same start; PHP's poll
 *    wait, its retries, warnings and result are all the Python code's. Those
 *    Python reads are called through one wrapper per PHP function (tls/io.py
 *    _resumes: named fgets, fread...) so that their warnings name the function,
 *    and a call that went to Python ends as php_function's wrapper ends every
 *    call (finish: raise_pending). current_call (thread-local, nested calls
 *    stack) says which function a fill is for.
 *
 * 3. select_plain: core/selecting.py's stream_select for arrays of plain socket
 *    streams (see its comment); every other case it hands back untouched.
 *
 * 4. connect_inet4: the system calls of an IPv4 connect with a timeout, for
 *    transport/net.py (see its comment); PHP's rules stay in the Python callers.
 *
 * Attribute access: the Python classes use __slots__; configure() reads each
 * slot's offset from its member descriptor once, and the exact-type checks
 * make reading those offsets safe.
 */

#define PY_SSIZE_T_CLEAN
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <Python.h>
#include <structmember.h>

#if PY_VERSION_HEX < 0x030C0000
#define UNICODE_READY(o) PyUnicode_IS_READY(o)
#else
#define UNICODE_READY(o) 1 /* every str is ready since 3.12 */
#endif

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* ReadBuffer                                                                */

typedef struct {
    PyObject_HEAD
    PyObject *buf; /* bytes; never NULL after tp_new */
    Py_ssize_t pos;
    Py_ssize_t wpos;   /* PHP's writepos */
    Py_ssize_t buflen; /* PHP's readbuflen */
    Py_ssize_t filled;
} RB;

static PyObject *empty_bytes; /* b"" */

#define RB_LEN(s) PyBytes_GET_SIZE((s)->buf)
#define RB_DATA(s) PyBytes_AS_STRING((s)->buf)
#define RB_UNREAD(s) (RB_LEN(s) - (s)->pos)

static PyObject *
rb_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    RB *self = (RB *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_INCREF(empty_bytes);
    self->buf = empty_bytes;
    return (PyObject *)self;
}

static int
rb_init(PyObject *op, PyObject *args, PyObject *kwds)
{
    RB *self = (RB *)op;
    /* Stream.__init__ calls super().__init__() without arguments */
    if (Py_TYPE(op)->tp_init == rb_init &&
        ((args && PyTuple_GET_SIZE(args)) || (kwds && PyDict_GET_SIZE(kwds)))) {
        PyErr_SetString(PyExc_TypeError, "ReadBuffer() takes no arguments");
        return -1;
    }
    Py_INCREF(empty_bytes);
    Py_SETREF(self->buf, empty_bytes);
    self->pos = self->wpos = self->buflen = self->filled = 0;
    return 0;
}

static void
rb_dealloc(PyObject *op)
{
    RB *self = (RB *)op;
    Py_CLEAR(self->buf);
    Py_TYPE(op)->tp_free(op);
}

/* buf[a:b] (0 <= a <= b <= len); the whole buffer is returned itself */
static PyObject *
rb_slice(RB *self, Py_ssize_t a, Py_ssize_t b)
{
    if (a == 0 && b == RB_LEN(self)) {
        Py_INCREF(self->buf);
        return self->buf;
    }
    return PyBytes_FromStringAndSize(RB_DATA(self) + a, b - a);
}

static Py_ssize_t
rb_fill_size_c(RB *self, Py_ssize_t chunk_size)
{
    Py_ssize_t wpos = self->wpos;
    if (self->buflen - wpos < chunk_size)
        wpos = RB_UNREAD(self); /* PHP moves the unread bytes to the front */
    if (self->buflen - wpos < chunk_size)
        self->buflen += chunk_size;
    self->wpos = wpos;
    return self->buflen - wpos;
}

static int
rb_feed_c(RB *self, PyObject *data)
{
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    if (n == 0)
        return 0;
    self->wpos += n;
    self->filled += n;
    Py_ssize_t unread = RB_UNREAD(self);
    if (unread > 0) {
        PyObject *joined = PyBytes_FromStringAndSize(NULL, unread + n);
        if (joined == NULL)
            return -1;
        memcpy(PyBytes_AS_STRING(joined), RB_DATA(self) + self->pos, (size_t)unread);
        memcpy(PyBytes_AS_STRING(joined) + unread, PyBytes_AS_STRING(data), (size_t)n);
        Py_SETREF(self->buf, joined);
    }
    else {
        Py_INCREF(data);
        Py_SETREF(self->buf, data);
    }
    self->pos = 0;
    return 0;
}

static PyObject *
rb_take_c(RB *self, Py_ssize_t size)
{
    Py_ssize_t pos = self->pos, len = RB_LEN(self);
    if (size >= len - pos) {
        self->pos = len;
        return rb_slice(self, pos, len);
    }
    self->pos = pos + size;
    return rb_slice(self, pos, pos + size);
}

/* the offset of the first "\n" at or after pos, or -1 */
static Py_ssize_t
rb_find_nl(RB *self)
{
    const char *start = RB_DATA(self) + self->pos;
    const char *at = memchr(start, '\n', (size_t)RB_UNREAD(self));
    return at == NULL ? -1 : self->pos + (at - start);
}

static PyObject *
rb_line_c(RB *self)
{
    Py_ssize_t eol = rb_find_nl(self);
    if (eol < 0)
        Py_RETURN_NONE;
    Py_ssize_t pos = self->pos;
    self->pos = eol + 1;
    return rb_slice(self, pos, eol + 1);
}

/* take_line_part(left); left < 0 stands for None. *done gets the flag. */
static PyObject *
rb_take_line_part_c(RB *self, Py_ssize_t left, int *done)
{
    Py_ssize_t pos = self->pos;
    Py_ssize_t eol = rb_find_nl(self);
    Py_ssize_t size = eol < 0 ? RB_UNREAD(self) : eol - pos + 1;
    *done = eol >= 0;
    if (left >= 0 && size >= left) {
        size = left;
        *done = 1;
    }
    self->pos = pos + size;
    return rb_slice(self, pos, pos + size);
}

static Py_ssize_t
rb_search_c(RB *self, const char *delim, Py_ssize_t dlen, Py_ssize_t maxlen, Py_ssize_t skip)
{
    Py_ssize_t seek = RB_UNREAD(self);
    if (maxlen < seek)
        seek = maxlen;
    if (seek <= skip)
        return -1;
    /* bytes.find(delim, pos + skip, pos + seek) - pos */
    Py_ssize_t span = seek - skip;
    if (dlen == 0)
        return skip;
    if (dlen > span)
        return -1;
    const char *start = RB_DATA(self) + self->pos + skip;
    const char *at;
    if (dlen == 1)
        at = memchr(start, delim[0], (size_t)span);
    else if (dlen <= 8) {
        /* memchr for the first byte (SIMD in glibc), then compare: for "\r\n"
         * records this is several times faster than memmem's set-up */
        const char *end = start + span - dlen + 1; /* one past the last start */
        const char *from = start;
        at = NULL;
        while (from < end) {
            const char *hit = memchr(from, delim[0], (size_t)(end - from));
            if (hit == NULL)
                break;
            if (memcmp(hit + 1, delim + 1, (size_t)(dlen - 1)) == 0) {
                at = hit;
                break;
            }
            from = hit + 1;
        }
    }
    else
        at = memmem(start, (size_t)span, delim, (size_t)dlen);
    return at == NULL ? -1 : skip + (at - start);
}

static PyObject *
rb_take_record_c(RB *self, Py_ssize_t size, Py_ssize_t drop)
{
    Py_ssize_t pos = self->pos, len = RB_LEN(self);
    Py_ssize_t end = size > len - pos ? len : pos + size;
    PyObject *record = rb_slice(self, pos, end);
    /* the Python class would let _pos run past the end on a wrong call; here it stops */
    self->pos = (size + drop > len - pos) ? len : pos + size + drop;
    return record;
}

/* -- the Python-visible methods -- */

static int
arg_ssize(PyObject *o, Py_ssize_t *out, const char *what, int nonnegative)
{
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int", what);
        return -1;
    }
    Py_ssize_t v = PyLong_AsSsize_t(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (nonnegative && v < 0) {
        PyErr_Format(PyExc_ValueError, "%s must not be negative", what);
        return -1;
    }
    *out = v;
    return 0;
}

static PyObject *
rb_unread_bytes(PyObject *op, PyObject *unused)
{
    return PyLong_FromSsize_t(RB_UNREAD((RB *)op));
}

static PyObject *
rb_fill_size(PyObject *op, PyObject *arg)
{
    Py_ssize_t chunk;
    if (arg_ssize(arg, &chunk, "chunk_size", 1) < 0)
        return NULL;
    return PyLong_FromSsize_t(rb_fill_size_c((RB *)op, chunk));
}

static PyObject *
rb_feed(PyObject *op, PyObject *data)
{
    /* bytes; another bytes-like object (an ops' bytearray...) is copied, as the
     * Python class's ``_buf[pos:] + data`` would */
    if (PyUnicode_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "feed() takes bytes");
        return NULL;
    }
    PyObject *bytes = PyBytes_Check(data) ? (Py_INCREF(data), data) : PyBytes_FromObject(data);
    if (bytes == NULL)
        return NULL;
    int r = rb_feed_c((RB *)op, bytes);
    Py_DECREF(bytes);
    if (r < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
rb_bypassed(PyObject *op, PyObject *arg)
{
    Py_ssize_t count;
    if (arg_ssize(arg, &count, "count", 0) < 0)
        return NULL;
    ((RB *)op)->filled += count;
    Py_RETURN_NONE;
}

static PyObject *
rb_take(PyObject *op, PyObject *arg)
{
    Py_ssize_t size;
    if (arg_ssize(arg, &size, "size", 1) < 0)
        return NULL;
    return rb_take_c((RB *)op, size);
}

static PyObject *
rb_line(PyObject *op, PyObject *unused)
{
    return rb_line_c((RB *)op);
}

static PyObject *
rb_take_line_part(PyObject *op, PyObject *arg)
{
    Py_ssize_t left = -1;
    if (arg != Py_None && arg_ssize(arg, &left, "left", 1) < 0)
        return NULL;
    int done;
    PyObject *part = rb_take_line_part_c((RB *)op, left, &done);
    if (part == NULL)
        return NULL;
    return Py_BuildValue("(NO)", part, done ? Py_True : Py_False);
}

static PyObject *
rb_search(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t maxlen, skip;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "search() takes 3 arguments");
        return NULL;
    }
    if (!PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "delim must be bytes");
        return NULL;
    }
    if (arg_ssize(args[1], &maxlen, "maxlen", 0) < 0 || arg_ssize(args[2], &skip, "skip", 1) < 0)
        return NULL;
    return PyLong_FromSsize_t(rb_search_c((RB *)op, PyBytes_AS_STRING(args[0]),
                                          PyBytes_GET_SIZE(args[0]), maxlen, skip));
}

static PyObject *
rb_take_record(PyObject *op, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t size, drop;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "take_record() takes 2 arguments");
        return NULL;
    }
    if (arg_ssize(args[0], &size, "size", 1) < 0 || arg_ssize(args[1], &drop, "drop", 1) < 0)
        return NULL;
    return rb_take_record_c((RB *)op, size, drop);
}

static PyObject *
rb_get_position(PyObject *op, void *closure)
{
    RB *self = (RB *)op;
    return PyLong_FromSsize_t(self->filled - RB_UNREAD(self));
}

static PyMethodDef rb_methods[] = {
    {"unread_bytes", rb_unread_bytes, METH_NOARGS, NULL},
    {"fill_size", rb_fill_size, METH_O,
     "The free space one fill may receive, PHP's buffer grown or compacted first."},
    {"feed", rb_feed, METH_O, "The bytes one fill received (b\"\" for none)."},
    {"bypassed", rb_bypassed, METH_O,
     "Bytes a read received straight past the buffer (read buffering off)."},
    {"take", rb_take, METH_O, "Up to ``size`` buffered bytes (b\"\" when none are buffered)."},
    {"line", rb_line, METH_NOARGS,
     "A whole buffered line with its ``\\n``, or None when none is buffered."},
    {"take_line_part", rb_take_line_part, METH_O,
     "One step of _php_stream_get_line: (the buffered bytes up to a \\n or ``left`` bytes, "
     "whether the line is complete)."},
    {"search", (PyCFunction)(void (*)(void))rb_search, METH_FASTCALL,
     "_php_stream_search_delim: the delimiter's offset in the first maxlen bytes."},
    {"take_record", (PyCFunction)(void (*)(void))rb_take_record, METH_FASTCALL,
     "``size`` bytes, then ``drop`` more (the delimiter) consumed unseen."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef rb_members[] = {
    {NULL, 0, 0, 0, NULL},
};

/* The attributes are writable, as the Python class's are (the stream filters
 * rewind and refill the buffer through them), but only with values that keep
 * the C code's invariants: _buf exact bytes, 0 <= _pos <= len(_buf), _wpos and
 * _buflen >= 0. A _buf shorter than _pos moves _pos to its end (the filters
 * then set _pos: a tuple assignment sets _buf first). */

static PyObject *
rb_get_buf(PyObject *op, void *closure)
{
    PyObject *buf = ((RB *)op)->buf;
    Py_INCREF(buf);
    return buf;
}

static int
rb_set_buf(PyObject *op, PyObject *value, void *closure)
{
    RB *self = (RB *)op;
    if (value == NULL || !PyBytes_CheckExact(value)) {
        PyErr_SetString(PyExc_TypeError, "_buf must be bytes");
        return -1;
    }
    Py_INCREF(value);
    Py_SETREF(self->buf, value);
    if (self->pos > PyBytes_GET_SIZE(value))
        self->pos = PyBytes_GET_SIZE(value);
    return 0;
}

static PyObject *
rb_get_ssize(PyObject *op, void *closure)
{
    return PyLong_FromSsize_t(*(Py_ssize_t *)((char *)op + (Py_ssize_t)closure));
}

static int
rb_set_ssize(PyObject *op, PyObject *value, void *closure)
{
    RB *self = (RB *)op;
    Py_ssize_t offset = (Py_ssize_t)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "cannot delete a read buffer attribute");
        return -1;
    }
    Py_ssize_t v = PyLong_AsSsize_t(value);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (offset == (Py_ssize_t)offsetof(RB, pos) && (v < 0 || v > RB_LEN(self))) {
        PyErr_SetString(PyExc_ValueError, "_pos out of the buffer");
        return -1;
    }
    if ((offset == (Py_ssize_t)offsetof(RB, wpos) || offset == (Py_ssize_t)offsetof(RB, buflen))
        && v < 0) {
        PyErr_SetString(PyExc_ValueError, "_wpos and _buflen cannot be negative");
        return -1;
    }
    *(Py_ssize_t *)((char *)op + offset) = v;
    return 0;
}

static PyGetSetDef rb_getset[] = {
    {"position", rb_get_position, NULL, "Bytes consumed by reads, as ftell() counts them.",
     NULL},
    {"_buf", rb_get_buf, rb_set_buf, NULL, NULL},
    {"_pos", rb_get_ssize, rb_set_ssize, NULL, (void *)offsetof(RB, pos)},
    {"_wpos", rb_get_ssize, rb_set_ssize, NULL, (void *)offsetof(RB, wpos)},
    {"_buflen", rb_get_ssize, rb_set_ssize, NULL, (void *)offsetof(RB, buflen)},
    {"filled", rb_get_ssize, rb_set_ssize, NULL, (void *)offsetof(RB, filled)},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject RBType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "phpstreams.core._speedups.ReadBuffer",
    .tp_doc = "The bytes a stream received and its reads have not consumed yet (C).",
    .tp_basicsize = sizeof(RB),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = rb_new,
    .tp_init = rb_init,
    .tp_dealloc = rb_dealloc,
    .tp_methods = rb_methods,
    .tp_members = rb_members,
    .tp_getset = rb_getset,
};

enum { K_FGETS, K_FREAD, K_FWRITE, K_FPUTS, K_GET_LINE, K_FGETC, K_FEOF, K_GET_CONTENTS,
       K_COUNT };
static const char *kind_names[K_COUNT] = {"fgets", "fread", "fwrite", "fputs", "stream_get_line",
                                          "fgetc", "feof", "stream_get_contents"};

/* ------------------------------------------------------------------------ */
/* configuration: the Python classes and slots the fast entries read         */

static int configured;
static PyTypeObject *ResourceT, *StreamT, *TransportT;
static PyObject *Plain, *PlainRead, *AfterFailure;
static Py_ssize_t chunk_default = 8192;
static Py_ssize_t o_res_stream, o_ops, o_rfilt, o_wfilt, o_transport, o_eof, o_blocked,
    o_timed_out, o_chunk, o_nobuf, o_poll_first, o_written, o_fd, o_timeout;
static int wait_in_c; /* Python's own wait sees a signal (libc poll via ctypes): so may C's */
/* the TLS read path (configure_tls) */
static int tls_configured;
static PyObject *TlsOps, *TlsRead, *TlsResume, *SSLErrorT, *SSLRead, *TlsFinish;
static PyObject *TlsResumeFor[K_COUNT]; /* by fast entry kind: resume_read named after it */
/* The fast call under way in this thread (nested calls, from an error handler,
 * stack): which function it is, and whether it resumed in Python. */
typedef struct {
    int kind;
    int resumed;
} CallState;
static _Thread_local CallState *current_call;
static PyTypeObject *TlsTransportT, *SSLSocketT, *SSLObjT;
static Py_ssize_t o_tls, o_sslsock;
static PyObject *str_transport, *str_sslobj, *str_suppress;

static int
as_int(PyObject *o)
{
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v > INT_MAX || v < INT_MIN) {
        PyErr_SetString(PyExc_OverflowError, "descriptor out of range");
        return -1;
    }
    return (int)v;
}

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

static int
slot_offset(PyTypeObject *type, const char *name, Py_ssize_t *out)
{
    PyObject *d = PyObject_GetAttrString((PyObject *)type, name);
    if (d == NULL)
        return -1;
    if (!Py_IS_TYPE(d, &PyMemberDescr_Type) ||
        ((PyMemberDescrObject *)d)->d_member->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a __slots__ attribute", type->tp_name,
                     name);
        Py_DECREF(d);
        return -1;
    }
    *out = ((PyMemberDescrObject *)d)->d_member->offset;
    Py_DECREF(d);
    return 0;
}

static PyObject *
sp_configure(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"stream_resource", "stream", "transport", "plain", "chunk_size",
                            "wait_in_c", NULL};
    PyObject *res, *stream, *transport, *plain;
    Py_ssize_t chunk;
    int c_wait = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!On|p:configure", names, &PyType_Type,
                                     &res, &PyType_Type, &stream, &PyType_Type, &transport,
                                     &plain, &chunk, &c_wait))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)stream, &RBType)) {
        PyErr_SetString(PyExc_TypeError, "the stream class must subclass the C ReadBuffer");
        return NULL;
    }
    PyTypeObject *rt = (PyTypeObject *)res, *st = (PyTypeObject *)stream,
                 *tt = (PyTypeObject *)transport;
    if (slot_offset(rt, "stream", &o_res_stream) < 0 || slot_offset(st, "ops", &o_ops) < 0 ||
        slot_offset(st, "read_filters", &o_rfilt) < 0 ||
        slot_offset(st, "write_filters", &o_wfilt) < 0 ||
        slot_offset(st, "transport", &o_transport) < 0 || slot_offset(st, "eof", &o_eof) < 0 ||
        slot_offset(st, "blocked", &o_blocked) < 0 ||
        slot_offset(st, "timed_out", &o_timed_out) < 0 ||
        slot_offset(st, "chunk_size", &o_chunk) < 0 ||
        slot_offset(st, "no_buffer", &o_nobuf) < 0 ||
        slot_offset(st, "poll_first", &o_poll_first) < 0 ||
        slot_offset(st, "written", &o_written) < 0 ||
        slot_offset(st, "timeout", &o_timeout) < 0 || slot_offset(tt, "fd", &o_fd) < 0)
        return NULL;
    PyObject *read = PyObject_GetAttrString(plain, "read");
    if (read == NULL)
        return NULL;
    PyObject *after = PyObject_GetAttrString(plain, "_after_failure");
    if (after == NULL) {
        Py_DECREF(read);
        return NULL;
    }
    Py_INCREF(res);
    Py_INCREF(stream);
    Py_INCREF(transport);
    Py_INCREF(plain);
    Py_XSETREF(ResourceT, rt);
    Py_XSETREF(StreamT, st);
    Py_XSETREF(TransportT, tt);
    Py_XSETREF(Plain, plain);
    Py_XSETREF(PlainRead, read);
    Py_XSETREF(AfterFailure, after);
    chunk_default = chunk;
    wait_in_c = c_wait;
    configured = 1;
    Py_RETURN_NONE;
}

static PyObject *
sp_configure_tls(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"ops",       "transport", "ssl_socket", "ssl_object",
                            "ssl_error", "resumes",   "finish",     NULL};
    PyObject *ops, *transport, *sslsock, *sslobj, *sslerror, *resumes, *finish;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!O!O!O!O!O:configure_tls", names, &ops,
                                     &PyType_Type, &transport, &PyType_Type, &sslsock,
                                     &PyType_Type, &sslobj, &PyType_Type, &sslerror,
                                     &PyDict_Type, &resumes, &finish))
        return NULL;
    PyObject *by_kind[K_COUNT] = {NULL};
    for (int i = 0; i < K_COUNT; i++) {
        PyObject *f = PyDict_GetItemString(resumes, kind_names[i]); /* borrowed */
        if (f != NULL && !PyCallable_Check(f)) {
            PyErr_Format(PyExc_TypeError, "resumes[%s] is not callable", kind_names[i]);
            return NULL;
        }
        by_kind[i] = f;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure_tls() before configure()");
        return NULL;
    }
    if (slot_offset(StreamT, "tls", &o_tls) < 0 ||
        slot_offset((PyTypeObject *)transport, "sslsock", &o_sslsock) < 0)
        return NULL;
    PyObject *read = PyObject_GetAttrString(ops, "read");
    PyObject *resume = read ? PyObject_GetAttrString(ops, "resume_read") : NULL;
    PyObject *sslread = resume ? PyObject_GetAttrString(sslobj, "read") : NULL;
    if (sslread == NULL) {
        Py_XDECREF(read);
        Py_XDECREF(resume);
        return NULL;
    }
    if (str_transport == NULL) {
        str_transport = PyUnicode_InternFromString("transport");
        str_sslobj = PyUnicode_InternFromString("_sslobj");
        str_suppress = PyUnicode_InternFromString("suppress_ragged_eofs");
        if (str_transport == NULL || str_sslobj == NULL || str_suppress == NULL) {
            Py_DECREF(read);
            Py_DECREF(resume);
            Py_DECREF(sslread);
            return NULL;
        }
    }
    Py_INCREF(ops);
    Py_INCREF(transport);
    Py_INCREF(sslsock);
    Py_INCREF(sslobj);
    Py_INCREF(sslerror);
    Py_XSETREF(TlsOps, ops);
    Py_XSETREF(TlsRead, read);
    Py_XSETREF(TlsResume, resume);
    Py_XSETREF(SSLRead, sslread);
    Py_XSETREF(TlsTransportT, (PyTypeObject *)transport);
    Py_XSETREF(SSLSocketT, (PyTypeObject *)sslsock);
    Py_XSETREF(SSLObjT, (PyTypeObject *)sslobj);
    Py_XSETREF(SSLErrorT, sslerror);
    Py_INCREF(finish);
    Py_XSETREF(TlsFinish, finish);
    for (int i = 0; i < K_COUNT; i++) {
        Py_XINCREF(by_kind[i]);
        Py_XSETREF(TlsResumeFor[i], by_kind[i]);
    }
    tls_configured = 1;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------ */
/* the stream operations, mirrored from core/stream.py and core/sockops.py  */

#define FALLBACK Py_NotImplemented /* returned borrowed: "let Python do this call" */

static inline int
truth(PyObject *o)
{
    if (o == Py_True)
        return 1;
    if (o == Py_False || o == Py_None)
        return 0;
    return PyObject_IsTrue(o);
}

static inline void
set_slot(PyObject *obj, Py_ssize_t off, PyObject *value)
{
    PyObject *old = SLOT(obj, off);
    Py_INCREF(value);
    SLOT(obj, off) = value;
    Py_XDECREF(old);
}

/* The live plain stream behind a resource (borrowed), or NULL: not our case. */
static inline PyObject *
plain_stream(PyObject *res, Py_ssize_t filters)
{
    if (Py_TYPE(res) != ResourceT)
        return NULL;
    PyObject *s = SLOT(res, o_res_stream);
    if (s == NULL || Py_TYPE(s) != StreamT || SLOT(s, o_ops) != Plain ||
        SLOT(s, filters) != Py_None)
        return NULL;
    PyObject *t = SLOT(s, o_transport);
    if (t == NULL || Py_TYPE(t) != TransportT)
        return NULL;
    if (SLOT(s, o_eof) == NULL || SLOT(s, o_blocked) == NULL || SLOT(s, o_timed_out) == NULL ||
        SLOT(s, o_chunk) == NULL || SLOT(s, o_nobuf) == NULL || SLOT(s, o_poll_first) == NULL ||
        SLOT(s, o_written) == NULL || SLOT(t, o_fd) == NULL)
        return NULL;
    return s;
}

/* The live stream behind a resource that a read may handle (borrowed), or NULL:
 * a plain one (plain_stream), or a TLS one (ops TLS_OPS: its reads never look
 * at stream.transport, only at stream.tls; tls_read checks what it uses). */
static inline PyObject *
read_stream(PyObject *res)
{
    if (Py_TYPE(res) != ResourceT)
        return NULL;
    PyObject *s = SLOT(res, o_res_stream);
    if (s == NULL || Py_TYPE(s) != StreamT || SLOT(s, o_rfilt) != Py_None)
        return NULL;
    if (SLOT(s, o_ops) != TlsOps || !tls_configured)
        return plain_stream(res, o_rfilt);
    if (SLOT(s, o_eof) == NULL || SLOT(s, o_blocked) == NULL || SLOT(s, o_timed_out) == NULL ||
        SLOT(s, o_chunk) == NULL || SLOT(s, o_nobuf) == NULL || SLOT(s, o_tls) == NULL)
        return NULL;
    return s;
}

static int
stream_chunk_size(PyObject *s, Py_ssize_t *out)
{
    Py_ssize_t v = PyLong_AsSsize_t(SLOT(s, o_chunk));
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

static PyObject *
call_after_failure(PyObject *s, int code, Py_ssize_t size)
{
    return PyObject_CallFunction(AfterFailure, "Oin", s, code, size);
}

/* One recv() of at most size bytes into a new bytes object (resized to what came),
 * retried on EINTR as socket.recv() does (PEP 475). NULL with *err the errno of a
 * failed recv(), or NULL with *err 0 and an exception set. */
static PyObject *
recv_bytes(int fd, Py_ssize_t size, int *err)
{
    *err = 0;
    PyObject *data = PyBytes_FromStringAndSize(NULL, size);
    if (data == NULL)
        return NULL;
    for (;;) {
        ssize_t n;
        int e;
        Py_BEGIN_ALLOW_THREADS
        n = recv(fd, PyBytes_AS_STRING(data), (size_t)size, MSG_DONTWAIT);
        e = errno;
        Py_END_ALLOW_THREADS
        if (n >= 0) {
            if (n != size && _PyBytes_Resize(&data, n) < 0)
                return NULL;
            return data;
        }
        if (e == EINTR && PyErr_CheckSignals() == 0)
            continue;
        Py_DECREF(data);
        if (e != EINTR) /* else a signal handler raised */
            *err = e;
        return NULL;
    }
}

/* PlainOps._after_failure, mirrored for its common case: a blocking stream whose
 * recv() found nothing (EAGAIN) waits in poll() for its timeout (the GIL
 * released), then makes one recv(). A failure that is no EAGAIN, a timeout that
 * is no float, a signal interrupting the wait (its handler returned: the
 * Python code waits again, the WHOLE timeout, as PHP does) go to the Python
 * method, which stays the reference. */
static PyObject *
after_failure(PyObject *s, int code, Py_ssize_t size)
{
    if (!wait_in_c || (code != EAGAIN && code != EWOULDBLOCK && code != EINTR))
        return call_after_failure(s, code, size);
    int blocked = truth(SLOT(s, o_blocked));
    if (blocked < 0)
        return NULL;
    if (!blocked)
        return Py_NewRef(empty_bytes);
    PyObject *t = SLOT(s, o_transport), *to = SLOT(s, o_timeout);
    if (t == NULL || Py_TYPE(t) != TransportT || SLOT(t, o_fd) == NULL || to == NULL)
        return call_after_failure(s, code, size);
    int timeout_ms = -1;  /* None: wait forever */
    if (to != Py_None) {
        if (!PyFloat_CheckExact(to))
            return call_after_failure(s, code, size);
        double ms = PyFloat_AS_DOUBLE(to) * 1000; /* sockops.wait_ms: int(timeout * 1000) */
        if (!(ms > -2147483648.0 && ms < 2147483648.0))
            return call_after_failure(s, code, size);
        timeout_ms = (int)ms;
    }
    int fd = as_int(SLOT(t, o_fd));
    if (fd == -1 && PyErr_Occurred())
        return NULL;
    /* A reader faster than its peer keeps finding nothing: poll first from now on */
    set_slot(s, o_poll_first, Py_True);
    set_slot(s, o_timed_out, Py_False);
    struct pollfd p = {fd, POLLIN | POLLPRI, 0};
    int ready, err;
    Py_BEGIN_ALLOW_THREADS
    ready = poll(&p, 1, timeout_ms);
    err = errno;
    Py_END_ALLOW_THREADS
    if (ready < 0) {
        if (err != EINTR) {
            errno = err;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        if (PyErr_CheckSignals() < 0)
            return NULL;
        return call_after_failure(s, code, size); /* the wait starts again, in Python */
    }
    if (ready == 0) {
        set_slot(s, o_timed_out, Py_True);
        Py_RETURN_NONE;
    }
    PyObject *data = recv_bytes(fd, size, &err);
    if (data == NULL) {
        if (err == 0)
            return NULL;
        if (err == EAGAIN || err == EWOULDBLOCK)
            return Py_NewRef(empty_bytes);
        set_slot(s, o_eof, Py_True);
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    if (n == 0)
        set_slot(s, o_eof, Py_True);
    else if (n == size)
        set_slot(s, o_poll_first, Py_False);
    return data;
}

/* PlainOps.read: bytes (b"" at the end), Py_None for PHP's -1, NULL on an exception */
static PyObject *
plain_read(PyObject *s, Py_ssize_t size)
{
    PyObject *t = SLOT(s, o_transport);
    if (t == NULL || t == Py_None)
        Py_RETURN_NONE;
    int poll_first = truth(SLOT(s, o_poll_first));
    if (poll_first < 0)
        return NULL;
    if (poll_first) {
        int blocked = truth(SLOT(s, o_blocked));
        if (blocked < 0)
            return NULL;
        if (blocked)
            return after_failure(s, EAGAIN, size);
    }
    if (Py_TYPE(t) != TransportT || SLOT(t, o_fd) == NULL)
        return PyObject_CallFunction(PlainRead, "On", s, size);
    int fd = as_int(SLOT(t, o_fd));
    if (fd == -1 && PyErr_Occurred())
        return NULL;
    int err;
    PyObject *data = recv_bytes(fd, size, &err);
    if (data == NULL)
        return err == 0 ? NULL : after_failure(s, err, size);
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    int blocked = truth(SLOT(s, o_blocked));
    if (blocked < 0) {
        Py_DECREF(data);
        return NULL;
    }
    if (blocked)
        set_slot(s, o_timed_out, Py_False);
    if (n == 0)
        set_slot(s, o_eof, Py_True);
    return data;
}

/* TLSOps.read (tls/io.py), its common case: the first SSL_read of _io's loop,
 * made by the C read method of the _ssl._SSLSocket behind the stream's
 * SSLSocket -- what TLSTransport.recv -> SSLSocket.recv -> SSLSocket.read end
 * in, fetched afresh on every call (the socket may be unwrapped or closed at
 * any time: then its _sslobj is None, and the Python method does the read).
 * Bytes: b"" sets eof, as _io does. An OSError (SSLWantReadError... included)
 * goes, with the time the loop started, to TLSOps.resume_read, which goes on
 * from exactly there (no second SSL_read): PHP's waits, warnings, result.
 * Any other exception propagates, as it does out of _io. */
/* The read in Python: TLSOps.read (failure NULL), or TLSOps.resume_read after
 * the first SSL_read raised ``failure`` at ``start``; through the callable named
 * after the fast entry's PHP function (its warnings name it) */
static PyObject *
tls_python(PyObject *s, Py_ssize_t size, PyObject *failure, double start)
{
    PyObject *f = NULL;
    if (current_call != NULL) {
        current_call->resumed = 1;
        f = TlsResumeFor[current_call->kind];
    }
    if (f != NULL)
        return failure == NULL ? PyObject_CallFunction(f, "On", s, size)
                               : PyObject_CallFunction(f, "OnOd", s, size, failure, start);
    return failure == NULL ? PyObject_CallFunction(TlsRead, "On", s, size)
                           : PyObject_CallFunction(TlsResume, "OOnd", s, failure, size, start);
}

static PyObject *
tls_read(PyObject *s, Py_ssize_t size)
{
    PyObject *state = SLOT(s, o_tls);
    PyObject *t = state == NULL || state == Py_None ? NULL : PyObject_GetAttr(state, str_transport);
    if (t == NULL) {
        PyErr_Clear();
        return tls_python(s, size, NULL, 0);
    }
    PyObject *sock = Py_TYPE(t) == TlsTransportT ? SLOT(t, o_sslsock) : NULL;
    PyObject *obj = NULL;
    if (sock != NULL && Py_TYPE(sock) == SSLSocketT) {
        obj = PyObject_GetAttr(sock, str_sslobj);
        if (obj == NULL)
            PyErr_Clear();
        else if (Py_TYPE(obj) != SSLObjT)
            Py_CLEAR(obj);
    }
    if (obj == NULL) {
        Py_DECREF(t);
        return tls_python(s, size, NULL, 0);
    }
    Py_INCREF(sock);
    Py_DECREF(t);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* time.monotonic(): _io's start */
    PyObject *n = PyLong_FromSsize_t(size), *r = NULL;
    if (n != NULL) {
        PyObject *argv[2] = {obj, n};
        r = PyObject_Vectorcall(SSLRead, argv, 2, NULL);
        Py_DECREF(n);
    }
    Py_DECREF(obj);
    if (r != NULL) {
        Py_DECREF(sock);
        if (!PyBytes_CheckExact(r)) {
            Py_DECREF(r);
            PyErr_SetString(PyExc_TypeError, "SSL read returned no bytes");
            return NULL;
        }
        if (PyBytes_GET_SIZE(r) == 0)
            set_slot(s, o_eof, Py_True);
        return r;
    }
    if (!PyErr_ExceptionMatches(PyExc_OSError)) {
        Py_DECREF(sock);
        return NULL;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    /* SSLSocket.read: an SSL_ERROR_EOF is b"" when suppress_ragged_eofs (the
     * transport wraps with it off; kept for exactness) */
    int suppressed = 0;
    if (PyObject_TypeCheck(value, (PyTypeObject *)SSLErrorT)) {
        PyObject *on = PyObject_GetAttr(sock, str_suppress);
        int ragged = on == NULL ? -1 : PyObject_IsTrue(on);
        Py_XDECREF(on);
        if (ragged < 0) {
            Py_DECREF(sock);
            Py_DECREF(value);
            return NULL;
        }
        if (ragged) {
            PyObject *eargs = PyObject_GetAttrString(value, "args");
            if (eargs == NULL) {
                Py_DECREF(sock);
                Py_DECREF(value);
                return NULL;
            }
            if (PyTuple_Check(eargs) && PyTuple_GET_SIZE(eargs) > 0 &&
                PyLong_Check(PyTuple_GET_ITEM(eargs, 0)) &&
                PyLong_AsLong(PyTuple_GET_ITEM(eargs, 0)) == 8 /* SSL_ERROR_EOF */)
                suppressed = 1;
            Py_DECREF(eargs);
            if (PyErr_Occurred()) {
                Py_DECREF(sock);
                Py_DECREF(value);
                return NULL;
            }
        }
    }
    Py_DECREF(sock);
    if (suppressed) {
        Py_DECREF(value);
        set_slot(s, o_eof, Py_True);
        return Py_NewRef(empty_bytes);
    }
    double start = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
    r = tls_python(s, size, value, start);
    Py_DECREF(value);
    return r;
}

/* Stream._fill: 1 filled (or enough buffered), 0 the read failed, -1 an exception */
static int
stream_fill(PyObject *s, Py_ssize_t size)
{
    RB *rb = (RB *)s;
    if (RB_UNREAD(rb) >= size)
        return 1;
    Py_ssize_t chunk;
    if (stream_chunk_size(s, &chunk) < 0)
        return -1;
    Py_ssize_t want = rb_fill_size_c(rb, chunk);
    PyObject *data = SLOT(s, o_ops) == TlsOps ? tls_read(s, want) : plain_read(s, want);
    if (data == NULL)
        return -1;
    if (data == Py_None) {
        Py_DECREF(data);
        return 0;
    }
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "a stream read returned no bytes");
        Py_DECREF(data);
        return -1;
    }
    int r = rb_feed_c(rb, data);
    Py_DECREF(data);
    return r < 0 ? -1 : 1;
}

/* Stream.read(size): bytes, Py_None (false), NULL, or FALLBACK before anything changed */
static PyObject *
stream_read(PyObject *s, Py_ssize_t size)
{
    RB *rb = (RB *)s;
    Py_ssize_t have = RB_UNREAD(rb);
    if (have >= size)
        return rb_take_c(rb, size);
    Py_ssize_t chunk;
    if (stream_chunk_size(s, &chunk) < 0)
        return NULL;
    int no_buffer = truth(SLOT(s, o_nobuf));
    if (no_buffer < 0)
        return NULL;
    if (no_buffer || chunk == 1)
        return FALLBACK;
    PyObject *out = have ? rb_take_c(rb, have) : NULL;
    if (have && out == NULL)
        return NULL;
    int r = stream_fill(s, size - have);
    if (r < 0) {
        Py_XDECREF(out);
        return NULL;
    }
    if (r == 0) {
        if (out != NULL)
            return out;
        Py_RETURN_NONE;
    }
    PyObject *data = rb_take_c(rb, size - have);
    if (data == NULL || out == NULL) {
        Py_XDECREF(out);
        return data;
    }
    PyBytes_ConcatAndDel(&out, data);
    return out;
}

/* Stream.get_line(None), after line() found no whole line: bytes, Py_None or NULL */
static PyObject *
stream_get_line_grow(PyObject *s)
{
    RB *rb = (RB *)s;
    PyObject *parts = PyList_New(0);
    if (parts == NULL)
        return NULL;
    for (;;) {
        if (RB_UNREAD(rb) > 0) {
            int done;
            PyObject *part = rb_take_line_part_c(rb, -1, &done);
            if (part == NULL || PyList_Append(parts, part) < 0) {
                Py_XDECREF(part);
                goto error;
            }
            Py_DECREF(part);
            if (done)
                break;
            continue;
        }
        int eof = truth(SLOT(s, o_eof));
        if (eof < 0)
            goto error;
        if (eof)
            break;
        Py_ssize_t chunk;
        if (stream_chunk_size(s, &chunk) < 0 || stream_fill(s, chunk) < 0)
            goto error;
        if (RB_UNREAD(rb) == 0)
            break;
    }
    PyObject *line;
    Py_ssize_t count = PyList_GET_SIZE(parts);
    if (count == 1) {
        line = PyList_GET_ITEM(parts, 0);
        Py_INCREF(line);
    }
    else
        line = PyObject_CallMethod(empty_bytes, "join", "O", parts);
    Py_DECREF(parts);
    if (line != NULL && PyBytes_GET_SIZE(line) == 0) {
        Py_DECREF(line);
        Py_RETURN_NONE;
    }
    return line;
error:
    Py_DECREF(parts);
    return NULL;
}

/* Stream.get_record(maxlen, delim): bytes, Py_None (false) or NULL */
static PyObject *
stream_get_record(PyObject *s, Py_ssize_t maxlen, const char *delim, Py_ssize_t dlen)
{
    RB *rb = (RB *)s;
    Py_ssize_t found = dlen ? rb_search_c(rb, delim, dlen, maxlen, 0) : -1;
    Py_ssize_t buffered = RB_UNREAD(rb);
    while (found < 0 && buffered < maxlen) {
        Py_ssize_t chunk;
        if (stream_chunk_size(s, &chunk) < 0)
            return NULL;
        Py_ssize_t want = maxlen - buffered < chunk ? maxlen - buffered : chunk;
        if (stream_fill(s, buffered + want) < 0)
            return NULL;
        Py_ssize_t just_read = RB_UNREAD(rb) - buffered;
        if (just_read == 0)
            break;
        if (dlen) {
            Py_ssize_t skip = buffered >= dlen - 1 ? buffered - (dlen - 1) : 0;
            found = rb_search_c(rb, delim, dlen, maxlen, skip);
            if (found >= 0)
                break;
        }
        buffered += just_read;
    }
    Py_ssize_t amount = RB_UNREAD(rb), size;
    if (found >= 0)
        return rb_take_record_c(rb, found, dlen);
    int eof = truth(SLOT(s, o_eof));
    if (eof < 0)
        return NULL;
    if (!dlen && amount >= maxlen)
        size = maxlen;
    else if ((amount < maxlen && !eof) || (amount == 0 && eof))
        Py_RETURN_NONE;
    else
        size = amount < maxlen ? amount : maxlen;
    return rb_take_record_c(rb, size, 0);
}

/* Stream.copy_to_mem(0): stream_get_contents($fp) with no length; NULL on an exception */
static PyObject *
stream_copy_all(PyObject *s)
{
    PyObject *parts = PyList_New(0);
    if (parts == NULL)
        return NULL;
    Py_ssize_t buflen = chunk_default, got = 0; /* PHP: a socket's fstat() size is 0 */
    for (;;) {
        PyObject *data = stream_read(s, buflen - got);
        if (data == NULL)
            goto error;
        if (data == FALLBACK) { /* cannot happen: checked before the call */
            PyErr_SetString(PyExc_SystemError, "stream_get_contents: unbuffered stream");
            goto error;
        }
        if (data == Py_None || PyBytes_GET_SIZE(data) == 0) {
            Py_DECREF(data);
            break;
        }
        got += PyBytes_GET_SIZE(data);
        int appended = PyList_Append(parts, data);
        Py_DECREF(data);
        if (appended < 0)
            goto error;
        if (got + chunk_default / 4 >= buflen)
            buflen += chunk_default; /* maxlen 0: grows by a chunk */
    }
    PyObject *all;
    if (PyList_GET_SIZE(parts) == 1) {
        all = PyList_GET_ITEM(parts, 0);
        Py_INCREF(all);
    }
    else
        all = PyObject_CallMethod(empty_bytes, "join", "O", parts);
    Py_DECREF(parts);
    return all;
error:
    Py_DECREF(parts);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* FastEntry                                                                 */

/* An exact bytes, or an exact str of ASCII only (its UTF-8 bytes, what the
 * argument layer would encode, are its characters): pointer and length. */
static int
exact_data(PyObject *o, const char **p, Py_ssize_t *len)
{
    if (PyBytes_CheckExact(o)) {
        *p = PyBytes_AS_STRING(o);
        *len = PyBytes_GET_SIZE(o);
        return 1;
    }
    if (PyUnicode_CheckExact(o) && UNICODE_READY(o) && PyUnicode_IS_ASCII(o)) {
        *p = (const char *)PyUnicode_DATA(o);
        *len = PyUnicode_GET_LENGTH(o);
        return 1;
    }
    return 0;
}


typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int kind;
    PyObject *fallback; /* the Python function (php_function's wrapper) */
    PyObject *helper;   /* fwrite/fputs: io._resume_write */
    PyObject *name;     /* "fwrite"... */
    PyObject *dict;
} FE;

static PyObject *
false_if_none(PyObject *r)
{
    if (r == Py_None) {
        Py_DECREF(r);
        Py_RETURN_FALSE;
    }
    return r;
}

static PyObject *do_send(FE *fe, PyObject *s, PyObject *data, const char *p, Py_ssize_t full,
                         Py_ssize_t len, int fd);

/* fwrite / fputs after zpp: the payload (p, full), its length limit */
static PyObject *
do_write(FE *fe, PyObject *res, PyObject *data, const char *p, Py_ssize_t full,
         Py_ssize_t limit, int limited)
{
    Py_ssize_t len = full;
    if (limited && limit < len)
        len = limit < 0 ? 0 : limit;
    if (len == 0)
        return PyLong_FromLong(0); /* PHP: returns before even looking at the stream */
    PyObject *s = plain_stream(res, o_wfilt);
    if (s == NULL)
        return FALLBACK;
    int fd = as_int(SLOT(SLOT(s, o_transport), o_fd));
    if (fd == -1 && PyErr_Occurred())
        return NULL;
    Py_INCREF(s); /* the GIL is released around send(): another thread may fclose */
    PyObject *r = do_send(fe, s, data, p, full, len, fd);
    Py_DECREF(s);
    return r;
}

static PyObject *
do_send(FE *fe, PyObject *s, PyObject *data, const char *p, Py_ssize_t full, Py_ssize_t len,
        int fd)
{
    Py_ssize_t written = 0;
    while (written < len) {
        ssize_t n;
        int err;
        Py_BEGIN_ALLOW_THREADS
        n = send(fd, p + written, (size_t)(len - written), MSG_DONTWAIT);
        err = errno;
        Py_END_ALLOW_THREADS
        if (n >= 0) {
            written += n;
            continue;
        }
        if (err == EINTR) {
            if (PyErr_CheckSignals() < 0)
                return NULL;
            continue;
        }
        /* the rest (PHP's waits, the notice, the result) is the Python code's */
        PyObject *payload = len == full && PyBytes_CheckExact(data)
                                ? (Py_INCREF(data), data)
                                : PyBytes_FromStringAndSize(p, len);
        if (payload == NULL)
            return NULL;
        PyObject *r = PyObject_CallFunction(fe->helper, "OOOni", fe->name, s, payload, written,
                                            err);
        Py_DECREF(payload);
        return r;
    }
    /* Stream.write: self.written += written */
    PyObject *total = PyLong_FromSsize_t(written);
    if (total == NULL)
        return NULL;
    PyObject *sum = PyNumber_Add(SLOT(s, o_written), total);
    if (sum == NULL) {
        Py_DECREF(total);
        return NULL;
    }
    PyObject *old = SLOT(s, o_written);
    SLOT(s, o_written) = sum;
    Py_DECREF(old);
    return total;
}

static int
exact_ssize(PyObject *o, Py_ssize_t *out)
{
    if (!PyLong_CheckExact(o))
        return 0;
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return 0;
    }
    if (v > PY_SSIZE_T_MAX || v < -PY_SSIZE_T_MAX)
        return 0;
    *out = (Py_ssize_t)v;
    return 1;
}

/* One call: the result, NULL on an exception, or FALLBACK (borrowed) */
static PyObject *
fe_run(FE *fe, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t n;
    PyObject *s, *r;
    switch (fe->kind) {
    case K_FGETS:
        if (nargs < 1 || nargs > 2 || (nargs == 2 && args[1] != Py_None))
            return FALLBACK;
        s = read_stream(args[0]);
        if (s == NULL)
            return FALLBACK;
        r = rb_line_c((RB *)s);
        if (r != Py_None)
            return r;
        Py_DECREF(r);
        Py_INCREF(s);
        r = stream_get_line_grow(s);
        Py_DECREF(s);
        return r == NULL ? NULL : false_if_none(r);
    case K_FREAD:
    case K_FGETC:
        if (fe->kind == K_FREAD) {
            if (nargs != 2 || !exact_ssize(args[1], &n) || n <= 0)
                return FALLBACK;
        }
        else {
            if (nargs != 1)
                return FALLBACK;
            n = 1;
        }
        s = read_stream(args[0]);
        if (s == NULL)
            return FALLBACK;
        Py_INCREF(s);
        r = stream_read(s, n);
        Py_DECREF(s);
        if (r == NULL || r == FALLBACK)
            return r;
        if (fe->kind == K_FGETC && r != Py_None && PyBytes_GET_SIZE(r) == 0) {
            Py_DECREF(r);
            Py_RETURN_FALSE;
        }
        return false_if_none(r);
    case K_GET_LINE: {
        PyObject *ending = nargs == 3 ? args[2] : empty_bytes;
        const char *delim;
        Py_ssize_t dlen;
        if (nargs < 2 || nargs > 3 || !exact_ssize(args[1], &n) || n < 0 ||
            !exact_data(ending, &delim, &dlen))
            return FALLBACK;
        s = read_stream(args[0]);
        if (s == NULL)
            return FALLBACK;
        Py_INCREF(s);
        Py_INCREF(ending);
        r = stream_get_record(s, n ? n : chunk_default, delim, dlen);
        Py_DECREF(ending);
        Py_DECREF(s);
        return r == NULL ? NULL : false_if_none(r);
    }
    case K_GET_CONTENTS: {
        /* only stream_get_contents($fp) / ($fp, null|-1) / ($fp, null|-1, -1) */
        if (nargs < 1 || nargs > 3)
            return FALLBACK;
        if (nargs >= 2 && args[1] != Py_None && !(exact_ssize(args[1], &n) && n == -1))
            return FALLBACK;
        if (nargs == 3 && !(exact_ssize(args[2], &n) && n == -1))
            return FALLBACK;
        s = read_stream(args[0]);
        if (s == NULL)
            return FALLBACK;
        Py_ssize_t chunk;
        if (stream_chunk_size(s, &chunk) < 0)
            return NULL;
        int no_buffer = truth(SLOT(s, o_nobuf));
        if (no_buffer < 0)
            return NULL;
        if (no_buffer || chunk == 1)
            return FALLBACK;
        Py_INCREF(s);
        r = stream_copy_all(s);
        Py_DECREF(s);
        return r;
    }
    case K_FEOF:
        if (nargs != 1)
            return FALLBACK;
        s = read_stream(args[0]);
        if (s == NULL)
            return FALLBACK;
        if (RB_UNREAD((RB *)s) > 0)
            Py_RETURN_FALSE;
        if (SLOT(s, o_eof) == Py_True)
            Py_RETURN_TRUE;
        return FALLBACK; /* the liveness probe is the Python code's */
    case K_FWRITE:
    case K_FPUTS: {
        int limited = 0;
        const char *p;
        Py_ssize_t full;
        n = -1;
        if (nargs < 2 || nargs > 3 || !exact_data(args[1], &p, &full) ||
            Py_TYPE(args[0]) != ResourceT)
            return FALLBACK;
        if (nargs == 3 && args[2] != Py_None) {
            if (!exact_ssize(args[2], &n))
                return FALLBACK;
            limited = 1;
        }
        Py_INCREF(args[1]);
        r = do_write(fe, args[0], args[1], p, full, n, limited);
        Py_DECREF(args[1]);
        return r;
    }
    }
    return FALLBACK;
}

/* fe_run for a call on a TLS stream: its state in current_call, and the end
 * php_function's wrapper gives a call (raise_pending) when a read went on in Python */
static PyObject *
fe_run_tls(FE *fe, PyObject *const *args, Py_ssize_t nargs)
{
    CallState call = {fe->kind, 0}, *outer = current_call;
    current_call = &call;
    PyObject *r = fe_run(fe, args, nargs);
    current_call = outer;
    if (call.resumed && r != NULL && r != FALLBACK) {
        PyObject *done = PyObject_CallNoArgs(TlsFinish);
        if (done == NULL)
            Py_CLEAR(r);
        else
            Py_DECREF(done);
    }
    return r;
}

static PyObject *
fe_vectorcall(PyObject *op, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    FE *fe = (FE *)op;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (configured && (kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0)) {
        /* a TLS stream's read may go on in Python: it says so in current_call
         * (thread-local storage is not free in a shared library: plain streams
         * never touch it) */
        PyObject *st = nargs >= 1 && Py_TYPE(args[0]) == ResourceT
                           ? SLOT(args[0], o_res_stream) : NULL;
        int tls = st != NULL && TlsOps != NULL && Py_TYPE(st) == StreamT &&
                  SLOT(st, o_ops) == TlsOps;
        PyObject *r = tls ? fe_run_tls(fe, args, nargs) : fe_run(fe, args, nargs);
        if (r != FALLBACK)
            return r;
    }
    return PyObject_Vectorcall(fe->fallback, args, nargsf, kwnames);
}

static PyObject *
fe_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"name", "fallback", "helper", NULL};
    PyObject *name, *fallback, *helper = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "UO|O:FastEntry", names, &name, &fallback,
                                     &helper))
        return NULL;
    int kind = -1;
    for (int i = 0; i < K_COUNT; i++)
        if (PyUnicode_CompareWithASCIIString(name, kind_names[i]) == 0)
            kind = i;
    if (kind < 0) {
        PyErr_Format(PyExc_ValueError, "no fast entry for %U", name);
        return NULL;
    }
    if ((kind == K_FWRITE || kind == K_FPUTS) && !PyCallable_Check(helper)) {
        PyErr_SetString(PyExc_TypeError, "fwrite/fputs need their helper");
        return NULL;
    }
    FE *fe = (FE *)type->tp_alloc(type, 0);
    if (fe == NULL)
        return NULL;
    fe->vectorcall = fe_vectorcall;
    fe->kind = kind;
    Py_INCREF(fallback);
    fe->fallback = fallback;
    Py_INCREF(helper);
    fe->helper = helper;
    Py_INCREF(name);
    fe->name = name;
    return (PyObject *)fe;
}

static int
fe_traverse(PyObject *op, visitproc visit, void *arg)
{
    FE *fe = (FE *)op;
    Py_VISIT(fe->fallback);
    Py_VISIT(fe->helper);
    Py_VISIT(fe->dict);
    return 0;
}

static int
fe_clear(PyObject *op)
{
    FE *fe = (FE *)op;
    Py_CLEAR(fe->fallback);
    Py_CLEAR(fe->helper);
    Py_CLEAR(fe->dict);
    return 0;
}

static void
fe_dealloc(PyObject *op)
{
    PyObject_GC_UnTrack(op);
    fe_clear(op);
    Py_CLEAR(((FE *)op)->name);
    Py_TYPE(op)->tp_free(op);
}

static PyObject *
fe_repr(PyObject *op)
{
    return PyUnicode_FromFormat("<phpstreams C fast entry %U>", ((FE *)op)->name);
}

static PyObject *
fe_get_fallback(PyObject *op, void *closure)
{
    FE *fe = (FE *)op;
    if (fe->fallback == NULL)
        Py_RETURN_NONE;
    Py_INCREF(fe->fallback);
    return fe->fallback;
}

static PyGetSetDef fe_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {"python", fe_get_fallback, NULL, "The Python function every other call goes to.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ------------------------------------------------------------------------ */
/* stream_select's common case: core/selecting.py's select_streams, mirrored
 *
 * select_plain(read, write, except_, timeout_ms) handles arrays that are None,
 * an exact list or an exact dict (three distinct objects, at least one entry)
 * whose every value is a live plain socket stream (the exact classes, ops
 * PLAIN, a descriptor 0 <= fd < FD_SETSIZE). It applies the buffered-data rule
 * (a read stream with unread bytes wins alone, nothing waits), else makes ONE
 * poll() (GIL released), counts the ready descriptors of each set as select()
 * does, and rewrites the arrays in place to their ready entries, in order.
 * It returns the count; (errno, max_fd) when poll() failed (a signal whose
 * handler returned: EINTR), the arrays untouched, for Python to warn; and
 * NotImplemented, before touching anything, for every other case (TLS, a bad
 * entry, a local stream, FD_SETSIZE, ...), which Python handles. */

#define SEL_FD_SETSIZE 1024

typedef struct {
    PyObject *array; /* borrowed: None, list or dict */
    PyObject *snap;  /* list: a copy of its items; dict: a list of its keys */
    Py_ssize_t n;
    int *fds;
    unsigned char *keep;
} SelSet;

/* 1 = collected, 0 = not our case, -1 = exception */
static int
sel_collect(SelSet *set, int *max_fd, Py_ssize_t *buffered)
{
    PyObject *array = set->array;
    set->n = 0;
    if (array == Py_None)
        return 1;
    int is_list = PyList_CheckExact(array);
    if (!is_list && !PyDict_CheckExact(array))
        return 0;
    Py_ssize_t n = is_list ? PyList_GET_SIZE(array) : PyDict_GET_SIZE(array);
    set->snap = PyList_New(n);
    if (set->snap == NULL)
        return -1;
    set->fds = PyMem_Malloc(sizeof(int) * (size_t)(n ? n : 1));
    set->keep = PyMem_Malloc((size_t)(n ? n : 1));
    if (set->fds == NULL || set->keep == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t i = 0, pos = 0;
    PyObject *key, *value;
    for (;;) {
        if (is_list) {
            if (i >= n)
                break;
            key = value = PyList_GET_ITEM(array, i);
        }
        else if (!PyDict_Next(array, &pos, &key, &value))
            break;
        if (Py_TYPE(value) != ResourceT)
            return 0;
        PyObject *s = SLOT(value, o_res_stream);
        if (s == NULL || Py_TYPE(s) != StreamT || SLOT(s, o_ops) != Plain)
            return 0;
        PyObject *t = SLOT(s, o_transport);
        if (t == NULL || Py_TYPE(t) != TransportT)
            return 0;
        PyObject *fdo = SLOT(t, o_fd);
        if (fdo == NULL || !PyLong_CheckExact(fdo))
            return 0;
        int overflow;
        long fd = PyLong_AsLongAndOverflow(fdo, &overflow);
        if (overflow || fd < 0 || fd >= SEL_FD_SETSIZE)
            return 0;
        set->fds[i] = (int)fd;
        set->keep[i] = 0;
        if (buffered != NULL && RB_UNREAD((RB *)s) > 0) {
            set->keep[i] = 1;
            (*buffered)++;
        }
        if (fd > *max_fd)
            *max_fd = (int)fd;
        Py_INCREF(key);
        PyList_SET_ITEM(set->snap, i, key);
        i++;
    }
    set->n = i;
    return 1;
}

/* the array's new contents (a list of the kept values, or of the dict keys to
 * delete) in set->snap; the arrays are only rewritten once every set is ready */
static int
sel_prepare(SelSet *set)
{
    if (set->array == Py_None)
        return 0;
    int is_list = PyList_CheckExact(set->array);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < set->n; i++)
        kept += set->keep[i] != 0;
    PyObject *out = PyList_New(is_list ? kept : set->n - kept);
    if (out == NULL)
        return -1;
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < set->n; i++) {
        if ((set->keep[i] != 0) == is_list) {
            PyObject *o = PyList_GET_ITEM(set->snap, i);
            Py_INCREF(o);
            PyList_SET_ITEM(out, j, o);
            j++;
        }
    }
    Py_SETREF(set->snap, out);
    return 0;
}

static int
sel_apply(SelSet *set)
{
    if (set->array == Py_None)
        return 0;
    if (PyList_CheckExact(set->array))
        return PyList_SetSlice(set->array, 0, PY_SSIZE_T_MAX, set->snap);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(set->snap); i++) {
        if (PyDict_DelItem(set->array, PyList_GET_ITEM(set->snap, i)) < 0) {
            if (!PyErr_ExceptionMatches(PyExc_KeyError))
                return -1;
            PyErr_Clear();
        }
    }
    return 0;
}

static PyObject *
sp_select_plain(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "select_plain() takes 4 arguments");
        return NULL;
    }
    if (!configured || !PyLong_CheckExact(args[3]))
        Py_RETURN_NOTIMPLEMENTED;
    int overflow;
    long timeout = PyLong_AsLongAndOverflow(args[3], &overflow);
    if (overflow || timeout < -1 || timeout > INT_MAX)
        Py_RETURN_NOTIMPLEMENTED;
    static const short masks[3] = {POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI};
    SelSet sets[3];
    memset(sets, 0, sizeof sets);
    for (int k = 0; k < 3; k++)
        sets[k].array = args[k];
    PyObject *result = NULL;
    int max_fd = -1, r = 1;
    if (args[0] != Py_None && (args[0] == args[1] || args[0] == args[2]))
        r = 0;
    if (args[1] != Py_None && args[1] == args[2])
        r = 0;
    Py_ssize_t count = 0;
    for (int k = 0; k < 3 && r == 1; k++)
        r = sel_collect(&sets[k], &max_fd, k == 0 ? &count : NULL);
    if (r < 0)
        goto done;
    if (r == 0 || sets[0].n + sets[1].n + sets[2].n == 0) {
        result = Py_NewRef(Py_NotImplemented);
        goto done;
    }
    /* PHP: data in a read stream's own buffer counts as readable, and wins alone
     * (sel_collect marked those read entries; the write and except arrays empty) */
    if (count == 0) {
        unsigned short interest[SEL_FD_SETSIZE];
        struct pollfd pfds[SEL_FD_SETSIZE];
        int slot[SEL_FD_SETSIZE];
        memset(interest, 0, sizeof interest);
        nfds_t nfds = 0;
        for (int k = 0; k < 3; k++) {
            for (Py_ssize_t i = 0; i < sets[k].n; i++) {
                int fd = sets[k].fds[i];
                if (interest[fd] == 0) {
                    slot[fd] = (int)nfds;
                    pfds[nfds].fd = fd;
                    pfds[nfds].revents = 0;
                    nfds++;
                }
                interest[fd] |= (unsigned short)masks[k];
                pfds[slot[fd]].events = (short)interest[fd];
            }
        }
        int ready, err = 0;
        for (;;) {
            Py_BEGIN_ALLOW_THREADS
            ready = poll(pfds, nfds, (int)timeout);
            err = errno;
            Py_END_ALLOW_THREADS
            if (ready >= 0)
                break;
            /* a poll that does not wait is retried (select.poll, PEP 475), as in Python */
            if (err == EINTR && timeout == 0) {
                if (PyErr_CheckSignals() < 0)
                    goto done;
                continue;
            }
            if (err == EINTR && PyErr_CheckSignals() < 0)
                goto done; /* the handler raised */
            result = Py_BuildValue("(ii)", err, max_fd);
            goto done;
        }
        for (int k = 0; k < 3; k++) {
            unsigned char seen[SEL_FD_SETSIZE];
            memset(seen, 0, sizeof seen);
            for (Py_ssize_t i = 0; i < sets[k].n; i++) {
                int fd = sets[k].fds[i];
                sets[k].keep[i] = ready > 0 && (pfds[slot[fd]].revents & masks[k]) != 0;
                if (sets[k].keep[i] && !seen[fd]) {
                    seen[fd] = 1;
                    count++; /* select() counts a descriptor once per set */
                }
            }
        }
    }
    for (int k = 0; k < 3; k++)
        if (sel_prepare(&sets[k]) < 0)
            goto done;
    for (int k = 0; k < 3; k++)
        if (sel_apply(&sets[k]) < 0)
            goto done;
    result = PyLong_FromSsize_t(count);
done:
    for (int k = 0; k < 3; k++) {
        Py_XDECREF(sets[k].snap);
        PyMem_Free(sets[k].fds);
        PyMem_Free(sets[k].keep);
    }
    return result;
}

static PyTypeObject FEType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "phpstreams.core._speedups.FastEntry",
    .tp_doc = "A PHP function's C fast path; every other call goes to its Python function.",
    .tp_basicsize = sizeof(FE),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = fe_new,
    .tp_dealloc = fe_dealloc,
    .tp_traverse = fe_traverse,
    .tp_clear = fe_clear,
    .tp_repr = fe_repr,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(FE, vectorcall),
    .tp_dictoffset = offsetof(FE, dict),
    .tp_getset = fe_getset,
};

/* ------------------------------------------------------------------------ */
/* 4. connect_inet4: transport/net.py's connect of a new IPv4 TCP socket to one
 * address with a timeout, done as CPython's settimeout(t) + connect_ex() +
 * settimeout(None) do it -- the same system calls in the same order, which are
 * PHP's pattern: ioctl(FIONBIO, 1), connect() -> EINPROGRESS, poll(POLLOUT|
 * POLLERR) with the time left (ceiling milliseconds), getsockopt(SO_ERROR),
 * ioctl(FIONBIO, 0). A signal interrupting connect() or poll() runs its handler
 * (PEP 475: an exception it raises ends the call) and the wait goes on for the
 * time left, as CPython's does. Returns 0, or the errno of the failed connect
 * (ETIMEDOUT when the time ran out); the caller owns (and closes) the socket. */

static long long
monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static PyObject *
sp_connect_inet4(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyLong_Check(args[0]) || !PyUnicode_Check(args[1]) ||
        !PyLong_Check(args[2]) || !PyLong_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "connect_inet4(fd: int, host: str, port: int, timeout_ms: int)");
        return NULL;
    }
    int fd = (int)PyLong_AsLong(args[0]);
    const char *host = PyUnicode_AsUTF8(args[1]);
    if (host == NULL)
        return NULL;
    long port = PyLong_AsLong(args[2]);
    long timeout_ms = PyLong_AsLong(args[3]);
    if (PyErr_Occurred())
        return NULL;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    if (fd < 0 || port < 0 || port > 65535 || timeout_ms <= 0 ||
        inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        PyErr_SetString(PyExc_ValueError, "connect_inet4: a descriptor, a dotted quad, a port, a timeout > 0");
        return NULL;
    }
    sa.sin_port = htons((unsigned short)port);

    int err = 0, on = 1, off = 0;
    Py_BEGIN_ALLOW_THREADS
    if (ioctl(fd, FIONBIO, &on) < 0)
        err = errno;
    else if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        err = errno;
    Py_END_ALLOW_THREADS
    if (err == EINTR) {
        if (PyErr_CheckSignals() < 0)
            return NULL;
        err = EINPROGRESS; /* CPython: the connect goes on; wait for it */
    }
    if (err == EINPROGRESS) {
        long long deadline = monotonic_ns() + (long long)timeout_ms * 1000000LL;
        for (;;) {
            long long left = deadline - monotonic_ns();
            if (left <= 0) {
                err = ETIMEDOUT;
                break;
            }
            struct pollfd pfd = {fd, POLLOUT | POLLERR, 0};
            int ms = (int)((left + 999999) / 1000000); /* _PyTime_ROUND_CEILING */
            int n, perr = 0;
            Py_BEGIN_ALLOW_THREADS
            n = poll(&pfd, 1, ms);
            if (n < 0)
                perr = errno;
            Py_END_ALLOW_THREADS
            if (n == 0) {
                err = ETIMEDOUT;
                break;
            }
            if (n < 0) {
                if (perr == EINTR) {
                    if (PyErr_CheckSignals() < 0)
                        return NULL;
                    continue;
                }
                err = perr;
                break;
            }
            socklen_t len = sizeof err;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
            break;
        }
    }
    if (err == 0 && ioctl(fd, FIONBIO, &off) < 0)
        err = errno;
    return PyLong_FromLong(err);
}

/* ------------------------------------------------------------------------ */

static PyMethodDef sp_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))sp_configure, METH_VARARGS | METH_KEYWORDS,
     "Give the fast entries the Python classes (and their slots) they may handle."},
    {"configure_tls", (PyCFunction)(void (*)(void))sp_configure_tls,
     METH_VARARGS | METH_KEYWORDS,
     "Give the fast reads the TLS classes (tls/io.py) they may handle."},
    {"select_plain", (PyCFunction)(void (*)(void))sp_select_plain, METH_FASTCALL,
     "stream_select over plain socket streams (core/selecting.py); NotImplemented: Python's."},
    {"connect_inet4", (PyCFunction)(void (*)(void))sp_connect_inet4, METH_FASTCALL,
     "transport/net.py's connect of an IPv4 socket with a timeout: 0 or the errno."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef sp_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "phpstreams.core._speedups",
    .m_doc = "Optional C speedups: the read buffer and the fast entries of the hot functions.",
    .m_size = -1,
    .m_methods = sp_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    empty_bytes = PyBytes_FromStringAndSize(NULL, 0);
    if (empty_bytes == NULL)
        return NULL;
    if (PyType_Ready(&RBType) < 0 || PyType_Ready(&FEType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&sp_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&RBType);
    if (PyModule_AddObject(m, "ReadBuffer", (PyObject *)&RBType) < 0) {
        Py_DECREF(&RBType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&FEType);
    if (PyModule_AddObject(m, "FastEntry", (PyObject *)&FEType) < 0) {
        Py_DECREF(&FEType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
