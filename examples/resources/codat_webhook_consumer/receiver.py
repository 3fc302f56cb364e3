# A minimal webhook receiver: prints each event Codat sends and answers 204 at once, as Codat expects a 2XX
# within 15 seconds. Run it behind your HTTPS endpoint (or on 127.0.0.1 against a local sandbox):
#   python3 receiver.py 8080
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # webhook-id is the same for every attempt of a message: use it to skip duplicates.
        print(self.headers["webhook-id"], body.decode(), flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 8080), Receiver)
print("listening on port", server.server_port, flush=True)
server.serve_forever()
