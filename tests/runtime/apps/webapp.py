"""A small web application for the runtime tests.

Configuration as real applications take it: DATABASE_URL (postgres:// or
mysql://), or PG* variables, or DB_HOST with DB_USER/DB_PASS(WORD)/DB_NAME
(or the POSTGRES_* variables the database gets) and DB_KIND; REDIS_URL and CELERY_BROKER_URL; WRITE_DIR for files it stores.
Routes: /health, /db, /redis, /job (through the worker), /write.
With WORKER=1 it runs the job worker instead of the web server.
"""
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def db_connect():
    url = os.environ.get("DATABASE_URL", "")
    kind = os.environ.get("DB_KIND", "postgres")
    if url.startswith("mysql"):
        kind = "mysql"
    if kind == "mysql":
        import pymysql
        if url:
            u = urllib.parse.urlparse(url)
            args = dict(host=u.hostname, port=u.port or 3306, user=urllib.parse.unquote(u.username or ""),
                        password=urllib.parse.unquote(u.password or ""), database=u.path.lstrip("/"))
        else:
            args = dict(host=os.environ["DB_HOST"], port=int(os.environ.get("DB_PORT", "3306")),
                        user=os.environ["DB_USER"],
                        password=os.environ.get("DB_PASSWORD", os.environ.get("DB_PASS", "")),
                        database=os.environ["DB_NAME"])
        return pymysql.connect(connect_timeout=5, **args), "mysql"
    import psycopg2
    if url:
        return psycopg2.connect(url, connect_timeout=5), "postgres"
    if "DB_HOST" in os.environ:
        e = os.environ.get
        user = e("DB_USER", e("POSTGRES_USER", "postgres"))
        return psycopg2.connect(host=e("DB_HOST"), port=e("DB_PORT", "5432"), user=user,
                                password=e("DB_PASSWORD", e("DB_PASS", e("POSTGRES_PASSWORD", ""))),
                                dbname=e("DB_NAME", e("POSTGRES_DB", user)), connect_timeout=5), "postgres"
    return psycopg2.connect("", connect_timeout=5), "postgres"  # PGHOST, PGUSER, ...


def db_check():
    conn, kind = db_connect()
    try:
        cur = conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS visits (id INTEGER)")
        cur.execute("INSERT INTO visits VALUES (1)")
        conn.commit()
        cur.execute("SELECT COUNT(*) FROM visits")
        n = cur.fetchone()[0]
        cur.execute("SELECT current_user" if kind == "postgres" else "SELECT CURRENT_USER()")
        user = cur.fetchone()[0]
        return "db ok %s user=%s visits=%d" % (kind, user, n)
    finally:
        conn.close()


def redis_client(var):
    import redis
    return redis.Redis.from_url(os.environ[var], socket_timeout=5, socket_connect_timeout=5)


def redis_check():
    return "redis ok hits=%d" % redis_client("REDIS_URL").incr("hits")


def job_check():
    r = redis_client("CELERY_BROKER_URL")
    job = "%d-%d" % (os.getpid(), time.time_ns())
    r.lpush("jobs", job)
    for _ in range(50):
        if r.get("done:" + job):
            return "job ok " + job
        time.sleep(0.1)
    raise RuntimeError("job %s not done by the worker" % job)


def write_check():
    d = os.environ.get("WRITE_DIR", "/app/data")
    p = os.path.join(d, "upload-%d.txt" % time.time_ns())
    with open(p, "w") as f:
        f.write("hello\n")
    return "write ok %s (%d files)" % (p, len(os.listdir(d)))


ROUTES = {"/db": db_check, "/redis": redis_check, "/job": job_check, "/write": write_check,
          "/health": lambda: "ok"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        fn = ROUTES.get(self.path)
        if fn is None:
            self.send_error(404)
            return
        try:
            body, code = fn(), 200
        except Exception as e:  # the check reads the reason
            body, code = "error: %s: %s" % (type(e).__name__, e), 500
            print(self.path, body, file=sys.stderr, flush=True)
        data = (body + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET


def worker():
    r = redis_client("CELERY_BROKER_URL")
    print("worker: waiting for jobs", flush=True)
    while True:
        # Shorter than the socket timeout, so an idle wait is not an error.
        item = r.brpop("jobs", timeout=2)
        if item:
            r.set("done:" + item[1].decode(), "1", ex=60)


if __name__ == "__main__":
    if os.environ.get("WORKER") == "1":
        worker()
    port = int(os.environ.get("PORT", "8000"))
    print("listening on", port, flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
