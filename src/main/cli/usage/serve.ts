/** The text of `biascope serve --help`, importable without the server. */

export const SERVE_USAGE = `Usage: biascope serve [--port <n>] [--host <address>] [--data <dir>] [options]

Serves the app to a browser: the interface and API of the desktop app over HTTP and a
WebSocket. Prints the URL to open; it holds the access token every request needs.
Ctrl-C stops the server.

Options:
  --port <n>           port to listen on                  (default: a free one)
  --host <address>     address to listen on               (default: 127.0.0.1, this machine only)
  --allow-host <name>  another name browsers reach the server by, e.g. a DNS
                       name behind --host 0.0.0.0          (repeatable)
  --data <dir>         where settings and library.db live (default: $BIASCOPE_DATA,
                       else $XDG_DATA_HOME/biascope, else ~/.local/share/biascope)
  --db <file>          an audit database to open instead of <data>/library.db,
                       e.g. the audit.db written by biascope audit
  --workers <n>        worker threads of audits           (default: one per core)
  -h, --help           show this help

From another machine, prefer an SSH tunnel to --host 0.0.0.0, which serves plain
(unencrypted) HTTP to the network:
  ssh -L 8080:127.0.0.1:8080 <server>   then, there: biascope serve --port 8080`;
