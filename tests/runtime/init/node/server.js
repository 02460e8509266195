// The app `dockfix init node` expects: listens on $PORT; / answers "ok"
// after reaching the database with the password from its secret file
// (TCP for postgres/mysql, AUTH + PING for redis).
const fs = require("fs");
const http = require("http");
const net = require("net");

function secret(name) {
  const f = process.env[name + "_FILE"];
  return f ? fs.readFileSync(f, "utf8").trim() : process.env[name] || "";
}

function probe(cb) {
  const e = process.env;
  if (e.REDIS_HOST) {
    const pass = secret("REDIS_PASSWORD");
    const s = net.connect(+e.REDIS_PORT || 6379, e.REDIS_HOST);
    let buf = "";
    s.setTimeout(4000, () => { s.destroy(); cb(new Error("redis timeout")); });
    s.on("connect", () => s.write(`AUTH ${e.REDIS_USERNAME || "default"} ${pass}\r\nPING\r\n`));
    s.on("data", (d) => {
      buf += d;
      if (buf.includes("+PONG")) { s.end(); cb(null, "redis"); }
      else if (buf.includes("-")) { s.destroy(); cb(new Error("redis: " + buf.trim())); }
    });
    s.on("error", cb);
  } else if (e.DB_HOST) {
    secret("DB_PASSWORD");
    const s = net.connect(+e.DB_PORT, e.DB_HOST, () => { s.end(); cb(null, "db tcp"); });
    s.setTimeout(4000, () => { s.destroy(); cb(new Error("db timeout")); });
    s.on("error", cb);
  } else cb(null, "no database");
}

http.createServer((req, res) => {
  probe((err, what) => {
    if (err) { console.error("probe:", err.message); res.statusCode = 500; return res.end("error: " + err.message + "\n"); }
    res.end(`ok ${what}\n`);
  });
}).listen(+process.env.PORT || 3000, () => console.log("listening"));
