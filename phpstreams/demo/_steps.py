"""The walkthrough: each step's PHP code and its Python port, written once with the
placeholders @P465@ (implicit-TLS port), @P587@ (STARTTLS port) and @CAFILE@.

Both sides run with the same helpers: ``read_reply`` reads one SMTP reply, and the
PHP side's fwrite/fgets/stream_socket_enable_crypto echo what they exchanged as the
Python side records it (C: sent, S: received), so both print the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PHP_HELPERS", "PY_HELPERS", "STEPS", "Step"]


@dataclass(frozen=True)
class Step:
    title: str
    intro: str
    php: str
    py: str
    #: (name shown, PHP expression, Python expression) observed after the code ran
    observe: tuple[tuple[str, str, str], ...]
    #: what the student should see: the Python expression that must be true, and
    #: the verdict printed when it is (and when it is not)
    expect: str
    verdict: str
    surprise: str
    shows_inbox: bool = False
    #: environment variables set while the step runs (on both sides)
    env: dict[str, str] = field(default_factory=dict)


PHP_HELPERS = """\
function read_reply($fp) { while (($line = fgets($fp)) !== false && $line[3] === '-'); }"""

PY_HELPERS = """\
def read_reply(fp):
    while (line := fgets(fp)) is not False and line[3:4] == b"-":
        pass"""

SETUP_PHP = 'stream_context_set_default(["ssl" => ["cafile" => "@CAFILE@"]]);'
SETUP_PY = 'stream_context_set_default({"ssl": {"cafile": "@CAFILE@"}})'

_FP = ("$fp", "$fp", "fp")
_ERRNO = ("$errno", "$errno", "errno.value")
_ERRSTR = ("$errstr", "$errstr", "errstr.value")
_OK = ("$ok", "$ok", "ok")

STEPS: tuple[Step, ...] = (
    Step(
        title="Port 465 (implicit TLS): fsockopen with tls://",
        intro="TLS from the first byte: the 220 banner arrives already encrypted. "
        "fsockopen() takes no context, so it verifies the server against OpenSSL's "
        "default CA store; a real 465 server's certificate is in the system store, "
        "and here SSL_CERT_FILE makes the demo CA that store (environment: "
        "SSL_CERT_FILE=@CAFILE@).",
        php="""\
$fp = fsockopen("tls://127.0.0.1", @P465@, $errno, $errstr, 5);
read_reply($fp);
$crypto = stream_get_meta_data($fp)["crypto"]["protocol"];
fwrite($fp, "QUIT\\r\\n");
read_reply($fp);
fclose($fp);""",
        py="""\
fp = fsockopen("tls://127.0.0.1", @P465@, errno, errstr, 5)
read_reply(fp)
crypto = stream_get_meta_data(fp)["crypto"]["protocol"]
fwrite(fp, "QUIT\\r\\n")
read_reply(fp)
fclose(fp)""",
        observe=(_FP, _ERRNO, _ERRSTR, ("$crypto", "$crypto", "crypto")),
        expect="fp is not False",
        verdict="tls:// on the implicit-TLS port works: the banner was read over TLS",
        surprise="fsockopen failed on the implicit-TLS port",
        env={"SSL_CERT_FILE": "@CAFILE@"},
    ),
    Step(
        title="fsockopen ignores the default context (PHP 8.2 passes it none)",
        intro="stream_context_set_default() with the demo CA, and no SSL_CERT_FILE: "
        "fsockopen() opens its stream without any context, so the cafile is not "
        "used and verification fails. stream_socket_client() (next steps) does use "
        "the default context.",
        php=SETUP_PHP + """
$fp = fsockopen("tls://127.0.0.1", @P465@, $errno, $errstr, 5);""",
        py=SETUP_PY + """
fp = fsockopen("tls://127.0.0.1", @P465@, errno, errstr, 5)""",
        observe=(_FP, _ERRNO, _ERRSTR),
        expect="fp is False",
        verdict="as PHP 8.2 does: the default context's cafile does not reach fsockopen",
        surprise="fsockopen used the default context",
    ),
    Step(
        title="Port 587 (STARTTLS) with tls:// -- the manual's user-note mistake",
        intro="The STARTTLS port speaks plain text first: its '220' banner is not a "
        "TLS record, so the handshake fails and fsockopen returns false.",
        php="""\
$fp = fsockopen("tls://127.0.0.1", @P587@, $errno, $errstr, 5);""",
        py="""\
fp = fsockopen("tls://127.0.0.1", @P587@, errno, errstr, 5)""",
        observe=(_FP, _ERRNO, _ERRSTR),
        expect="fp is False",
        verdict="tls:// on the STARTTLS port fails, with PHP's warnings",
        surprise="tls:// on the STARTTLS port did not fail",
    ),
    Step(
        title="Port 587 done right: tcp://, EHLO, STARTTLS, then crypto; a message",
        intro="Plain text until STARTTLS, then stream_socket_enable_crypto() turns "
        "the same stream into TLS (verified against the default context's CA).",
        php="""\
