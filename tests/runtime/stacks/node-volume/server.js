// Appends a note to data/notes.txt on /write; /health answers ok.
const fs = require("fs");
const http = require("http");
http.createServer((req, res) => {
  if (req.url === "/health") return res.end("ok\n");
  if (req.url === "/write") {
    try {
      fs.appendFileSync("/app/data/notes.txt", `note ${Date.now()}\n`);
      const n = fs.readFileSync("/app/data/notes.txt", "utf8").split("\n").length - 1;
      return res.end(`write ok notes=${n}\n`);
    } catch (e) {
      console.error("write failed:", e.message);
      res.statusCode = 500;
      return res.end(`error: ${e.message}\n`);
    }
  }
  res.statusCode = 404;
  res.end("not found\n");
}).listen(3000, () => console.log("listening on 3000"));
