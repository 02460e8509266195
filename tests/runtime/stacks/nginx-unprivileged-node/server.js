const http = require("http");
const os = require("os");
http.createServer((req, res) => {
  res.end(`hello from node uid=${process.getuid()} host=${os.hostname()}\n`);
}).listen(3000, () => console.log("listening on 3000"));