$fp = stream_socket_client("tcp://127.0.0.1:@P587@", $errno, $errstr, 5);
read_reply($fp);
fwrite($fp, "EHLO client.example\\r\\n"); read_reply($fp);
fwrite($fp, "STARTTLS\\r\\n"); read_reply($fp);
$ok = stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
fwrite($fp, "EHLO client.example\\r\\n"); read_reply($fp);
fwrite($fp, "MAIL FROM:<student@example.test>\\r\\n"); read_reply($fp);
fwrite($fp, "RCPT TO:<teacher@example.test>\\r\\n"); read_reply($fp);
fwrite($fp, "DATA\\r\\n"); read_reply($fp);
fwrite($fp, "Subject: homework\\r\\n\\r\\nSent over STARTTLS.\\r\\n.\\r\\n");
read_reply($fp);
fwrite($fp, "QUIT\\r\\n"); read_reply($fp);
fclose($fp);""",
        py="""\
fp = stream_socket_client("tcp://127.0.0.1:@P587@", errno, errstr, 5)
read_reply(fp)
fwrite(fp, "EHLO client.example\\r\\n"); read_reply(fp)
fwrite(fp, "STARTTLS\\r\\n"); read_reply(fp)
ok = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT)
fwrite(fp, "EHLO client.example\\r\\n"); read_reply(fp)
fwrite(fp, "MAIL FROM:<student@example.test>\\r\\n"); read_reply(fp)
fwrite(fp, "RCPT TO:<teacher@example.test>\\r\\n"); read_reply(fp)
fwrite(fp, "DATA\\r\\n"); read_reply(fp)
fwrite(fp, "Subject: homework\\r\\n\\r\\nSent over STARTTLS.\\r\\n.\\r\\n")
read_reply(fp)
fwrite(fp, "QUIT\\r\\n"); read_reply(fp)
fclose(fp)""",
        observe=(_FP, _OK),
        expect="ok is True",
        verdict="STARTTLS upgrade works and the message was delivered",
        surprise="the STARTTLS upgrade failed",
        shows_inbox=True,
    ),
    Step(
        title="The same upgrade without the demo CA: verification is on by default",
        intro="An explicit context replaces the default one: no cafile, so the "
        "server's certificate cannot be verified and the upgrade fails.",
        php="""\
$ctx = stream_context_create();
$fp = stream_socket_client("tcp://127.0.0.1:@P587@", $errno, $errstr, 5,
    STREAM_CLIENT_CONNECT, $ctx);
read_reply($fp);
fwrite($fp, "EHLO client.example\\r\\n"); read_reply($fp);
fwrite($fp, "STARTTLS\\r\\n"); read_reply($fp);
$ok = stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
fclose($fp);""",
        py="""\
ctx = stream_context_create()
fp = stream_socket_client("tcp://127.0.0.1:@P587@", errno, errstr, 5,
                          STREAM_CLIENT_CONNECT, ctx)
read_reply(fp)
fwrite(fp, "EHLO client.example\\r\\n"); read_reply(fp)
fwrite(fp, "STARTTLS\\r\\n"); read_reply(fp)
ok = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT)
fclose(fp)""",
        observe=(_OK,),
        expect="ok is False",
        verdict="without the CA the upgrade fails: peer verification is on by default",
        surprise="the upgrade succeeded without the CA",
    ),
    Step(
        title="... and with cafile in the context it succeeds",
        intro="The same code, the context now names the CA that signed the server's "
        "certificate.",
        php="""\
$ctx = stream_context_create(["ssl" => ["cafile" => "@CAFILE@"]]);
$fp = stream_socket_client("tcp://127.0.0.1:@P587@", $errno, $errstr, 5,
    STREAM_CLIENT_CONNECT, $ctx);
read_reply($fp);
fwrite($fp, "EHLO client.example\\r\\n"); read_reply($fp);
fwrite($fp, "STARTTLS\\r\\n"); read_reply($fp);
$ok = stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
fwrite($fp, "QUIT\\r\\n"); read_reply($fp);
fclose($fp);""",
        py="""\
ctx = stream_context_create({"ssl": {"cafile": "@CAFILE@"}})
fp = stream_socket_client("tcp://127.0.0.1:@P587@", errno, errstr, 5,
                          STREAM_CLIENT_CONNECT, ctx)
read_reply(fp)
fwrite(fp, "EHLO client.example\\r\\n"); read_reply(fp)
fwrite(fp, "STARTTLS\\r\\n"); read_reply(fp)
ok = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT)
fwrite(fp, "QUIT\\r\\n"); read_reply(fp)
fclose(fp)""",
        observe=(_OK,),
        expect="ok is True",
        verdict="with cafile the verified upgrade succeeds",
        surprise="the upgrade failed even with the CA",
    ),
    Step(
        title="Port 465 with plain tcp://: the connect works, then nothing comes",
        intro="The implicit-TLS server waits for a TLS ClientHello and the client "
        "waits for a banner: fgets() blocks until the read timeout (2 s here; the "
        "connect timeout of 5 s covers the connect only).",
        php="""\
$fp = stream_socket_client("tcp://127.0.0.1:@P465@", $errno, $errstr, 5);
stream_set_timeout($fp, 2);
$line = fgets($fp);
$timed_out = stream_get_meta_data($fp)["timed_out"];
fclose($fp);""",
        py="""\
fp = stream_socket_client("tcp://127.0.0.1:@P465@", errno, errstr, 5)
stream_set_timeout(fp, 2)
line = fgets(fp)
timed_out = stream_get_meta_data(fp)["timed_out"]
fclose(fp)""",
        observe=(_FP, ("$line", "$line", "line"), ("$timed_out", "$timed_out", "timed_out")),
        expect="line is False and timed_out is True",
        verdict="plain tcp:// to the implicit-TLS port hangs: fgets false after the timeout",
        surprise="the plain read on the implicit-TLS port did not time out",
    ),
)
