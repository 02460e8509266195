"""The app `dockfix init python` expects: listens on $PORT; / answers "ok"
after a real login to its database with the password from its secret file."""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Offline, the virtual environment stays empty: the client libraries come
# from the stand-in image's Debian packages.
sys.path.append("/usr/lib/python3/dist-packages")


def secret(name):
    f = os.environ.get(name + "_FILE")
    if f:
        with open(f) as fh:
            return fh.read().strip()
    return os.environ.get(name, "")


def probe():
    e = os.environ
    if "REDIS_HOST" in e:
        import redis
        r = redis.Redis(host=e["REDIS_HOST"], port=int(e.get("REDIS_PORT", "6379")),
                        username=e.get("REDIS_USERNAME"), password=secret("REDIS_PASSWORD"), socket_timeout=4)
        return "redis hits=%d" % r.incr("hits")
    if "DB_HOST" in e:
        port = int(e["DB_PORT"])
        if port == 5432:
            import psycopg2
            c = psycopg2.connect(host=e["DB_HOST"], port=port, user=e["DB_USER"], dbname=e["DB_NAME"],
                                 password=secret("DB_PASSWORD"), connect_timeout=4)
        else:
            import pymysql
            c = pymysql.connect(host=e["DB_HOST"], port=port, user=e["DB_USER"], database=e["DB_NAME"],
                                password=secret("DB_PASSWORD"), connect_timeout=4)
        cur = c.cursor()
        cur.execute("SELECT 1")
        cur.fetchone()
        c.close()
        return "db login"
    return "no database"


class H(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            body, code = "ok " + probe(), 200
        except Exception as ex:
            body, code = "error: %s" % ex, 500
            print(body, file=sys.stderr, flush=True)
        b = (body + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), H).serve_forever()
