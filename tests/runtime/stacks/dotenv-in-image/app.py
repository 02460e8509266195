"""A web app that loads its settings from the .env copied into the image
with the rest of its folder (as python-dotenv and Node's dotenv do)."""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def load_dotenv(path=".env"):
    settings = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                settings[k.strip()] = v.strip()
    return settings


try:
    SETTINGS = load_dotenv()
except OSError as e:
    print(f"cannot read the settings: {e}", file=sys.stderr)
    sys.exit(1)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"settings ok greeting={SETTINGS.get('APP_GREETING', '')}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
