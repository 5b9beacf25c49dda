/** The help texts; `{program}` becomes the name the CLI was invoked by. */

const exitStatus = `Exit status:
  0    the connection closed with normalClosure (1000), from either side
  1    it closed with another code (1001-1014, 3000-4999), unless 3 or 4 applies
  2    usage error: a bad command line (the message says what to fix)
  3    could not connect: refused, DNS, TLS, or the server answered HTTP 200/4xx/5xx
  4    the connection was lost without a Close frame (1006)
  130  interrupted twice with Ctrl-C`;

export const programUsage = `Usage: {program} <command> [options]

WebSocket from the command line, with typed close codes.
Installed as rxjs-websocket-task and as its short alias wstask.

Commands:
  connect <url>    connect to a server: stdin lines are sent, messages are printed
  listen <port>    run an echo (or broadcast) server for quick tests

Options:
  -h, --help       show this help; after a command, that command's options
  -v, --version    show the version

Examples:
  {program} connect ws://127.0.0.1:8080/chat
  echo '{"op":"sub"}' | {program} connect wss://example.com/feed --json -k
  {program} listen 8080 --broadcast

${exitStatus}
`;

export const connectUsage = `Usage: {program} connect <url> [options]

Connects to <url> (ws:, wss:, http: or https:). Each line on stdin is sent as a text
message; each message received is printed on stdout, binary ones as hex:
  binary (3 bytes): 01 02 ff
Status lines go to stderr. When stdin ends, the connection closes with normalClosure
(1000); Ctrl-C does the same (twice: quit at once). How it ended is printed last:
  closed: policyViolation (1008) "reason"

Options:
  -p, --protocol <name>       offer a subprotocol (repeatable)
  -H, --header <name: value>  add a header to the upgrade request (repeatable)
  -o, --origin <origin>       set the Origin header
      --json                  pretty-print messages that are JSON
      --slash                 read /commands on stdin: /ping, /close [code] [reason],
                              /binary <hex>
  -w, --wait <seconds>        after stdin ends, keep receiving this long, then close
  -k, --keep-open             after stdin ends, stay until the server closes or Ctrl-C
      --max-message-size <n>  largest message to accept, in bytes (default 1048576);
                              a larger one closes with messageTooBig (1009)
      --insecure              accept any TLS certificate (for testing only)
  -h, --help                  show this help

${exitStatus}
`;

export const listenUsage = `Usage: {program} listen <port> [options]

Runs a WebSocket server on <port> (0: any free port) for quick tests. By default every
message is echoed to its sender; with --broadcast it goes to every client.
Lines typed on stdin are sent to every client. Messages are printed on stdout as
"#<connection>: <message>", connections and their close codes on stderr.
Ctrl-C (or SIGTERM) shuts down gracefully: every client receives goingAway (1001).
Exit status: 0 after a graceful shutdown, 1 if it cannot listen, 2 usage error.

Options:
      --host <address>        the address to bind (default 127.0.0.1; 0.0.0.0: all)
  -b, --broadcast             send each message to every client, the sender included
  -p, --protocol <name>       a subprotocol it speaks (repeatable, preferred first)
      --json                  pretty-print messages that are JSON
      --max-message-size <n>  largest message to accept, in bytes (default 1048576)
  -h, --help                  show this help

Limits (each refused upgrade and each close for a limit is printed on stderr):
      --allow-origin <origin> a web page origin that may connect, e.g.
                              https://app.example.com or https://*.example.com
                              (repeatable; * for any). Default: pages on the host the
                              client connected to. Other pages get HTTP 403.
      --max-connections <n>   most connections at once (default 10000); more get
                              HTTP 503 with Retry-After
      --max-connections-per-address <n>
                              most connections at once from one address (default:
                              no limit); more get HTTP 503 with Retry-After
      --client-address-header <name>
                              the header your proxy puts the client's address in,
                              e.g. x-forwarded-for (trust it only behind your proxy)
      --handshake-timeout <seconds>
                              time a client has to send its upgrade request
                              (default 10; 0: no limit); then HTTP 408
      --rate <n>[/<seconds>]  close a client that sends more than n messages a second
                              (or per <seconds>) with policyViolation (1008)
      --rate-bytes <n>[/<seconds>]
                              the same for bytes of messages (at least the
                              --max-message-size)
`;

/** A help text with the program name filled in. */
export function usage(text: string, program: string): string {
  return text.replaceAll('{program}', program);
}
